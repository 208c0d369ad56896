"""The demo content: realistic, idempotent, with the programme page shipped in the repository."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

import events
from events import demo
from events.models import Event, NewsItem, Page, Person, Registration

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Page, NewsItem, Event, Person, Registration)]


def test_seed_twice_changes_nothing_and_covers_every_state():
    demo.seed(StringIO())
    first = counts()
    stamps = sorted(Event.objects.values_list("slug", "updated_at"))
    demo.seed(StringIO())
    assert counts() == first
    assert sorted(Event.objects.values_list("slug", "updated_at")) == stamps
    full = Event.objects.get(slug="atelier-ecrire-pour-les-decideurs")
    assert full.registrations.filter(status="confirmed").count() == full.capacity
    assert full.registrations.filter(status="waiting").count() == 1
    assert Event.objects.filter(cancelled=True).exists()
    now = timezone.now()
    assert Event.objects.filter(start__lt=now).exists() and Event.objects.filter(start__gt=now).exists()
    assert Person.objects.filter(consent=False).exists()
    programme = Page.objects.get(slug="programme")
    assert programme.title_fr == "Les doctorant.e.s Cifre de la ville de Paris"
    assert programme.body_en.startswith("## The CIFRE scheme")


def test_seed_demo_shows_the_programme_page_shipped_in_the_repository(client, settings):
    """A fresh clone has nothing beside it: the page comes from the events app, not from ../shared."""
    settings.DEBUG = True
    shipped = Path(events.__file__).resolve().parent / "data" / "programme-page.md"
    assert (demo.SEED_PAGE, demo.SEED_PAGE.is_file()) == (shipped, True)
    assert demo.SEED_PAGE.is_relative_to(Path(settings.BASE_DIR).resolve())
    call_command("seed_demo", stdout=StringIO())
    french = client.get("/programme/")
    english = client.get("/en/programme/")
    assert (french.status_code, english.status_code) == (200, 200)
    assert "<h1>Les doctorant.e.s Cifre de la ville de Paris</h1>" in french.text
    assert "<h2>Le rôle de l'IEA de Paris</h2>" in french.text
    assert "<h1>The City of Paris CIFRE doctoral students</h1>" in english.text
    assert "<h2>The role of the IEA de Paris</h2>" in english.text


def test_shipped_programme_page_is_the_programme_seed():
    shared = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "programme-page.md"
    if not shared.exists():
        pytest.skip(f"no seed to compare with: {shared}")
    assert demo.SEED_PAGE.read_bytes() == shared.read_bytes()
