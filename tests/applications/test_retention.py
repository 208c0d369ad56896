"""Data retention: unselected dossiers anonymised RETENTION_MONTHS after their call's decisions, drafts
deleted RETENTION_MONTHS after the closing; idempotent, logged, safe with a failing storage."""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.utils import timezone

from applications import retention, services
from applications.models import (
    Call,
    Dossier,
    DossierEvent,
    DossierFile,
    EligibilityOverride,
    MissingItemsRequest,
    Rendition,
    WorkPeriod,
)
from applications.notices import event_dedupe_key
from applications.renditions import receipt_dedupe_key
from notifications.models import EmailLog
from tests.applications.factories import CallFactory, DossierFactory, WorkPeriodFactory, fill
from tests.conventions.pdfs import pdf_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DECISIONS = dt.date(2027, 6, 30)
DUE = dt.date(2029, 6, 30)  # DECISIONS + 24 months
EVERYTHING_DONE = {"anonymised": 0, "drafts_deleted": 0, "files_deleted": 0, "files_left": 0}


@pytest.fixture(autouse=True)
def _two_years(settings):
    settings.RETENTION_MONTHS = 24


@pytest.fixture
def staff_user(db):
    return UserFactory(role="staff", second_factor=True)


def submitted(call, **kwargs) -> Dossier:
    dossier = DossierFactory(call=call, **kwargs)
    fill(dossier)
    services.submit(dossier.pk, dossier.candidate)
    dossier.refresh_from_db()
    Rendition.objects.create(
        dossier=dossier, kind=Rendition.Kind.RECEIPT, version=1, file=ContentFile(pdf_bytes(), "r.pdf"), sha256="0" * 64
    )
    return dossier


def decide(call, decisions_on=DECISIONS) -> Call:
    """Close the call (the dossiers were submitted while it was open) and record its decisions."""
    closes = dt.datetime(2027, 3, 15, 12, 0, tzinfo=timezone.get_current_timezone())
    Call.objects.filter(pk=call.pk).update(
        opens_at=closes - dt.timedelta(days=60), closes_at=closes, decisions_on=decisions_on
    )
    call.refresh_from_db()
    return call


@pytest.fixture
def screened(staff_user):
    """A call whose dossiers went through every screening stage, then decided on DECISIONS."""
    call = CallFactory(year=2027)
    plain = submitted(call)
    missing = submitted(call)
    services.request_missing_items(
        missing.pk, staff_user, ["degree"], "Le diplôme de Léa Martin manque.", timezone.now() + dt.timedelta(days=7)
    )
    complete = submitted(call)
    services.mark_complete(complete.pk, staff_user)
    refused = submitted(call)
    services.declare_eligibility(refused.pk, staff_user, False, "Master de Jean Dupont obtenu en 2019.")
    withdrawn = submitted(call)
    services.withdraw(withdrawn.pk, withdrawn.candidate, reason="Je pars à Lyon chez mon conjoint.")
    WorkPeriodFactory(dossier=plain)
    EligibilityOverride.objects.create(dossier=plain, code="masters_recent", reason="Cas de Léa", created_by=staff_user)
    draft = DossierFactory(call=call)
    fill(draft)
    decide(call)
    return {
        "call": call,
        "dossiers": [plain, missing, complete, refused, withdrawn],
        "draft": draft,
        "staff": staff_user,
    }


def stored_names(dossier_ids) -> list[str]:
    return [f.file.name for f in DossierFile.objects.filter(dossier_id__in=dossier_ids)] + [
        r.file.name for r in Rendition.objects.filter(dossier_id__in=dossier_ids)
    ]


def storage_has(name: str) -> bool:
    return FileSystemStorage(location=settings.MEDIA_ROOT).exists(name)


# --- When ------------------------------------------------------------------------------------------


def test_anonymised_exactly_retention_months_after_the_decisions(screened):
    ids = [d.pk for d in screened["dossiers"]]
    before = list(Dossier.objects.filter(pk__in=ids).order_by("pk").values_list("email", "updated_at"))
    # The draft went on 15 March 2029 (closing + 24 months); the dossiers stay until the decisions + 24 months.
    the_day_before = retention.apply(DUE - dt.timedelta(days=1))
    assert the_day_before == {"anonymised": 0, "drafts_deleted": 1, "files_deleted": 6, "files_left": 0}
    assert list(Dossier.objects.filter(pk__in=ids).order_by("pk").values_list("email", "updated_at")) == before
    counts = retention.apply(DUE)
    assert counts == {"anonymised": 5, "drafts_deleted": 0, "files_deleted": 5 * 7, "files_left": 0}
    assert Dossier.objects.filter(pk__in=ids, anonymised_at__isnull=False).count() == 5


