"""The scheduler for real: a Celery worker and beat's scheduler against Redis, and the commands."""

import datetime as dt
import time
from io import StringIO

import pytest
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command

from cifre.celery import app as celery_app
from notifications.models import EmailLog
from subsidies.models import StatusChange
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

D = dt.date


def test_beat_schedule_runs_the_daily_job_at_half_past_six_paris_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["subsidies-daily"]["task"] == "subsidies.daily"
    assert schedule["subsidies-daily"]["schedule"] == crontab(hour=6, minute=30)
    assert schedule["notifications-retry"]["task"] == "notifications.retry_failed_emails"
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
    celery_app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks


@pytest.fixture
def real_broker():
    """Tasks go through Redis to a worker thread instead of running inline."""
    # The settings use the CELERY_ namespace: override under those names.
    eager, schedule = celery_app.conf.task_always_eager, celery_app.conf.beat_schedule
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)
    yield celery_app
    celery_app.conf.update(CELERY_TASK_ALWAYS_EAGER=eager, CELERY_BEAT_SCHEDULE=schedule)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_run_the_daily_job_through_redis(real_broker):
    convention = make_convention(D(2025, 3, 17), as_of=D(2025, 3, 17), received=EXAMPLE_A_RECEIVED)
    with start_worker(real_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # A task sent by id and date, executed by the worker.
        result = real_broker.send_task("subsidies.daily", args=["2025-08-31"]).get(timeout=30)
        assert result == {"changes": 6, "reminders": 3, "summaries": 0}
        assert EmailLog.objects.filter(template_key="obligation_due_soon").count() == 3

        # Beat: a scheduler holding a one-second entry sends the job; the worker runs it once.
        real_broker.conf.update(
            CELERY_BEAT_SCHEDULE={"test-daily": {"task": "subsidies.daily", "schedule": 1.0, "args": ("2025-09-23",)}}
        )
        scheduler = Scheduler(app=real_broker, lazy=False)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not EmailLog.objects.filter(dedupe_key__contains=":7:").exists():
            scheduler.tick()
            time.sleep(0.2)
        # Let a possible second beat tick run too: the dedupe keys keep every reminder single.
        time.sleep(1.5)
        scheduler.tick()
        time.sleep(1.0)
    assert sorted(EmailLog.objects.values_list("template_key", "to")) == sorted(
        [
            ("obligation_due_soon", "cifre-staff@example.org"),
            ("obligation_due_soon", convention.doctoral_student.email),
            ("obligation_due_soon", convention.tutor.email),
        ]
        * 2
    )
    assert StatusChange.objects.filter(as_of=D(2025, 8, 31)).count() == 6


@pytest.mark.django_db
def test_commands_take_a_date_and_are_idempotent():
    make_convention(D(2025, 3, 17), as_of=D(2025, 3, 17), received=EXAMPLE_A_RECEIVED)
    out = StringIO()
    call_command("daily_sweep", "--date", "2026-06-01", stdout=out)
    assert out.getvalue() == (
        "Statuts au 2026-06-01 : 21 changement(s) (obligation.status : 6, convention.lost_on : 1, "
        "instalment.status : 13, convention.next_deadline : 1, convention.status : 0).\n"
    )
    out = StringIO()
    call_command("send_reminders", "--date", "2025-08-31", stdout=out)
    call_command("send_reminders", "--date", "2025-08-31", stdout=out)
    assert out.getvalue() == (
        "Rappels du 2025-08-31 : 3 courriel(s) nouveaux, 0 en échec.\n"
        "Rappels du 2025-08-31 : 0 courriel(s) nouveaux, 0 en échec.\n"
    )
    out = StringIO()
    call_command("quarterly_summary", "--date", "2026-07-01", stdout=out)
    assert out.getvalue() == "Synthèse trimestrielle (2026-07-01) : 1 courriel(s) nouveaux.\n"
    with pytest.raises(CommandError, match="Date invalide"):
        call_command("daily_sweep", "--date", "31/12/2026")


@pytest.mark.django_db
def test_daily_task_sends_the_summary_on_the_first_day_of_a_quarter_only():
    from subsidies import tasks

    make_convention(D(2025, 3, 17), as_of=D(2025, 3, 17), received=EXAMPLE_A_RECEIVED)
    # 4 documents received, instalments 1-2 payable, a new next deadline.
    assert tasks.daily.delay("2025-09-30").get() == {"changes": 7, "reminders": 0, "summaries": 0}
    # enrolment:2025 overdue: one status, the day-after reminder to 3 people, and the Q3 summary.
    assert tasks.daily.delay("2025-10-01").get() == {"changes": 1, "reminders": 3, "summaries": 1}
    assert tasks.daily.delay("2025-10-01").get() == {"changes": 0, "reminders": 0, "summaries": 0}
    assert EmailLog.objects.get(template_key="obligation_overdue", to="cifre-staff@example.org")
    summary = EmailLog.objects.get(template_key="quarterly_summary")
    assert summary.subject == "[CIFRE] T3 2025 : 2 versements à facturer"
