"""The public call page and the home block in a real browser: every state, both languages, axe-core,
keyboard to the apply button, and the header still fitting a 1280-pixel screen with the new link."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.models import Call
from tests.applications.factories import CallFactory, ThemeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _open_call():
    year = timezone.localdate().year + 1
    call = CallFactory(
        year=year,
        with_theme=False,
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=dt.datetime(year, 3, 15, 12, 0, tzinfo=timezone.get_current_timezone()),
        planned_filing_date=dt.date(year, 6, 1),
        planned_effective_date=dt.date(year, 9, 1),
        results_date=dt.date(year, 5, 20),
        blind_evaluation=True,
    )
    for n in range(3):
        ThemeFactory(call=call, title_fr=f"Thème {n}", keywords="climat, arbres")
    return call


def test_every_state_of_the_call_page_is_accessible(page, live_server, assert_accessible):
    url = f"{live_server.url}/appel-a-candidatures/"
    page.goto(url)  # no call
    assert page.locator("h1").inner_text() == "Appel à candidatures"
    assert_accessible(page)

    call = _open_call()
    for address in (
        url,
        f"{live_server.url}/en/appel-a-candidatures/",
        f"{live_server.url}/",
        f"{live_server.url}/en/",
    ):
        page.goto(address)
        assert page.locator("h1").count() == 1, address
        assert_accessible(page)
    page.goto(f"{live_server.url}/")
    banner = page.locator(".call-banner")
    assert banner.locator("h2").inner_text() == f"Candidatures ouvertes : Appel à candidatures {call.year}"
    banner.locator("a").click()
    page.wait_for_url(url)
    # From the top of the page, the keyboard reaches the apply button; it leads to the sign-in.
    apply = page.get_by_role("link", name="Déposer ma candidature")
    apply.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/compte/login/?next=/candidatures/commencer/{call.pk}/")

    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() + dt.timedelta(days=3))
    call.refresh_from_db()
    call.save()  # upcoming
    page.goto(url)
    assert page.get_by_role("link", name="Déposer ma candidature").count() == 0
    assert_accessible(page)
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=60), closes_at=timezone.now() - dt.timedelta(days=1)
    )
    call.refresh_from_db()
    call.save()  # closed
    page.goto(url)
    assert page.locator(".call-state").inner_text().startswith("Cet appel est clos depuis le ")
    assert_accessible(page)


def test_the_header_fits_a_1280_pixel_screen_with_the_call_link(page, live_server, login_page, staff):
    page.set_viewport_size({"width": 1280, "height": 800})
    login_page(page, staff)
    for address in ("/appel-a-candidatures/", "/en/appel-a-candidatures/"):
        page.goto(live_server.url + address)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, address
        assert page.locator(".navbar-toggler").is_visible() is False
