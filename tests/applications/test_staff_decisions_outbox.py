"""The outbox: letters listed, read, edited, held, released and sent (some or all), each once, with their
PDF attached and in the e-mail log; the decision templates are editable in both languages."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.evaluation import decisions
from applications.evaluation.models import Letter
from applications.models import DossierEvent
from notifications.models import EmailLog, EmailTemplate
from tests.applications.decisions_world import applied, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return applied(make_world())


@pytest.fixture
def staff(world, client_for):
    return client_for(world["staff"])


def text(response) -> str:
    return html.unescape(response.content.decode())


def outbox_url(w):
    return reverse("applications:staff_outbox", args=[w["call"].pk])


def letter_of(dossier) -> Letter:
    return Letter.objects.get(decision__dossier=dossier)


def test_the_outbox_lists_every_letter_with_its_recipient_language_kind_and_status(world, staff):
    response = staff.get(outbox_url(world))
    assert response.status_code == 200
    page = text(response)
    for dossier in world["dossiers"]:
        letter = letter_of(dossier)
        assert letter.subject in page and dossier.full_name in page and dossier.candidate.email in page
        assert reverse("applications:staff_letter", args=[letter.pk]) in page
        assert reverse("applications:staff_letter_pdf", args=[letter.pk]) in page
    assert "Français" in page and "English" in page
    assert "4 prête(s) à l'envoi, 0 retenue(s), 0 envoyée(s)." in page
    assert reverse("notifications:templates") in page


def test_ticked_letters_leave_with_their_pdf_attached_and_logged(world, staff, django_capture_on_commit_callbacks):
    one, two = world["dossiers"][:2]
    letter = letter_of(one)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(outbox_url(world), {"send": "selected", "letters": [str(letter.pk)]})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.status, letter.sent_by, letter_of(two).status) == ("sent", world["staff"], "ready")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == ([one.candidate.email], letter.subject)
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"CIFRE_{one.number}_decision.pdf", "application/pdf")
    assert content.startswith(b"%PDF") and content == letter.pdf.open("rb").read()
    log = EmailLog.objects.get(pk=letter.email_log_id)
    assert (log.to, log.template_key, log.status, log.subject) == (
        one.candidate.email,
        "decision_selected",
        "sent",
        letter.subject,
    )
    assert log.attachments == [
        {"name": letter.pdf.name, "filename": f"CIFRE_{one.number}_decision.pdf", "mimetype": "application/pdf"}
    ]
    page = text(staff.get(outbox_url(world)))
    assert reverse("notifications:detail", args=[log.pk]) in page
    assert "3 prête(s) à l'envoi, 0 retenue(s), 1 envoyée(s)." in page
    # The e-mail log shows it to staff, and the candidate now sees the decision.
    assert letter.subject in text(staff.get(reverse("notifications:log")))
    assert one.events.filter(kind=DossierEvent.Kind.DECISION_SENT).count() == 1


def test_send_all_leaves_held_letters_and_never_sends_twice(world, staff, django_capture_on_commit_callbacks):
    one, two, three, four = world["dossiers"]
    decisions.hold(letter_of(two), world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(outbox_url(world), {"send": "all"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.candidate.email for d in (one, three, four))
    assert letter_of(two).status == "held"
    english = next(m for m in mail.outbox if m.to == [four.candidate.email])
    assert english.subject.startswith("[CIFRE] Application") and english.attachments[0][0].endswith(".pdf")
    messages_ = [str(m) for m in staff.get(outbox_url(world)).context["messages"]]
    assert messages_ == ["3 lettre(s) envoyée(s), avec leur PDF ; elles figurent au journal des e-mails."]
    # Again: nothing ready; ticking a sent and a held one sends nothing either.
    again = staff.post(outbox_url(world), {"send": "all"})
    assert again.status_code == 400 and again.context["errors"] == [
        "Aucune lettre n'est prête à l'envoi : rien n'est parti."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            outbox_url(world), {"send": "selected", "letters": [letter_of(one).pk, letter_of(two).pk]}
        )
    follow = [str(m) for m in staff.get(outbox_url(world)).context["messages"]]
    assert follow == [
        "1 lettre(s) retenue(s) ne sont pas parties : libérez-les pour les envoyer.",
        "1 lettre(s) avaient déjà été envoyées : elles ne sont pas reparties.",
    ]
    assert len(mail.outbox) == 3 and EmailLog.objects.filter(template_key__startswith="decision_").count() == 3


@pytest.mark.parametrize("letters", [[], ["abc"], ["999999"]])
def test_sending_nothing_ticked_or_a_foreign_letter_is_refused(world, staff, letters):
    other = applied(make_world())
    foreign = letter_of(other["dossiers"][0]).pk
    chosen = [str(foreign) if x == "999999" else x for x in letters]
    response = staff.post(outbox_url(world), {"send": "selected", "letters": chosen})
    assert response.status_code == 400
    assert response.context["errors"] == ["Cochez au moins une lettre à envoyer : rien n'est parti."]
    assert not Letter.objects.filter(status="sent").exists() and mail.outbox == []


# --- One letter -------------------------------------------------------------------------------------------


def test_staff_read_and_edit_a_letter(world, staff):
    letter = letter_of(world["dossiers"][0])
    url = reverse("applications:staff_letter", args=[letter.pk])
    page = staff.get(url)
    assert page.status_code == 200 and page.context["form"]["subject"].value() == letter.subject
    response = staff.post(url, {"subject": "  Votre   candidature  ", "body": "Bonjour,\n\nBravo.\n"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.subject, letter.body, letter.edited_by) == (
        "Votre candidature",
        "Bonjour,\n\nBravo.\n",
        world["staff"],
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"subject": "", "body": "Texte"}, "subject", "L'objet de la lettre ne peut pas être vide."),
        ({"subject": "Objet", "body": "   "}, "body", "Le texte de la lettre ne peut pas être vide."),
        ({"subject": "x" * 256, "body": "Texte"}, "subject", "255 caractères au plus."),
        ({"subject": "Objet", "body": "x" * 20001}, "body", "20000 caractères au plus."),
    ],
)
def test_a_bad_letter_is_refused_next_to_its_field(world, staff, data, field, message):
    letter = letter_of(world["dossiers"][0])
    response = staff.post(reverse("applications:staff_letter", args=[letter.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert message in text(response)
    assert Letter.objects.get(pk=letter.pk).subject == letter.subject


def test_a_sent_letter_cannot_be_edited_held_or_released(world, staff, django_capture_on_commit_callbacks):
    letter = letter_of(world["dossiers"][0])
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_letters([letter], world["staff"])
    url = reverse("applications:staff_letter", args=[letter.pk])
    page = text(staff.get(url))
    assert "Cette lettre est envoyée : elle ne peut plus être modifiée." in page and 'id="letter-form"' not in page
    response = staff.post(url, {"subject": "Autre", "body": "Autre"})
    assert response.status_code == 400
    refusal = f"Cette lettre a été envoyée le {letter.sent_at or Letter.objects.get(pk=letter.pk).sent_at:%d/%m/%Y} : "
    assert response.context["form"].non_field_errors()[0].startswith(refusal)
    for name in ("staff_letter_hold", "staff_letter_release"):
        response = staff.post(reverse(f"applications:{name}", args=[letter.pk]))
        assert response.status_code == 400 and refusal in text(response)
    stored = Letter.objects.get(pk=letter.pk)
    assert (stored.status, stored.subject) == ("sent", letter.subject)


def test_staff_hold_and_release_a_letter(world, staff):
    letter = letter_of(world["dossiers"][0])
    response = staff.post(reverse("applications:staff_letter_hold", args=[letter.pk]))
    assert response.status_code == 302 and letter_of(world["dossiers"][0]).status == "held"
    assert "Libérer la lettre" in text(staff.get(reverse("applications:staff_letter", args=[letter.pk])))
    response = staff.post(reverse("applications:staff_letter_release", args=[letter.pk]))
    assert response.status_code == 302 and letter_of(world["dossiers"][0]).status == "ready"


def test_the_letter_as_a_pdf_before_and_after_sending(world, staff, django_capture_on_commit_callbacks):
    dossier = world["dossiers"][0]
    letter = letter_of(dossier)
    url = reverse("applications:staff_letter_pdf", args=[letter.pk])
    response = staff.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="CIFRE_{dossier.number}_decision.pdf"'
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_letters([letter], world["staff"])
    letter.refresh_from_db()
    assert staff.get(url).content == letter.pdf.open("rb").read()  # the one sent


# --- The templates -----------------------------------------------------------------------------------------


def test_the_four_decision_templates_are_editable_in_french_and_english(world, staff):
    keys = ["decision_selected", "decision_waiting_list", "decision_rejected", "decision_promoted"]
    rows = set(EmailTemplate.objects.filter(key__in=keys).values_list("key", "language"))
    assert rows == {(key, language) for key in keys for language in ("fr", "en")}
    page = text(staff.get(reverse("notifications:templates")))
    for template in EmailTemplate.objects.filter(key__in=keys):
        assert reverse("notifications:template_edit", args=[template.pk]) in page
    assert "Décision : candidature retenue depuis la liste d'attente" in page


# --- Query counts ----------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_outbox_takes_as_many_queries_for_2_and_for_10_letters(client_for, django_capture_on_commit_callbacks):
    from applications.evaluation.models import Decision
    from tests.applications.factories import CallFactory
    from tests.applications.factories_evaluation import AssignmentFactory, CommitteeFactory, staff_member

    staff = staff_member()
    call = CallFactory(positions=20)
    committee = CommitteeFactory(call=call)

    def letters(count):
        for _ in range(count):
            dossier = AssignmentFactory(dossier__call=call, submitted=True).dossier
            decisions.set_decision(dossier, committee, Decision.Outcome.REJECTED, staff)
        decisions.apply_decisions(call, staff)

    letters(2)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_letters(Letter.objects.filter(decision__dossier__call=call)[:1], staff)
    client = client_for(staff)
    url = reverse("applications:staff_outbox", args=[call.pk])
    small = _queries(client, url)
    letters(8)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_letters(Letter.objects.filter(decision__dossier__call=call, status="ready")[:3], staff)
    decisions.hold(Letter.objects.filter(decision__dossier__call=call, status="ready").first(), staff)
    assert _queries(client, url) == small


def test_the_candidate_sees_the_decision_once_its_letter_left_the_outbox(
    world, staff, client_for, django_capture_on_commit_callbacks
):
    three = world["dossiers"][2]
    candidate = client_for(three.candidate)
    url = reverse("applications:dossier", args=[three.pk])
    assert 'id="decision"' not in text(candidate.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(outbox_url(world), {"send": "selected", "letters": [letter_of(three).pk]})
    page = text(candidate.get(url))
    assert 'id="decision"' in page and "Liste d'attente" in page and "Rang sur la liste d'attente : 1." in page
