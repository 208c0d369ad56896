"""allauth adapter: every self-registered account is a candidate; account e-mails go to the e-mail log."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from . import roles


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or settings.LANGUAGE_CODE
        if commit:
            user.save()
            roles.grant_role(user, roles.CANDIDATE)
        return user

    def is_open_for_signup(self, request) -> bool:
        return True

    def send_mail(self, template_prefix: str, email, context: dict) -> None:
        """Render allauth's message as allauth does, then hand it to the messenger: every account
        e-mail (address confirmation, password reset, notifications) is in the e-mail log with its
        state, and a failed delivery is retried like any other message."""
        from notifications import services as messenger

        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "expiration_days": account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        language = translation.get_language() or settings.LANGUAGE_CODE
        for address in message.to:
            messenger.send_text(template_prefix, address, message.subject, message.body, language=language)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login made within the reauthentication timeout counts as a recent authentication.

        Staff are sent to set up their second factor right after logging in (the
        middleware); asking for the password they typed seconds ago would only get in the way.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        if not records:
            return True
        return time.time() - records[-1]["at"] >= account_settings.REAUTHENTICATION_TIMEOUT
