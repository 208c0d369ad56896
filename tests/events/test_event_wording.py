"""Events read as a visitor expects: an event over says so, a same-day event gives its date once, and a
successful registration shows what was registered instead of the empty form (issue 12)."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from events import services
from events.models import Registration
from events.templatetags.event_dates import when_text

from .factories import EventFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_an_event_that_is_over_says_it_is_over():
    event = EventFactory(past=True)
    assert services.registration_refusal(event) == "Cet événement est terminé : les inscriptions sont closes."
    assert "Cet événement est terminé" in text(Client().get(event.get_absolute_url()))


def test_an_event_under_way_says_it_has_started():
    now = timezone.now()
    event = EventFactory(start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1))
    assert services.registration_refusal(event) == "Cet événement a déjà commencé : les inscriptions sont closes."


def test_an_event_without_end_is_over_the_day_after():
    now = timezone.now()
    event = EventFactory(start=now - dt.timedelta(days=2), end=None)
    assert services.has_ended(event, now)
    assert not services.has_ended(EventFactory(start=now - dt.timedelta(minutes=1), end=None), now)


def test_a_same_day_event_gives_its_date_once():
    start = dt.datetime(2026, 12, 22, 14, 0, tzinfo=PARIS)
    with translation.override("fr"):
        assert when_text(start, start + dt.timedelta(hours=3)) == "22 décembre 2026, 14:00 – 17:00"
        assert when_text(start, start + dt.timedelta(days=1)) == "22 décembre 2026 14:00 – 23 décembre 2026 14:00"
        assert when_text(start, None) == "22 décembre 2026 14:00"
    with translation.override("en"):
        assert when_text(start, start + dt.timedelta(hours=3)) == "22 December 2026, 14:00 – 17:00"


def test_the_event_page_gives_a_same_day_date_once():
    start = timezone.now().astimezone(PARIS).replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
    event = EventFactory(start=start, end=start + dt.timedelta(hours=3))
    body = text(Client().get(event.get_absolute_url()))
    with translation.override("fr"):
        expected = when_text(event.start, event.end)
    assert expected.endswith(", 14:00 – 17:00")
    assert expected in body


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_successful_registration_shows_what_was_registered(language, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title_fr="Séminaire d'hiver", title_en="Winter seminar")
    prefix = "/en" if language == "en" else ""
    client = Client()
    payload = {"name": "Alice Martin", "email": "Alice@Example.org", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(prefix + event.get_absolute_url().removeprefix("/en"), payload)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    body = text(page)
    assert "Alice Martin" in body and "alice@example.org" in body
    assert ("Winter seminar" if language == "en" else "Séminaire d&#x27;hiver") in body
    assert 'name="email"' not in page.content.decode()  # not the empty form again
    if language == "fr":
        assert "Inscription confirmée" in body
        assert "Votre inscription est confirmée. Un e-mail vous a été envoyé." in body
    registration = Registration.objects.get()
    assert services.cancel_token(registration) in page.content.decode()  # the way to cancel
    assert len(mail.outbox) == 1


def test_a_waiting_list_registration_says_so(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    Registration.objects.create(event=event, name="A", email="a@example.org", consent=True, status="confirmed")
    client = Client()
    response = client.post(
        event.get_absolute_url(), {"name": "Bob", "email": "bob@example.org", "consent": "on", "waiting_list": "1"}
    )
    body = text(client.get(response["Location"]))
    assert "<h1>Inscription sur la liste d'attente</h1>" in client.get(response["Location"]).content.decode()
    assert "vous êtes sur la liste d'attente" in body


@pytest.mark.parametrize("token", ["forged", "abc:def"])
def test_a_forged_confirmation_link_is_refused(token):
    response = Client().get(f"/evenements/inscription/{token}/")
    assert response.status_code == 400
    assert "Ce lien de confirmation n&#x27;est plus valide" in text(response)


def test_a_day_old_confirmation_link_is_refused(monkeypatch):
    event = EventFactory()
    registration = Registration.objects.create(event=event, name="A", email="a@example.org", consent=True)
    token = services.done_token(registration)
    assert Client().get(f"/evenements/inscription/{token}/").status_code == 200
    monkeypatch.setattr(services, "DONE_MAX_AGE", -1)
    assert Client().get(f"/evenements/inscription/{token}/").status_code == 400


def test_the_confirmation_e_mail_gives_a_same_day_date_once(django_capture_on_commit_callbacks):
    start = dt.datetime(2030, 12, 22, 14, 0, tzinfo=PARIS)
    event = EventFactory(start=start, end=start + dt.timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        services.register(event.pk, name="A", email="a@example.org", consent=True)
    assert "22 décembre 2030, 14:00 – 17:00" in mail.outbox[0].body
