"""Staff, evaluators and admins reach a non-public page only in a session that passed a TOTP second factor."""

import html
import re

import pytest
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.http import HttpRequest
from django.test import Client

from accounts.demo import current_totp_code
from tests.accounts.factories import UserFactory, give_second_factor
from tests.accounts.helpers import main_text
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
ACTIVATE = "/compte/2fa/totp/activate/"


def _login(client, user, prefix=""):
    return client.post(f"{prefix}/compte/login/", {"login": user.email, "password": PASSWORD})


def _records(client, user):
    request = HttpRequest()
    request.session = client.session
    return get_authentication_records(request, user)


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


@pytest.mark.django_db(transaction=True)  # allauth announces the new device on commit, as in production
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
    assert (response.status_code, response["Location"]) == (302, "/compte/2fa/recovery-codes/")
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        "totp",
        "recovery_codes",
    }
    # Typing a valid code of the new device passes the second factor in this session.
    totp = Authenticator.objects.get(user=user, type="totp")
    assert [(r["method"], r.get("id"), r.get("activated")) for r in _records(client, user)] == [
        ("password", None, None),
        ("mfa", totp.pk, True),
    ]
    assert client.get("/compte/2fa/recovery-codes/").status_code == 200
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


def test_an_old_session_must_reauthenticate_before_activating(client):
    # force_login leaves no authentication record: as for a session opened hours ago.
    client.force_login(UserFactory(role="staff"))
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


REAUTHENTICATE = "/compte/2fa/reauthenticate/"


def _victim():
    """Another staff member, with a TOTP device and a verified address."""
    victim = UserFactory(role="staff", email="victime@example.org")
    give_second_factor(victim)
    return victim


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_admin_without_second_factor_cannot_touch_devices_or_addresses(prefix, client):
    """The admin's pages of allauth models are not sign-in screens, whatever their URL names."""
    admin = UserFactory(role="admin", is_superuser=True)
    assert admin.is_staff is True
    victim = _victim()
    device = Authenticator.objects.get(user=victim, type="totp")
    address = EmailAddress.objects.get(user=victim)
    _login(client, admin, prefix)
    activate = f"{prefix}{ACTIVATE}"
    pages = [
        f"{prefix}/admin/mfa/authenticator/",
        f"{prefix}/admin/mfa/authenticator/{device.pk}/change/",
        f"{prefix}/admin/mfa/authenticator/{device.pk}/delete/",
        f"{prefix}/admin/account/emailaddress/",
        f"{prefix}/admin/account/emailaddress/{address.pk}/change/",
    ]
    assert {url: client.get(url)["Location"] for url in pages} == dict.fromkeys(pages, activate)
    response = client.post(f"{prefix}/admin/mfa/authenticator/{device.pk}/delete/", {"post": "yes"})
    assert (response.status_code, response["Location"]) == (302, activate)
    response = client.post(
        f"{prefix}/admin/account/emailaddress/{address.pk}/change/",
        {"user": admin.pk, "email": "pirate@example.org", "verified": "on", "primary": "on"},
    )
    assert (response.status_code, response["Location"]) == (302, activate)
    assert Authenticator.objects.filter(pk=device.pk).exists() is True
    address.refresh_from_db()
    assert (address.user, address.email) == (victim, "victime@example.org")


@pytest.mark.parametrize("role", ["staff", "evaluator", "admin"])
def test_only_the_set_up_screens_are_open_before_the_second_factor(role, client):
    user = UserFactory(role=role, is_superuser=role == "admin")
    _login(client, user)
    closed = [
        "/compte/email/",
        "/compte/password/change/",
        "/compte/password/set/",
        "/compte/2fa/",
        "/compte/2fa/totp/deactivate/",
        "/compte/2fa/recovery-codes/",
        "/compte/2fa/recovery-codes/generate/",
        "/compte/2fa/recovery-codes/download/",
        "/en/compte/email/",
    ]
    expected = {url: "/en" + ACTIVATE if url.startswith("/en/") else ACTIVATE for url in closed}
    assert {url: client.get(url)["Location"] for url in closed} == expected
    response = client.post("/compte/email/", {"email": "autre@example.org", "action_add": ""})
    assert (response.status_code, response["Location"]) == (302, ACTIVATE)
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [user.email]
    # The screens needed to finish the set-up stay open.
    assert client.get(ACTIVATE).status_code == 200
    assert client.get("/compte/reauthenticate/").status_code == 200
    assert client.get("/compte/password/reset/").status_code == 200
    assert client.get("/compte/login/")["Location"] == "/espace/"


