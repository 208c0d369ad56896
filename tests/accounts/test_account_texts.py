"""Account e-mails and pages speak for the programme, not in allauth's stock texts (issue 12, 6c).

The e-mails say who writes (the City of Paris CIFRE programme team), why the reader receives them,
what to do, the link, and what to do if the reader asked for nothing. The language of an account
e-mail is the language of the page the request was made from (``AccountAdapter.send_mail`` takes the
active language): a reset asked for on an English page comes in English, whatever the account's
preferred language. The English texts come from the catalogue (French source strings).
"""

import html
import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Un-mot-de-passe-solide-42"
TEAM = "L'équipe du programme CIFRE de la Ville de Paris"
STOCK = (
    # allauth's own sentences, in English and as its French catalogue renders them.
    "Hello from",
    "Thank you for using",
    "You're receiving this",
    "c'est Programme CIFRE",
    "Merci d'utiliser",
    "Vous recevez cet e-mail",
    "Merci de confirmer",
    "Please confirm that",
    "Please Confirm Your Email",
    "Password Reset Email",
    "E-mail de réinitialisation",
    "example.com",
)


def _link(message) -> str:
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def _no_stock(message):
    text = message.subject + "\n" + message.body
    assert [s for s in STOCK if s in text] == []
    assert "{{" not in text and "{%" not in text


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def test_sign_up_confirmation_email_in_french():
    from django.test import Client

    client = Client()
    response = client.post(
        "/compte/signup/", {"email": "nouvelle@example.org", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    _no_stock(message)
    assert message.subject == "[CIFRE Ville de Paris] Confirmez votre adresse e-mail"
    lines = message.body.splitlines()
    assert lines[0] == "Bonjour,"  # no name is known at sign-up
    assert "Un compte vient d'être créé avec l'adresse nouvelle@example.org sur le site du programme CIFRE" in (
        message.body
    )
    link = _link(message)
    assert link.startswith("/compte/confirm-email/")
    assert f"http://testserver{link}" in lines
    assert "Le lien reste valable 3 jours." in message.body
    assert "Si vous n'avez pas créé ce compte, ignorez ce message" in message.body
    assert lines[-1] == TEAM

    # The page the link opens: the programme's words, not "Merci de confirmer que X est l'adresse de X".
    page = html.unescape(client.get(link).content.decode())
    assert "Confirmez que nouvelle@example.org est bien votre adresse e-mail" in page
    assert "Merci de confirmer" not in page
    assert re.search(r"<button[^>]*>\s*Confirmer mon adresse\s*</button>", page)


def test_sign_up_confirmation_email_in_english(client):
    response = client.post(
        "/en/compte/signup/", {"email": "english@example.org", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    _no_stock(message)
    assert message.subject == "[CIFRE Ville de Paris] " + _in("en", "Confirmez votre adresse e-mail")
    assert message.body.splitlines()[0] == _in("en", "Bonjour,")
    assert message.body.splitlines()[-1] == _in("en", TEAM)
    assert _link(message).startswith("/en/compte/confirm-email/")


def test_password_reset_email_greets_the_user_by_name_in_french(client):
    UserFactory(email="oubli@example.org", first_name="Léa", last_name="Bernard")
    assert client.post("/compte/password/reset/", {"email": "oubli@example.org"}).status_code == 302
    (message,) = mail.outbox
    _no_stock(message)
    assert message.subject == "[CIFRE Ville de Paris] Choisissez un nouveau mot de passe"
    lines = message.body.splitlines()
    assert lines[0] == "Bonjour Léa Bernard,"
    assert "Une demande de nouveau mot de passe a été faite pour votre compte" in message.body
    link = _link(message)
    assert link.startswith("/compte/password/reset/key/")
    assert f"http://testserver{link}" in lines
    assert "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste valable." in lines
    assert lines[-1] == TEAM


def test_password_reset_email_follows_the_page_language_not_the_preferred_one(client):
    UserFactory(email="reader@example.org", first_name="Ann", last_name="Lee", preferred_language="en")
    client.post("/en/compte/password/reset/", {"email": "reader@example.org"})
    client.post("/compte/password/reset/", {"email": "reader@example.org"})
    english, french = mail.outbox
    for message in (english, french):
        _no_stock(message)
    assert english.subject == "[CIFRE Ville de Paris] " + _in("en", "Choisissez un nouveau mot de passe")
    assert english.body.splitlines()[0] == _in("en", "Bonjour %(name)s,") % {"name": "Ann Lee"}
    assert _link(english).startswith("/en/compte/password/reset/key/")
    # Asked for on a French page: in French, although the account prefers English.
    assert french.subject == "[CIFRE Ville de Paris] Choisissez un nouveau mot de passe"
    assert french.body.splitlines()[0] == "Bonjour Ann Lee,"
    assert _link(french).startswith("/compte/password/reset/key/")


def _title_and_h1(response) -> tuple[str, str]:
    body = html.unescape(response.content.decode())
    title = re.search(r"<title>(.*?)</title>", body, flags=re.S).group(1)
    h1s = re.findall(r"<h1\b[^>]*>(.*?)</h1>", body, flags=re.S)
    assert len(h1s) == 1
    return " ".join(title.split()), " ".join(re.sub(r"<[^>]+>", " ", h1s[0]).split())


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/compte/signup/", "Créer un compte"),
        ("/compte/login/", "Se connecter"),
        ("/compte/password/reset/", "Mot de passe oublié"),
        ("/compte/password/reset/done/", "Lien envoyé"),
        ("/compte/confirm-email/", "Confirmez votre adresse e-mail"),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_account_pages_title_and_heading_agree(client, path, heading, language):
    prefix = "/en" if language == "en" else ""
    response = client.get(prefix + path)
    assert response.status_code == 200
    title, h1 = _title_and_h1(response)
    expected = _in(language, heading)
    assert h1 == expected
    assert title == f"{expected} · {_in(language, 'CIFRE Ville de Paris')}"
    text = html.unescape(response.content.decode())
    assert "Signup" not in text and "Sign Up" not in text


def test_sign_up_page_button_and_lead():
    from django.test import Client

    body = html.unescape(Client().get("/compte/signup/").content.decode())
    assert "Un compte vous permet de préparer votre candidature au programme CIFRE de la Ville de Paris" in body
    assert re.search(r"<button[^>]*>\s*Créer mon compte\s*</button>", body)
    assert 'href="/compte/login/">Connectez-vous</a>' in body
