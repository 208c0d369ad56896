"""The scheduler's tasks: thin, they take a date (ISO string, default today in Europe/Paris) and call a service.

Beat runs them every day (``CELERY_BEAT_SCHEDULE`` in settings); each also exists as a management
command (``daily_sweep``, ``send_reminders``, ``quarterly_summary``) for staff to run by hand.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


def _day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="subsidies.daily_sweep")
def daily_sweep(as_of: str | None = None) -> dict:
    from subsidies.domain.sweep import sweep

    return sweep(_day(as_of)).changes


@shared_task(name="subsidies.send_reminders")
def send_reminders(as_of: str | None = None) -> int:
    from subsidies.domain.reminders import send_reminders as run

    return len(run(_day(as_of)))


@shared_task(name="subsidies.quarterly_summary")
def quarterly_summary(as_of: str | None = None) -> int:
    from subsidies.domain.reminders import quarterly_summary as run

    return len(run(_day(as_of)))


@shared_task(name="subsidies.daily")
def daily(as_of: str | None = None) -> dict:
    """The day's work in order: statuses first, then reminders, then (first day of a quarter) the summary."""
    day = _day(as_of)
    changes = daily_sweep(day.isoformat())
    reminders = send_reminders(day.isoformat())
    summary = quarterly_summary(day.isoformat()) if day.day == 1 and day.month in (1, 4, 7, 10) else 0
    return {"changes": sum(changes.values()), "reminders": reminders, "summaries": summary}
