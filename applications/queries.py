"""Read-only queries other apps may use (the public site shows the current call through these).

The public site (``events``) never imports ``applications.models``: everything it shows about a
call comes from here, and ``PUBLIC_MODELS`` tells it which models' changes alter those pages (its
page cache is cleared when one of them is saved or deleted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from conventions import rules

from . import steps
from .models import Call, DossierFile, Theme

# Saving or deleting one of these changes what the public call page, the home page and the
# sitemap show (the grid, the dossiers and their files are not shown there).
PUBLIC_MODELS = (Call, Theme)


THEMES = Prefetch("themes", queryset=Theme.objects.select_related("host_department").order_by("position", "id"))


def _published():
    return Call.objects.filter(is_published=True).prefetch_related(THEMES)


def open_call(at: dt.datetime | None = None) -> Call | None:
    at = at or timezone.now()
    return _published().filter(opens_at__lte=at, closes_at__gt=at).order_by("closes_at").first()


@dataclass(frozen=True)
class PublicCall:
    """The call the public site shows, its state and the next moment that state changes by itself."""

    call: Call | None
    state: str  # "open", "upcoming", "closed" or "none"
    changes_at: dt.datetime | None


def _live(at: dt.datetime) -> tuple[list[Call], dt.datetime | None]:
    """The published calls not closed yet (open or upcoming; a few rows) and the next opening or closing.

    Calls already closed never change state again, so they do not bound the next change."""
    live = list(Call.objects.filter(is_published=True, closes_at__gt=at).order_by("closes_at", "opens_at", "id"))
    changes_at = min((call.opens_at if call.opens_at > at else call.closes_at for call in live), default=None)
    return live, changes_at


def current(at: dt.datetime | None = None, *, themes: bool = True) -> PublicCall:
    """The current call (the one closing first if several are open), else the next one to open, else the
    last one closed (with its results date); two queries, three with the themes."""
    at = at or timezone.now()
    live, changes_at = _live(at)
    if opened := [call for call in live if call.opens_at <= at]:
        call, state = opened[0], "open"
    elif live:
        call, state = min(live, key=lambda c: (c.opens_at, c.pk)), "upcoming"
    else:
        call = Call.objects.filter(is_published=True, closes_at__lte=at).order_by("-closes_at", "-id").first()
        state = "closed" if call else "none"
    if call is not None and themes:
        prefetch_related_objects([call], THEMES)
    return PublicCall(call, state, changes_at)


def public_call(at: dt.datetime | None = None) -> tuple[Call | None, str]:
    """The call the public site shows and its state: ``open``, ``upcoming`` (the next one) or ``closed``
    (the last one, with its results date); ``(None, "none")`` when there was never a call."""
    found = current(at)
    return found.call, found.state


def open_call_and_next_change(at: dt.datetime | None = None) -> tuple[Call | None, dt.datetime | None]:
    """The open call (without its themes) and the next opening or closing: one query, for the home page."""
    at = at or timezone.now()
    live, changes_at = _live(at)
    return next((call for call in live if call.opens_at <= at), None), changes_at


def next_change(at: dt.datetime | None = None) -> dt.datetime | None:
    """The next moment ``public_call`` answers differently by itself: a published call opens or closes."""
    return _live(at or timezone.now())[1]


def eligibility_dates(call: Call) -> dict[str, dt.date]:
    """The dates of RULES.md §2 for this call, to say the conditions in plain words.

    ``filing``: the planned ANRT filing date (the reference date); ``masters_from``: the earliest
    master's date that passes ``masters_recent`` (filing − 36 months, the engine's own arithmetic);
    ``masters_by``: the planned effective date, by which the master's must be held.
    """
    return {
        "filing": call.planned_filing_date,
        "masters_from": rules.add_months(call.planned_filing_date, -36),
        "masters_by": call.planned_effective_date,
    }


def apply_refusal(user) -> str:
    """Why this signed-in account may not apply (staff, evaluators, department contacts, doctoral
    students), or ``""``; a visitor may: they sign in or sign up on the way."""
    if not getattr(user, "is_authenticated", False):
        return ""
    from .permissions import can_apply

    return can_apply(user).reason


def required_documents() -> list[tuple[str, str]]:
    """``(kind, label)`` of the documents every dossier needs, in the active language."""
    labels = dict(DossierFile.Kind.choices)
    return [(kind, str(labels[kind])) for kind in steps.REQUIRED_DOCUMENTS]
