"""Fixtures shared by the whole suite.

Real services: tests marked ``postgres``, ``redis`` or ``browser`` run when the service is there;
otherwise they are skipped with the reason, except under ``CI=true`` where a missing service
is an error (CI always tests against the real database, broker and browser).
"""

from __future__ import annotations

import functools
import os
import shutil

import pytest
from django.conf import settings

from tests.factories import UserFactory, sign_in

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_available() -> str | None:
    url = settings.REDIS_URL
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return None
    return url


@functools.cache
def _weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401 - loads Pango
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        _missing("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    if request.node.get_closest_marker("redis") and not _redis_available():
        _missing("this test needs Redis (set REDIS_URL=redis://127.0.0.1:6379/0)")
    if request.node.get_closest_marker("pdf") and not _weasyprint_available():
        _missing("this test renders PDFs: WeasyPrint needs libpango-1.0-0 and libpangoft2-1.0-0 (apt-get install)")
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing(f"this test needs Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Every test writes its uploads into its own private folder."""
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts in French, as a request without a language prefix would.

    LocaleMiddleware leaves the last request's language active in the thread, so a test that
    fetched an /en/ page would otherwise make the next test's messages English.
    """
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


def _role_user(role: str, **kwargs):
    return UserFactory(role=role, **kwargs)


@pytest.fixture
def candidate(db):
    return _role_user("candidate")


@pytest.fixture
def doctoral_student(db):
    return _role_user("doctoral_student")


@pytest.fixture
def evaluator(db):
    return _role_user("evaluator", second_factor=True)


@pytest.fixture
def staff(db):
    return _role_user("staff", second_factor=True)


@pytest.fixture
def admin_user(db):
    return _role_user("admin", second_factor=True, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a test client signed in as that user, as a real sign-in leaves it.

    The session records the password and, for a user holding a TOTP device, the second factor
    (``tests.factories.sign_in``). ``client_for(None)``: a visitor.
    """
    from django.test import Client

    def make(user) -> Client:
        c = Client()
        if user is not None:
            sign_in(c, user)
        return c

    return make
