"""The demo's reminders read true on the day they are shown: each is logged on the day the scheduler
would have sent it, and its "in N days" is counted from that day to its deadline."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conventions.models import Obligation
from notifications.models import EmailLog
from subsidies.domain.reminders import DUE_SOON, FORFEIT_SOON, OVERDUE

pytestmark = pytest.mark.django_db

DAYS = re.compile(r"\b(?:dans|in) (\d+) (?:jours?|days?)\b")


def test_every_demo_reminder_counts_its_days_from_its_own_sending_date(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    logs = list(EmailLog.objects.filter(template_key__in=[DUE_SOON, FORFEIT_SOON, OVERDUE]).order_by("id"))
    obligations = Obligation.objects.in_bulk([int(log.dedupe_key.split(":")[1]) for log in logs])
    wrong = []
    sent_days = set()
    for log in logs:
        obligation = obligations[int(log.dedupe_key.split(":")[1])]
        sent_on = timezone.localdate(log.sent_at)
        sent_days.add(sent_on)
        if timezone.localdate(log.created_at) != sent_on or sent_on > today:
            wrong.append((log.dedupe_key, "logged", log.created_at, log.sent_at))
        if log.template_key == OVERDUE:
            if not obligation.due_date < sent_on:
                wrong.append((log.dedupe_key, "overdue before its due date", sent_on))
            continue
        deadline = obligation.due_date if log.template_key == DUE_SOON else obligation.forfeits_on
        said = [int(n) for n in DAYS.findall(log.body)]
        if said != [(deadline - sent_on).days]:
            wrong.append((log.dedupe_key, sent_on, deadline, said))
    assert wrong == []
    # Not vacuous: reminders were logged, and the past days' runs are among them.
    assert (len(logs) > 0, min(sent_days) < today) == (True, True)
