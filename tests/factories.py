"""Factories shared by every app's tests. Traits name lifecycle states (pretalx/Hypha style)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from accounts.models import User


def give_second_factor(user) -> str:
    """Activate a TOTP authenticator for ``user``; returns the base32 secret (to compute codes)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.__dict__.pop("_has_second_factor", None)
    return secret


def sign_in(client, user) -> None:
    """Log ``client`` in as ``user`` with the session a real sign-in leaves.

    ``force_login`` alone records no authentication step, so for staff, evaluators and admins
    it is a session that never passed the second factor (``accounts.middleware`` turns it
    away). This writes allauth's own records, through allauth's own function: the password,
    then the TOTP code when the user holds a device.
    """
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest

    client.force_login(user)
    request = HttpRequest()
    request.session, request.user = client.session, user
    record_authentication(request, user, "password", email=user.email)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
    request.session.save()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-9")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            group, _ = Group.objects.get_or_create(name=extracted)
            self.groups.add(group)
        self.save()

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        if extracted:
            give_second_factor(self)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": extracted is not False, "primary": True}
        )
