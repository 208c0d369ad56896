"""Staff screen a dossier in the browser, and a department contact reads it: refusals announced on their
field, nothing saved; every page of the path without an axe violation."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.models import Call
from tests.applications.factories import CallFactory
from tests.applications.screening_world import make_world, role_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_edit_a_call_and_screen_a_dossier(page, live_server, login_page, assert_accessible):
    world = make_world()
    call, dossier = world["call"], world["dossier"]
    staff = role_user("staff")
    login_page(page, staff)
    base = f"{live_server.url}/candidatures/gestion"

    page.goto(f"{base}/appels/")
    page.get_by_role("button", name="Gestion").click()
    assert page.get_by_role("link", name="Candidatures", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=call.title_fr).click()
    assert_accessible(page)

    fresh = CallFactory(year=2035, is_published=False)  # no dossier yet: its dates may still change
    page.goto(f"{base}/appels/{fresh.pk}/modifier/")
    assert_accessible(page)
    closes = page.get_by_label("Clôture (heure de Paris)")
    closes.fill("2020-01-01T10:00")
    page.locator("main button[type=submit]").click()
    closes = page.get_by_label("Clôture (heure de Paris)")
    assert closes.get_attribute("aria-invalid") == "true"
    assert "id_closes_at_error" in closes.get_attribute("aria-describedby")
    assert "La clôture doit suivre l'ouverture de l'appel." in page.locator("main").inner_text()
    assert Call.objects.get(pk=fresh.pk).closes_at == fresh.closes_at
    assert_accessible(page)

    page.goto(f"{base}/appels/{call.pk}/grille/")
    assert_accessible(page)

    page.goto(f"{base}/appels/{call.pk}/dossiers/")
    assert_accessible(page)
    page.get_by_role("link", name=dossier.number).click()
    assert_accessible(page)

    # A request without items is refused next to the checkboxes; nothing is saved.
    page.get_by_label("Message au ou à la candidat·e").fill("Le relevé de notes est illisible.")
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Date limite de réponse (heure de Paris)").fill(deadline)
    page.get_by_role("button", name="Envoyer la demande").click()
    assert "Choisissez au moins un élément à compléter." in page.locator("#request-card").inner_text()
    assert page.get_by_label("Message au ou à la candidat·e").input_value() == "Le relevé de notes est illisible."
    assert dossier.requests.count() == 0
    assert_accessible(page)

    page.get_by_label("Relevés de notes").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url(f"{base}/dossiers/{dossier.pk}/")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.requests.get().items) == ("missing_items", ["doc:transcripts"])
    assert "Pièces manquantes demandées" in page.locator("#history").inner_text()
    assert_accessible(page)


def test_a_department_contact_reads_a_dossier_of_their_theme(page, live_server, login_page, assert_accessible):
    world = make_world()
    login_page(page, world["reader"])
    page.goto(f"{live_server.url}/candidatures/gestion/direction/dossiers/")
    assert_accessible(page)
    page.get_by_role("link", name=world["dossier"].number).click()
    assert page.locator("main form[method=post]").count() == 0
    assert_accessible(page)