def test_the_delay_is_in_calendar_months_clamped_to_the_month_end(settings):
    settings.RETENTION_MONTHS = 6
    call = CallFactory(year=2027)
    dossier = submitted(call)
    decide(call, dt.date(2027, 8, 31))  # + 6 months = 29 February 2028 (leap year)
    assert retention.anonymise_on(call) == dt.date(2028, 2, 29)
    assert retention.apply(dt.date(2028, 2, 28))["anonymised"] == 0
    assert retention.apply(dt.date(2028, 2, 29))["anonymised"] == 1
    dossier.refresh_from_db()
    assert dossier.anonymised_at is not None


def test_nothing_happens_before_the_decisions_however_long(screened):
    Call.objects.filter(pk=screened["call"].pk).update(decisions_on=None)
    counts = retention.apply(DUE + dt.timedelta(days=3650))
    assert counts["anonymised"] == 0
    assert Dossier.objects.filter(anonymised_at__isnull=False).count() == 0
    assert counts["drafts_deleted"] == 1  # drafts follow the closing date, not the decisions


def test_selected_dossiers_are_never_anonymised(screened):
    """Every status but "selected" (and drafts, deleted on their own delay) counts as not selected."""
    assert set(retention.NOT_SELECTED) == set(Dossier.Status.values) - {Dossier.Status.DRAFT, Dossier.Status.SELECTED}
    selected = screened["dossiers"][2]
    Dossier.objects.filter(pk=selected.pk).update(status="selected")
    retention.apply(DUE)
    selected.refresh_from_db()
    assert (selected.anonymised_at, selected.email, selected.candidate_id) == (
        None,
        selected.candidate.email,
        selected.candidate.pk,
    )
    assert all(storage_has(name) for name in stored_names([selected.pk]))


# --- What ------------------------------------------------------------------------------------------


def test_personal_fields_are_blanked_and_statistics_kept(screened):
    plain = screened["dossiers"][0]
    theme_id, number, submitted_at = plain.theme_id, plain.number, plain.submitted_at
    degree_year = plain.degree_date.year
    codes = [(e["code"], e["ok"]) for e in plain.eligibility]
    candidate = plain.candidate
    sent = len(mail.outbox)
    retention.apply(DUE)
    plain.refresh_from_db()
    for name, value in retention.BLANKED.items():
        assert getattr(plain, name) == value, name
    assert plain.lab_doctoral_school_id is None
    # Kept for statistics.
    assert (plain.call_id, plain.number, plain.status, plain.theme_id, plain.discipline) == (
        screened["call"].pk,
        number,
        Dossier.Status.SUBMITTED,
        theme_id,
        "Géographie",
    )
    assert (plain.degree_status, plain.degree_date, plain.lab_unit_code) == (
        "obtained",
        dt.date(degree_year, 1, 1),
        "UMR 8504",
    )
    assert [(e["code"], e["ok"]) for e in plain.eligibility] == codes
    assert all(set(e) == {"code", "ok"} for e in plain.eligibility)
    assert plain.submitted_at == submitted_at
    # The account itself stays (it may apply again); the dossier no longer points to it.
    assert Dossier.objects.filter(candidate=candidate).count() == 0
    assert WorkPeriod.objects.filter(dossier=plain).count() == 0
    assert EligibilityOverride.objects.get(dossier=plain).reason == ""
    # Recorded in the history, not e-mailed.
    event = plain.events.get(kind=DossierEvent.Kind.ANONYMISED)
    assert (event.public, event.actor_id, event.data) == (False, None, {"retention_months": 24})
    assert len(mail.outbox) == sent


def test_history_keeps_what_happened_without_free_texts_or_the_candidates_account(screened):
    missing, refused, withdrawn = screened["dossiers"][1], screened["dossiers"][3], screened["dossiers"][4]
    staff = screened["staff"]
    retention.apply(DUE)
    for dossier in (missing, refused, withdrawn):
        assert list(dossier.events.exclude(message="").values_list("kind", flat=True)) == []
    assert list(withdrawn.events.order_by("at", "id").values_list("kind", "actor_id")) == [
        ("submitted", None),
        ("withdrawn", None),
        ("anonymised", None),
    ]
    assert refused.events.get(kind="ineligible").actor_id == staff.pk  # who screened stays
    request = MissingItemsRequest.objects.get(dossier=missing)
    assert (request.message, request.items) == ("", ["degree"])
    refused.refresh_from_db()
    assert refused.screening_reasons == ""


def test_files_and_pdfs_are_deleted_from_storage_with_their_rows(screened):
    ids = [d.pk for d in screened["dossiers"]]
    names = stored_names(ids)
    assert len(names) == 5 * 7 and all(storage_has(name) for name in names)
    retention.apply(DUE)
    assert [name for name in names if storage_has(name)] == []
    assert DossierFile.objects.filter(dossier_id__in=ids).count() == 0
    assert Rendition.objects.filter(dossier_id__in=ids).count() == 0


