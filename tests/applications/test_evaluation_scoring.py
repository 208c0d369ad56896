"""Scoring: a draft saved as the evaluator types, submission (locked), reopening, declining, the total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.evaluation import services
from applications.evaluation.models import Assignment, Evaluation, Score
from applications.evaluation.ranking import weighted_total
from applications.models import Call, DossierEvent
from tests.applications.factories import CriterionFactory
from tests.applications.factories_evaluation import AssignmentFactory, EvaluatorFactory, answers, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    return AssignmentFactory(accepted=True)


def grid(assignment):
    quality, interest = services.criteria_of(assignment.dossier.call)
    return quality, interest


def fields(assignment):
    quality, interest = grid(assignment)
    return services.score_field(quality), services.score_field(interest)


def counts():
    return (Evaluation.objects.count(), Score.objects.count(), Evaluation.history.count(), Score.history.count())


# --- The weighted total ------------------------------------------------------------------------------------


def test_weighted_total_is_the_weighted_mean_of_normalised_scores_on_20():
    # 20 × (2 × 4/5 + 1 × 3/5) / 3 = 14.666… → 14.67 (half up); criteria on other scales weigh by weight only.
    assert weighted_total([(Decimal(2), 0, 5, 4), (Decimal(1), 0, 5, 3)]) == Decimal("14.67")
    assert weighted_total([(Decimal(1), 1, 3, 2), (Decimal(1), 0, 10, 10)]) == Decimal("15.00")
    assert weighted_total([(Decimal("0.5"), 0, 4, 1)]) == Decimal("5.00")
    assert weighted_total([(Decimal(1), 0, 5, 0), (Decimal(3), 0, 20, 0)]) == Decimal("0.00")
    # 20 × 1/8 = 2.5 exactly; 20 × (1/3) = 6.666… → 6.67
    assert weighted_total([(Decimal(1), 0, 8, 1)]) == Decimal("2.50")
    assert weighted_total([(Decimal(1), 0, 3, 1)]) == Decimal("6.67")


# --- Drafts --------------------------------------------------------------------------------------------------


def test_a_draft_saves_only_the_posted_fields_and_counts_the_version(accepted):
    quality_field, interest_field = fields(accepted)
    result = services.save_draft(accepted, accepted.evaluator, {quality_field: "4"}, version=0)
    assert (result.saved, result.errors, result.version, result.total) == ([quality_field], {}, 1, None)
    result = services.save_draft(
        accepted, accepted.evaluator, {interest_field: "3", "overall_comment": "Bon projet."}, version=1
    )
    assert (result.saved, result.errors, result.version, result.total) == (
        sorted([interest_field, "overall_comment"]),
        {},
        2,
        Decimal("14.67"),
    )
    evaluation = Evaluation.objects.get(assignment=accepted)
    assert (evaluation.status, evaluation.overall_comment, evaluation.total) == ("draft", "Bon projet.", None)
    assert sorted(evaluation.scores.values_list("value", flat=True)) == [3, 4]


def test_a_score_outside_its_scale_is_refused_on_its_field_and_the_rest_is_saved(accepted):
    quality_field, interest_field = fields(accepted)
    result = services.save_draft(
        accepted, accepted.evaluator, {quality_field: "6", interest_field: "2", "recommendation": "fund"}, version=0
    )
    assert result.errors == {quality_field: ["La note doit être comprise entre 0 et 5."]}
    assert result.saved == sorted([interest_field, "recommendation"])
    evaluation = Evaluation.objects.get(assignment=accepted)
    assert list(evaluation.scores.values_list("value", flat=True)) == [2]


def test_bad_values_alone_save_nothing_not_even_an_empty_evaluation(accepted):
    quality_field, _ = fields(accepted)
    before = counts()
    result = services.save_draft(
        accepted, accepted.evaluator, {quality_field: "quatre", "recommendation": "peut-être"}, version=0
    )
    assert result.errors == {
        quality_field: ["La note est un nombre entier."],
        "recommendation": ["Choisissez une recommandation dans la liste."],
    }
    assert (result.saved, result.version) == ([], 0)
    assert counts() == before


def test_a_stale_version_is_refused_and_changes_nothing(accepted):
    quality_field, _ = fields(accepted)
    services.save_draft(accepted, accepted.evaluator, {quality_field: "4"}, version=0)
    before = counts()
    with pytest.raises(services.StaleEvaluation) as error:
        services.save_draft(accepted, accepted.evaluator, {quality_field: "1"}, version=0)
    assert error.value.current_version == 1
    assert counts() == before
    assert Score.objects.get().value == 4


def test_an_unknown_field_is_refused(accepted):
    with pytest.raises(services.UnknownField) as error:
        services.save_draft(accepted, accepted.evaluator, {"score-999999": "3"}, version=0)
    assert error.value.message_dict == {"score-999999": ["Ce champ n'existe pas dans la grille de cet appel."]}
    assert Evaluation.objects.count() == 0


def test_an_unchanged_value_adds_no_history(accepted):
    quality_field, _ = fields(accepted)
    services.save_draft(accepted, accepted.evaluator, {quality_field: "4"}, version=0)
    history = Score.history.count()
    services.save_draft(accepted, accepted.evaluator, {quality_field: "4"}, version=1)
    assert Score.history.count() == history


# --- Who may score, and when ----------------------------------------------------------------------------------

REFUSED = {
    "assigned": "Déclarez d'abord l'absence de conflit d'intérêts avant de noter ce dossier.",
    "conflict": "Vous avez déclaré un conflit d'intérêts pour ce dossier : vous ne pouvez pas le noter.",
}


def test_scoring_before_declaring_is_refused_and_nothing_saved():
    assignment = AssignmentFactory()
    quality_field, _ = fields(assignment)
    for action in (
        lambda: services.save_draft(assignment, assignment.evaluator, {quality_field: "3"}, version=0),
        lambda: services.submit_evaluation(assignment, assignment.evaluator, answers(assignment.dossier.call)),
    ):
        with pytest.raises(services.EvaluationRefused) as error:
            action()
        assert error.value.messages == [REFUSED["assigned"]]
    assert counts() == (0, 0, 0, 0)


def test_scoring_after_declaring_a_conflict_is_refused():
    assignment = AssignmentFactory(conflict=True)
    quality_field, _ = fields(assignment)
    with pytest.raises(services.EvaluationRefused) as error:
        services.save_draft(assignment, assignment.evaluator, {quality_field: "3"}, version=0)
    assert error.value.messages == [REFUSED["conflict"]]
    assert counts() == (0, 0, 0, 0)


def test_scoring_a_dossier_not_assigned_is_refused_as_not_assigned(accepted):
    other = EvaluatorFactory()
    quality_field, _ = fields(accepted)
    with pytest.raises(services.NotAssigned) as error:
        services.save_draft(accepted, other, {quality_field: "3"}, version=0)
    assert error.value.messages == ["Ce dossier ne vous est pas confié."]
    with pytest.raises(services.NotAssigned):
        services.submit_evaluation(accepted, staff_member(), answers(accepted.dossier.call))
    assert counts() == (0, 0, 0, 0)


def test_scoring_after_staff_closed_the_evaluation_is_refused(accepted):
    closed = timezone.make_aware(dt.datetime(2027, 5, 31, 18, 0))
    Call.objects.filter(pk=accepted.dossier.call_id).update(evaluation_closed_at=closed)
    accepted.dossier.call.refresh_from_db()
    quality_field, _ = fields(accepted)
    for action in (
        lambda: services.save_draft(accepted, accepted.evaluator, {quality_field: "3"}, version=0, at=closed),
        lambda: services.submit_evaluation(accepted, accepted.evaluator, answers(accepted.dossier.call), at=closed),
    ):
        with pytest.raises(services.EvaluationRefused) as error:
            action()
        assert error.value.messages == ["L'évaluation de cet appel est close depuis le 31/05/2027 18:00."]
    # A minute before the closing, the draft is saved.
    before = closed - dt.timedelta(minutes=1)
    assert services.save_draft(accepted, accepted.evaluator, {quality_field: "3"}, version=0, at=before).saved == [
        quality_field
    ]


# --- Submission -------------------------------------------------------------------------------------------------


def test_submission_stores_the_total_locks_and_records(accepted):
    data = answers(accepted.dossier.call, [4, 3], "fund_with_reservations")
    evaluation = services.submit_evaluation(accepted, accepted.evaluator, data, version=0)
    accepted.refresh_from_db()
    assert (evaluation.status, evaluation.total, evaluation.recommendation, accepted.status) == (
        "submitted",
        Decimal("14.67"),
        "fund_with_reservations",
        "submitted",
    )
    event = accepted.dossier.events.get(kind=DossierEvent.Kind.EVALUATION_SUBMITTED)
    quality, interest = grid(accepted)
    assert (event.public, event.actor, event.data) == (
        False,
        accepted.evaluator,
        {
            "assignment": accepted.pk,
            "evaluator": accepted.evaluator.pk,
            "total": "14.67",
            "recommendation": "fund_with_reservations",
            "scores": {str(quality.pk): 4, str(interest.pk): 3},
        },
    )


def test_resubmitting_or_editing_a_locked_evaluation_is_refused(accepted):
    services.submit_evaluation(accepted, accepted.evaluator, answers(accepted.dossier.call, [4, 3]))
    submitted_at = Evaluation.objects.get().submitted_at
    before = counts()
    expected = (
        f"Votre évaluation a été transmise le {timezone.localtime(submitted_at):%d/%m/%Y à %H:%M} : elle est "
        "verrouillée. L'équipe du programme peut la rouvrir si nécessaire."
    )
    quality_field, _ = fields(accepted)
    for action in (
        lambda: services.submit_evaluation(accepted, accepted.evaluator, answers(accepted.dossier.call, [1, 1])),
        lambda: services.save_draft(accepted, accepted.evaluator, {quality_field: "1"}, version=None),
    ):
        with pytest.raises(services.EvaluationRefused) as error:
            action()
        assert error.value.messages == [expected]
    assert counts() == before
    assert Evaluation.objects.get().total == Decimal("14.67")


def test_submission_with_a_missing_score_or_recommendation_is_refused_and_saves_nothing(accepted):
    quality_field, interest_field = fields(accepted)
    services.save_draft(accepted, accepted.evaluator, {quality_field: "4"}, version=0)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.submit_evaluation(accepted, accepted.evaluator, {"overall_comment": "Texte final."}, version=1)
    assert error.value.message_dict == {
        interest_field: ["Notez ce critère (de 0 à 5) avant de transmettre l'évaluation."],
        "recommendation": ["Choisissez une recommandation avant de transmettre l'évaluation."],
    }
    assert counts() == before
    evaluation = Evaluation.objects.get()
    assert (evaluation.status, evaluation.overall_comment, evaluation.version) == ("draft", "", 1)


def test_submission_with_a_score_outside_its_scale_is_refused_and_saves_nothing(accepted):
    quality_field, _ = fields(accepted)
    data = {**answers(accepted.dossier.call, [4, 3]), quality_field: "9"}
    with pytest.raises(ValidationError) as error:
        services.submit_evaluation(accepted, accepted.evaluator, data)
    assert error.value.message_dict == {quality_field: ["La note doit être comprise entre 0 et 5."]}
    assert counts() == (0, 0, 0, 0)
    assert Assignment.objects.get(pk=accepted.pk).status == "accepted"


def test_a_criterion_added_to_the_grid_after_the_draft_must_be_scored(accepted):
    services.save_draft(accepted, accepted.evaluator, answers(accepted.dossier.call, [4, 3]), version=0)
    extra = CriterionFactory(call=accepted.dossier.call, label_fr="Faisabilité", scale_min=1, scale_max=3, position=9)
    with pytest.raises(ValidationError) as error:
        services.submit_evaluation(accepted, accepted.evaluator)
    assert error.value.message_dict == {
        services.score_field(extra): ["Notez ce critère (de 1 à 3) avant de transmettre l'évaluation."]
    }


# --- Reopening --------------------------------------------------------------------------------------------------


def test_staff_reopen_with_a_reason_recorded_and_emailed(accepted, django_capture_on_commit_callbacks):
    services.submit_evaluation(accepted, accepted.evaluator, answers(accepted.dossier.call, [4, 3]))
    staff = staff_member()
    evaluation = Evaluation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen(evaluation, staff, "La note de faisabilité contredit le commentaire.")
    evaluation.refresh_from_db()
    accepted.refresh_from_db()
    assert (evaluation.status, evaluation.total, accepted.status) == ("draft", None, "accepted")
    event = accepted.dossier.events.get(kind=DossierEvent.Kind.EVALUATION_REOPENED)
    assert (event.actor, event.public, event.message) == (
        staff,
        False,
        "La note de faisabilité contredit le commentaire.",
    )
    assert event.data["total"] == "14.67"
    [message] = mail.outbox
    assert message.to == [accepted.evaluator.email]
    assert message.subject == f"[CIFRE] Dossier {accepted.dossier.number} : votre évaluation est rouverte"
    # The evaluator changes a score and submits again.
    quality_field, _ = fields(accepted)
    services.submit_evaluation(accepted, accepted.evaluator, {quality_field: "5"}, version=evaluation.version)
    assert Evaluation.objects.get().total == Decimal("17.33")  # 20 × (2 × 5/5 + 3/5) / 3
    # The history keeps both submissions.
    assert sorted(str(h.total) for h in evaluation.history.filter(status="submitted")) == ["14.67", "17.33"]


def test_reopening_needs_staff_a_reason_and_a_submitted_evaluation(accepted):
    services.save_draft(accepted, accepted.evaluator, answers(accepted.dossier.call, [4, 3]), version=0)
    evaluation = Evaluation.objects.get()
    with pytest.raises(services.EvaluationRefused) as error:
        services.reopen(evaluation, accepted.evaluator, "Je me suis trompé.")
    assert error.value.messages == ["Cette action est réservée à l'équipe du programme."]
    with pytest.raises(ValidationError) as error:
        services.reopen(evaluation, staff_member(), "  ")
    assert error.value.message_dict == {
        "reason": ["Indiquez pourquoi l'évaluation est rouverte : le motif est conservé."]
    }
    with pytest.raises(services.EvaluationRefused) as error:
        services.reopen(evaluation, staff_member(), "Motif.")
    assert error.value.messages == ["Cette évaluation n'est pas transmise : il n'y a rien à rouvrir."]
    assert not accepted.dossier.events.filter(kind=DossierEvent.Kind.EVALUATION_REOPENED).exists()


# --- Declining ----------------------------------------------------------------------------------------------------


def test_an_evaluator_declines_before_scoring_and_staff_are_told(django_capture_on_commit_callbacks, settings):
    assignment = AssignmentFactory(accepted=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(assignment, assignment.evaluator, "Je pars en mission.")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.declined_reason) == ("declined", "Je pars en mission.")
    [message] = [m for m in mail.outbox if m.to == [settings.STAFF_EMAIL]]
    assert message.subject == f"[CIFRE] Affectation déclinée : dossier {assignment.dossier.number}"
    quality_field, _ = fields(assignment)
    with pytest.raises(services.EvaluationRefused) as error:
        services.save_draft(assignment, assignment.evaluator, {quality_field: "3"}, version=0)
    assert error.value.messages == ["Vous avez décliné ce dossier : vous ne pouvez plus le noter."]


def test_declining_after_scoring_or_submitting_is_refused(accepted):
    quality_field, _ = fields(accepted)
    services.save_draft(accepted, accepted.evaluator, {quality_field: "3"}, version=0)
    with pytest.raises(services.EvaluationRefused) as error:
        services.decline(accepted, accepted.evaluator)
    assert error.value.messages == [
        "Vous avez commencé à noter ce dossier : il ne peut plus être décliné. Écrivez à l'équipe du programme si "
        "vous ne pouvez pas terminer l'évaluation."
    ]
    assert Assignment.objects.get(pk=accepted.pk).status == "accepted"
    with pytest.raises(services.NotAssigned):
        services.decline(accepted, EvaluatorFactory())


# --- Who sees which scores ------------------------------------------------------------------------------------------


def test_other_evaluators_scores_never_or_after_submitting_ones_own_per_call():
    first = AssignmentFactory(submitted=True, values=[5, 5])
    dossier = first.dossier
    second = AssignmentFactory(dossier=dossier, accepted=True)
    staff = staff_member()
    own_only = [e.assignment_id for e in services.visible_evaluations(second.evaluator, dossier)]
    assert own_only == []  # no evaluation of their own yet, and never the other's
    services.save_draft(second, second.evaluator, {"overall_comment": "En cours."}, version=0)
    assert [e.assignment_id for e in services.visible_evaluations(second.evaluator, dossier)] == [second.pk]
    Call.objects.filter(pk=dossier.call_id).update(scores_visible_after_own=True)
    dossier.call.refresh_from_db()
    dossier = type(dossier).objects.select_related("call").get(pk=dossier.pk)
    assert [e.assignment_id for e in services.visible_evaluations(second.evaluator, dossier)] == [second.pk]
    services.submit_evaluation(second, second.evaluator, answers(dossier.call, [1, 1]))
    assert [e.assignment_id for e in services.visible_evaluations(second.evaluator, dossier)] == [first.pk, second.pk]
    assert [e.assignment_id for e in services.visible_evaluations(staff, dossier)] == [first.pk, second.pk]
