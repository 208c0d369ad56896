"""Public pages are served from the cache and invalidated when their content changes."""

import re

import pytest
from django.test import Client

from events.models import NewsItem, Page, Registration

from .factories import EventFactory, NewsItemFactory, PageFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_second_visit_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    NewsItemFactory(title_fr="Première")
    first = client.get("/actualites/")
    with django_assert_num_queries(0):
        second = Client().get("/actualites/")
    assert second.status_code == 200
    assert "Première" in second.content.decode()
    assert re.sub(r'value="[^"]{64}"', "", first.content.decode()) == re.sub(
        r'value="[^"]{64}"', "", second.content.decode()
    )


def _retitle_legal_notice():
    page = Page.objects.get(slug="mentions-legales")
    page.title_fr = "Nouvelle toute fraîche"
    page.save()


@pytest.mark.parametrize(
    ("url", "change"),
    [
        ("/actualites/", lambda: NewsItemFactory(title_fr="Nouvelle toute fraîche")),
        ("/personnes/", lambda: PersonFactory(first_name="Nouvelle", last_name="toute fraîche")),
        ("/evenements/", lambda: EventFactory(title_fr="Nouvelle toute fraîche")),
        ("/pages/mentions-legales/", _retitle_legal_notice),
    ],
)
def test_saving_content_invalidates_the_cached_pages(client, url, change):
    assert "Nouvelle toute fraîche" not in client.get(url).content.decode()
    change()
    assert "Nouvelle toute fraîche" in Client().get(url).content.decode()


def test_deleting_content_invalidates_the_cached_pages(client):
    item = NewsItemFactory(title_fr="Bientôt supprimée")
    assert "Bientôt supprimée" in client.get("/actualites/").content.decode()
    item.delete()
    assert "Bientôt supprimée" not in Client().get("/actualites/").content.decode()


def test_a_registration_updates_the_places_left(client):
    event = EventFactory(capacity=3)
    assert "3 places restantes" in client.get(event.get_absolute_url()).content.decode()
    Registration.objects.create(event=event, name="A", email="a@example.org", consent=True, status="confirmed")
    assert "2 places restantes" in Client().get(event.get_absolute_url()).content.decode()


def test_cached_page_gives_each_visitor_a_working_csrf_token():
    event = EventFactory(capacity=5)
    tokens = []
    for email in ("a@example.org", "b@example.org"):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get(event.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.append(token)
        response = visitor.post(
            event.get_absolute_url(),
            {"name": "X", "email": email, "consent": "on", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]
    assert event.registrations.count() == 2


def test_languages_are_cached_separately(client):
    PageFactory(slug="programme", title_fr="Le programme", title_en="The programme")
    assert "<h1>Le programme</h1>" in client.get("/programme/").content.decode()
    assert "<h1>The programme</h1>" in client.get("/en/programme/").content.decode()
    assert "<h1>Le programme</h1>" in client.get("/programme/").content.decode()


def test_logged_in_users_get_their_own_page_not_the_cached_one(client_for, staff):
    Client().get("/")  # warm the cache as a visitor
    body = client_for(staff).get("/").content.decode()
    assert staff.email in body
    assert staff.email not in Client().get("/").content.decode()


def test_fast_csrf_tokens_are_accepted_by_django_and_all_different():
    from django.middleware.csrf import _unmask_cipher_token

    from events.cache import fast_csrf_token

    class Request:
        META: dict

    request = Request()
    request.META = {"CSRF_COOKIE": "a" * 32}
    tokens = {fast_csrf_token(request) for _ in range(50)}
    assert len(tokens) == 50
    assert {_unmask_cipher_token(t) for t in tokens} == {"a" * 32}
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    fresh = Request()
    fresh.META = {}
    token = fast_csrf_token(fresh)
    assert _unmask_cipher_token(token) == fresh.META["CSRF_COOKIE"]
    assert len(fresh.META["CSRF_COOKIE"]) == 32


@pytest.fixture
def local_level(settings):
    from events import cache as page_cache

    settings.EVENTS_PAGE_CACHE_LOCAL_SECONDS = 3600
    page_cache.local.reset()
    yield page_cache
    page_cache.local.reset()


def test_local_level_serves_without_the_shared_cache_and_sees_local_saves(client, local_level):
    from django.core.cache import cache

    NewsItemFactory(title_fr="Avant")
    assert "Avant" in client.get("/actualites/").content.decode()
    assert "events:page:fr:/actualites/" in local_level.local.pages
    cache.delete("events:page:fr:/actualites/")  # the local copy still answers
    assert "Avant" in Client().get("/actualites/").content.decode()
    NewsItemFactory(title_fr="Après")  # a save in this process is seen at once
    assert "Après" in Client().get("/actualites/").content.decode()


def test_local_level_follows_a_version_changed_by_another_process(client, local_level):
    from django.core.cache import cache

    NewsItemFactory(title_fr="Avant")
    client.get("/actualites/")
    NewsItem.objects.update(title_fr="Après")  # no signal: like a change made by another process
    cache.set(local_level.VERSION_KEY, "another-process", None)
    local_level.local.checked_at = float("-inf")  # the re-read delay has passed
    assert "Après" in Client().get("/actualites/").content.decode()
