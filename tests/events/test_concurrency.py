"""The capacity holds when visitors register at the same moment (PostgreSQL, real row locks)."""

import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration

from .factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_parallel(count, action):
    barrier = threading.Barrier(count)
    errors = []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            action(i)
        except services.RegistrationError as exc:
            errors.append(exc.message)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return errors


@pytest.mark.parametrize("waiting_list", [True, False])
def test_parallel_registrations_never_exceed_capacity(waiting_list):
    event = EventFactory(capacity=5)
    errors = _in_parallel(
        12,
        lambda i: services.register(
            event.pk, name=f"P{i}", email=f"p{i}@example.org", consent=True, waiting_list=waiting_list
        ),
    )
    statuses = sorted(Registration.objects.filter(event=event).values_list("status", flat=True))
    if waiting_list:
        assert (errors, statuses) == ([], ["confirmed"] * 5 + ["waiting"] * 7)
    else:
        full = "L'événement est complet. Vous pouvez vous inscrire sur la liste d'attente ci-dessous."
        assert (errors, statuses) == ([full] * 7, ["confirmed"] * 5)


def test_parallel_registrations_with_the_same_email_keep_one():
    event = EventFactory(capacity=5)
    errors = _in_parallel(6, lambda i: services.register(event.pk, name="Même", email="meme@example.org", consent=True))
    assert errors == ["Cette adresse e-mail est déjà inscrite à cet événement."] * 5
    assert Registration.objects.filter(event=event).count() == 1


def test_parallel_cancellations_promote_each_waiting_person_once():
    event = EventFactory(capacity=3)
    confirmed = [RegistrationFactory(event=event) for _ in range(3)]
    waiting = [RegistrationFactory(event=event, waiting=True) for _ in range(4)]
    errors = _in_parallel(3, lambda i: services.cancel(confirmed[i].pk))
    assert errors == []
    statuses = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
    assert [statuses[r.pk] for r in waiting] == ["confirmed", "confirmed", "confirmed", "waiting"]
    assert list(
        Registration.objects.filter(event=event, status="confirmed").values_list("pk", flat=True).order_by("pk")
    ) == [r.pk for r in waiting[:3]]
