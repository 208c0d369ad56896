"""The applications demo: an open call, the candidate account's half-filled draft, dossiers at every
screening stage, last year's call closed and screened, then put in evaluation by the evaluation demo;
idempotent, made through the services."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from accounts import roles
from accounts.models import User
from applications import demo, services, steps
from applications.models import (
    Call,
    Criterion,
    Dossier,
    DossierEvent,
    DossierFile,
    EligibilityOverride,
    MissingItemsRequest,
    Rendition,
    Theme,
)
from conventions.models import HostDepartment

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MODELS = (User, Call, Theme, Criterion, Dossier, DossierFile, DossierEvent, MissingItemsRequest, EligibilityOverride)


def counts():
    return {model.__name__: model.objects.count() for model in (*MODELS, Rendition, HostDepartment, Authenticator)}


@pytest.fixture
def seeded():
    demo.seed(StringIO())
    return Call.objects.get(year=(timezone.localdate() + dt.timedelta(weeks=6)).year)


def test_seed_twice_duplicates_nothing(seeded):
    first = counts()
    stamps = sorted(Dossier.objects.values_list("pk", "status", "version", "updated_at"))
    out = StringIO()
    demo.seed(out)
    assert counts() == first
    assert sorted(Dossier.objects.values_list("pk", "status", "version", "updated_at")) == stamps
    assert out.getvalue().startswith(f"  candidatures : appel {seeded.year} ouvert jusqu'au ")


def test_the_open_call_closes_in_six_weeks_at_noon_paris_time_with_themes_and_a_grid(seeded):
    assert seeded.is_open()
    closes = seeded.closes_at.astimezone(PARIS)
    assert (closes.date(), closes.hour, closes.minute) == (timezone.localdate() + dt.timedelta(weeks=6), 12, 0)
    themes = list(seeded.themes.select_related("host_department").order_by("position"))
    assert [t.host_department.acronym for t in themes] == ["DEVE", "DASES", "DU", "DSIN"]
    # The conventions demo's departments, not copies of them.
    assert HostDepartment.objects.filter(acronym="DEVE").count() == 1
    assert all(t.title_en and t.description_en and t.contact_email for t in themes)
    grid = list(seeded.criteria.order_by("position").values_list("label_fr", "weight", "scale_min", "scale_max"))
    assert len(grid) == 4 and all(weight > 0 and low < high for _label, weight, low, high in grid)


def test_the_candidate_demo_account_has_a_half_filled_draft(seeded):
    hugo = User.objects.get(email="candidat@demo.cifre.test")
    draft = Dossier.objects.get(call=seeded, candidate=hugo)
    assert draft.status == Dossier.Status.DRAFT
    done = {key for key, needs in steps.completeness(draft).items() if not needs}
    assert done == {"candidate", "degree", "enrolment"}
    assert sorted(draft.files.values_list("kind", flat=True)) == ["cv", "diploma"]
    assert draft.thesis_title != "" and draft.summary == ""
    for stored in draft.files.all():
        assert len(PdfReader(stored.file.open("rb")).pages) == 1


def test_the_candidate_can_finish_and_submit_the_draft(seeded, client_for):
    hugo = User.objects.get(email="candidat@demo.cifre.test")
    draft = Dossier.objects.get(call=seeded, candidate=hugo)
    data = demo._steps(seeded, hugo, seeded.themes.get(host_department__acronym="DEVE"), _labs(), index=8)
    for step in ("work", "project", "lab"):
        assert services.save_step(draft.pk, step, data[step], version=None).ok
    for kind in ("transcripts", "cover_letter", "support_letter", "project"):
        upload = SimpleUploadedFile(f"{kind}.pdf", demo.pdf("Pièce", ["Texte"]), "application/pdf")
        services.upload_file(draft.pk, kind, upload, hugo)
    dossier, created = services.submit(draft.pk, hugo)
    assert (created, dossier.status, dossier.number) == (True, "submitted", f"{seeded.year}-0009")
    assert client_for(hugo).get(f"/candidatures/{dossier.pk}/").status_code == 200


def _labs():
    from conventions.demo import _reference_data

    return _reference_data()[2]


def test_submitted_dossiers_at_every_screening_stage(seeded):
    dossiers = {
        d.candidate.email: d
        for d in Dossier.objects.filter(call=seeded).exclude(status="draft").select_related("candidate")
    }
    assert {email: d.status for email, d in dossiers.items()} == {
        "candidat1@demo.cifre.test": "submitted",
        "candidat2@demo.cifre.test": "missing_items",
        "candidat3@demo.cifre.test": "complete",
        "candidat4@demo.cifre.test": "eligible",
        "candidat5@demo.cifre.test": "ineligible",
        "candidat6@demo.cifre.test": "eligible",
        "candidat7@demo.cifre.test": "withdrawn",
        "candidat8@demo.cifre.test": "missing_items",
    }
    assert sorted(d.number for d in dossiers.values()) == [f"{seeded.year}-{n:04d}" for n in range(1, 9)]
    # Missing items: an open request; another one past its deadline, flagged to staff.
    request = MissingItemsRequest.objects.get(dossier=dossiers["candidat2@demo.cifre.test"])
    assert (request.answered_at, request.items, request.deadline > timezone.now()) == (
        None,
        ["doc:transcripts", "degree"],
        True,
    )
    lapsed = MissingItemsRequest.objects.get(dossier=dossiers["candidat8@demo.cifre.test"])
    assert lapsed.deadline < timezone.now() and lapsed.lapsed_notified_at is not None
    # Not eligible, with the engine's failing check as the reason.
    refused = dossiers["candidat5@demo.cifre.test"]
    assert [e["code"] for e in refused.eligibility if not e["ok"]] == ["masters_recent"]
    assert refused.screening_reasons == next(e["message_fr"] for e in refused.eligibility if not e["ok"])
    # One override, with its written reason, before the eligibility.
    lifted = dossiers["candidat6@demo.cifre.test"]
    override = EligibilityOverride.objects.get(dossier=lifted)
    assert (override.code, override.reason.startswith("La convention de cotutelle")) == ("lab_cotutelle", True)
    assert list(lifted.events.order_by("at", "id").values_list("kind", flat=True)) == [
        "created",
        "submitted",
        "complete",
        "override",
        "eligible",
    ]
    # Who did what: staff for screening, the candidate for the rest.
    staff = User.objects.get(email="staff@demo.cifre.test")
    assert lifted.events.get(kind="override").actor == staff
    assert dossiers["candidat7@demo.cifre.test"].events.get(kind="withdrawn").actor.email == "candidat7@demo.cifre.test"
    assert all(d.files.filter(is_current=True).count() == 6 for d in dossiers.values())


def test_last_years_call_is_closed_screened_and_in_evaluation(seeded):
    from applications.evaluation.demo import IN_EVALUATION

    last = Call.objects.get(year=seeded.year - 1)
    assert not last.is_open() and last.closes_at < timezone.now()
    assert last.decisions_on is None  # decided: the call of the year before (applications.evaluation.demo)
    mine = {
        d.candidate.email: d.status for d in last.dossiers.filter(candidate__email__in=[e for e, *_ in demo.OTHERS])
    }
    assert mine == {
        "candidat1@demo.cifre.test": "in_evaluation",  # eligible, then given to evaluators
        "candidat3@demo.cifre.test": "ineligible",
        "candidat7@demo.cifre.test": "in_evaluation",
    }
    assert last.dossiers.filter(status="in_evaluation").count() == 2 + len(IN_EVALUATION)
    assert all(d.submitted_at < last.closes_at for d in last.dossiers.all())


def test_the_department_contact_reads_two_themes_with_a_second_factor(seeded):
    contact = User.objects.get(email="direction@demo.cifre.test")
    assert roles.has_role(contact, roles.DEPARTMENT)
    assert Authenticator.objects.filter(user=contact, type=Authenticator.Type.TOTP).exists()
    assert sorted(contact.readable_themes.values_list("host_department__acronym", flat=True)) == ["DEVE", "DU"]


def test_the_demo_pdfs_are_valid_and_read_back():
    content = demo.pdf("Projet de thèse", ["Léa Martin — données fictives (œuvre)"], pages=3)
    reader = PdfReader(__import__("io").BytesIO(content))
    assert len(reader.pages) == 3
    assert "Projet de thèse" in reader.pages[0].extract_text()
    assert "Page 3 / 3" in reader.pages[2].extract_text()


@pytest.mark.pdf
def test_seed_demo_twice_shows_the_open_call_with_real_receipts(settings, django_capture_on_commit_callbacks):
    """What ``make run`` does: the whole demo, twice; receipts rendered once per submitted version."""
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    submitted = Dossier.objects.exclude(status="draft")
    assert first["Rendition"] == 2 * submitted.count()
    receipt = Rendition.objects.filter(kind="receipt").order_by("pk").first()
    text = " ".join(PdfReader(receipt.file.open("rb")).pages[0].extract_text().split())
    assert receipt.dossier.number in text
    call = Call.objects.get(year=(timezone.localdate() + dt.timedelta(weeks=6)).year)
    home = Client().get("/").content.decode()
    assert f"Candidatures ouvertes : Appel à candidatures {call.year}" in home
    page = Client().get("/appel-a-candidatures/").content.decode()
    assert page.count('class="call-theme mb-4"') == 4
