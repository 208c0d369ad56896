"""allauth adapter: every self-registered account is a candidate."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
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
