"""The review page, the submission (by the server's clock, to the second, summer time included),
and what follows: the dossier's page, a request for missing items answered, the withdrawal, the
receipt."""

from __future__ import annotations

import datetime as dt
import hashlib
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Dossier, DossierEvent, Rendition
from tests.applications.candidate_pages import step_post, step_url
from tests.applications.factories import CallFactory, DossierFactory, fill
from tests.conventions.pdfs import pdf_bytes
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db
Status = Dossier.Status
PARIS = timezone.get_default_timezone()


def review_url(dossier):
    return reverse("applications:review", args=[dossier.pk])


def submit_url(dossier):
    return reverse("applications:submit", args=[dossier.pk])


def dossier_url(dossier):
    return reverse("applications:dossier", args=[dossier.pk])


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def kinds(dossier):
    return list(dossier.events.order_by("at", "id").values_list("kind", flat=True))


# --- The review page ---------------------------------------------------------------------------------


def test_the_review_shows_everything_entered_and_what_is_missing(candidate):
    dossier = DossierFactory(candidate=candidate, phone="01 42 76 40 40", degree_title="Master d'urbanisme")
    response = signed_in(candidate).get(review_url(dossier))
    assert response.status_code == 200
    sections = {section["step"].key: section for section in response.context["sections"]}
    assert sections["candidate"]["rows"][3] == ("Téléphone", "01 42 76 40 40")
    assert sections["degree"]["rows"][0] == ("Intitulé du master ou diplôme équivalent", "Master d'urbanisme")
    assert sections["degree"]["missing"] == [
        "établissement",
        "situation",
        "date d'obtention (ou prévue)",
        "déjà titulaire d'un doctorat",
    ]
    html = response.content.decode()
    assert "Des étapes sont encore à compléter (voir ci-dessous)" in html
    assert '<button type="submit" class="btn btn-primary btn-lg">Déposer mon dossier</button>' in html
    assert 'aria-current="step"' in html


def test_a_complete_dossier_lists_each_file_with_its_hash(candidate):
    dossier = fill(DossierFactory(candidate=candidate))
    response = signed_in(candidate).get(review_url(dossier))
    assert response.context["complete"] is True
    assert [(str(label), f.original_name) for label, f in response.context["document_rows"]][0] == (
        "Curriculum vitæ",
        "cv.pdf",
    )
    assert hashlib.sha256(pdf_bytes()).hexdigest() in response.content.decode()


# --- Submitting -----------------------------------------------------------------------------------


def test_submitting_gives_a_number_freezes_and_shows_the_dossier(candidate):
    dossier = fill(DossierFactory(candidate=candidate))
    client = signed_in(candidate)
    response = client.post(submit_url(dossier))
    assert (response.status_code, response["Location"]) == (302, dossier_url(dossier))
    dossier.refresh_from_db()
    assert (dossier.status, dossier.number, dossier.version) == (Status.SUBMITTED, f"{dossier.call.year}-0001", 1)
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        f"Votre dossier est déposé sous le numéro {dossier.number}. Un accusé de réception vous est envoyé par "
        "courriel."
    ]
    html = page.content.decode()
    assert f'<dd class="col-sm-8" id="dossier-number">{dossier.number}</dd>' in html
    assert "Dossier déposé" in html  # the history
    assert "L'accusé de réception est en préparation" in html
    # Frozen: the steps are read-only now.
    assert client.get(step_url(dossier, "project")).context["step_editable"] is False


def test_a_double_click_or_a_replayed_request_submits_once(candidate):
    dossier = fill(DossierFactory(candidate=candidate))
    client = signed_in(candidate)
    client.post(submit_url(dossier))
    client.get(dossier_url(dossier))  # the first answer's message is read
    dossier.refresh_from_db()
    first = (dossier.number, dossier.submitted_at, dossier.version)
    response = client.post(submit_url(dossier))
    assert (response.status_code, response["Location"]) == (302, dossier_url(dossier))
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        f"Ce dossier a déjà été déposé le {timezone.localtime(dossier.submitted_at):%d/%m/%Y %H:%M} : il n'a pas "
        "été déposé une seconde fois."
    ]
    dossier.refresh_from_db()
    assert (dossier.number, dossier.submitted_at, dossier.version) == first
    assert kinds(dossier) == ["submitted"]


