"""Reminders: 7 and 2 days before the deadline, the day after a missed one, each exactly once; staff summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from applications import tasks
from applications.evaluation import reminders, services
from applications.models import Call
from notifications.models import EmailLog
from tests.applications.factories_evaluation import AssignmentFactory, answers

pytestmark = pytest.mark.django_db


def travel(start: dt.date, days: int) -> dict[dt.date, list[tuple[str, str]]]:
    """Run the daily job twice a day from ``start`` for ``days`` days; what each day sent (to, subject)."""
    sent = {}
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        before = len(mail.outbox)
        noon = timezone.make_aware(dt.datetime.combine(day, dt.time(5, 45)))
        reminders.send_reminders(day, noon)
        reminders.send_reminders(day, noon)  # a rerun sends nothing more
        sent[day] = [(m.to[0], m.subject) for m in mail.outbox[before:]]
    return sent


def test_each_reminder_exactly_once_over_the_days(settings):
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=10)
    waiting = AssignmentFactory(deadline=deadline)
    accepted = AssignmentFactory(deadline=deadline, accepted=True)
    done = AssignmentFactory(deadline=deadline, accepted=True)
    services.submit_evaluation(done, done.evaluator, answers(done.dossier.call))
    sent = travel(today, 14)
    number = {a.evaluator.email: a.dossier.number for a in (waiting, accepted)}
    days = {day: sorted(subject for _to, subject in messages) for day, messages in sent.items() if messages}
    due = services.spelled_date(deadline, "fr")

    def soon(email):
        return f"[CIFRE] Rappel : évaluation du dossier {number[email]} attendue le {due}"

    def late(email):
        return f"[CIFRE] Évaluation du dossier {number[email]} : la date limite est dépassée"

    staff_summary = "[CIFRE] 2 évaluations en retard ({})"
    w, a = waiting.evaluator.email, accepted.evaluator.email
    assert days == {
        deadline - dt.timedelta(days=7): sorted([soon(w), soon(a)]),
        deadline - dt.timedelta(days=2): sorted([soon(w), soon(a)]),
        deadline + dt.timedelta(days=1): sorted(
            [late(w), late(a), staff_summary.format(services.spelled_date(deadline + dt.timedelta(days=1), "fr"))]
        ),
        deadline + dt.timedelta(days=2): [
            staff_summary.format(services.spelled_date(deadline + dt.timedelta(days=2), "fr"))
        ],
        deadline + dt.timedelta(days=3): [
            staff_summary.format(services.spelled_date(deadline + dt.timedelta(days=3), "fr"))
        ],
    }
    assert all(to == settings.STAFF_EMAIL for to, s in sent[deadline + dt.timedelta(days=2)])
    body = next(m.body for m in mail.outbox if m.to == [w])
    assert "dans 7 jours." in body and "Vous n'avez pas encore déclaré l'absence de conflit d'intérêts" in body
    assert EmailLog.objects.filter(dedupe_key=f"evaluation-reminder:{waiting.pk}:7d").count() == 1
    assert not EmailLog.objects.filter(dedupe_key__startswith=f"evaluation-reminder:{done.pk}:").exists()


def test_a_missed_run_catches_up_with_the_reminder_that_applies_now():
    today = timezone.localdate()
    assignment = AssignmentFactory(deadline=today + dt.timedelta(days=12))
    # Nothing ran until 5 days before the deadline: the 7-day reminder goes that day, once.
    sent = travel(today + dt.timedelta(days=7), 1)
    assert [s for _to, s in sent[today + dt.timedelta(days=7)]] == [
        f"[CIFRE] Rappel : évaluation du dossier {assignment.dossier.number} attendue le "
        + services.spelled_date(assignment.deadline, "fr")
    ]


def test_an_assignment_made_within_the_week_gets_no_seven_day_reminder():
    today = timezone.localdate()
    assignment = AssignmentFactory(deadline=today + dt.timedelta(days=5))
    sent = travel(today, 5)
    keys = sorted(
        EmailLog.objects.filter(dedupe_key__startswith="evaluation-reminder:").values_list("dedupe_key", flat=True)
    )
    assert keys == [f"evaluation-reminder:{assignment.pk}:2d"]
    assert sum(len(v) for v in sent.values()) == 1


def test_a_closed_evaluation_reminds_no_one():
    today = timezone.localdate()
    assignment = AssignmentFactory(deadline=today + dt.timedelta(days=7))
    Call.objects.filter(pk=assignment.dossier.call_id).update(evaluation_closed_at=timezone.now() - dt.timedelta(1))
    assert travel(today, 10) == {today + dt.timedelta(days=n): [] for n in range(10)}


def test_the_daily_task_and_the_command_send_the_reminders():
    today = timezone.localdate()
    AssignmentFactory(deadline=today + dt.timedelta(days=14))
    result = tasks.daily()
    assert (result["evaluation_reminders"], result["evaluation_overdue"], result["evaluation_late_summary"]) == (
        0,
        0,
        0,
    )
    day = (today + dt.timedelta(days=7)).isoformat()
    from io import StringIO

    out = StringIO()
    call_command("send_evaluation_reminders", "--date", day, stdout=out)
    assert out.getvalue() == (
        f"Rappels au {day} : 1 rappel(s) avant échéance, 0 relance(s) après échéance, 0 synthèse(s) à l'équipe.\n"
    )
