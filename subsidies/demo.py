"""Demo invoices, a credit note, payments (one partial) and e-mail log entries, for the demo conventions.

Runs after ``conventions.demo``. Idempotent: invoices are made only when none exist yet; reminders
and summaries go through their dedupe keys, so a second run adds nothing. The reminder service is
really run for the last 40 days (as if the scheduler had been running); in the demo the messages go
to Django's in-memory mail backend, so the console is not flooded, and appear in the e-mail log.
Each is logged on the day the scheduler would have sent it (its morning run), so "dans 30 jours" in
a reminder logged 30 days ago is true of its deadline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from notifications.models import EmailLog

from .domain import invoicing, reminders
from .domain.sweep import sweep
from .models import Invoice


def seed(stdout) -> None:
    today = timezone.localdate()
    sweep(today)
    staff = User.objects.filter(email="staff@demo.cifre.test").first()

    if not Invoice.objects.exists():
        # Everything before the last completed quarter is invoiced; that quarter is left for staff to issue.
        year, quarter = invoicing.quarter_of(today)
        last_start = invoicing.quarter_bounds(
            *invoicing.quarter_of(invoicing.quarter_bounds(year, quarter)[0] - dt.timedelta(days=1))
        )[0]
        ready = [i.pk for i in invoicing.invoiceable(end=last_start - dt.timedelta(days=1))]
        invoices = invoicing.issue_invoices(ready, staff, issued_on=today) if ready else []
        if len(invoices) >= 3:
            # A credit note cancels the last one, which is then invoiced again under a new number.
            cancelled = invoices[-1]
            invoicing.cancel_invoice(cancelled.pk, staff, "Démonstration : période erronée", issued_on=today)
            invoicing.issue_invoices([cancelled.instalment_id], staff, issued_on=today)
        if invoices:
            first = invoices[0]
            invoicing.record_payment(first.pk, first.amount, today, staff, "VIR ANRT démo 1")
        if len(invoices) >= 2:
            second = invoices[1]
            partial = (second.amount / 2).quantize(Decimal("0.01"))
            invoicing.record_payment(second.pk, partial, today, staff, "VIR ANRT démo 2 (partiel)")

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        sent = []
        for days_ago in range(40, -1, -1):
            day = today - dt.timedelta(days=days_ago)
            logs = reminders.send_reminders(day)
            if days_ago:
                _logged_on(logs, day)
            sent += logs
        sent += reminders.quarterly_summary(today)
    stdout.write(
        f"  factures : {Invoice.objects.filter(kind='invoice').count()} (+ "
        f"{Invoice.objects.filter(kind='credit_note').count()} avoir), courriels journalisés : {len(sent)} nouveaux"
    )


# The daily task runs at 06:30 Paris time (CELERY_BEAT_SCHEDULE).
SCHEDULER_TIME = dt.time(6, 30)


def _logged_on(logs: list, day: dt.date) -> None:
    """Date the messages of a past day's run as that run would have: created, tried and sent that morning."""
    moment = dt.datetime.combine(day, SCHEDULER_TIME, tzinfo=ZoneInfo("Europe/Paris"))
    EmailLog.objects.filter(pk__in=[log.pk for log in logs]).update(
        created_at=moment, last_attempt_at=moment, sent_at=moment
    )
