"""Assignment by hand: who may be given which dossier, the e-mail, the record; and removing one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.evaluation import services
from applications.evaluation.models import Assignment, ConflictDeclaration
from applications.models import Call, Dossier, DossierEvent
from notifications.models import EmailLog
from tests.applications.factories import CallFactory, DossierFactory
from tests.applications.factories_evaluation import (
    AssignmentFactory,
    EligibleDossierFactory,
    EvaluatorFactory,
    staff_member,
)
from tests.applications.identity import assert_no_identity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def in_three_weeks():
    return timezone.localdate() + dt.timedelta(days=21)


@pytest.fixture
def staff():
    return staff_member()


@pytest.fixture
def dossier():
    return EligibleDossierFactory(candidate__first_name="Léa", candidate__last_name="Zabrowski")


def test_assigning_moves_the_dossier_into_evaluation_records_and_emails_once(
    dossier, staff, django_capture_on_commit_callbacks
):
    expert = EvaluatorFactory(first_name="Claire", last_name="Fontaine")
    deadline = dt.date(2099, 3, 5)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign(dossier, expert, deadline, staff)
    dossier.refresh_from_db()
    assert (assignment.status, assignment.deadline, assignment.created_by, dossier.status) == (
        "assigned",
        deadline,
        staff,
        "in_evaluation",
    )
    events = list(dossier.events.filter(kind__in=["evaluation_started", "assigned"]).values_list("kind", "public"))
    assert events == [("evaluation_started", True), ("assigned", False)]
    [message] = mail.outbox
    assert message.to == [expert.email]
    assert message.subject == f"[CIFRE] Dossier {dossier.number} à évaluer avant le 5 mars 2099"
    assert "Bonjour Claire Fontaine," in message.body
    assert_no_identity(message.subject + message.body, dossier)  # an evaluator's e-mail never names the candidate
    log = EmailLog.objects.get(dedupe_key=f"evaluation-assigned:{assignment.pk}")
    assert log.template_key == "evaluation_assigned"
    # A second evaluator: the dossier stays in evaluation, no second "started" entry.
    services.assign(dossier, EvaluatorFactory(), deadline, staff)
    assert dossier.events.filter(kind="evaluation_started").count() == 1


def refused(action) -> list[str]:
    before = (Assignment.objects.count(), DossierEvent.objects.count(), EmailLog.objects.count())
    with pytest.raises(ValidationError) as error:
        action()
    assert (Assignment.objects.count(), DossierEvent.objects.count(), EmailLog.objects.count()) == before
    return error.value.messages


def test_only_an_eligible_dossier_can_be_assigned(staff):
    submitted = DossierFactory(submitted=True)
    assert refused(lambda: services.assign(submitted, EvaluatorFactory(), in_three_weeks(), staff)) == [
        "Seul un dossier déclaré éligible peut être confié à un·e évaluateur·rice."
    ]


def test_only_staff_assign_and_only_to_an_evaluator(dossier, staff):
    expert = EvaluatorFactory()
    assert refused(lambda: services.assign(dossier, expert, in_three_weeks(), expert)) == [
        "Cette action est réservée à l'équipe du programme."
    ]
    assert refused(lambda: services.assign(dossier, UserFactory(role="candidate"), in_three_weeks(), staff)) == [
        "Ce compte n'est pas celui d'un·e évaluateur·rice."
    ]


def test_a_dossier_is_given_once_to_an_evaluator(dossier, staff):
    expert = EvaluatorFactory(first_name="Claire", last_name="Fontaine")
    services.assign(dossier, expert, in_three_weeks(), staff)
    assert refused(lambda: services.assign(dossier, expert, in_three_weeks(), staff)) == [
        "Ce dossier est déjà confié à Claire Fontaine."
    ]


def test_a_declared_conflict_is_refused_even_after_the_assignment_was_removed(dossier, staff):
    assignment = AssignmentFactory(dossier=dossier, conflict=True)
    declared = ConflictDeclaration.objects.get()
    services.unassign(assignment, staff)
    assert ConflictDeclaration.objects.filter(pk=declared.pk, assignment=None).exists()
    name = assignment.evaluator.get_full_name()
    assert refused(lambda: services.assign(dossier, assignment.evaluator, in_three_weeks(), staff)) == [
        f"{name} a déclaré un conflit d'intérêts avec ce dossier le {timezone.localdate():%d/%m/%Y}."
    ]


def test_obvious_conflicts_are_refused(dossier, staff):
    same_lab = EvaluatorFactory(first_name="Luc", last_name="Roy", profile__lab_unit_code="umr-8504")
    assert refused(lambda: services.assign(dossier, same_lab, in_three_weeks(), staff)) == [
        "Luc Roy appartient au laboratoire du dossier : conflit d'intérêts évident."
    ]
    director = EvaluatorFactory(email="D.Durand@univ-paris1.fr", first_name="Dominique", last_name="Durand")
    assert refused(lambda: services.assign(dossier, director, in_three_weeks(), staff)) == [
        "Dominique Durand est le ou la directeur·rice de thèse de ce dossier : conflit d'intérêts évident."
    ]
    colleague = EvaluatorFactory(email="a.martin@geo.univ-paris1.fr", first_name="Anne", last_name="Martin")
    assert refused(lambda: services.assign(dossier, colleague, in_three_weeks(), staff, domain_rule=True)) == [
        "Anne Martin a la même adresse institutionnelle que le ou la directeur·rice de thèse : conflit d'intérêts "
        "évident (règle du domaine de messagerie)."
    ]
    # Without the domain rule, the colleague may evaluate.
    assert services.assign(dossier, colleague, in_three_weeks(), staff).status == "assigned"


def test_an_evaluator_at_capacity_is_refused(staff):
    expert = EvaluatorFactory(first_name="Claire", last_name="Fontaine", profile__capacity=1)
    first = EligibleDossierFactory()
    second = EligibleDossierFactory(call=first.call)
    services.assign(first, expert, in_three_weeks(), staff)
    assert refused(lambda: services.assign(second, expert, in_three_weeks(), staff)) == [
        "Claire Fontaine a atteint le nombre de dossiers accepté (1)."
    ]
    # Capacity is per call: another call's dossier can still be given.
    other_call = EligibleDossierFactory(call=CallFactory())
    assert services.assign(other_call, expert, in_three_weeks(), staff).status == "assigned"


def test_a_past_deadline_or_a_closed_evaluation_is_refused(dossier, staff):
    expert = EvaluatorFactory()
    with pytest.raises(ValidationError) as error:
        services.assign(dossier, expert, timezone.localdate(), staff)
    assert error.value.message_dict == {"deadline": ["La date limite de l'évaluation doit être dans le futur."]}
    closed = timezone.now() - dt.timedelta(hours=1)
    Call.objects.filter(pk=dossier.call_id).update(evaluation_closed_at=closed)
    assert refused(lambda: services.assign(dossier, expert, in_three_weeks(), staff)) == [
        f"L'évaluation de cet appel est close depuis le {timezone.localtime(closed):%d/%m/%Y %H:%M}."
    ]
    assert Assignment.objects.count() == 0


def test_unassigning_is_recorded_and_refused_once_submitted(staff):
    assignment = AssignmentFactory(accepted=True)
    dossier = assignment.dossier
    services.unassign(assignment, staff)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    event = dossier.events.get(kind="unassigned")
    assert (event.public, event.data["status"], event.data["evaluator"]) == (False, "accepted", assignment.evaluator_id)
    assert Dossier.objects.get(pk=dossier.pk).status == "in_evaluation"
    # The no-conflict declaration stays in the record.
    assert ConflictDeclaration.objects.filter(dossier=dossier, assignment=None, has_conflict=False).count() == 1

    done = AssignmentFactory(submitted=True)
    with pytest.raises(services.EvaluationRefused) as error:
        services.unassign(done, staff)
    assert error.value.messages == [
        "L'évaluation de ce dossier est transmise : l'affectation ne peut plus être retirée."
    ]
    assert Assignment.objects.filter(pk=done.pk).exists()
