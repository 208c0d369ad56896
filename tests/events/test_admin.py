"""The staff's editing screens: lists, forms with the rendered preview, and saving."""

import pytest

from events.models import Page

from .factories import EventFactory, NewsItemFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_and_forms_open(client_for, admin_user):
    client = client_for(admin_user)
    event = EventFactory()
    RegistrationFactory(event=event)
    objects = {"page": Page.objects.get(slug="accessibilite"), "newsitem": NewsItemFactory(),
               "event": event, "person": PersonFactory(bio_fr="Une **bio**")}  # fmt: skip
    for name, obj in objects.items():
        assert client.get(f"/admin/events/{name}/").status_code == 200, name
        assert client.get(f"/admin/events/{name}/add/").status_code == 200, name
        change = client.get(f"/admin/events/{name}/{obj.pk}/change/")
        assert change.status_code == 200, name
        assert "events/admin_preview.js" in change.content.decode()
    person = client.get(f"/admin/events/person/{objects['person'].pk}/change/").content.decode()
    assert "<p>Une <strong>bio</strong></p>" in person


def test_admin_saves_a_page_and_the_site_shows_it(client_for, admin_user, client):
    admin = client_for(admin_user)
    response = admin.post(
        "/admin/events/page/add/",
        {"slug": "nouvelle", "title_fr": "Nouvelle page", "title_en": "New page", "body_fr": "Texte",
         "colour": "rouge", "news": [], "events": [], "people": []},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Indiquez une couleur au format #rgb ou #rrggbb" in response.content.decode()
    assert not Page.objects.filter(slug="nouvelle").exists()
    response = admin.post(
        "/admin/events/page/add/",
        {"slug": "nouvelle", "title_fr": "Nouvelle page", "title_en": "New page", "body_fr": "Texte",
         "colour": "#1f4e79", "news": [], "events": [], "people": []},
    )  # fmt: skip
    assert response.status_code == 302
    assert "<h1>New page</h1>" in client.get("/en/pages/nouvelle/").content.decode()


def test_event_admin_refuses_an_end_before_the_start(client_for, admin_user):
    response = client_for(admin_user).post(
        "/admin/events/event/add/",
        {"slug": "e", "title_fr": "E", "event_type": "seminar", "start_0": "10/03/2027", "start_1": "14:00",
         "end_0": "10/03/2027", "end_1": "12:00", "registrations-TOTAL_FORMS": "0",
         "registrations-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "La fin doit suivre le début." in response.content.decode()
