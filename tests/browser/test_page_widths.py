"""Every page of every role of the demo: never wider than the screen, at 390, 768, 1280 and 1440 px, and
without a WCAG 2.1 A/AA violation found by axe-core at 390 and 1280 px.

The pages are found by following links (``tests.site_pages``); each is loaded in Chromium once, then
measured at each width: ``document.documentElement.scrollWidth`` must not pass ``window.innerWidth``
(a wide table scrolls inside its own labelled region, never the page).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import sign_in
from tests.site_pages import demo_accounts, pages_of

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 768, 1280, 1440)
AXE_WIDTHS = (390, 1280)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False
    return demo_accounts()


def axe_violations(axe, page) -> list:
    from tests.browser.conftest import AXE_TAGS

    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


def too_wide(page, url: str, axe=None) -> list[str]:
    """Loaded once, then measured at each width (the media queries apply on resize); axe at AXE_WIDTHS."""
    found = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if axe is not None and width in AXE_WIDTHS and (violations := axe_violations(axe, page)):
            found.append(f"{url} at {width}: axe {violations}")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            culprit = page.evaluate(
                """() => { const w = window.innerWidth; let worst = null;
                  for (const el of document.querySelectorAll('body *')) {
                    const r = el.getBoundingClientRect();
                    if (r.right > w + 1 && (!worst || r.width < worst.width)) worst = {tag: el.tagName, id: el.id,
                      cls: el.className && el.className.baseVal === undefined ? el.className : '', width: r.width};
                  } return worst; }"""
            )
            found.append(f"{url} at {width}: {scroll} px ({culprit})")
    return found


def test_no_page_of_any_role_is_wider_than_the_screen_nor_fails_axe(page, live_server, login_page, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    for role, user in demo.items():
        client = Client()
        if user is not None:
            sign_in(client, user)
        paths = pages_of(client, english=user is None)  # English pages: the visitor's (same templates)
        assert len(paths) >= 3, (role, paths)
        page.context.clear_cookies()
        if user is not None:
            login_page(page, user)
        for path in paths:
            problems += [f"{role}: {p}" for p in too_wide(page, live_server.url + path, axe)]
    assert problems == [], "\n".join(problems)
