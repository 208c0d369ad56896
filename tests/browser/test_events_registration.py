"""Visitors register until the event is full, then the waiting list and a promotion after a cancellation."""

import re

import pytest
from django.conf import settings
from django.core import mail

from events.models import Registration
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def register(page, url, name, email):
    page.goto(url)
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.check("#id_consent")
    page.click("section.registration button[type=submit]")
    page.wait_for_url(re.compile(r".*/evenements/inscription/.+/"))
    return page.locator("main [role=status]").inner_text().strip()


def test_registration_waiting_list_and_promotion(page, live_server, assert_accessible):
    event = EventFactory(title_fr="Atelier d'écriture", capacity=2)
    url = live_server.url + event.get_absolute_url()
    assert register(page, url, "Alice", "alice@example.org") == (
        "Votre inscription est confirmée. Un e-mail vous a été envoyé."
    )
    assert page.locator("h1").inner_text() == "Inscription confirmée"
    assert "Alice" in page.locator("main dl").inner_text()
    assert_accessible(page)
    page.goto(url)
    assert "1 place restante" in page.locator("dl").inner_text()
    assert register(page, url, "Bruno", "bruno@example.org").startswith("Votre inscription est confirmée.")
    page.goto(url)
    assert "0 places restantes" in page.locator("dl").inner_text()
    assert page.locator("section.registration button").inner_text() == "M'inscrire sur la liste d'attente"
    assert register(page, url, "Chloé", "chloe@example.org").startswith("L'événement est complet")
    assert page.locator("h1").inner_text() == "Inscription sur la liste d'attente"
    page.goto(url)
    assert "1 personne en liste d'attente" in page.locator("dl").inner_text()
    assert_accessible(page)
    # The same address again: refused next to the field, nothing added.
    page.goto(url)
    page.fill("#id_name", "Alice bis")
    page.fill("#id_email", "ALICE@example.org")
    page.check("#id_consent")
    page.click("section.registration button[type=submit]")
    assert page.locator("#id_email-error").inner_text() == "Cette adresse e-mail est déjà inscrite à cet événement."
    assert Registration.objects.filter(event=event).count() == 3

    # Alice cancels with the link of her confirmation e-mail; Chloé gets the place and an e-mail.
    alice_mail = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    link = re.search(r"https?://\S+/evenements/desinscription/\S+/", alice_mail.body).group(0)
    page.goto(link.replace(settings.SITE_URL, live_server.url))
    page.click("button.btn-danger")
    assert page.locator(".messages").inner_text().strip() == "Votre inscription est annulée."
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        "alice@example.org": "cancelled",
        "bruno@example.org": "confirmed",
        "chloe@example.org": "confirmed",
    }
    promoted = [m for m in mail.outbox if m.to == ["chloe@example.org"]]
    assert [m.subject for m in promoted] == [
        "Liste d'attente : Atelier d'écriture",
        "Une place s'est libérée : Atelier d'écriture",
    ]
    assert "0 places restantes" in page.locator("dl").inner_text()