@pytest.mark.parametrize("role", ["staff", "evaluator", "admin"])
def test_a_session_that_skipped_the_code_must_type_it(role):
    """A device is not enough: the session must have passed it (here force_login, no code typed)."""
    user = UserFactory(role=role, is_superuser=role == "admin")
    secret = give_second_factor(user)
    client = Client()
    client.force_login(user)
    for private in ("/espace/", "/admin/", "/compte/email/", "/compte/2fa/recovery-codes/"):
        response = client.get(private)
        assert (private, response.status_code, response["Location"]) == (
            private,
            302,
            f"{REAUTHENTICATE}?next={private.replace('/', '%2F')}",
        )
    page = client.get(f"{REAUTHENTICATE}?next=%2Fespace%2Fpreferences%2F")
    assert page.status_code == 200
    assert "Votre rôle exige une double authentification : saisissez le code" in main_text(page)
    wrong = "000000" if current_totp_code(secret) != "000000" else "111111"
    response = client.post(f"{REAUTHENTICATE}?next=%2Fespace%2Fpreferences%2F", {"code": wrong})
    assert response.status_code == 200
    assert client.get("/espace/")["Location"] == f"{REAUTHENTICATE}?next=%2Fespace%2F"
    response = client.post(f"{REAUTHENTICATE}?next=%2Fespace%2Fpreferences%2F", {"code": current_totp_code(secret)})
    assert (response.status_code, response["Location"]) == (302, "/espace/preferences/")
    assert client.get("/espace/preferences/").status_code == 200


def test_a_password_only_session_of_a_device_holder_is_sent_to_the_code(client):
    """A session with the password step and no code (a future sign-in path) is stopped too."""
    from allauth.account.internal.flows.login import record_authentication

    user = UserFactory(role="staff")
    give_second_factor(user)
    client.force_login(user)
    request = HttpRequest()
    request.session, request.user = client.session, user
    record_authentication(request, user, "password", email=user.email)
    request.session.save()
    assert client.get("/espace/")["Location"] == f"{REAUTHENTICATE}?next=%2Fespace%2F"


def test_the_second_factor_of_another_user_does_not_count(client):
    """Records name their user: a session that passed one user's code opens nothing for another."""
    first, second = UserFactory(role="staff"), UserFactory(role="staff")
    give_second_factor(first)
    give_second_factor(second)
    sign_in(client, first)
    assert client.get("/espace/preferences/").status_code == 200
    client.force_login(second)
    assert client.get("/espace/preferences/")["Location"] == f"{REAUTHENTICATE}?next=%2Fespace%2Fpreferences%2F"


@pytest.mark.parametrize("role", ["candidate", "doctoral_student"])
def test_roles_without_second_factor_reach_their_account_pages(role, client_for):
    client = client_for(UserFactory(role=role))
    for url in ("/espace/preferences/", "/compte/email/", "/compte/password/change/", "/compte/2fa/"):
        assert client.get(url).status_code == 200, url


def test_client_for_signs_staff_in_with_the_second_factor(staff, client_for):
    client = client_for(staff)
    totp = Authenticator.objects.get(user=staff, type="totp")
    assert [(r["method"], r.get("id")) for r in _records(client, staff)] == [("password", None), ("mfa", totp.pk)]
    assert client.get("/espace/preferences/").status_code == 200