def test_emails_about_the_dossier_are_blanked_in_the_log(screened):
    plain = screened["dossiers"][0]
    event = plain.events.get(kind="submitted")
    for key in (receipt_dedupe_key(plain, 1), event_dedupe_key(event), "unrelated"):
        EmailLog.objects.create(
            dedupe_key=key,
            template_key="dossier_receipt",
            language="fr",
            to=plain.email,
            user=plain.candidate,
            subject=f"Dossier {plain.number}",
            body=f"Bonjour {plain.first_name}",
            attachments=[{"name": "x.pdf", "filename": "accuse.pdf", "mimetype": "application/pdf"}],
        )
    retention.apply(DUE)
    blanked = EmailLog.objects.filter(dedupe_key__in=[receipt_dedupe_key(plain, 1), event_dedupe_key(event)])
    assert list(blanked.values_list("to", "user_id", "subject", "body", "attachments")) == [("", None, "", "", [])] * 2
    assert EmailLog.objects.get(dedupe_key="unrelated").body.startswith("Bonjour ")


def test_drafts_never_submitted_are_deleted_retention_months_after_the_closing():
    call = CallFactory(year=2027)
    draft = DossierFactory(call=call)
    fill(draft)
    kept = submitted(call)
    names = stored_names([draft.pk])
    closes = dt.datetime(2027, 3, 15, 12, 0, tzinfo=timezone.get_current_timezone())
    Call.objects.filter(pk=call.pk).update(opens_at=closes - dt.timedelta(days=60), closes_at=closes)
    call.refresh_from_db()
    assert retention.drafts_deleted_on(call) == dt.date(2029, 3, 15)
    assert retention.apply(dt.date(2029, 3, 14)) == EVERYTHING_DONE
    assert retention.apply(dt.date(2029, 3, 15)) == {
        "anonymised": 0,
        "drafts_deleted": 1,
        "files_deleted": 6,
        "files_left": 0,
    }
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert [name for name in names if storage_has(name)] == []
    kept.refresh_from_db()
    assert (kept.anonymised_at, kept.email) == (None, kept.candidate.email)  # no decisions yet


# --- How ------------------------------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_reports_zeros(screened):
    retention.apply(DUE)
    state = list(Dossier.objects.order_by("pk").values_list("pk", "updated_at", "anonymised_at"))
    events = DossierEvent.objects.count()
    assert retention.apply(DUE) == EVERYTHING_DONE
    assert retention.apply(DUE + dt.timedelta(days=400)) == EVERYTHING_DONE
    assert list(Dossier.objects.order_by("pk").values_list("pk", "updated_at", "anonymised_at")) == state
    assert DossierEvent.objects.count() == events


def test_a_storage_error_on_one_file_does_not_stop_the_others_and_is_retried(screened, monkeypatch, caplog):
    ids = [d.pk for d in screened["dossiers"]]
    broken = DossierFile.objects.filter(dossier_id=ids[0]).order_by("pk").first()
    draft_file = DossierFile.objects.filter(dossier=screened["draft"]).order_by("pk").first()
    failing = {broken.file.name, draft_file.file.name}
    real_delete = FileSystemStorage.delete

    def delete(self, name):
        if name in failing:
            raise OSError("disque indisponible")
        return real_delete(self, name)

    monkeypatch.setattr(FileSystemStorage, "delete", delete)
    with caplog.at_level(logging.INFO, logger="applications.retention"):
        counts = retention.apply(DUE)
    assert counts == {"anonymised": 5, "drafts_deleted": 0, "files_deleted": 5 * 7 - 1 + 5, "files_left": 2}
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"retention: could not delete {broken.file.name} (DossierFile {broken.pk}): will try again",
        f"retention: could not delete {draft_file.file.name} (DossierFile {draft_file.pk}): will try again",
    ]
    assert list(DossierFile.objects.filter(dossier_id__in=ids).values_list("pk", "original_name")) == [(broken.pk, "")]
    assert Dossier.objects.filter(pk=screened["draft"].pk).exists()  # kept until its files are gone
    assert storage_has(broken.file.name)
    monkeypatch.setattr(FileSystemStorage, "delete", real_delete)
    assert retention.apply(DUE) == {"anonymised": 0, "drafts_deleted": 1, "files_deleted": 2, "files_left": 0}
    assert not storage_has(broken.file.name)
    assert retention.apply(DUE) == EVERYTHING_DONE


def test_it_is_logged(screened, caplog):
    with caplog.at_level(logging.INFO, logger="applications.retention"):
        retention.apply(DUE)
    assert caplog.records[-1].getMessage() == (
        "retention on 2029-06-30 (24 months): "
        "{'anonymised': 5, 'drafts_deleted': 1, 'files_deleted': 41, 'files_left': 0}"
    )


