"""Registration rules: capacity, waiting list, promotion, refusals, e-mails, cancel links."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from events import services
from events.models import Registration

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _register(event, email, name="Alice Martin", language="fr", consent=True, waiting_list=False):
    return services.register(
        event.pk, name=name, email=email, consent=consent, language=language, waiting_list=waiting_list
    )


def test_confirmed_until_capacity_then_waiting_list(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        first = _register(event, "a@example.org")
        second = _register(event, "B@Example.org ")
        third = _register(event, "c@example.org", language="en", waiting_list=True)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert second.email == "b@example.org"
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"], ["c@example.org"]]
    assert mail.outbox[0].subject == f"Inscription confirmée : {event.title_fr}"
    # The third visitor registered from the English site: their e-mail is in English.
    assert mail.outbox[2].subject == f"Waiting list: {event.title_fr}"
    assert services.cancel_url(third) in mail.outbox[2].body


def test_full_event_refuses_unless_the_visitor_asks_for_the_waiting_list():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    with pytest.raises(services.RegistrationError) as exc:
        _register(event, "late@example.org")
    assert exc.value.message == "L'événement est complet. Vous pouvez vous inscrire sur la liste d'attente ci-dessous."
    assert event.registrations.count() == 1
    assert mail.outbox == []
    assert _register(event, "late@example.org", waiting_list=True).status == "waiting"


def test_unlimited_capacity_never_waits():
    event = EventFactory(capacity=None)
    statuses = {_register(event, f"p{i}@example.org").status for i in range(5)}
    assert statuses == {"confirmed"}


@pytest.mark.parametrize(
    ("traits", "message"),
    [
        ({"cancelled": True}, "Cet événement est annulé : les inscriptions sont fermées."),
        ({"past": True}, "Cet événement est terminé : les inscriptions sont closes."),
        ({"registration_open": False}, "Les inscriptions à cet événement sont fermées."),
        (
            {"undated": True},
            "La date de cet événement n'est pas encore fixée : les inscriptions ne sont pas ouvertes.",
        ),
    ],
)
def test_refusals_change_nothing(traits, message):
    event = EventFactory(**traits)
    with pytest.raises(services.RegistrationError) as exc:
        _register(event, "a@example.org")
    assert exc.value.message == message
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_same_email_twice_is_refused_case_insensitively():
    event = EventFactory(capacity=5)
    _register(event, "alice@example.org")
    with pytest.raises(services.RegistrationError) as exc:
        _register(event, "ALICE@example.org")
    assert (exc.value.message, exc.value.field) == ("Cette adresse e-mail est déjà inscrite à cet événement.", "email")
    assert Registration.objects.count() == 1


def test_consent_is_required():
    event = EventFactory()
    with pytest.raises(services.RegistrationError) as exc:
        _register(event, "a@example.org", consent=False)
    assert exc.value.field == "consent"
    assert Registration.objects.count() == 0


def test_cancellation_promotes_the_first_waiting_and_tells_them(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    confirmed = RegistrationFactory(event=event)
    first_waiting = RegistrationFactory(event=event, waiting=True, language="en", email="first@example.org")
    RegistrationFactory(event=event, waiting=True, created_at=first_waiting.created_at + dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(confirmed.pk)
    assert promoted.pk == first_waiting.pk
    statuses = list(event.registrations.order_by("id").values_list("status", flat=True))
    assert statuses == ["cancelled", "confirmed", "waiting"]
    assert [(m.to, m.subject) for m in mail.outbox if m.to != ["first@example.org"]] == [
        ([confirmed.email], f"Inscription annulée : {event.title_fr}")
    ]
    promoted_mail = next(m for m in mail.outbox if m.to == ["first@example.org"])
    with translation.override("en"):  # the registrant's language, whatever locale/ holds today
        subject = gettext("Une place s'est libérée : %(title)s") % {"title": event.title_fr}
        hello = gettext("Bonjour %(name)s,") % {"name": first_waiting.name}
    assert promoted_mail.subject == subject
    assert promoted_mail.body.splitlines()[0] == hello
    assert services.cancel_url(promoted) in promoted_mail.body
    assert services.cancel_url(promoted).startswith(settings.SITE_URL + "/en/evenements/desinscription/")


def test_cancelling_a_waiting_registration_promotes_nobody():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, waiting=True)
    other = RegistrationFactory(event=event, waiting=True)
    assert services.cancel(waiting.pk) is None
    other.refresh_from_db()
    assert other.status == "waiting"


def test_cancel_twice_and_after_start_are_refused():
    event = EventFactory()
    reg = RegistrationFactory(event=event)
    services.cancel(reg.pk)
    with pytest.raises(services.RegistrationError) as exc:
        services.cancel(reg.pk)
    assert exc.value.message == "Cette inscription est déjà annulée."
    started = RegistrationFactory(event=EventFactory(past=True))
    with pytest.raises(services.RegistrationError) as exc:
        services.cancel(started.pk)
    assert exc.value.message == "L'événement a déjà commencé : l'inscription ne peut plus être annulée."
    started.refresh_from_db()
    assert started.status == "confirmed"


def test_cancel_token_round_trip_and_forgeries():
    reg = RegistrationFactory()
    token = services.cancel_token(reg)
    assert services.registration_from_token(token) == reg
    other = RegistrationFactory()
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "nimportequoi",
        services.cancel_token(other)[:-1],
    ]
    for bad in forged:
        with pytest.raises(services.RegistrationError) as exc:
            services.registration_from_token(bad)
        assert exc.value.message == "Ce lien d'annulation n'est pas valide. Utilisez le lien reçu par e-mail."


def test_csv_lists_active_registrations_and_defuses_formulas():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, name="=HYPERLINK(1)", email="x@example.org")
    RegistrationFactory(event=event, waiting=True, name="Bob", email="bob@example.org")
    RegistrationFactory(event=event, status="cancelled", name="Gone", email="gone@example.org")
    lines = services.registrations_csv(event).splitlines()
    assert lines[0] == "Nom,E-mail,Statut,Inscrit·e le,Langue"
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["'=HYPERLINK(1)", "x@example.org", "Inscrit·e"],
        ["Bob", "bob@example.org", "Liste d'attente"],
    ]


def test_email_registrants_sends_one_message_each():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, waiting=True, email="w@example.org")
    assert services.email_registrants(event, subject="Salle", body="Salle 2", include_waiting=False) == 1
    assert services.email_registrants(event, subject="Salle", body="Salle 2", include_waiting=True) == 2
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["a@example.org"], ["w@example.org"]]


def test_purge_deletes_registrations_three_months_after_the_event():
    old = RegistrationFactory(event=EventFactory(start=timezone.now() - dt.timedelta(days=100)))
    recent = RegistrationFactory(event=EventFactory(start=timezone.now() - dt.timedelta(days=30)))
    assert services.purge_registrations() == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Registration.objects.filter(pk=old.pk).exists()


def test_purge_runs_daily_through_the_scheduler(settings):
    from events.tasks import purge_registrations_task

    entry = settings.CELERY_BEAT_SCHEDULE["events-purge-registrations"]
    assert entry["task"] == "events.purge_registrations"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({4}, {15})  # outside 02:00-03:00 (DST)
    RegistrationFactory(event=EventFactory(start=timezone.now() - dt.timedelta(days=100)))
    assert purge_registrations_task.delay().get() == 1
    assert Registration.objects.count() == 0
