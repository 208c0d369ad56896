"""Inviting an IEA expert: the account, the role, the profile, and the link that sets a password."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError

from accounts import roles
from accounts.models import User
from applications.evaluation import services
from applications.evaluation.models import EvaluatorProfile
from notifications.models import EmailLog
from tests.applications.factories import DossierFactory
from tests.applications.factories_evaluation import staff_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Un-mot-de-passe-solide-42"


def link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S*compte/password/reset/key/\S+)", message.body).group(1)


@pytest.fixture
def staff():
    return staff_member()


def invite(staff, captured, **kwargs):
    with captured(execute=True):
        return services.invite_evaluator(
            kwargs.pop("email", " Claire.Fontaine@EHESS.fr "), kwargs.pop("name", "Claire  Fontaine"), staff, **kwargs
        )


def test_the_invitation_creates_the_account_role_and_profile_and_sends_the_link(
    staff, django_capture_on_commit_callbacks
):
    user, created = invite(staff, django_capture_on_commit_callbacks, capacity=4)
    assert created is True
    assert (user.email, user.first_name, user.last_name, user.has_usable_password()) == (
        "claire.fontaine@ehess.fr",
        "Claire",
        "Fontaine",
        False,
    )
    assert roles.user_roles(User.objects.get(pk=user.pk)) == frozenset({roles.EVALUATOR})
    profile = EvaluatorProfile.objects.get(user=user)
    assert (profile.capacity, profile.email_domain, profile.invited_by) == (4, "ehess.fr", staff)
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).count() == 1
    [message] = mail.outbox
    assert message.to == ["claire.fontaine@ehess.fr"]
    assert message.subject == "[CIFRE] Invitation à évaluer les candidatures du programme CIFRE de la Ville de Paris"
    assert "Bonjour Claire Fontaine," in message.body
    assert "(valable 3 jours)" in message.body
    assert EmailLog.objects.get().template_key == "evaluator_invitation"


def test_the_link_sets_a_password_then_the_second_factor_is_required(staff, client, django_capture_on_commit_callbacks):
    user, _ = invite(staff, django_capture_on_commit_callbacks)
    url = link(mail.outbox[0])
    assert url.startswith("/compte/password/reset/key/")
    response = client.get(url)
    assert response.status_code == 302
    set_url = response["Location"]
    response = client.post(set_url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    # The used link does not work twice.
    assert client.get(url, follow=True).context["token_fail"] is True
    # The expert signs in; every private page sends them to set up TOTP first.
    response = client.post("/compte/login/", {"login": "claire.fontaine@ehess.fr", "password": STRONG})
    assert response.status_code == 302
    response = client.get("/espace/")
    assert (response.status_code, response["Location"]) == (302, "/compte/2fa/totp/activate/")


def test_an_english_invitation_links_to_the_english_page(staff, django_capture_on_commit_callbacks):
    invite(staff, django_capture_on_commit_callbacks, email="ada@ucl.ac.uk", name="Ada Byron", language="en")
    [message] = mail.outbox
    assert message.subject == "[CIFRE] Invitation to review applications for the City of Paris CIFRE programme"
    assert link(message).startswith("/en/compte/password/reset/key/")


def test_an_existing_account_is_reused_and_keeps_its_password(staff, django_capture_on_commit_callbacks):
    existing = UserFactory(email="claire.fontaine@ehess.fr", role="staff")
    user, created = invite(staff, django_capture_on_commit_callbacks)
    assert (user.pk, created, user.check_password("correct-horse-battery-9")) == (existing.pk, False, True)
    assert roles.user_roles(User.objects.get(pk=user.pk)) == frozenset({roles.STAFF, roles.EVALUATOR})
    assert User.objects.filter(email="claire.fontaine@ehess.fr").count() == 1


def test_bad_invitations_are_refused_and_nothing_is_created(staff):
    users = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.invite_evaluator("pas-une-adresse", "", staff, language="de", capacity=500)
    assert error.value.message_dict == {
        "email": ["Saisissez une adresse e-mail valide."],
        "name": ["Indiquez le nom de l'expert·e."],
        "language": ["Choisissez le français ou l'anglais."],
        "capacity": ["Indiquez un nombre de dossiers entre 0 et 200."],
    }
    with pytest.raises(services.EvaluationRefused) as error:
        services.invite_evaluator("a@b.fr", "A B", UserFactory(role="evaluator"))
    assert error.value.messages == ["Cette action est réservée à l'équipe du programme."]
    candidate = DossierFactory(submitted=True).candidate
    with pytest.raises(ValidationError) as error:
        services.invite_evaluator(candidate.email, "Un Candidat", staff)
    assert error.value.message_dict == {
        "email": [
            "Ce compte est celui d'un·e candidat·e ou d'un·e doctorant·e du programme : il ne peut pas évaluer de "
            "dossiers."
        ]
    }
    assert User.objects.count() == users + 2  # the inviting evaluator and the candidate, made above
    assert not roles.has_role(User.objects.get(pk=candidate.pk), roles.EVALUATOR)
    assert mail.outbox == [] and EvaluatorProfile.objects.count() == 0
