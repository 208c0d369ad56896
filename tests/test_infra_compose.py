"""docker-compose.yml, the Dockerfile and .env.example name things that exist.

Docker is not available on CI: the compose file is parsed and every service's command is
checked against the code (management commands, WSGI module, Celery app, settings variables).
"""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (ROOT / "cifre" / "settings.py").read_text()
# Every variable the settings read: env("X"), env.bool("X"), env.db("X")...
SETTINGS_VARIABLES = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', SETTINGS_SOURCE))
COMPOSE_ONLY_VARIABLES = {"POSTGRES_PASSWORD"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict) -> list[str]:
    command = service["command"]
    tokens = shlex.split(command) if isinstance(command, str) else list(command)
    if tokens[:2] == ["sh", "-c"]:
        tokens = shlex.split(tokens[2])
    return tokens


def _check_tokens(tokens: list[str]) -> list[str]:
    """Check each chained step (``a && b``) of a command; returns the program names seen."""
    programs = []
    steps, current = [], []
    for token in tokens:
        if token == "&&":
            steps.append(current)
            current = []
        else:
            current.append(token)
    steps.append(current)
    for step in steps:
        if step[0] == "exec":
            step = step[1:]
        program = step[0]
        programs.append(program)
        if program == "python":
            assert step[1] == "manage.py"
            assert step[2] in get_commands(), f"no management command {step[2]!r}"
        elif program == "gunicorn":
            module_name, attribute = step[1].split(":")
            module = importlib.import_module(module_name)
            assert callable(getattr(module, attribute))
        elif program == "celery":
            assert step[1] == "-A"
            package = importlib.import_module(step[2])
            assert isinstance(package.celery_app, Celery)
            assert step[3] in {"worker", "beat"}
        else:
            pytest.fail(f"unexpected program {program!r}")
    return programs


def test_services_and_images(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_commands_name_existing_modules_and_commands(compose):
    services = compose["services"]
    assert _check_tokens(_command(services["web"])) == ["python", "gunicorn"]
    assert _command(services["web"])[:4] == ["python", "manage.py", "migrate", "--noinput"]
    assert _check_tokens(_command(services["worker"])) == ["celery"]
    assert _command(services["worker"])[3] == "worker"
    assert _check_tokens(_command(services["beat"])) == ["celery"]
    assert _command(services["beat"])[3] == "beat"


def test_healthchecks(compose):
    services = compose["services"]
    assert services["db"]["healthcheck"]["test"] == ["CMD-SHELL", "pg_isready -U cifre -d cifre"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    web_check = services["web"]["healthcheck"]["test"]
    assert web_check[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in web_check[3]
    assert "celery -A cifre inspect ping" in services["worker"]["healthcheck"]["test"][1]


def test_healthz_answers_like_the_web_healthcheck(client, db, settings):
    settings.ALLOWED_HOSTS = ["cifre.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", headers={"host": "cifre.example.org", "x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_environment_names_settings_that_exist(compose):
    for name in ("web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert set(environment) <= SETTINGS_VARIABLES, set(environment) - SETTINGS_VARIABLES
        assert environment["DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_volumes_keep_the_database_private_files_and_beat_schedule(compose):
    services = compose["services"]
    assert set(compose["volumes"]) == {"db_data", "redis_data", "private_files", "public_media", "beat_schedule"}
    assert "db_data:/var/lib/postgresql/data" in services["db"]["volumes"]
    for name in ("web", "worker", "beat"):
        media_root = services[name]["environment"]["MEDIA_ROOT"]
        assert f"private_files:{media_root}" in services[name]["volumes"]
        public_root = services[name]["environment"]["PUBLIC_MEDIA_ROOT"]
        assert f"public_media:{public_root}" in services[name]["volumes"] and public_root != media_root
    schedule = _command(services["beat"])[_command(services["beat"]).index("--schedule") + 1]
    assert "beat_schedule:" + str(Path(schedule).parent) in services["beat"]["volumes"]


def test_dockerfile_shape():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.splitlines()[2] == "FROM python:3.11-slim-bookworm"
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile
    assert "pip install -r requirements/base.txt" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    assert re.search(r"^USER cifre$", dockerfile, re.M)
    cmd = re.search(r"^CMD (.*)$", dockerfile, re.M).group(1)
    assert _check_tokens(yaml.safe_load(cmd)) == ["gunicorn"]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".env", "var"} <= set(ignored)


def test_env_example_documents_every_variable():
    documented = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert documented == SETTINGS_VARIABLES | COMPOSE_ONLY_VARIABLES
