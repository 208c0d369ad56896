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
from django.http import Http404
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


def _refusal(request, decision: Decision):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(decision.reason)


def _decide(user, check: Callable[..., Decision], load: Callable | None) -> Decision:
    """The decision on ``load()``'s object, answered alike whether the object exists or not.

    Checking after the lookup would tell a visitor which ids exist (a redirect or 403 for
    those, a 404 for the others). So: an anonymous visitor is judged without any lookup (sent
    to log in); an authenticated user whose object is missing gets the refusal the check gives
    with no object, that is, the same 403 and reason as for an object they may not see (every
    check refuses ``obj=None`` to a user who needs ownership). Only a user the check lets in
    without an object (staff) learns that an id is missing (404), and they may see all ids.
    403 rather than 404 for both: the refusal keeps its reason, which the 403 page shows.
    """
    if load is None:
        return check(user)
    if not user.is_authenticated and not (decision := check(user)):
        return decision
    try:
        obj = load()
    except Http404:
        if not (decision := check(user)):
            return decision
        raise
    return check(user) if obj is None else check(user, obj)


def require(check: Callable[..., Decision], get_object: Callable | None = None):
    """View decorator: ``@require(is_staff_member)``; ``get_object(request, **kwargs)`` for objects.

    ``get_object`` raises ``Http404`` for a missing object; ``_decide`` makes that answer the
    same as a refusal for a user who may not see the object.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            load = (lambda: get_object(request, **kwargs)) if get_object else None
            decision = _decide(request.user, check, load)
            if not decision.allowed:
                return _refusal(request, decision)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RequireMixin:
    """Class-based views: set ``permission_check``; object views override ``get_permission_object``.

    ``get_permission_object`` returns the object (raising ``Http404`` when missing), or ``None``
    for a view without object; a missing object is answered as in ``require``.
    """

    permission_check: Callable[..., Decision] = staticmethod(is_staff_member)

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        self.request, self.args, self.kwargs = request, args, kwargs
        check = type(self).permission_check
        decision = _decide(request.user, check, self.get_permission_object)
        if not decision.allowed:
            return _refusal(request, decision)
        return super().dispatch(request, *args, **kwargs)
