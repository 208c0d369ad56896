"""The page shell in a real browser: skip link, focus, language switch, small screens, axe-core."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db(transaction=True)


def test_shell_keyboard_language_and_accessibility(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/compte/login/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)

    # The skip link is the first stop and moves focus to <main>.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    # A sign-up with errors: announced, tied to the fields, still accessible; the address stays.
    page.goto(f"{live_server.url}/compte/signup/")
    page.fill("#id_email", "nouvelle@example.org")
    page.fill("#id_password1", "court")
    page.fill("#id_password2", "autre")
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert page.input_value("#id_email") == "nouvelle@example.org"
    assert page.get_attribute("#id_password1", "aria-invalid") == "true"
    assert page.locator("#id_password1_errors").inner_text().startswith("Ce mot de passe est trop court.")
    assert_accessible(page)

    # The language switch leads to the same page in English.
    page.click("button[name=language][value=en]")
    page.wait_for_url(f"{live_server.url}/en/compte/signup/")
    assert page.locator("html").get_attribute("lang") == "en"
    with translation.override("en"):  # the programme's heading (issue 12), from the English catalogue
        assert page.locator("h1").inner_text() == gettext("Créer un compte")
    assert_accessible(page)


def test_small_screen_menu_and_signed_in_pages(page, live_server, assert_accessible, login_page):
    from tests.factories import UserFactory

    page.set_viewport_size({"width": 375, "height": 740})
    login_page(page, UserFactory(role="candidate", email="zoe@example.org"))
    page.goto(f"{live_server.url}/espace/preferences/")
    # Collapsed menu: the toggler (Bootstrap's JS from static files, under our CSP) opens it.
    assert page.is_visible("text=zoe@example.org") is False
    page.click(".navbar-toggler")
    page.wait_for_selector("text=zoe@example.org", state="visible")
    assert page.get_attribute(".navbar-toggler", "aria-expanded") == "true"
    assert_accessible(page)
    page.goto(f"{live_server.url}/nexiste-pas/")
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert_accessible(page)


def test_staff_is_led_to_set_up_a_second_factor(page, live_server, assert_accessible):
    from tests.factories import UserFactory

    UserFactory(role="staff", email="agent@example.org")
    page.goto(f"{live_server.url}/compte/login/?next=/espace/preferences/")
    page.fill("#id_login", "agent@example.org")
    page.fill("#id_password", "correct-horse-battery-9")
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/compte/2fa/totp/activate/")
    assert (
        page.locator(".messages .alert-warning").inner_text().startswith("Votre rôle exige une double authentification")
    )
    assert page.is_visible("img.totp-qr")
    assert_accessible(page)

    page.fill("#id_code", "12")
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert page.get_attribute("#id_code", "aria-invalid") == "true"
    assert_accessible(page)