def test_an_incomplete_dossier_is_not_submitted_and_says_what_is_missing(candidate):
    dossier = fill(DossierFactory(candidate=candidate))
    dossier.files.filter(kind="project").delete()
    Dossier.objects.filter(pk=dossier.pk).update(lab_name="")
    response = signed_in(candidate).post(submit_url(dossier))
    assert response.status_code == 400
    assert response.context["problems"] == {
        "lab": ["À compléter : nom du laboratoire"],
        "documents": ["À compléter : Projet de thèse (un seul PDF)"],
    }
    assert [str(m) for m in response.context["messages"]] == [
        "Le dossier n'est pas déposé : complétez ou corrigez les étapes signalées."
    ]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.number, kinds(dossier)) == (Status.DRAFT, None, [])


def test_a_value_stored_behind_the_forms_back_is_caught_at_submission(candidate):
    dossier = fill(DossierFactory(candidate=candidate))
    Dossier.objects.filter(pk=dossier.pk).update(summary="x" * 1501)
    response = signed_in(candidate).post(submit_url(dossier))
    assert (response.status_code, response.context["problems"]) == (
        400,
        {"project": ["Assurez-vous que cette valeur comporte au plus 1500 caractères (actuellement 1501)."]},
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DRAFT


def test_a_failing_check_warns_but_does_not_block_and_is_recorded(candidate):
    dossier = fill(DossierFactory(candidate=candidate))
    Dossier.objects.filter(pk=dossier.pk).update(
        degree_date=dossier.call.planned_filing_date - dt.timedelta(days=365 * 4)
    )
    client = signed_in(candidate)
    review = client.get(review_url(dossier)).content.decode()
    assert "Certaines conditions d'éligibilité ne semblent pas remplies : vous pouvez tout de même déposer" in review
    assert client.post(submit_url(dossier)).status_code == 302
    dossier.refresh_from_db()
    assert [entry["code"] for entry in dossier.eligibility if not entry["ok"]] == ["masters_recent"]


# --- The closing minute, by the server's clock -----------------------------------------------------


def at(value: dt.datetime):
    """The server's clock, stopped at ``value`` for this test (sessions, the call, the services)."""
    return mock.patch("django.utils.timezone.now", return_value=value)


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(dt.timedelta(seconds=-1), True), (dt.timedelta(0), False), (dt.timedelta(seconds=1), False)],
)
@pytest.mark.parametrize(
    "closes",
    [
        dt.datetime(2027, 3, 15, 12, 0, tzinfo=PARIS),
        # 28 March 2027: summer time starts at 02:00; 12:00 in Paris is then 10:00 UTC.
        dt.datetime(2027, 3, 28, 12, 0, tzinfo=PARIS),
    ],
    ids=["15-march", "summer-time-day"],
)
def test_the_closing_second_decides_and_a_late_draft_is_kept(closes, offset, accepted):
    if closes.day == 28:
        assert closes.astimezone(dt.UTC) == dt.datetime(2027, 3, 28, 10, 0, tzinfo=dt.UTC)
    moment = closes + offset
    with at(moment - dt.timedelta(days=40)):
        call = CallFactory(year=2040 + closes.day, opens_at=closes - dt.timedelta(days=30), closes_at=closes)
        user = UserFactory(role="candidate")
        dossier = fill(DossierFactory(call=call, candidate=user))
    with at(moment):
        client = signed_in(user)
        response = client.post(submit_url(dossier))
    dossier.refresh_from_db()
    if accepted:
        assert (response.status_code, dossier.status, dossier.submitted_at) == (302, Status.SUBMITTED, moment)
        return
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == [
        f"L'appel a été clos le {closes.day}/03/2027 à 12:00 (heure de Paris) : le dépôt n'est plus possible. "
        "Votre brouillon est conservé."
    ]
    assert (dossier.status, dossier.number) == (Status.DRAFT, None)
    assert dossier.summary == "Une thèse sur l'ombre des arbres."
    assert response.context["can_submit"] is False
    # The draft is there, read-only.
    with at(moment):
        page = client.get(step_url(dossier, "project"))
    assert (page.status_code, page.context["step_editable"]) == (200, False)


def test_a_save_one_second_before_closing_is_kept_and_one_at_closing_is_refused():
    closes = dt.datetime(2027, 3, 28, 12, 0, tzinfo=PARIS)
    with at(closes - dt.timedelta(days=40)):
        call = CallFactory(year=2077, opens_at=closes - dt.timedelta(days=30), closes_at=closes)
        user = UserFactory(role="candidate")
        dossier = DossierFactory(call=call, candidate=user)
    url = reverse("applications:autosave", args=[dossier.pk, "project"])
    with at(closes - dt.timedelta(seconds=1)):
        response = signed_in(user).post(url, {"step_version": "0", "summary": "In time"})
        assert (response.status_code, response.json()["saved_at"]) == (200, "11:59")
    with at(closes):
        response = signed_in(user).post(url, {"step_version": "1", "summary": "Too late"})
    assert response.status_code == 409
    assert Dossier.objects.get(pk=dossier.pk).summary == "In time"