@pytest.mark.parametrize("extra", [0, 2])
def test_set_based_the_queries_do_not_grow_with_the_dossiers(django_assert_num_queries, extra, staff_user):
    call = CallFactory(year=2027)
    for _ in range(1 + extra):
        submitted(call)
    decide(call)
    # calls; dossiers due; lock; eligibility (bulk); events' actor and message; requests; overrides;
    # file names; e-mail log (events, dossiers, update); periods (select, delete); dossiers; history;
    # files of anonymised dossiers (select, delete) and their PDFs (select, delete); drafts due; the
    # evaluation's free texts (evaluations: select, update; assignments; declarations ×2; decisions;
    # letters), the letters' e-mail keys and the letters' PDFs.
    with django_assert_num_queries(31):
        assert retention.apply(DUE)["anonymised"] == 1 + extra


# --- By hand and by the scheduler ------------------------------------------------------------------


def test_management_command_dry_run_then_real_run(screened):
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--date", DUE.isoformat(), stdout=out)
    numbers = sorted(d.number for d in screened["dossiers"])
    statuses = {
        d.number: d.get_status_display() for d in Dossier.objects.filter(pk__in=[x.pk for x in screened["dossiers"]])
    }
    assert out.getvalue().splitlines() == [
        *(f"  à anonymiser : {number} (appel 2027, {statuses[number]}, décisions du 2027-06-30)" for number in numbers),
        f"  à supprimer : brouillon n° {screened['draft'].pk} (appel 2027)",
        "Simulation au 2029-06-30 (24 mois) : 5 dossier(s) à anonymiser, 1 brouillon(s) à supprimer, "
        "41 fichier(s) à effacer. Rien n'a été modifié.",
    ]
    assert Dossier.objects.filter(anonymised_at__isnull=False).count() == 0
    assert Dossier.objects.filter(pk=screened["draft"].pk).exists()
    out = StringIO()
    call_command("apply_retention", "--date", DUE.isoformat(), stdout=out)
    assert out.getvalue() == (
        "Conservation au 2029-06-30 (24 mois) : 5 dossier(s) anonymisé(s), 1 brouillon(s) supprimé(s), "
        "41 fichier(s) effacé(s).\n"
    )
    out = StringIO()
    call_command("apply_retention", "--date", DUE.isoformat(), stdout=out)
    assert out.getvalue() == (
        "Conservation au 2029-06-30 (24 mois) : 0 dossier(s) anonymisé(s), 0 brouillon(s) supprimé(s), "
        "0 fichier(s) effacé(s).\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("apply_retention", "--date", "30/06/2029")
    assert str(error.value) == "Date invalide : '30/06/2029' (format attendu AAAA-MM-JJ)."


def test_the_daily_task_applies_retention_today(staff_user):
    from applications.tasks import daily

    call = CallFactory(year=2027)
    dossier = submitted(call)
    decide(call, timezone.localdate() - dt.timedelta(days=800))
    assert daily.delay().get() == {
        "lapsed": 0,
        "evaluation_reminders": 0,
        "evaluation_overdue": 0,
        "evaluation_late_summary": 0,
        "anonymised": 1,
        "drafts_deleted": 0,
        "files_deleted": 7,
        "files_left": 0,
    }
    dossier.refresh_from_db()
    assert dossier.anonymised_at is not None


def test_the_beat_schedule_runs_it_daily_outside_the_dst_hours():
    from cifre.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["applications-daily"]
    assert entry["task"] == "applications.daily"
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({5}, {45})
    assert not entry["schedule"].hour & {2, 3}
    assert settings.CELERY_TIMEZONE == "Europe/Paris"


def test_the_privacy_page_says_so_in_french_and_english(client):
    french = " ".join(client.get("/pages/donnees-personnelles/").content.decode().split())
    english = " ".join(client.get("/en/pages/donnees-personnelles/").content.decode().split())
    assert "les dossiers non retenus sont anonymisés 24 mois après la décision." in french
    assert "Un brouillon jamais déposé est supprimé 24 mois après la clôture de l'appel." in french
    assert "Seules restent des données statistiques" in french
    assert "unsuccessful dossiers are anonymised 24 months after the decision." in english
    assert "A draft never submitted is deleted 24 months after the call closed." in english
    assert "Only statistical data remain" in english


def test_a_privacy_page_nobody_edited_is_brought_up_to_date_an_edited_one_is_kept():
    from events.legal_content import ensure_legal_pages, first_privacy
    from events.models import Page

    page = Page.objects.get(slug="donnees-personnelles")
    first = first_privacy(24)
    page.body_fr, page.body_en = first["body_fr"], "Edited by staff."
    page.save()
    ensure_legal_pages()
    page.refresh_from_db()
    assert "Un brouillon jamais déposé est supprimé 24 mois" in page.body_fr
    assert page.body_en == "Edited by staff."
