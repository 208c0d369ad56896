"""Read-only queries other apps may use (the public site shows the current call through these)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from .models import Call, Theme


def _published():
    return Call.objects.filter(is_published=True).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.select_related("host_department").order_by("position", "id"))
    )


def open_call(at: dt.datetime | None = None) -> Call | None:
    at = at or timezone.now()
    return _published().filter(opens_at__lte=at, closes_at__gt=at).order_by("closes_at").first()


def public_call(at: dt.datetime | None = None) -> tuple[Call | None, str]:
    """The call the public site shows and its state: ``open``, ``upcoming`` (the next one) or ``closed``
    (the last one, with its results date); ``(None, "none")`` when there was never a call."""
    at = at or timezone.now()
    if call := open_call(at):
        return call, "open"
    if call := _published().filter(opens_at__gt=at).order_by("opens_at").first():
        return call, "upcoming"
    if call := _published().filter(closes_at__lte=at).order_by("-closes_at").first():
        return call, "closed"
    return None, "none"
