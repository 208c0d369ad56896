"""Production settings pass Django's deployment checks; migrations are in step with the models."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Not inherited: the test settings' variables, and the browser tests' async switch (async.E001).
    dropped = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "cifre.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="cifre.example.org",
        # What ANRT needs to pay the invoices (without them, a warning: tests/subsidies/test_invoice_payee.py).
        INVOICE_PAYEE_IBAN="FR14 2004 1010 0505 0001 3M02 606",
        INVOICE_PAYEE_BIC="PSSTFRPPPAR",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_refuses_to_start_with_an_empty_secret_key():
    # docker compose turns an unset ${SECRET_KEY} into an empty string: production must not start.
    result = _manage(
        "check",
        DEBUG="false",
        SECRET_KEY="",
        ALLOWED_HOSTS="cifre.example.org",
        DATABASE_URL="postgres://cifre:cifre@db:5432/cifre",
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "SECRET_KEY must be set to at least 50 random characters when DEBUG is off."
    )


def test_migrations_are_in_step_with_models():
    result = _manage("makemigrations", "--check", "--dry-run", DEBUG="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "No changes detected"


def test_a_bare_checkout_runs_commands_but_refuses_to_serve_or_deploy(tmp_path):
    """No SECRET_KEY and DEBUG off: commands run with an ephemeral key; serving and --deploy refuse."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    # No SECRET_KEY, no DEBUG, no DATABASE_URL: what a bare checkout has.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MEDIA_ROOT": str(tmp_path / "private")}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], capture_output=True, text=True, cwd=root, env=env, timeout=120
        )

    assert manage("makemigrations", "--check", "--dry-run").returncode == 0
    deploy = manage("check", "--deploy")
    assert deploy.returncode == 1
    assert "(cifre.E001) SECRET_KEY is not set and DEBUG is off." in deploy.stderr
    serve = subprocess.run(
        [sys.executable, "-c", "import cifre.wsgi"], capture_output=True, text=True, cwd=root, env=env, timeout=120
    )
    assert serve.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off" in serve.stderr
