"""What the public site says about the call for applications: the call page and the home block.

The call is read only through ``applications.queries`` (the public site never imports the
applications' models). Dates are spelled out in Europe/Paris with the time zone named, in the
visitor's language: « jusqu'au 15 mars 2027 à 12 h 00, heure de Paris ».

Cache: these pages are cached whole for visitors (``events.cache``). They change by themselves
when a call opens or closes, so each response carries ``public_cache_until`` = the next such
moment (``queries.next_change``); staff edits of a call or a theme clear the cache through the
signals connected in ``events.signals`` (``queries.PUBLIC_MODELS``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from applications import queries

PARIS = ZoneInfo("Europe/Paris")


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def long_date(day: dt.date) -> str:
    """« 1er mars 2027 », « 15 mars 2027 »; "1 March 2027" in English."""
    text = formats.date_format(day, "j F Y")
    if day.day == 1 and not _english():
        text = "1er" + text[1:]
    return text


def moment(value: dt.datetime) -> str:
    """« 15 mars 2027 à 12 h 00, heure de Paris »; "15 March 2027 at 12:00, Paris time"."""
    local = value.astimezone(PARIS)
    time = f"{local:%H:%M}" if _english() else f"{local.hour} h {local:%M}"
    return _("%(date)s à %(time)s, heure de Paris") % {"date": long_date(local.date()), "time": time}


def apply_url(call) -> str:
    """The candidate's start page for this call (``applications/urls_candidate.py``): a visitor is asked to
    sign in or sign up first, then comes back there."""
    return reverse("applications:start", args=[call.pk])


def page_context(at: dt.datetime | None = None, user=None) -> dict:
    """Context of the call page; ``changes_at`` is when the page changes by itself."""
    at = at or timezone.now()
    current = queries.current(at)
    call = current.call
    context = {"call": call, "state": current.state, "changes_at": current.changes_at}
    if call is None:
        return context
    dates = queries.eligibility_dates(call)
    context.update(
        title=call.localised("title"),
        intro=call.localised("intro"),
        opens=moment(call.opens_at),
        closes=moment(call.closes_at),
        filing=long_date(dates["filing"]),
        masters_from=long_date(dates["masters_from"]),
        masters_by=long_date(dates["masters_by"]),
        effective=long_date(call.planned_effective_date),
        results=long_date(call.results_date) if call.results_date else "",
        results_past=bool(call.results_date and call.results_date <= timezone.localdate(at, PARIS)),
        themes=[
            {
                "title": theme.localised("title"),
                "description": theme.localised("description"),
                "department": theme.host_department.name,
                "acronym": theme.host_department.acronym,
                "keywords": [word.strip() for word in theme.keywords.split(",") if word.strip()],
                "contact_name": theme.contact_name,
                "contact_email": theme.contact_email,
            }
            for theme in call.themes.all()
        ],
        documents=[label for _kind, label in queries.required_documents()],
        max_size=filesizeformat(settings.MAX_UPLOAD_SIZE),
        apply_url=apply_url(call) if current.state == "open" else None,
        # Visitors get the cached page: the refusal only concerns signed-in accounts, never cached.
        apply_refusal=queries.apply_refusal(user) if current.state == "open" else "",
    )
    return context


def home_context(at: dt.datetime | None = None) -> dict:
    """The home page's block, shown only while a call is open."""
    at = at or timezone.now()
    call, changes_at = queries.open_call_and_next_change(at)
    if call is None:
        return {"open_call": None, "call_changes_at": changes_at}
    return {
        "open_call": {"title": call.localised("title"), "closes": moment(call.closes_at)},
        "call_changes_at": changes_at,
    }
