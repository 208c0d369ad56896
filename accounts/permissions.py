"""Permission checks shared by every app.

A check is a function ``(user, obj=None) -> Decision``: a ``(allowed, reason)`` pair whose
reason is shown on the 403 page and asserted by the tests. Views use ``require`` or
``RequireMixin``; templates may call the same functions through the views' context.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from . import roles


class Decision(NamedTuple):
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:  # a Decision reads as its verdict
        return self.allowed


ALLOW = Decision(True, "")


def deny(reason) -> Decision:
    return Decision(False, str(reason))


def authenticated(user) -> Decision:
    if not getattr(user, "is_authenticated", False):
        return deny(_("Vous devez vous connecter."))
    return ALLOW


def role_check(*allowed_roles: str, reason=None) -> Callable[..., Decision]:
    """A check that passes for users holding one of ``allowed_roles``."""

    def check(user, obj=None) -> Decision:
        if not (decision := authenticated(user)):
            return decision
        if roles.has_role(user, *allowed_roles):
            return ALLOW
        return deny(reason or _("Cette page est réservée à l'équipe du programme."))

    return check


is_staff_member = role_check(roles.STAFF, roles.ADMIN)
is_admin = role_check(roles.ADMIN, reason=_("Cette page est réservée aux administrateur·rice·s."))


def require(check: Callable[..., Decision], get_object: Callable | None = None):
    """View decorator: ``@require(is_staff_member)``; ``get_object(request, **kwargs)`` for objects."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = get_object(request, **kwargs) if get_object else None
            decision = check(request.user, obj) if get_object else check(request.user)
            if not decision.allowed and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not decision.allowed:
                raise PermissionDenied(decision.reason)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RequireMixin:
    """Class-based views: set ``permission_check``; object views may override ``get_permission_object``."""

    permission_check: Callable[..., Decision] = staticmethod(is_staff_member)

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        self.request, self.args, self.kwargs = request, args, kwargs
        obj = self.get_permission_object()
        check = type(self).permission_check
        decision = check(request.user, obj) if obj is not None else check(request.user)
        if not decision.allowed:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied(decision.reason)
        return super().dispatch(request, *args, **kwargs)
