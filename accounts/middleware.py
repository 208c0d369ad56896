"""Staff, evaluators and admins reach no private page before they hold a second factor.

allauth asks for the TOTP code at login once a user has one; this middleware covers the
other half: a user of those roles without any authenticator is sent to set one up. Public
pages (the site, the account and MFA pages themselves, static files) stay reachable.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .roles import has_role

PUBLIC_NAMESPACES = {"events", "public"}
PUBLIC_URL_PREFIXES = ("account_", "mfa_")
PUBLIC_URL_NAMES = {"set_language", "javascript-catalog", "robots", "sitemap", "healthz"}


def user_has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_has_second_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_second_factor = cached
    return cached


def is_public_view(match) -> bool:
    if match is None:
        return True
    if PUBLIC_NAMESPACES & set(match.namespaces):
        return True
    name = match.url_name or ""
    return name in PUBLIC_URL_NAMES or name.startswith(PUBLIC_URL_PREFIXES)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not user or not user.is_authenticated:
            return None
        if not has_role(user, *settings.SECOND_FACTOR_ROLES):
            return None
        if is_public_view(request.resolver_match):
            return None
        if user_has_second_factor(user):
            return None
        messages.warning(
            request,
            _("Votre rôle exige une double authentification : configurez une application TOTP pour continuer."),
        )
        return redirect("mfa_activate_totp")
