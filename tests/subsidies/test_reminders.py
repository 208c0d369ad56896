"""Time travel over a whole convention: the right reminders on the right days, none twice."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core import mail

from conventions import services as convention_services
from notifications.models import EmailLog
from subsidies.domain import invoicing
from subsidies.domain.reminders import quarterly_summary, send_reminders
from subsidies.domain.sweep import sweep
from tests.factories import UserFactory
from tests.subsidies.factories import TutorFactory, make_convention

pytestmark = pytest.mark.django_db

D = dt.date


def example_convention():
    """E = 2025-03-17 (RULES.md §8 A). Everything reaches ANRT 35 days early except two documents:
    enrolment:2025 never arrives (missed on 2026-05-31) and activity_report:1 arrives late, on 2026-04-10."""
    convention = make_convention(
        D(2025, 3, 17),
        as_of=D(2025, 1, 1),
        student=UserFactory(email="lea@example.org"),
        tutor=TutorFactory(email="tuteur@paris.example.org"),
    )
    late = {"enrolment:2025": None, "activity_report:1": D(2026, 4, 10)}
    for obligation in convention.obligations.all():
        day = late.get(obligation.key, obligation.due_date - dt.timedelta(days=35))
        if day is not None:
            obligation.received_on = day
            obligation.save(update_fields=["received_on"])
    convention_services.recompute(convention, D(2025, 1, 1))
    return convention


EXPECTED = [
    (D(2025, 8, 31), "obligation_due_soon", "enrolment:2025"),
    (D(2025, 9, 23), "obligation_due_soon", "enrolment:2025"),
    (D(2025, 10, 1), "obligation_overdue", "enrolment:2025"),
    (D(2026, 2, 15), "obligation_due_soon", "activity_report:1"),
    (D(2026, 3, 10), "obligation_due_soon", "activity_report:1"),
    (D(2026, 3, 18), "obligation_overdue", "activity_report:1"),
    (D(2026, 4, 30), "obligation_forfeit_soon", "enrolment:2025"),
    (D(2026, 5, 23), "obligation_forfeit_soon", "enrolment:2025"),
]
RECIPIENTS = ["cifre-staff@example.org", "lea@example.org", "manon@example.org", "tuteur@paris.example.org"]


def test_three_years_day_by_day_the_right_reminders_on_the_right_days_none_twice():
    UserFactory(role="staff", email="manon@example.org", preferred_language="en")
    convention = example_convention()
    by_day = defaultdict(list)
    day = D(2025, 1, 1)
    while day <= D(2028, 12, 31):
        for log in send_reminders(day):
            by_day[day].append(log)
        day += dt.timedelta(days=1)

    obligation_of = {o.pk: o.key for o in convention.obligations.all()}
    found = []
    for day, logs in sorted(by_day.items()):
        kinds = {(log.template_key, obligation_of[int(log.dedupe_key.split(":")[1])]) for log in logs}
        assert len(kinds) == 1, day
        found.append((day, *kinds.pop()))
        assert sorted(log.to for log in logs) == RECIPIENTS
    assert found == EXPECTED
    assert len(mail.outbox) == 32
    assert EmailLog.objects.filter(status="sent").count() == 32

    # The staff member reads English, the others French.
    first = {log.to: log for log in by_day[D(2025, 8, 31)]}
    assert first["manon@example.org"].subject == (
        f"[CIFRE] {convention.anrt_number}: “Doctoral enrolment certificate 2025/2026” due by 30 September 2025"
    )
    assert first["lea@example.org"].subject == (
        f"[CIFRE] {convention.anrt_number} : « Attestation d'inscription en doctorat 2025/2026 » "
        "attendu avant le 30 septembre 2025"
    )
    assert "dans 30 jours" in first["lea@example.org"].body
    assert (
        f"Suivi de la convention : https://cifre.example.org/conventions/{convention.pk}/\n"
        in first["lea@example.org"].body
    )
    risk = {log.to: log for log in by_day[D(2026, 4, 30)]}["cifre-staff@example.org"]
    # Instalments 3-13 are not payable by 30 May 2026: 37,935.48 EUR at stake.
    assert "(37\u202f935,48\u00a0€)" in risk.body

    # Rerunning any day (a crash, a second beat) sends nothing more.
    for day in (D(2025, 8, 31), D(2025, 10, 1), D(2026, 5, 23)):
        assert send_reminders(day) == []
    assert len(mail.outbox) == 32


def test_a_day_missed_by_the_scheduler_is_caught_up_once():
    convention = example_convention()
    # The scheduler did not run on 31 August 2025: the 30-day reminder leaves on 1 September, once.
    assert send_reminders(D(2025, 8, 30)) == []
    logs = send_reminders(D(2025, 9, 1))
    assert [(log.template_key, log.to) for log in logs] == [
        ("obligation_due_soon", "cifre-staff@example.org"),
        ("obligation_due_soon", convention.doctoral_student.email),
        ("obligation_due_soon", convention.tutor.email),
    ]
    assert "dans 29 jours" in logs[0].body
    assert send_reminders(D(2025, 9, 2)) == []


def test_draft_conventions_get_no_reminder():
    convention = example_convention()
    convention.status = "draft"
    convention.save(update_fields=["status"])
    assert send_reminders(D(2025, 8, 31)) == []


def test_quarterly_summary_lists_what_is_ready_to_invoice_once():
    UserFactory(role="staff", email="manon@example.org", preferred_language="en")
    convention = example_convention()
    sweep(D(2025, 7, 1))
    logs = quarterly_summary(D(2025, 7, 1))
    assert [log.to for log in logs] == ["cifre-staff@example.org", "manon@example.org"]
    french, english = logs
    assert french.subject == "[CIFRE] T2 2025 : 2 versements à facturer"
    assert english.subject == "[CIFRE] Q2 2025: 2 instalments to invoice"
    assert f"- {convention.anrt_number} (" in french.body
    assert "versement n° 1 : 564,52\u00a0€" in french.body
    assert "versement n° 2 : 3\u202f500,00\u00a0€" in french.body
    assert "pour un total de 4\u202f064,52\u00a0€" in french.body
    assert quarterly_summary(D(2025, 7, 1)) == []
    assert quarterly_summary(D(2025, 8, 15)) == []  # same quarter: already sent

    invoicing.issue_invoices([i.pk for i in convention.instalments.filter(number__in=(1, 2))], issued_on=D(2025, 7, 2))
    sweep(D(2025, 10, 1))
    october = quarterly_summary(D(2025, 10, 1))
    # Instalment 3 (Q3 2025) waits for enrolment:2025, which never comes.
    assert october[0].subject == "[CIFRE] T3 2025 : 0 versements à facturer"
    assert "1 versement retenu faute de document (3\u202f500,00\u00a0€)." in october[0].body
    assert convention.instalments.get(number=3).status == "withheld"


def test_the_tutor_is_written_to_in_their_language():
    convention = example_convention()
    tutor = convention.tutor
    tutor.preferred_language = "en"
    tutor.save(update_fields=["preferred_language"])
    logs = {log.to: log for log in send_reminders(D(2025, 8, 31))}
    assert logs["tuteur@paris.example.org"].subject == (
        f"[CIFRE] {convention.anrt_number}: “Doctoral enrolment certificate 2025/2026” due by 30 September 2025"
    )
    assert logs["lea@example.org"].subject.startswith(f"[CIFRE] {convention.anrt_number} : « Attestation")
