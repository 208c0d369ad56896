"""Sign-up with e-mail verification, login, logout, password change and reset; bad input.

Every refusal shows a clear message in the user's language and changes nothing.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail, signing
from django.utils import translation
from django.utils.http import int_to_base36
from django.utils.translation import gettext

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import main_text

pytestmark = pytest.mark.django_db

STRONG = "Un-mot-de-passe-solide-42"
OTHER = "Un-autre-mot-de-passe-77"


def _link(message) -> str:
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def _errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def _sign_up(client, prefix="", **data):
    payload = {"email": "nouvelle@example.org", "password1": STRONG, "password2": STRONG, **data}
    return client.post(f"{prefix}/compte/signup/", payload)


def test_sign_up_verify_then_log_in(client):
    response = _sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/compte/confirm-email/"
    user = User.objects.get(email="nouvelle@example.org")
    assert user.roles == frozenset({"candidate"})
    assert user.preferred_language == "fr"
    assert EmailAddress.objects.get(user=user).verified is False

    # Not verified yet: the password alone does not open the account.
    response = client.post("/compte/login/", {"login": "nouvelle@example.org", "password": STRONG})
    assert response.status_code == 302
    assert response["Location"] == "/compte/confirm-email/"
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) == 1  # the refused login does not resend within the cooldown
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject == "[CIFRE Ville de Paris] Confirmez votre adresse e-mail"
    assert message.body.splitlines()[0] == "Bonjour,"  # the wording: tests/accounts/test_account_texts.py
    link = _link(message)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/"
    assert EmailAddress.objects.get(user=user).verified is True

    response = client.post("/compte/login/", {"login": "Nouvelle@Example.org", "password": STRONG})
    assert response.status_code == 302
    assert response["Location"] == "/espace/"
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get("/espace/")
    assert page.status_code == 200
    assert "Vous êtes connecté·e avec l'adresse nouvelle@example.org." in main_text(page)

    response = client.post("/compte/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/espace/")["Location"] == "/compte/login/?next=/espace/"


def test_sign_up_with_an_address_already_used_changes_nothing(client):
    UserFactory(email="deja@example.org")
    response = _sign_up(client, email="DEJA@example.org")
    assert response.status_code == 200
    assert _errors(response, "email") == ["Un autre utilisateur utilise déjà cette adresse e-mail."]
    assert User.objects.filter(email__iexact="deja@example.org").count() == 1
    assert mail.outbox == []


def test_sign_up_with_a_weak_password_changes_nothing(client):
    response = _sign_up(client, password1="1234567", password2="1234567")
    assert response.status_code == 200
    assert _errors(response, "password1") == [
        "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères.",
        "Ce mot de passe est trop courant.",
        "Ce mot de passe est entièrement numérique.",
    ]
    body = response.content.decode()
    # The typed address comes back; the error is announced and tied to the field.
    assert 'value="nouvelle@example.org"' in body
    assert 'role="alert"' in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_password1_help id_password1_errors"' in body
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_sign_up_with_mismatched_passwords_changes_nothing(client):
    response = _sign_up(client, password2=OTHER)
    assert response.status_code == 200
    assert _errors(response, "password2") == ["Vous devez saisir deux fois le même mot de passe."]
    assert User.objects.count() == 0


def test_sign_up_in_english_answers_in_english(client):
    response = _sign_up(client, prefix="/en", email="english@example.org", password2=OTHER)
    assert response.status_code == 200
    assert _errors(response, "password2") == ["You must type the same password each time."]
    assert '<html lang="en">' in response.content.decode()

    response = _sign_up(client, prefix="/en", email="english@example.org")
    assert response["Location"] == "/en/compte/confirm-email/"
    assert User.objects.get(email="english@example.org").preferred_language == "en"
    with translation.override("en"):  # the programme's own wording, in English once the catalogue has it
        assert mail.outbox[0].subject == "[CIFRE Ville de Paris] " + gettext("Confirmez votre adresse e-mail")


def test_forged_and_expired_verification_links_change_nothing(client, settings):
    _sign_up(client)
    address = EmailAddress.objects.get(email="nouvelle@example.org")
    good = _link(mail.outbox[0])

    forged = good[:-6] + "AAAAA/"
    response = client.post(forged)
    assert response.status_code == 404
    assert main_text(client.get(forged)) == (
        "Confirmez votre adresse e-mail Ce lien de confirmation a expiré ou n'est pas valable. "
        "Demandez un nouveau lien ."
    )

    # Expired: the link was signed four days ago, the limit is three days.
    class FourDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(signing.time.time()) - 4 * 86400)

    from allauth.account import app_settings

    old_key = FourDaysAgo(salt=app_settings.SALT).sign_object(address.pk, serializer=signing.JSONSerializer)
    assert settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS == 3
    response = client.post(f"/compte/confirm-email/{old_key}/")
    assert response.status_code == 404
    address.refresh_from_db()
    assert address.verified is False

    # The same old link is still good if the limit were five days: the refusal was the expiry.
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 5
    assert client.post(f"/compte/confirm-email/{old_key}/").status_code == 302
    address.refresh_from_db()
    assert address.verified is True


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="lea@example.org")
    response = client.post("/compte/login/", {"login": "lea@example.org", "password": "pas-le-bon-mot"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["L’adresse e-mail ou le mot de passe sont incorrects."]
    assert "_auth_user_id" not in client.session
    response = client.post("/en/compte/login/", {"login": "lea@example.org", "password": "pas-le-bon-mot"})
    assert response.context["form"].non_field_errors() == [
        "The email address and/or password you specified are not correct."
    ]


def test_failed_logins_are_limited_per_account(client):
    user = UserFactory(email="cible@example.org")
    for _ in range(5):
        response = client.post("/compte/login/", {"login": "cible@example.org", "password": "mauvais-mot-de-passe"})
        assert response.context["form"].non_field_errors() == ["L’adresse e-mail ou le mot de passe sont incorrects."]
    # The sixth attempt within five minutes is refused even with the right password.
    response = client.post("/compte/login/", {"login": "cible@example.org", "password": "correct-horse-battery-9"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
    ]
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by this one.
    UserFactory(email="autre@example.org")
    response = client.post("/compte/login/", {"login": "autre@example.org", "password": "correct-horse-battery-9"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is None


def test_failed_logins_are_limited_per_address(client):
    UserFactory(email="victime@example.org")
    # 20 failures spread over 20 accounts (so no account reaches its own limit) from one address.
    for i in range(20):
        client.post("/compte/login/", {"login": f"inconnu{i}@example.org", "password": "x-mauvais-123"})
    response = client.post("/compte/login/", {"login": "victime@example.org", "password": "correct-horse-battery-9"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
    ]
    assert "_auth_user_id" not in client.session
    # From another address the account still opens.
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    response = other.post("/compte/login/", {"login": "victime@example.org", "password": "correct-horse-battery-9"})
    assert response.status_code == 302


def test_password_change(client_for):
    user = UserFactory(email="change@example.org")
    client = client_for(user)
    response = client.post(
        "/compte/password/change/", {"oldpassword": "pas-le-bon", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 200
    assert _errors(response, "oldpassword") == ["Merci d'indiquer votre mot de passe actuel."]
    response = client.post(
        "/compte/password/change/",
        {"oldpassword": "correct-horse-battery-9", "password1": STRONG, "password2": OTHER},
    )
    assert _errors(response, "password2") == ["Vous devez saisir deux fois le même mot de passe."]
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-9")

    response = client.post(
        "/compte/password/change/",
        {"oldpassword": "correct-horse-battery-9", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_reset_with_good_and_forged_keys(client):
    user = UserFactory(email="oubli@example.org")
    response = client.post("/compte/password/reset/", {"email": "oubli@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[CIFRE Ville de Paris] Choisissez un nouveau mot de passe"
    link = _link(mail.outbox[0])

    # A forged key: a clear message, the password stays.
    forged = re.sub(r"-[^/]+/$", "-forged-key/", link)
    page = client.get(forged)
    assert page.status_code == 200
    assert page.context["token_fail"] is True
    assert main_text(page) == (
        "Lien expiré ou déjà utilisé Ce lien n'est plus valable : il a peut-être déjà servi. Demandez un nouveau lien ."
    )
    response = client.post(forged, {"password1": STRONG, "password2": STRONG})
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-9")

    # The real key, with a weak password first.
    response = client.get(link)
    assert response.status_code == 302
    set_url = response["Location"]
    response = client.post(set_url, {"password1": "court", "password2": "court"})
    assert response.status_code == 200
    assert _errors(response, "password1") == [
        "Ce mot de passe est trop court. Il doit contenir au minimum 10 caractères."
    ]
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-9")
    response = client.post(set_url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    # A used link cannot be replayed.
    replay = client.get(link, follow=True)
    assert replay.context["token_fail"] is True


def test_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post("/compte/password/reset/", {"email": "personne@example.org"})
    assert response.status_code == 200
    assert _errors(response, "email") == ["Cette adresse e-mail n'est pas associée à un compte utilisateur."]
    assert mail.outbox == []


def test_site_name_in_emails_follows_site_url():
    from django.contrib.sites.models import Site

    site = Site.objects.get(pk=settings.SITE_ID)
    assert (site.domain, site.name) == ("127.0.0.1:8000", "Programme CIFRE Ville de Paris")


def test_expired_password_reset_link_changes_nothing(client, settings):
    user = UserFactory(email="tard@example.org")
    client.post("/en/compte/password/reset/", {"email": "tard@example.org"})
    with translation.override("en"):
        assert mail.outbox[0].subject == "[CIFRE Ville de Paris] " + gettext("Choisissez un nouveau mot de passe")
    link = _link(mail.outbox[0])
    assert link.startswith("/en/compte/password/reset/key/")

    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than the limit
    page = client.get(link, follow=True)
    assert page.context["token_fail"] is True
    with translation.override("en"):
        assert main_text(page).startswith(gettext("Lien expiré ou déjà utilisé"))
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-9")

    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400  # the same link, within the limit, works
    page = client.get(link, follow=True)
    assert page.redirect_chain[-1][0] == f"/en/compte/password/reset/key/{int_to_base36(user.pk)}-set-password/"
    assert list(page.context["form"].fields) == ["password1", "password2"]


def test_password_reset_in_english_for_an_unknown_address(client):
    response = client.post("/en/compte/password/reset/", {"email": "nobody@example.org"})
    assert _errors(response, "email") == ["The email address is not assigned to any user account."]
    assert mail.outbox == []
