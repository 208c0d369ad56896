"""seed_demo is idempotent, in DEBUG only; demo_totp gives the code of demo accounts only, in DEBUG only."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, current_totp_code, ensure_demo_totp
from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_creates_every_role_once(settings):
    settings.DEBUG = True
    _seed()
    counts = (User.objects.count(), Authenticator.objects.count())
    output = _seed()
    assert (User.objects.count(), Authenticator.objects.count()) == counts
    assert "comptes : 5 (mot de passe cifre-demo-2026)" in output
    for email, _first, _last, role in DEMO_USERS:
        user = User.objects.get(email=email)
        assert role in user.roles
        assert user.check_password(DEMO_PASSWORD)
        types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        assert types == ({"totp", "recovery_codes"} if role in {"staff", "evaluator", "admin"} else set())
    admin = User.objects.get(email="admin@demo.cifre.test")
    assert (admin.is_staff, admin.is_superuser) == (True, True)


def _seed_accounts() -> None:
    from accounts import demo

    demo.seed(io.StringIO())


def test_demo_staff_logs_in_with_the_printed_code(client, settings):
    _seed_accounts()
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp", "staff@demo.cifre.test", stdout=out)
    code = out.getvalue().strip()
    assert code == current_totp_code()
    response = client.post("/compte/login/", {"login": "staff@demo.cifre.test", "password": DEMO_PASSWORD})
    assert response["Location"] == "/compte/2fa/authenticate/"
    response = client.post("/compte/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="staff@demo.cifre.test").pk)


def test_demo_totp_refusals(settings):
    _seed_accounts()
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"^demo_totp ne fonctionne qu'en développement \(DEBUG=true\)\.$"):
        call_command("demo_totp", "staff@demo.cifre.test")
    settings.DEBUG = True
    UserFactory(email="vraie.personne@paris.fr", role="staff", second_factor=True)
    with pytest.raises(CommandError, match=r"^vraie.personne@paris.fr n'est pas un compte de démonstration"):
        call_command("demo_totp", "vraie.personne@paris.fr")
    with pytest.raises(CommandError, match=r"^Aucun compte inconnu@demo.cifre.test"):
        call_command("demo_totp", "inconnu@demo.cifre.test")
    with pytest.raises(CommandError, match=r"^candidat@demo.cifre.test n'a pas le second facteur"):
        call_command("demo_totp", "candidat@demo.cifre.test")


def test_published_secret_is_refused_for_real_accounts():
    user = UserFactory(email="agent@paris.fr")
    with pytest.raises(ValueError, match="demo accounts only"):
        ensure_demo_totp(user)
    assert Authenticator.objects.filter(user=user).count() == 0


SEED_REFUSED = (
    "seed_demo ne fonctionne qu'en développement (DEBUG=true) : "
    "ses comptes ont des mots de passe et des secrets TOTP publiés."
)


def test_seed_demo_refuses_without_debug_and_writes_nothing(settings):
    from conventions.models import Convention
    from events.models import Event, Page

    def counts():
        return [m.objects.count() for m in (User, Authenticator, Page, Event, Convention)]

    before = counts()
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", stdout=io.StringIO())
    assert str(refused.value) == SEED_REFUSED
    assert counts() == before
    assert before[:2] == [0, 0]


def test_seed_demo_command_exits_with_an_error_without_debug(tmp_path):
    import secrets

    from tests.test_infra_deploy import _manage

    database = tmp_path / "demo.sqlite3"
    result = _manage(
        "seed_demo",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "private"),
    )
    assert (result.returncode, result.stdout, result.stderr.strip()) == (1, "", f"CommandError: {SEED_REFUSED}")
    assert database.exists() is False
