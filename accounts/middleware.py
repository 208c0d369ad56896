"""Staff, evaluators and admins reach a private page only in a session that passed the second factor.

The rule is about the session, not the account: allauth records each authentication step of a
session (``get_authentication_records``); an ``"mfa"`` record means this session passed the TOTP
code or a recovery code (at login or at ``mfa_reauthenticate``), and activating TOTP records one
too (``accounts.signals``: the user has just typed a valid code). Any other way into a session —
``force_login``, a future login by e-mail code or after a password reset — lacks that record and
is stopped here, whatever the sign-in path was:

- a user with no TOTP device is sent to set one up;
- a user with a device whose session did not pass it is sent to ``mfa_reauthenticate``.

Exempt: the public site, and in the root namespace only, the named sign-in and set-up screens
(``SECOND_FACTOR_SETUP_URL_NAMES``). The admin's pages of e-mail addresses and authenticators
(``admin:account_emailaddress_*``, ``admin:mfa_authenticator_*``) are private like any other.

``PrivateCacheMiddleware`` marks every answer to a signed-in user, and every non-public page,
``Cache-Control: private, no-store``: no shared proxy or browser history keeps a copy.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .roles import has_role

PUBLIC_NAMESPACES = {"events"}
# Pages of the public site outside the events namespace (root namespace only).
PUBLIC_URL_NAMES = {"set_language", "javascript-catalog", "healthz"}
# Root-namespace screens a user must reach to sign in, sign out, or finish setting up the
# second factor. Everything else of allauth (e-mail addresses, password change, recovery codes,
# deactivating TOTP) needs a session that passed the second factor.
SECOND_FACTOR_SETUP_URL_NAMES = {
    "account_login",
    "account_logout",
    "account_inactive",
    # Activating TOTP asks for a recent authentication first (password, or the e-mailed code).
    "account_reauthenticate",
    "mfa_activate_totp",
    # The code asked during login, and again for a session that has not passed it.
    "mfa_authenticate",
    "mfa_reauthenticate",
    # Links from e-mails: confirming an address, resetting a forgotten password.
    "account_email_verification_sent",
    "account_confirm_email",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
}
PRIVATE_CACHE_CONTROL = "private, no-store"


def user_has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(user, "_has_second_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_second_factor = cached
    return cached


def session_passed_second_factor(request, user) -> bool:
    """True when this session recorded a second-factor step for ``user`` (login, reauthentication, activation)."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def is_public_view(match) -> bool:
    """Pages of the public site, open to anyone (no match: a 404 page, public too)."""
    if match is None:
        return True
    if PUBLIC_NAMESPACES & set(match.namespaces):
        return True
    return not match.namespaces and match.url_name in PUBLIC_URL_NAMES


def is_exempt_from_second_factor(match) -> bool:
    if is_public_view(match):
        return True
    return not match.namespaces and match.url_name in SECOND_FACTOR_SETUP_URL_NAMES


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
        if is_exempt_from_second_factor(request.resolver_match):
            return None
        if not user_has_second_factor(user):
            messages.warning(
                request,
                _("Votre rôle exige une double authentification : configurez une application TOTP pour continuer."),
            )
            return redirect("mfa_activate_totp")
        if session_passed_second_factor(request, user):
            return None
        messages.warning(
            request,
            _("Votre rôle exige une double authentification : saisissez le code de votre application TOTP."),
        )
        query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer but a public page seen anonymously.

    Sits after WhiteNoise (static files keep their long cache) and before the session
    middleware (reading ``request.user`` here adds no ``Vary: Cookie``). Public pages answered
    to visitors keep their own caching (``events.cache``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or not is_public_view(getattr(request, "resolver_match", None)):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
