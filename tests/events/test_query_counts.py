"""Every list page makes the same number of queries with 1 and with 3 rows (no N+1)."""

import pytest
from django.test import Client

from .factories import EventFactory, NewsItemFactory, PageFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _fill(n):
    PageFactory(slug="programme")
    for _ in range(n):
        event = EventFactory(capacity=1)
        RegistrationFactory(event=event)
        RegistrationFactory(event=event, waiting=True)
        NewsItemFactory()
        PersonFactory()


# Counted for a visitor on a cold cache (the warm cache makes 0 queries, see test_cache.py).
PUBLIC_LISTS = [
    ("/", 5),  # programme page, events, news, students, the open call (with the next opening/closing)
    ("/actualites/", 2),  # count, page of news
    ("/evenements/", 1),
    ("/evenements/?periode=passes", 1),
    ("/personnes/", 1),
    ("/programme/", 4),  # page, its news, events and people
    ("/sitemap.xml", 5),
    ("/actualites/rss.xml", 2),  # current site, news
    ("/evenements/calendrier.ics", 1),
]


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(("url", "queries"), PUBLIC_LISTS)
def test_public_list_pages(django_assert_num_queries, rows, url, queries):
    _fill(rows)
    if url == "/programme/":
        from events.models import Event, NewsItem, Page, Person

        page = Page.objects.get(slug="programme")
        page.news.set(NewsItem.objects.all())
        page.events.set(Event.objects.all())
        page.people.set(Person.objects.all())
    with django_assert_num_queries(queries):
        assert Client().get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_staff_event_index(client_for, staff, django_assert_num_queries, rows):
    _fill(rows)
    client = client_for(staff)
    # session, user, second factor check, roles, events with counts
    with django_assert_num_queries(5):
        assert client.get("/gestion/site/inscriptions/").status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_staff_registration_list(client_for, staff, django_assert_num_queries, rows):
    event = EventFactory(capacity=1)
    for _ in range(rows):
        RegistrationFactory(event=event)
    client = client_for(staff)
    with django_assert_num_queries(6):
        assert client.get(f"/gestion/site/inscriptions/{event.pk}/").status_code == 200
