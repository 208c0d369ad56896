"""The evaluation's daily reminders (``applications.daily``, or ``manage.py send_evaluation_reminders``).

To each evaluator whose evaluation is not submitted (waiting for the declaration, or accepted):

- ``7d``: once, 7 days before the deadline (or on the next run within the week, if a run was
  missed), unless the assignment was made less than 7 days before the deadline (its e-mail said it);
- ``2d``: once, 2 days before (same rule within the last two days);
- ``late``: once, the day after a missed deadline (or the next run after it).

Each kind is sent at most once per assignment: the messenger's key
``evaluation-reminder:<assignment>:<kind>`` (a rerun, a retry or a second worker sends nothing
again). Staff get one summary a day of the late evaluations (``evaluation-late-summary:<day>``),
none when nothing is late. A call whose evaluation staff closed reminds no one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from .models import Assignment
from .services import _language, evaluator_url, site_url, spelled_date

WAITING = (Assignment.Status.ASSIGNED, Assignment.Status.ACCEPTED)
SOON = {"7d": 7, "2d": 2}


def reminder_key(assignment_id: int, kind: str) -> str:
    return f"evaluation-reminder:{assignment_id}:{kind}"


def summary_key(day: dt.date) -> str:
    return f"evaluation-late-summary:{day.isoformat()}"


def kind_for(assignment: Assignment, today: dt.date) -> str | None:
    """Which reminder ``assignment`` is due on ``today`` (before the already-sent ones are set aside)."""
    days = (assignment.deadline - today).days
    if days < 0:
        return "late"
    created = timezone.localdate(assignment.created_at)
    for kind in ("2d", "7d"):  # the nearest window first: a late run sends the one that applies now
        window = SOON[kind]
        lower = 0 if kind == "2d" else SOON["2d"] + 1
        if lower <= days <= window:
            return kind if created <= assignment.deadline - dt.timedelta(days=window) else None
    return None


def _open(now: dt.datetime):
    return Assignment.objects.filter(status__in=WAITING).filter(
        Q(dossier__call__evaluation_closed_at__isnull=True) | Q(dossier__call__evaluation_closed_at__gt=now)
    )


def send_reminders(today: dt.date | None = None, now: dt.datetime | None = None) -> dict:
    """Send the reminders due ``today`` (Paris date) and the staff summary; returns the counts sent."""
    from notifications import services as messenger
    from notifications.models import EmailLog

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    candidates = list(
        _open(now)
        .filter(deadline__lte=today + dt.timedelta(days=SOON["7d"]))
        .select_related("evaluator", "dossier__call", "dossier__theme")
        .only(
            "pk",
            "deadline",
            "status",
            "created_at",
            "evaluator__email",
            "evaluator__first_name",
            "evaluator__last_name",
            "evaluator__preferred_language",
            "dossier__number",
            "dossier__thesis_title",
            "dossier__call__title_fr",
            "dossier__call__title_en",
            "dossier__theme__title_fr",
            "dossier__theme__title_en",
        )
        .order_by("deadline", "pk")
    )
    due = [(a, kind) for a in candidates if (kind := kind_for(a, today))]
    keys = [reminder_key(a.pk, kind) for a, kind in due]
    done = set(EmailLog.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    counts = {"evaluation_reminders": 0, "evaluation_overdue": 0, "evaluation_late_summary": 0}
    for assignment, kind in due:
        key = reminder_key(assignment.pk, kind)
        if key in done:
            continue
        evaluator = assignment.evaluator
        language = _language(evaluator)
        dossier = assignment.dossier
        with translation.override(language):
            context = {
                "evaluator_name": evaluator.get_full_name() or evaluator.email,
                "call_title": dossier.call.localised("title"),
                "number": dossier.number,
                "thesis_title": dossier.thesis_title,
                "theme_title": dossier.theme.localised("title") if dossier.theme_id else "",
                "deadline": spelled_date(assignment.deadline, language),
                "days": max((assignment.deadline - today).days, 0),
                "declared": assignment.status == Assignment.Status.ACCEPTED,
                "url": evaluator_url(assignment, language),
            }
        template = "evaluation_overdue" if kind == "late" else "evaluation_reminder"
        log = messenger.send(template, evaluator, context, language=language, dedupe_key=key)
        if log.just_created:
            counts["evaluation_overdue" if kind == "late" else "evaluation_reminders"] += 1
    if late_summary(today, now) is not None:
        counts["evaluation_late_summary"] = 1
    return counts


def late_assignments(today: dt.date, now: dt.datetime | None = None):
    """The evaluations past their deadline and not submitted, for staff (deadline first)."""
    return (
        _open(now or timezone.now())
        .filter(deadline__lt=today)
        .select_related("evaluator", "dossier")
        .order_by("deadline", "dossier__number", "pk")
    )


def late_summary(today: dt.date, now: dt.datetime | None = None):
    """One summary a day to ``settings.STAFF_EMAIL``; the log row when sent now, else None."""
    from notifications import services as messenger

    late = list(late_assignments(today, now))
    if not late:
        return None
    language = settings.LANGUAGE_CODE
    rows = [
        {
            "number": a.dossier.number,
            "evaluator_name": a.evaluator.get_full_name() or a.evaluator.email,
            "deadline": spelled_date(a.deadline, language),
            "days_late": (today - a.deadline).days,
        }
        for a in late
    ]
    context = {
        "day": spelled_date(today, language),
        "count": len(rows),
        "rows": rows,
        "url": site_url("applications:staff_calls", language),
    }
    log = messenger.send(
        "evaluation_late_summary", settings.STAFF_EMAIL, context, language=language, dedupe_key=summary_key(today)
    )
    return log if log.just_created else None
