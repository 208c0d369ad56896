"""Attachments: a message refers to stored private files, read again at every delivery attempt."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from notifications import catalogue, services
from notifications.models import EmailLog, EmailTemplate
from tests.notifications.test_messenger import CONTEXT, FlakyBackend

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a receipt\n"


def stored_file(content: bytes = PDF) -> str:
    return default_storage.save("applications/test/receipt.pdf", ContentFile(content))


def attachment(name: str) -> services.Attachment:
    return services.Attachment(name=name, filename="accuse-de-reception-2027-0042-v1.pdf", mimetype="application/pdf")


def test_delivery_attaches_the_stored_file_and_the_log_records_it():
    name = stored_file()
    log = services.send(
        "obligation_overdue", "a@example.org", CONTEXT, dedupe_key="att-1", attachments=[attachment(name)]
    )
    assert (log.status, log.attempts) == ("sent", 1)
    assert mail.outbox[0].attachments == [("accuse-de-reception-2027-0042-v1.pdf", PDF, "application/pdf")]
    log.refresh_from_db()
    assert log.attachments == [
        {"name": name, "filename": "accuse-de-reception-2027-0042-v1.pdf", "mimetype": "application/pdf"}
    ]
    # Without attachments, nothing is attached and the log says so.
    plain = services.send("obligation_overdue", "b@example.org", CONTEXT, dedupe_key="att-2")
    assert (plain.attachments, mail.outbox[1].attachments) == ([], [])


def test_a_retry_after_a_failure_attaches_the_file_again(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_messenger.FlakyBackend"
    FlakyBackend.failures = 1
    mail.outbox = []
    name = stored_file()
    t0 = timezone.now()
    log = services.send(
        "obligation_overdue", "a@example.org", CONTEXT, dedupe_key="att-3", attachments=[attachment(name)]
    )
    assert (log.status, mail.outbox) == ("failed", [])

    assert services.retry_failed(now=t0 + dt.timedelta(minutes=6)) == [log.pk]
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments == [("accuse-de-reception-2027-0042-v1.pdf", PDF, "application/pdf")]


def test_a_file_missing_at_delivery_is_a_failure_retried_later():
    name = stored_file()
    default_storage.delete(name)
    t0 = timezone.now()
    log = services.send(
        "obligation_overdue", "a@example.org", CONTEXT, dedupe_key="att-4", attachments=[attachment(name)]
    )
    assert (log.status, log.error.split(":")[0], mail.outbox) == ("failed", "FileNotFoundError", [])

    default_storage.save(name, ContentFile(PDF))  # the file is back (restored from a backup)
    assert services.retry_failed(now=t0 + dt.timedelta(minutes=6)) == [log.pk]
    log.refresh_from_db()
    assert log.status == "sent"
    assert mail.outbox[0].attachments == [("accuse-de-reception-2027-0042-v1.pdf", PDF, "application/pdf")]


def test_the_staff_log_pages_show_the_attachment_name(client_for, staff):
    name = stored_file()
    log = services.send(
        "obligation_overdue", "a@example.org", CONTEXT, dedupe_key="att-5", attachments=[attachment(name)]
    )
    client = client_for(staff)
    listing = client.get(reverse("notifications:log")).content.decode()
    assert listing.count("Pièce jointe : accuse-de-reception-2027-0042-v1.pdf") == 1
    detail = client.get(reverse("notifications:detail", args=[log.pk])).content.decode()
    assert detail.count("<li>accuse-de-reception-2027-0042-v1.pdf</li>") == 1
    # The storage name of the private file is not shown.
    assert name not in listing + detail


def test_registered_messages_are_seeded_listed_and_checked(client_for, staff):
    # The applications app registers its messages from its AppConfig.ready().
    assert catalogue.LABELS["dossier_receipt"] == "Candidature : accusé de réception du dossier (dépôt ou compléments)"
    assert catalogue.VARIABLES["dossier_receipt"] == (
        "call_title, candidate_name, files_count, number, recipient_email, status, submitted_at, url, version"
    )
    template = EmailTemplate.objects.get(key="dossier_receipt", language="fr")
    client = client_for(staff)
    page = client.get(reverse("notifications:templates")).content.decode()
    assert page.count("Candidature : accusé de réception du dossier (dépôt ou compléments)") == 2  # fr and en
    response = client.post(
        reverse("notifications:template_edit", args=[template.pk]),
        {"subject": "Dossier {{ number }}", "body": "{% for x in %}"},
    )
    assert response.status_code == 400
    template.refresh_from_db()
    assert template.body.startswith("Bonjour {{ candidate_name }},")

    # Deleted by mistake, restored after migrate (post_migrate), staff edits elsewhere kept.
    EmailTemplate.objects.filter(key="dossier_receipt").delete()
    EmailTemplate.objects.filter(key="dossier_complete", language="fr").update(subject="Édité")
    catalogue.ensure_default_templates()
    assert EmailTemplate.objects.filter(key="dossier_receipt").count() == 2
    assert EmailTemplate.objects.get(key="dossier_complete", language="fr").subject == "Édité"
    assert EmailLog.objects.count() == 0
