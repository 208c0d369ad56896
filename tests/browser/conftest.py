"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every test here is marked ``browser`` (skipped without Chromium, an error under CI=true) and
runs with committed transactions, because the live server answers from another thread.
"""

import os
import shutil

import pytest

from tests.conftest import CHROMIUM, _missing

# Playwright's sync API runs an event loop in this thread; Django must allow its ORM here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Session fixtures run before the function-level service check: without Chromium, skip (or fail
    # under CI) here rather than erroring on the launch.
    if not shutil.which(CHROMIUM):
        _missing(f"this test needs Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def assert_accessible():
    """``assert_accessible(page)``: axe-core finds no WCAG 2.1 A/AA violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = results.response["violations"]
        summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
        assert violations == [], f"{page.url}: {summary}"

    return check


@pytest.fixture
def login_page(live_server):
    """``login_page(page, user)``: puts the session cookie of ``user`` into the browser context.

    The session is that of a real sign-in, second factor included (``tests.factories.sign_in``).
    """
    from django.conf import settings
    from django.test import Client

    from tests.factories import sign_in

    def login(page, user) -> None:
        client = Client()
        sign_in(client, user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return login
