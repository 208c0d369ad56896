"""Two people issuing invoices at the same moment on PostgreSQL: no gap, no duplicate number."""

import datetime as dt
import threading

import pytest
from django.db import connection

from subsidies.domain import invoicing
from subsidies.domain.sweep import sweep
from subsidies.models import Invoice
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

D = dt.date


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_invoice_runs_number_without_gap_or_duplicate():
    for _ in range(5):
        make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    ids = [i.pk for i in invoicing.invoiceable()]
    assert len(ids) == 10
    halves = (ids[0::2], ids[1::2])
    barrier = threading.Barrier(2)
    errors = []

    def run(mine):
        try:
            barrier.wait(timeout=10)
            for pk in mine:  # one transaction per invoice: maximum interleaving
                invoicing.issue_invoices([pk], issued_on=D(2026, 6, 2))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:04d}" for n in range(1, 11)]
    assert sorted(Invoice.objects.values_list("instalment_id", flat=True)) == sorted(ids)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_over_the_same_instalments_invoice_each_once():
    for _ in range(3):
        make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    ids = [i.pk for i in invoicing.invoiceable()]
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(len(invoicing.issue_invoices(ids, issued_on=D(2026, 6, 2))))
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [6, "ValidationError"]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_each_message_once():
    from django.core import mail

    from notifications.models import EmailLog
    from subsidies.domain.reminders import send_reminders

    for _ in range(3):
        make_convention(D(2025, 3, 17), as_of=D(2025, 3, 17), received=EXAMPLE_A_RECEIVED)
    mail.outbox = []
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(len(send_reminders(D(2025, 8, 31))))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # 3 conventions x (staff mailbox, student, tutor): 9 messages, split between the runs, none twice.
    assert sum(counts) == 9
    assert EmailLog.objects.count() == 9
    assert len(mail.outbox) == 9
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 9
