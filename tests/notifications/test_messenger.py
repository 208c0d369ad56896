import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import EmailLog, EmailTemplate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXT = {
    "convention_number": "2025/0007",
    "student_name": "Léa Bernard",
    "obligation": "Rapport d'activité n° 1",
    "due_date": dt.date(2026, 3, 17),
    "forfeits_on": dt.date(2027, 5, 30),
    "days": 7,
    "url": "https://cifre.example.org/conventions/7/",
}


def test_every_message_is_seeded_in_french_and_english():
    from notifications.catalogue import DEFAULTS

    seeded = sorted(EmailTemplate.objects.values_list("key", "language"))
    # The messages other apps register (applications.emails) are seeded like these.
    assert seeded == sorted(DEFAULTS)
    assert seeded == sorted((key, language) for key in {k for k, _lang in DEFAULTS} for language in ("en", "fr"))
    applications = ("dossier_", "evaluator_", "evaluation_", "decision_")
    assert [entry for entry in seeded if not entry[0].startswith(applications)] == [
        ("obligation_due_soon", "en"),
        ("obligation_due_soon", "fr"),
        ("obligation_forfeit_soon", "en"),
        ("obligation_forfeit_soon", "fr"),
        ("obligation_overdue", "en"),
        ("obligation_overdue", "fr"),
        ("quarterly_summary", "en"),
        ("quarterly_summary", "fr"),
    ]


def test_send_renders_in_the_users_language_logs_and_sends_once():
    user = UserFactory(email="lea@example.org", preferred_language="en")
    log = services.send("obligation_due_soon", user, CONTEXT, dedupe_key="k1")
    assert log.just_created is True
    assert log.status == EmailLog.Status.SENT
    assert log.attempts == 1
    assert log.language == "en"
    assert log.user == user
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea@example.org"]
    assert mail.outbox[0].subject == "[CIFRE] 2025/0007: “Rapport d'activité n° 1” due by 17 March 2026"
    assert "in 7 days." in mail.outbox[0].body
    assert "If it has not been received on 30 May 2027, the remaining subsidy will be lost." in mail.outbox[0].body

    again = services.send("obligation_due_soon", user, CONTEXT, dedupe_key="k1")
    assert again.pk == log.pk
    assert again.just_created is False
    assert len(mail.outbox) == 1
    assert EmailLog.objects.count() == 1


def test_a_bare_address_gets_french():
    log = services.send("obligation_overdue", "Tuteur@Example.org", CONTEXT, dedupe_key="k2")
    assert log.to == "tuteur@example.org"
    assert mail.outbox[0].subject == "[CIFRE] 2025/0007 : « Rapport d'activité n° 1 » en retard"
    assert "attendu par l'ANRT le 17 mars 2026" in mail.outbox[0].body


def test_staff_edits_are_used():
    EmailTemplate.objects.filter(key="obligation_overdue", language="fr").update(
        subject="Retard {{ convention_number }}", body="Texte {{ days }}"
    )
    services.send("obligation_overdue", "a@example.org", CONTEXT, dedupe_key="k3")
    assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Retard 2025/0007", "Texte 7\n")


class FlakyBackend:
    """A mail backend that fails while ``failures`` > 0 (module state: Django instantiates backends itself)."""

    failures = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server unreachable")
        mail.outbox.extend(messages)
        return len(messages)


def test_a_failed_send_is_kept_and_retried_with_backoff_never_twice(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_messenger.FlakyBackend"
    FlakyBackend.failures = 2
    mail.outbox = []
    t0 = timezone.now()
    log = services.send("obligation_overdue", "a@example.org", CONTEXT, dedupe_key="k4")
    assert (log.status, log.attempts, log.error) == ("failed", 1, "ConnectionRefusedError: SMTP server unreachable")
    assert log.next_attempt_at - log.last_attempt_at == dt.timedelta(minutes=5)

    # Rerunning the job does not send it again by another path.
    assert services.send("obligation_overdue", "a@example.org", CONTEXT, dedupe_key="k4").just_created is False
    # Not yet due for retry.
    assert services.retry_failed(now=t0 + dt.timedelta(minutes=1)) == []
    # First retry fails again: the delay triples.
    assert services.retry_failed(now=t0 + dt.timedelta(minutes=6)) == [log.pk]
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("failed", 2)
    assert log.next_attempt_at - log.last_attempt_at == dt.timedelta(minutes=15)
    # Second retry succeeds; later runs do nothing.
    assert services.retry_failed(now=t0 + dt.timedelta(minutes=30)) == [log.pk]
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error, log.next_attempt_at) == ("sent", 3, "", None)
    assert services.retry_failed(now=t0 + dt.timedelta(days=1)) == []
    assert services.deliver(log.pk).attempts == 3
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_messenger.FlakyBackend"
    FlakyBackend.failures = 100
    log = services.send("obligation_overdue", "a@example.org", CONTEXT, dedupe_key="k5")
    now = timezone.now()
    for _ in range(10):
        now += dt.timedelta(days=1)
        services.retry_failed(now=now)
    log.refresh_from_db()
    assert (log.status, log.attempts, log.next_attempt_at) == ("failed", services.MAX_ATTEMPTS, None)
    FlakyBackend.failures = 0


def test_check_template_reports_syntax_errors():
    assert services.check_template("Objet", "{% if %}", {}) is not None
    assert services.check_template("Objet {{ days }}", "Corps", {"days": 3}) is None


def _logged_but_not_sent(key: str, **fields) -> EmailLog:
    """A row as a task leaves it when it dies after logging the message (or while sending it)."""
    return EmailLog.objects.create(
        dedupe_key=key,
        template_key="obligation_overdue",
        language="fr",
        to="a@example.org",
        subject="Rappel",
        body="Texte\n",
        **fields,
    )


def test_a_message_logged_but_never_tried_is_sent_once_after_the_grace_period():
    log = _logged_but_not_sent("k6")
    logged_at = log.created_at
    assert services.retry_failed(now=logged_at + dt.timedelta(minutes=5)) == []  # maybe still being sent
    assert services.retry_failed(now=logged_at + services.PENDING_GRACE) == [log.pk]
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("sent", 1)
    assert services.retry_failed(now=logged_at + dt.timedelta(days=1)) == []
    assert [m.subject for m in mail.outbox] == ["Rappel"]


def test_a_message_whose_sending_was_interrupted_is_never_sent_again_automatically():
    log = _logged_but_not_sent("k7", status="sending", attempts=1, last_attempt_at=timezone.now())
    assert services.retry_failed(now=timezone.now() + dt.timedelta(days=2)) == []
    assert services.deliver(log.pk).status == "sending"
    assert mail.outbox == []
