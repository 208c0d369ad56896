"""Cached pages that change by themselves at a known moment (``response.public_cache_until``)."""

import datetime as dt
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from events import cache as page_cache

pytestmark = pytest.mark.django_db


def counting_view(until):
    calls = []

    @page_cache.public_cache
    def view(request):
        calls.append(1)
        response = HttpResponse(f"rendered {len(calls)}")
        response.public_cache_until = until() if callable(until) else until
        return response

    return view, calls


@pytest.fixture(params=[0, 3600], ids=["shared level", "local level"])
def levels(request, settings):
    settings.EVENTS_PAGE_CACHE_LOCAL_SECONDS = request.param
    page_cache.local.reset()
    yield
    page_cache.local.reset()


def test_an_entry_is_not_served_from_its_deadline_on(levels):
    deadline = timezone.now() + dt.timedelta(seconds=1)
    view, calls = counting_view(deadline)
    get = RequestFactory().get
    assert view(get("/page/")).content == b"rendered 1"
    assert view(get("/page/")).content == b"rendered 1"  # from the cache
    time.sleep(max(0.0, (deadline - timezone.now()).total_seconds()) + 0.05)
    assert view(get("/page/")).content == b"rendered 2"
    assert len(calls) == 2


def test_a_page_whose_deadline_has_passed_is_not_cached(levels):
    view, calls = counting_view(timezone.now() - dt.timedelta(seconds=1))
    get = RequestFactory().get
    assert [view(get("/page/")).content for _ in range(2)] == [b"rendered 1", b"rendered 2"]


def test_without_a_deadline_the_page_keeps_its_usual_timeout(levels):
    view, calls = counting_view(None)
    get = RequestFactory().get
    assert [view(get("/page/")).content for _ in range(3)] == [b"rendered 1"] * 3
    entry = page_cache.cache.get("events:page:fr:/page/")
    assert (entry[1:4], entry[4]) == (("text/html; charset=utf-8", b"rendered 1", False), None)


def test_an_entry_stored_before_deadlines_existed_is_still_served():
    """Entries of four items (written before this change, e.g. in Redis during a deploy) still work."""
    view, calls = counting_view(None)
    version = page_cache._shared_version()
    page_cache.cache.set("events:page:fr:/old/", (version, "text/plain", b"old entry", False), 60)
    assert view(RequestFactory().get("/old/")).content == b"old entry"
    assert calls == []
