"""The hand-over: a selected dossier becomes a draft convention, reusing reference rows; once only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import User
from applications.evaluation import handover
from applications.evaluation.models import Decision
from applications.models import Dossier, DossierEvent
from conventions import rules
from conventions.forms import ConventionForm
from conventions.models import Convention, Lab, ThesisDirector, Tutor
from subsidies.models import RateYear
from tests.applications.factories_evaluation import AssignmentFactory, DecisionFactory, staff_member
from tests.conventions.factories import LabFactory, ThesisDirectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected():
    dossier = AssignmentFactory(submitted=True).dossier
    RateYear.objects.get_or_create(
        year=dossier.call.planned_effective_date.year,
        defaults={"annual_subsidy": Decimal("14000.00"), "minimum_salary": Decimal("28000.00")},
    )
    DecisionFactory(dossier=dossier, outcome=Decision.Outcome.SELECTED, applied=True)
    dossier.refresh_from_db()
    return dossier


def counts():
    return (Convention.objects.count(), Lab.objects.count(), ThesisDirector.objects.count(), Tutor.objects.count())


def test_a_selected_dossier_becomes_a_draft_convention_reusing_reference_rows(selected):
    lab = LabFactory(unit_code="umr8504", name="Géographie-cités (référence)")
    director = ThesisDirectorFactory(email="D.Durand@Univ-Paris1.fr", name="Dominique Durand")
    before = counts()
    staff = staff_member()
    result = handover.hand_over(selected, staff)
    convention = result.convention
    theme = selected.theme
    call = selected.call
    assert counts() == (before[0] + 1, before[1], before[2], before[3] + 1)  # only the tutor was missing
    assert (result.reused, result.created) == (["lab", "thesis_director"], ["tutor"])
    assert (convention.lab, convention.thesis_director) == (lab, director)
    assert (convention.tutor.name, convention.tutor.email) == (theme.contact_name, theme.contact_email)
    assert (convention.host_department, convention.employer) == (theme.host_department, theme.host_department.employer)
    assert (convention.doctoral_student, convention.thesis_title, convention.status, convention.anrt_number) == (
        selected.candidate,
        selected.thesis_title,
        "draft",
        None,
    )
    assert (convention.committee_date, convention.submission_date, convention.effective_date) == (
        selected.decision.committee.date,
        call.planned_filing_date,
        call.planned_effective_date,
    )
    assert (
        convention.contract_type,
        convention.gross_salary,
        convention.minimum_salary,
        convention.duration_months,
    ) == (
        "fixed_term",
        Decimal("28000.00"),
        Decimal("28000.00"),
        36,
    )
    assert convention.contract_end_date == rules.add_months(convention.effective_date, 36) - dt.timedelta(days=1)
    assert convention.obligations.exists()  # planned like any convention
    assert str(convention) == f"brouillon n° {convention.pk} – {selected.candidate}"
    # The links both ways, the role, the record.
    assert Dossier.objects.get(pk=selected.pk).convention == convention
    assert convention.dossier == Dossier.objects.get(pk=selected.pk)
    assert roles.has_role(User.objects.get(pk=selected.candidate_id), roles.DOCTORAL_STUDENT)
    event = selected.events.get(kind=DossierEvent.Kind.HANDED_OVER)
    assert (event.public, event.actor, event.data["convention"], event.data["created"]) == (
        False,
        staff,
        convention.pk,
        ["tutor"],
    )
    assert [c["code"] for c in result.checks] == [c["code"] for c in selected.eligibility]
    assert result.failing == []


def test_missing_reference_rows_are_created(selected):
    before = counts()
    result = handover.hand_over(selected, staff_member())
    assert result.created == ["lab", "tutor", "thesis_director"]
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
    lab = result.convention.lab
    assert (lab.unit_code, lab.name, lab.doctoral_school_id) == (
        "UMR 8504",
        "Géographie-cités",
        selected.lab_doctoral_school_id,
    )


def test_twice_is_refused_and_nothing_more_is_created(selected):
    convention = handover.hand_over(selected, staff_member()).convention
    before = counts()
    with pytest.raises(handover.EvaluationRefused) as error:
        handover.hand_over(selected, staff_member())
    assert error.value.messages == [
        f"Ce dossier a déjà été transmis : sa convention (brouillon n° {convention.pk}) existe."
    ]
    assert counts() == before


def test_a_dossier_not_selected_is_refused(selected):
    waiting = AssignmentFactory(dossier__call=selected.call, submitted=True).dossier
    DecisionFactory(dossier=waiting, outcome=Decision.Outcome.WAITING_LIST, waiting_rank=1, applied=True)
    before = counts()
    with pytest.raises(handover.EvaluationRefused) as error:
        handover.hand_over(waiting, staff_member())
    assert error.value.messages == [
        "Seul un dossier retenu par le comité devient une convention (ce dossier : Sur liste d'attente)."
    ]
    with pytest.raises(handover.EvaluationRefused) as error:
        handover.hand_over(selected, waiting.candidate)
    assert error.value.messages == ["Cette action est réservée à l'équipe du programme."]
    assert counts() == before
    assert not roles.has_role(User.objects.get(pk=waiting.candidate_id), roles.DOCTORAL_STUDENT)


def test_without_the_years_rates_nothing_is_created_and_the_reason_is_given(selected):
    RateYear.objects.filter(year=selected.call.planned_effective_date.year).delete()
    before = counts()
    with pytest.raises(handover.EvaluationRefused) as error:
        handover.hand_over(selected, staff_member())
    year = selected.call.planned_effective_date.year
    assert error.value.messages == [f"Aucun barème n'est enregistré pour l'année {year} : ajoutez-le d'abord."]
    assert counts() == before
    assert Dossier.objects.get(pk=selected.pk).convention_id is None


def test_the_checks_run_again_with_the_conventions_real_dates(selected):
    result = handover.hand_over(selected, staff_member())
    convention = result.convention
    # Staff later move the filing date five years on: the master's degree is then too old.
    convention.submission_date = rules.add_months(convention.submission_date, 60)
    convention.effective_date = rules.add_months(convention.effective_date, 60)
    checks = {c["code"]: c["ok"] for c in handover.recheck(selected, convention)}
    assert checks["masters_recent"] is False
    assert checks["masters_held"] is True


def test_the_draft_convention_opens_for_staff_and_needs_its_anrt_number_to_be_signed(selected, client_for):
    convention = handover.hand_over(selected, staff_member()).convention
    page = client_for(staff_member()).get(reverse("conventions:detail", args=[convention.pk]))
    assert page.status_code == 200
    assert f"Convention brouillon n° {convention.pk}" in page.content.decode()
    form = ConventionForm(
        data={
            **{f: getattr(convention, f) or "" for f in ConventionForm.Meta.fields if not f.endswith("_id")},
            "doctoral_student": convention.doctoral_student_id,
            "employer": convention.employer_id,
            "host_department": convention.host_department_id,
            "lab": convention.lab_id,
            "second_lab": "",
            "tutor": convention.tutor_id,
            "thesis_director": convention.thesis_director_id,
            "anrt_number": "",
            "signed": "on",
        },
        instance=convention,
    )
    assert form.is_valid() is False
    assert form.errors["anrt_number"] == ["Indiquez le numéro ANRT : une convention signée en a toujours un."]


def test_a_candidate_handed_over_can_no_longer_withdraw_but_a_selected_one_could(selected):
    from applications import services as dossier_services

    other = AssignmentFactory(dossier__call=selected.call, submitted=True).dossier
    DecisionFactory(dossier=other, outcome=Decision.Outcome.SELECTED, applied=True)
    handover.hand_over(selected, staff_member())
    with pytest.raises(dossier_services.DossierClosed) as error:
        dossier_services.withdraw(selected.pk, selected.candidate, "Autre projet.")
    assert error.value.messages == ["Ce dossier ne peut plus être retiré."]
    assert dossier_services.withdraw(other.pk, other.candidate, "Autre projet.").status == "withdrawn"
