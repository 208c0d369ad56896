"""The demo content: realistic, idempotent, and the seed page imported when present."""

from io import StringIO

import pytest
from django.utils import timezone

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
    if demo.SEED_PAGE.exists():
        programme = Page.objects.get(slug="programme")
        assert programme.title_fr == "Les doctorant.e.s Cifre de la ville de Paris"
        assert programme.body_en.startswith("## The CIFRE scheme")
