"""Staff, evaluators and admins hold a TOTP second factor before any non-public page."""

import html
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt

from accounts.demo import current_totp_code
from tests.accounts.factories import UserFactory, give_second_factor
from tests.accounts.helpers import main_text

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
ACTIVATE = "/compte/2fa/totp/activate/"


def _login(client, user, prefix=""):
    return client.post(f"{prefix}/compte/login/", {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("role", ["staff", "evaluator", "admin"])
def test_role_without_second_factor_is_sent_to_set_one_up(role, client):
    user = UserFactory(role=role, is_superuser=role == "admin")
    # A real login (not force_login): allauth asks for a recent authentication before activation.
    assert _login(client, user)["Location"] == "/espace/"
    for private in ("/espace/", "/espace/preferences/", "/admin/"):
        response = client.get(private)
        assert response.status_code == 302, private
        assert response["Location"] == ACTIVATE, private
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    assert "Votre rôle exige une double authentification" in main_text(page)
    # Public pages stay reachable: the site, the health check, the account pages.
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/compte/logout/").status_code == 302


@pytest.mark.parametrize("role", ["candidate", "doctoral_student"])
def test_other_roles_need_no_second_factor(role, client_for):
    client = client_for(UserFactory(role=role))
    assert client.get("/espace/preferences/").status_code == 200


def test_activating_totp_with_a_wrong_then_right_code(client):
    user = UserFactory(role="staff")
    _login(client, user)
    page = client.get(ACTIVATE)
    secret = page.context["form"].secret

    response = client.post(ACTIVATE, {"code": "000000" if current_totp_code(secret) != "000000" else "111111"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Code incorrect."]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert Authenticator.objects.filter(user=user).count() == 0
    assert client.get("/espace/preferences/")["Location"] == ACTIVATE

    response = client.post(ACTIVATE, {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    assert client.get("/espace/preferences/").status_code == 200


def test_login_asks_for_the_code_and_refuses_a_wrong_one(client):
    user = UserFactory(role="staff")
    secret = give_second_factor(user)

    response = _login(client, user)
    assert response["Location"] == "/compte/2fa/authenticate/"
    assert "_auth_user_id" not in client.session

    wrong = "000000" if current_totp_code(secret) != "000000" else "111111"
    response = client.post("/compte/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Code incorrect."]}
    assert "_auth_user_id" not in client.session

    response = client.post("/compte/2fa/authenticate/", {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/espace/preferences/").status_code == 200


def test_wrong_code_in_english(client):
    user = UserFactory(role="evaluator")
    secret = give_second_factor(user)
    _login(client, user, prefix="/en")
    wrong = "000000" if current_totp_code(secret) != "000000" else "111111"
    response = client.post("/en/compte/2fa/authenticate/", {"code": wrong})
    assert response.context["form"].errors == {"code": ["Incorrect code."]}


def test_recovery_code_opens_the_account_once(client):
    user = UserFactory(role="staff")
    give_second_factor(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert len(codes) == 10

    _login(client, user)
    assert client.post("/compte/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post("/compte/logout/")

    _login(client, user)
    response = client.post("/compte/2fa/authenticate/", {"code": codes[0]})
    assert response.context["form"].errors == {"code": ["Code incorrect."]}
    assert "_auth_user_id" not in client.session


def test_candidate_login_needs_no_code(client):
    user = UserFactory(role="candidate")
    response = _login(client, user)
    assert response["Location"] == "/espace/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_old_session_must_reauthenticate_before_activating(client_for):
    # force_login leaves no authentication record: as for a session opened hours ago.
    client = client_for(UserFactory(role="staff"))
    assert client.get("/espace/")["Location"] == ACTIVATE
    response = client.get(ACTIVATE)
    assert response["Location"] == "/compte/reauthenticate/?next=%2Fcompte%2F2fa%2Ftotp%2Factivate%2F"
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == ACTIVATE
    assert client.get(ACTIVATE).status_code == 200


def test_account_management_pages_render_in_the_shell(client):
    user = UserFactory(role="staff")
    give_second_factor(user)
    RecoveryCodes.activate(user)
    _login(client, user)
    secret = decrypt(user.authenticator_set.get(type="totp").data["secret"])
    client.post("/compte/2fa/authenticate/", {"code": current_totp_code(secret)})
    expected_titles = {
        "/compte/2fa/": "Authentification à deux facteurs",
        "/compte/2fa/recovery-codes/": "Codes de récupération",
        "/compte/email/": "Adresses e-mail",
        "/compte/password/change/": "Modifier le mot de passe",
        "/compte/reauthenticate/": "Confirmer l'accès",
    }
    for url, title in expected_titles.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert body.count('<main id="contenu"') == 1, url
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S).group(1)
        assert " ".join(html.unescape(h1).split()) == title, url