# --- After submission -------------------------------------------------------------------------------


def test_a_crafted_submission_of_someone_elses_dossier_changes_nothing(candidate):
    dossier = fill(DossierFactory())
    response = signed_in(candidate).post(submit_url(dossier))
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DRAFT


def test_the_dossier_page_shows_the_history_the_reasons_and_the_receipts(candidate, staff):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    services.declare_eligibility(dossier.pk, staff, False, "Le master date de plus de trois ans.")
    receipt = Rendition(dossier=dossier, kind=Rendition.Kind.RECEIPT, version=1, sha256="0" * 64)
    receipt.file.save("receipt.pdf", ContentFile(pdf_bytes()), save=False)
    receipt.save()
    DossierEvent.objects.create(dossier=dossier, kind=DossierEvent.Kind.OVERRIDE, public=False, message="interne")
    response = signed_in(candidate).get(dossier_url(dossier))
    html = response.content.decode()
    assert [e.kind for e in response.context["events"]] == ["submitted", "ineligible"]
    assert "Motifs de non-éligibilité" in html and "Le master date de plus de trois ans." in html
    assert "interne" not in html
    receipt_url = reverse("applications:receipt", args=[dossier.pk, 1])
    assert f'href="{receipt_url}"' in html
    download = signed_in(candidate).get(receipt_url)
    assert (download.status_code, download["Content-Disposition"], download["Cache-Control"]) == (
        200,
        f'attachment; filename="accuse-de-reception_{dossier.number}_v1.pdf"',
        "private, no-store",
    )
    assert b"".join(download.streaming_content) == pdf_bytes()


def test_a_request_for_missing_items_is_shown_and_answered(candidate, staff):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    deadline = dt.datetime(2031, 4, 2, 18, 0, tzinfo=PARIS)
    services.request_missing_items(dossier.pk, staff, ["degree", "doc:cv"], "Le CV est illisible.", deadline)
    client = signed_in(candidate)
    response = client.get(dossier_url(dossier))
    assert [(str(i["label"]), i["url"]) for i in response.context["request_items"]] == [
        ("Diplôme", step_url(dossier, "degree")),
        ("Curriculum vitæ", step_url(dossier, "documents")),
    ]
    html = response.content.decode()
    assert "Le CV est illisible." in html
    assert "À transmettre au plus tard le 2 avril 2031 à 18:00 (heure de Paris)." in html
    client.post(step_url(dossier, "degree"), step_post(dossier, "degree", degree_title="Master 2"))
    response = client.post(reverse("applications:answer", args=[dossier.pk]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.degree_title) == (Status.SUBMITTED, 2, "Master 2")
    assert kinds(dossier) == ["submitted", "missing_items", "answered"]
    # Answered once: a replay changes nothing.
    client.get(dossier_url(dossier))
    client.post(reverse("applications:answer", args=[dossier.pk]))
    page = client.get(dossier_url(dossier))
    assert [str(m) for m in page.context["messages"]] == ["Aucune demande de pièces n'est en cours pour ce dossier."]
    assert Dossier.objects.get(pk=dossier.pk).version == 2


def test_withdrawing_asks_for_a_confirmation(candidate):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    client = signed_in(candidate)
    url = reverse("applications:withdraw", args=[dossier.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "J'ai trouvé un autre financement."})
    assert (response.status_code, response.context["form"].errors) == (
        400,
        {"confirm": ["Cochez la case pour confirmer le retrait."]},
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    response = client.post(url, {"confirm": "on", "reason": "J'ai trouvé un autre financement."})
    assert (response.status_code, response["Location"]) == (302, dossier_url(dossier))
    dossier.refresh_from_db()
    assert (dossier.status, kinds(dossier)) == (Status.WITHDRAWN, ["submitted", "withdrawn"])
    page = client.get(dossier_url(dossier))
    assert page.context["can_withdraw"] is False


def test_a_draft_is_not_withdrawn(candidate):
    dossier = DossierFactory(candidate=candidate)
    response = signed_in(candidate).post(reverse("applications:withdraw", args=[dossier.pk]), {"confirm": "on"})
    assert (response.status_code, response.context["form"].non_field_errors()) == (
        400,
        ["Un brouillon n'a pas besoin d'être retiré : il n'est pas transmis."],
    )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.DRAFT
