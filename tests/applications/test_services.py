"""The dossier's service layer: saving steps, versions, submission, screening transitions, history."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from applications import services, steps
from applications.models import Dossier, DossierEvent, EligibilityOverride, MissingItemsRequest
from tests.applications.factories import CallFactory, DossierFactory, WorkPeriodFactory, fill
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = Dossier.Status


def kinds(dossier):
    return list(dossier.events.order_by("at", "id").values_list("kind", flat=True))


# --- Saving a step ---------------------------------------------------------------------------------


def test_autosave_saves_only_the_posted_fields_and_counts_the_version():
    dossier = DossierFactory(phone="01 00 00 00 00", address="1 rue A")
    result = services.save_step(dossier.pk, "candidate", {"phone": "06 12 34 56 78"}, version=0, partial=True)
    assert (result.saved, result.errors, result.version) == (["phone"], {}, 1)
    dossier.refresh_from_db()
    assert (dossier.phone, dossier.address, dossier.step_versions) == ("06 12 34 56 78", "1 rue A", {"candidate": 1})


def test_an_invalid_value_is_not_saved_and_is_reported_on_its_field():
    dossier = DossierFactory(phone="01 00 00 00 00")
    result = services.save_step(
        dossier.pk, "candidate", {"phone": "appelez-moi", "address": "2 rue B"}, version=0, partial=True
    )
    assert result.saved == ["address"]
    assert result.errors == {"phone": ["Un numéro de téléphone ne contient que des chiffres, espaces et + . - ( )."]}
    dossier.refresh_from_db()
    assert (dossier.phone, dossier.address) == ("01 00 00 00 00", "2 rue B")


def test_a_stale_version_is_refused_and_changes_nothing():
    dossier = DossierFactory()
    services.save_step(dossier.pk, "candidate", {"phone": "0102030405"}, version=0, partial=True)
    with pytest.raises(services.StaleStep) as raised:
        services.save_step(dossier.pk, "candidate", {"phone": "0999999999"}, version=0, partial=True)
    assert raised.value.current_version == 1
    dossier.refresh_from_db()
    assert dossier.phone == "0102030405"


def test_two_steps_have_their_own_versions():
    dossier = DossierFactory()
    services.save_step(dossier.pk, "candidate", {"phone": "0102030405"}, version=0, partial=True)
    result = services.save_step(dossier.pk, "degree", {"degree_title": "Master"}, version=0, partial=True)
    assert result.version == 1
    dossier.refresh_from_db()
    assert dossier.step_versions == {"candidate": 1, "degree": 1}


def test_an_unknown_field_is_refused_and_nothing_is_saved():
    dossier = DossierFactory()
    with pytest.raises(services.UnknownField) as raised:
        services.save_step(dossier.pk, "candidate", {"phone": "0102", "status": "eligible"}, version=0, partial=True)
    assert raised.value.message_dict == {"status": ["Ce champ n'existe pas dans cette étape."]}
    dossier.refresh_from_db()
    assert (dossier.phone, dossier.status) == ("", Status.DRAFT)


def test_a_degree_already_held_cannot_be_dated_in_the_future():
    dossier = DossierFactory()
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    result = services.save_step(
        dossier.pk, "degree", {"degree_status": "obtained", "degree_date": future}, version=0, partial=True
    )
    assert result.errors == {
        "degree_date": [
            "Un diplôme déjà obtenu ne peut pas avoir une date future : choisissez « En cours » ou corrigez."
        ]
    }
    dossier.refresh_from_db()
    assert dossier.degree_date is None


def test_a_date_outside_the_plausible_range_is_refused():
    dossier = DossierFactory()
    result = services.save_step(dossier.pk, "degree", {"degree_date": "9999-12-31"}, version=0, partial=True)
    assert result.errors == {"degree_date": ["Indiquez une date entre le 01/01/1990 et le 31/12/2100."]}


def test_text_over_its_limit_is_refused():
    dossier = DossierFactory()
    result = services.save_step(dossier.pk, "project", {"summary": "x" * 1501}, version=0, partial=True)
    assert list(result.errors) == ["summary"]
    dossier.refresh_from_db()
    assert dossier.summary == ""


def test_overlapping_work_periods_are_refused_and_not_saved():
    dossier = DossierFactory()
    data = {
        "worked_for_city": "true",
        "periods-TOTAL_FORMS": "2",
        "periods-INITIAL_FORMS": "0",
        "periods-0-start": "2024-01-01",
        "periods-0-end": "2024-06-30",
        "periods-1-start": "2024-06-01",
        "periods-1-end": "2024-08-31",
    }
    result = services.save_step(dossier.pk, "work", data, version=0)
    assert result.errors == {
        "periods-1-start": ["Cette période chevauche la précédente : fusionnez-les ou corrigez les dates."]
    }
    assert dossier.work_periods.count() == 0


def test_a_reversed_work_period_is_refused():
    dossier = DossierFactory()
    data = {
        "worked_for_city": "true",
        "periods-TOTAL_FORMS": "1",
        "periods-INITIAL_FORMS": "0",
        "periods-0-start": "2024-06-01",
        "periods-0-end": "2024-01-31",
    }
    result = services.save_step(dossier.pk, "work", data, version=0)
    assert result.errors == {"periods-0-end": ["La fin de la période précède son début."]}
    assert dossier.work_periods.count() == 0


def test_a_closed_call_keeps_the_draft_read_only():
    dossier = DossierFactory(call=CallFactory(closed=True))
    with pytest.raises(services.DossierClosed):
        services.save_step(dossier.pk, "candidate", {"phone": "0102"}, version=0, partial=True)


# --- Completeness and submission -------------------------------------------------------------------


def test_a_filled_dossier_is_complete_and_an_empty_one_says_what_is_missing():
    dossier = DossierFactory()
    missing = steps.completeness(dossier)
    assert missing["candidate"] == ["adresse postale", "autorisation de travail nécessaire en France"]
    assert len(missing["documents"]) == 6
    fill(dossier)
    assert steps.completeness(dossier) == {key: [] for key in steps.STEP_KEYS}


def test_having_worked_for_the_city_needs_a_period():
    dossier = fill(DossierFactory())
    dossier.worked_for_city = True
    dossier.save()
    assert steps.missing(dossier, "work") == ["au moins une période de travail"]
    WorkPeriodFactory(dossier=dossier)
    assert steps.missing(dossier, "work") == []


def test_submission_numbers_freezes_and_records():
    dossier = fill(DossierFactory(call=CallFactory(year=2031)))
    submitted, created = services.submit(dossier.pk, dossier.candidate)
    assert created is True
    assert (submitted.number, submitted.status, submitted.version) == ("2031-0001", Status.SUBMITTED, 1)
    assert [c["code"] for c in submitted.eligibility] == [
        "masters_held",
        "masters_recent",
        "not_doctor",
        "no_other_thesis",
        "enrolment_recent",
        "prior_employment",
        "employer_eligible",
        "contract_duration",
        "lab_doctoral_school",
        "lab_cotutelle",
    ]
    assert all(c["ok"] for c in submitted.eligibility)
    assert kinds(submitted) == ["submitted"]
    with pytest.raises(services.DossierClosed):
        services.save_step(dossier.pk, "candidate", {"phone": "0102"}, version=None, partial=True)


def test_submitting_twice_submits_once():
    dossier = fill(DossierFactory(call=CallFactory(year=2032)))
    services.submit(dossier.pk, dossier.candidate)
    again, created = services.submit(dossier.pk, dossier.candidate)
    assert (created, again.number) == (False, "2032-0001")
    assert kinds(again) == ["submitted"]


def test_an_incomplete_dossier_cannot_be_submitted():
    dossier = DossierFactory()
    with pytest.raises(ValidationError) as raised:
        services.submit(dossier.pk, dossier.candidate)
    assert "documents" in raised.value.message_dict
    dossier.refresh_from_db()
    assert (dossier.status, dossier.number) == (Status.DRAFT, None)


def test_a_value_made_invalid_behind_the_forms_back_blocks_submission():
    dossier = fill(DossierFactory())
    Dossier.objects.filter(pk=dossier.pk).update(summary="x" * 5000)
    with pytest.raises(ValidationError) as raised:
        services.submit(dossier.pk, dossier.candidate)
    assert list(raised.value.message_dict) == ["project"]


def test_another_user_cannot_submit_the_dossier():
    dossier = fill(DossierFactory())
    with pytest.raises(services.DossierClosed):
        services.submit(dossier.pk, UserFactory(role="candidate"))
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(dt.timedelta(seconds=-1), True), (dt.timedelta(0), False), (dt.timedelta(seconds=1), False)],
)
def test_the_closing_second_decides(offset, accepted):
    closes = timezone.make_aware(dt.datetime(2027, 3, 15, 12, 0), timezone.get_default_timezone())
    call = CallFactory(opens_at=closes - dt.timedelta(days=30), closes_at=closes)
    dossier = fill(DossierFactory(call=call))
    at = closes + offset
    if accepted:
        assert services.submit(dossier.pk, dossier.candidate, at=at)[1] is True
    else:
        with pytest.raises(services.DossierClosed) as raised:
            services.submit(dossier.pk, dossier.candidate, at=at)
        assert raised.value.messages == [
            "L'appel a été clos le 15/03/2027 à 12:00 (heure de Paris) : le dépôt n'est plus possible. "
            "Votre brouillon est conservé."
        ]
        dossier.refresh_from_db()
        assert (dossier.status, dossier.summary) == (Status.DRAFT, "Une thèse sur l'ombre des arbres.")


def test_a_call_closing_on_the_day_summer_time_starts():
    # 28 March 2027: clocks go from 02:00 to 03:00 in Paris; 12:00 Paris is then 10:00 UTC.
    closes = timezone.make_aware(dt.datetime(2027, 3, 28, 12, 0), timezone.get_default_timezone())
    assert closes.astimezone(dt.UTC) == dt.datetime(2027, 3, 28, 10, 0, tzinfo=dt.UTC)
    call = CallFactory(opens_at=closes - dt.timedelta(days=30), closes_at=closes)
    late, on_time = fill(DossierFactory(call=call)), fill(DossierFactory(call=call))
    with pytest.raises(services.DossierClosed):
        services.submit(late.pk, late.candidate, at=dt.datetime(2027, 3, 28, 10, 0, tzinfo=dt.UTC))
    assert services.submit(on_time.pk, on_time.candidate, at=dt.datetime(2027, 3, 28, 9, 59, 59, tzinfo=dt.UTC))[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_number_without_gap_or_duplicate(django_capture_on_commit_callbacks):
    call = CallFactory(year=2033)
    dossiers = [fill(DossierFactory(call=call)) for _ in range(6)]
    barrier = threading.Barrier(3)
    errors = []

    def run(mine):
        try:
            barrier.wait(timeout=10)
            for dossier in mine:
                services.submit(dossier.pk, dossier.candidate)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(dossiers[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(Dossier.objects.values_list("number", flat=True)) == [f"2033-{n:04d}" for n in range(1, 7)]


# --- Screening -------------------------------------------------------------------------------------


@pytest.fixture
def submitted(db):
    dossier = fill(DossierFactory())
    services.submit(dossier.pk, dossier.candidate)
    dossier.refresh_from_db()
    return dossier


def test_missing_items_reopen_only_those_items(submitted, staff):
    deadline = timezone.now() + dt.timedelta(days=7)
    services.request_missing_items(submitted.pk, staff, ["degree", "doc:transcripts"], "Relevés illisibles.", deadline)
    submitted.refresh_from_db()
    assert submitted.status == Status.MISSING_ITEMS
    assert services.editable_items(submitted) == {"degree", "doc:transcripts", "documents"}
    services.save_step(submitted.pk, "degree", {"degree_title": "Master 2"}, version=None, partial=True)
    with pytest.raises(services.DossierClosed):
        services.save_step(submitted.pk, "project", {"summary": "Autre"}, version=None, partial=True)
    answered = services.answer_request(submitted.pk, submitted.candidate)
    assert (answered.status, answered.version, answered.degree_title) == (Status.SUBMITTED, 2, "Master 2")
    assert kinds(answered) == ["submitted", "missing_items", "answered"]
    assert services.editable_items(answered) == set()


@pytest.mark.parametrize(
    ("items", "message", "days", "errors"),
    [
        ([], "x", 3, {"items": ["Choisissez au moins un élément à compléter."]}),
        (["status"], "x", 3, {"items": ["Élément inconnu : status."]}),
        (["degree"], "  ", 3, {"message": ["Expliquez au ou à la candidat·e ce qui manque."]}),
        (["degree"], "x", -1, {"deadline": ["La date limite doit être dans le futur."]}),
    ],
)
def test_a_bad_request_for_missing_items_changes_nothing(submitted, staff, items, message, days, errors):
    with pytest.raises(ValidationError) as raised:
        services.request_missing_items(submitted.pk, staff, items, message, timezone.now() + dt.timedelta(days=days))
    assert raised.value.message_dict == errors
    assert MissingItemsRequest.objects.count() == 0
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_lapsed_request_is_flagged_once(submitted, staff):
    deadline = timezone.now() + dt.timedelta(days=1)
    services.request_missing_items(submitted.pk, staff, ["degree"], "Diplôme ?", deadline)
    assert services.flag_lapsed_requests(at=deadline - dt.timedelta(seconds=1)) == 0
    assert services.flag_lapsed_requests(at=deadline + dt.timedelta(seconds=1)) == 1
    assert services.flag_lapsed_requests(at=deadline + dt.timedelta(days=1)) == 0
    assert kinds(submitted).count("request_lapsed") == 1
    assert DossierEvent.objects.get(kind="request_lapsed").public is False


def test_ineligible_needs_reasons_and_records_them(submitted, staff):
    with pytest.raises(ValidationError) as raised:
        services.declare_eligibility(submitted.pk, staff, False, " ")
    assert raised.value.message_dict == {"reasons": ["Indiquez les motifs de non-éligibilité : ils sont communiqués."]}
    services.declare_eligibility(submitted.pk, staff, False, "Master obtenu il y a plus de trois ans.")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.screening_reasons) == (
        Status.INELIGIBLE,
        "Master obtenu il y a plus de trois ans.",
    )
    event = submitted.events.get(kind="ineligible")
    assert (event.actor, event.message, event.public) == (staff, "Master obtenu il y a plus de trois ans.", True)


def test_an_override_needs_a_failing_check_and_a_reason(staff):
    dossier = fill(DossierFactory())
    dossier.degree_date = dossier.call.planned_filing_date - dt.timedelta(days=365 * 4)
    dossier.save()
    services.submit(dossier.pk, dossier.candidate)
    with pytest.raises(ValidationError):
        services.override_check(dossier.pk, staff, "masters_recent", "")
    with pytest.raises(ValidationError):
        services.override_check(dossier.pk, staff, "not_doctor", "Sans objet")
    assert EligibilityOverride.objects.count() == 0
    services.override_check(dossier.pk, staff, "masters_recent", "Diplôme étranger reconnu tardivement.")
    assert EligibilityOverride.objects.get().reason == "Diplôme étranger reconnu tardivement."


def test_screening_is_refused_to_a_candidate(submitted, candidate):
    with pytest.raises(services.DossierClosed):
        services.mark_complete(submitted.pk, candidate)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_withdrawal_closes_the_open_request(submitted, staff):
    services.request_missing_items(submitted.pk, staff, ["degree"], "Diplôme ?", timezone.now() + dt.timedelta(days=3))
    withdrawn = services.withdraw(submitted.pk, submitted.candidate, "J'ai trouvé un autre financement.")
    assert withdrawn.status == Status.WITHDRAWN
    assert MissingItemsRequest.objects.filter(answered_at__isnull=True).count() == 0
    assert services.editable_items(withdrawn) == set()


def test_the_lapsed_summary_is_keyed_by_the_paris_day(submitted, staff, django_capture_on_commit_callbacks):
    from notifications.models import EmailLog

    services.request_missing_items(submitted.pk, staff, ["degree"], "Diplôme ?", timezone.now() + dt.timedelta(hours=1))
    late_evening_utc = timezone.now().replace(hour=23, minute=30) + dt.timedelta(days=1)  # already tomorrow in Paris
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_lapsed_requests(at=late_evening_utc) == 1
    paris_day = timezone.localdate(late_evening_utc).isoformat()
    assert EmailLog.objects.filter(dedupe_key=f"dossier-requests-lapsed:{paris_day}").count() == 1
