"""Failed logins are counted per client address, behind the production proxy as without it."""

import secrets
from pathlib import Path

import pytest
import yaml

from tests.accounts.factories import UserFactory
from tests.test_infra_deploy import _manage

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
LOCKED = ["Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."]
PROXY = "172.18.0.2"


def _fail_twenty_times(client, **headers):
    """20 failures, each on another account (no account reaches its own limit of 5)."""
    for i in range(20):
        client.post(
            "/compte/login/",
            {"login": f"inconnu{i}@example.org", "password": "x-mauvais-123"},
            headers={k: v.format(i=i) for k, v in headers.items()},
        )


def _login(client, email, **headers):
    return client.post("/compte/login/", {"login": email, "password": PASSWORD}, headers=headers)


def test_without_proxy_the_connection_address_counts_and_the_header_is_ignored(client, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    UserFactory(email="victime@example.org")
    # A client cannot escape the limit by writing another X-Forwarded-For each time.
    _fail_twenty_times(client, x_forwarded_for="198.51.100.{i}")
    response = _login(client, "victime@example.org", x_forwarded_for="192.0.2.200")
    assert (response.status_code, response.context["form"].non_field_errors()) == (200, LOCKED)
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert _login(other, "victime@example.org").status_code == 302


def test_behind_one_proxy_each_client_is_limited_separately(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="victime@example.org")
    UserFactory(email="voisine@example.org")
    attacker = client.__class__(REMOTE_ADDR=PROXY)
    neighbour = client.__class__(REMOTE_ADDR=PROXY)
    # The proxy appends the address it sees; what the client wrote before it is not trusted.
    _fail_twenty_times(attacker, x_forwarded_for="10.9.9.{i}, 203.0.113.5")
    response = _login(attacker, "victime@example.org", x_forwarded_for="203.0.113.5")
    assert (response.status_code, response.context["form"].non_field_errors()) == (200, LOCKED)
    # Another client behind the same proxy still signs in.
    assert _login(neighbour, "voisine@example.org", x_forwarded_for="198.51.100.7").status_code == 302


def test_trusted_proxy_count_is_read_from_the_environment():
    def setting(**env):
        code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
        result = _manage(
            "shell", "--no-imports", "-c", code, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(60), **env
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert setting() == "0"
    assert setting(TRUSTED_PROXY_COUNT="1") == "1"


def test_the_web_service_trusts_one_proxy():
    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    # The worker and beat answer no HTTP request.
    assert "TRUSTED_PROXY_COUNT" not in services["worker"]["environment"]
