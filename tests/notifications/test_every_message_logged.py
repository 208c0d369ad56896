"""The e-mail log holds every message the application sends: one row per message, with its recipient,
subject, text and state, whatever path sent it (events, staff, allauth's account e-mails)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from events import services as events
from notifications.models import EmailLog
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

STRONG = "Un-mot-de-passe-solide-42"


def logged() -> list[tuple]:
    return [
        (log.template_key, log.to, log.subject, log.body, log.status)
        for log in EmailLog.objects.order_by("created_at", "id")
    ]


def outbox(*keys: str) -> list[tuple]:
    """The messages sent, as the log should hold them (``keys``: the log's message of each, in order)."""
    assert len(keys) == len(mail.outbox)
    return [(key, m.to[0], m.subject, m.body, "sent") for key, m in zip(keys, mail.outbox, strict=True)]


def test_registration_waiting_list_promotion_and_cancellation_are_logged(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, title_fr="Séminaire")
    with django_capture_on_commit_callbacks(execute=True):
        first = events.register(event.pk, name="Léa Martin", email="lea@example.org", consent=True)
        events.register(
            event.pk, name="Karim Benali", email="karim@example.org", consent=True, language="en", waiting_list=True
        )
        events.cancel(first.pk)
    assert len(mail.outbox) == EmailLog.objects.count() == 4
    assert logged() == outbox(
        "event_registration_confirmed",
        "event_registration_waiting",
        "event_registration_promoted",
        "event_registration_cancelled",
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["lea@example.org"], "Inscription confirmée : Séminaire"),
        (["karim@example.org"], "Waiting list: Séminaire"),
        (["karim@example.org"], "A place has become available: Séminaire"),
        (["lea@example.org"], "Inscription annulée : Séminaire"),
    ]
    assert list(EmailLog.objects.order_by("id").values_list("language", flat=True)) == ["fr", "en", "en", "fr"]


def test_two_registrations_of_one_address_are_two_messages_and_one_is_never_told_twice(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=None, title_fr="Atelier")
    with django_capture_on_commit_callbacks(execute=True):
        first = events.register(event.pk, name="Léa Martin", email="lea@example.org", consent=True)
        events.cancel(first.pk)
        again = events.register(event.pk, name="Léa Martin", email="lea@example.org", consent=True)
    events.send_registration_email(again, "confirmed")  # a retried callback: already told
    assert len(mail.outbox) == EmailLog.objects.count() == 3
    assert logged() == outbox(
        "event_registration_confirmed", "event_registration_cancelled", "event_registration_confirmed"
    )


def test_a_staff_message_sent_twice_on_purpose_goes_twice_and_is_logged(staff, client_for):
    event = EventFactory(capacity=2, title_fr="Séminaire")
    for name, email, status in [
        ("Léa Martin", "lea@example.org", "confirmed"),
        ("Karim Benali", "karim@example.org", "confirmed"),
        ("Inès Durand", "ines@example.org", "waiting"),
    ]:
        event.registrations.create(name=name, email=email, consent=True, status=status)
    client = client_for(staff)
    url = reverse("events_staff:registration_email", args=[event.pk])
    data = {"subject": "Changement de salle", "body": "Rendez-vous salle B."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "include_waiting": "on"}).status_code == 302
    assert len(mail.outbox) == EmailLog.objects.count() == 5
    assert logged() == outbox(*["event_registrants_message"] * 5)
    assert [m.to[0] for m in mail.outbox] == [
        "lea@example.org",
        "karim@example.org",
        "lea@example.org",
        "karim@example.org",
        "ines@example.org",
    ]
    assert {(log.subject, log.body) for log in EmailLog.objects.all()} == {
        ("Changement de salle", "Rendez-vous salle B.")
    }


def test_account_emails_of_allauth_are_logged(client):
    response = client.post(
        "/compte/signup/", {"email": "nouvelle@example.org", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    User.objects.create_user(email="oubli@example.org", password=STRONG)
    assert client.post("/compte/password/reset/", {"email": "oubli@example.org"}).status_code == 302
    assert len(mail.outbox) == EmailLog.objects.count() == 2
    assert logged() == outbox("account/email/email_confirmation_signup", "account/email/password_reset_key")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["nouvelle@example.org"], "[CIFRE Ville de Paris] Confirmez votre adresse e-mail"),
        (["oubli@example.org"], "[CIFRE Ville de Paris] Choisissez un nouveau mot de passe"),
    ]
