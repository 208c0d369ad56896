"""The page shell in a real browser: skip link, language switch, no axe violation."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_is_accessible(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/compte/login/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)


def test_skip_link_moves_focus_to_main(page, live_server):
    page.goto(f"{live_server.url}/compte/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
