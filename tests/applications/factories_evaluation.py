"""Factories of the evaluation; traits name lifecycle states and go through the services.

``EvaluatorFactory()``: an evaluator with a second factor and a profile (capacity 10, geography).
``EligibleDossierFactory()``: a filled, submitted dossier declared eligible (its lab UMR 8504, its
thesis director d.durand@univ-paris1.fr). ``AssignmentFactory(accepted=True)`` declared no conflict,
``submitted=True`` also submitted scores (``values``: one per criterion, default each criterion's
maximum), ``conflict=True`` declared a conflict. ``EvaluationFactory(submitted=True)`` is the
evaluation of such an assignment. ``DecisionFactory(applied=True)`` applied the call's decisions.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from applications import services as dossier_services
from applications.evaluation import decisions, services
from applications.evaluation.models import Assignment, Committee, Decision, Evaluation, EvaluatorProfile
from applications.models import Dossier
from tests.applications.factories import CallFactory, DossierFactory, fill
from tests.factories import UserFactory, give_second_factor


def staff_member():
    return UserFactory(role="staff", second_factor=True)


class EvaluatorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"expert{n}@ehess.example")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.groups.add(Group.objects.get_or_create(name=extracted or "evaluator")[0])
        self.save()

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        if extracted is not False:
            give_second_factor(self)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        values = {
            "affiliation": "EHESS",
            "capacity": 10,
            "disciplines": "Géographie",
            "keywords": "ville, climat",
            "languages": "fr, en",
            "email_domain": self.email.rpartition("@")[2],
            **kwargs,
        }
        EvaluatorProfile.objects.update_or_create(user=self, defaults=values)


class EligibleDossierFactory(DossierFactory):
    """A dossier filled, submitted and declared eligible by staff (through the services)."""

    @factory.post_generation
    def eligible(self, create, extracted, **kwargs):
        if extracted is False:
            return
        fill(self)
        for name, value in kwargs.items():
            setattr(self, name, value)
        if kwargs:
            self.save()
        dossier_services.submit(self.pk, self.candidate)
        dossier_services.declare_eligibility(self.pk, staff_member(), True, "")
        self.refresh_from_db()


def answers(call, values=None, recommendation="fund", comment="Solide.") -> dict:
    """The data of a complete evaluation form: ``values`` per criterion (default: each one's maximum)."""
    criteria = services.criteria_of(call)
    values = values if values is not None else [c.scale_max for c in criteria]
    data = {"recommendation": recommendation, "overall_comment": comment}
    for criterion, value in zip(criteria, values, strict=True):
        data[services.score_field(criterion)] = str(value)
        data[services.comment_field(criterion)] = f"Commentaire sur {criterion.label_fr}."
    return data


class AssignmentFactory(factory.django.DjangoModelFactory):
    """Made by ``services.assign`` (then ``declare`` and ``submit_evaluation`` for the traits)."""

    class Meta:
        model = Assignment

    dossier = factory.SubFactory(EligibleDossierFactory)
    evaluator = factory.SubFactory(EvaluatorFactory)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21))
    status = Assignment.Status.ASSIGNED

    class Params:
        accepted = factory.Trait(status=Assignment.Status.ACCEPTED)
        submitted = factory.Trait(status=Assignment.Status.SUBMITTED)
        conflict = factory.Trait(status=Assignment.Status.CONFLICT)

    @classmethod
    def _create(cls, model_class, dossier, evaluator, deadline, status, values=None, recommendation="fund", **kw):
        assignment = services.assign(dossier, evaluator, deadline, kw.pop("created_by", None) or staff_member())
        if status in (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED):
            services.declare(assignment, evaluator, False)
        elif status == Assignment.Status.CONFLICT:
            services.declare(assignment, evaluator, True, "J'ai encadré le mémoire de master de ce projet.")
        if status == Assignment.Status.SUBMITTED:
            services.submit_evaluation(
                assignment, evaluator, answers(dossier.call, values, recommendation), version=None
            )
        assignment.refresh_from_db()
        return assignment


class EvaluationFactory(factory.django.DjangoModelFactory):
    """The evaluation of an accepted assignment: a draft (``values`` saved), or ``submitted=True``."""

    class Meta:
        model = Evaluation

    assignment = factory.SubFactory(AssignmentFactory, accepted=True)

    @classmethod
    def _create(cls, model_class, assignment, submitted=False, values=None, recommendation="fund", **kwargs):
        data = answers(assignment.dossier.call, values, recommendation)
        if submitted:
            services.submit_evaluation(assignment, assignment.evaluator, data)
        else:
            services.save_draft(assignment, assignment.evaluator, data, version=None)
        return Evaluation.objects.get(assignment=assignment)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    call = factory.SubFactory(CallFactory)
    date = factory.LazyFunction(lambda: timezone.localdate())
    members_present = "Mme Martin (présidente), M. Bernard, Mme Nguyen (IEA de Paris)"


class DecisionFactory(factory.django.DjangoModelFactory):
    """Made by ``decisions.set_decision``; ``applied=True`` applies the call's pending decisions."""

    class Meta:
        model = Decision

    dossier = factory.SubFactory(EligibleDossierFactory)
    committee = factory.LazyAttribute(lambda o: CommitteeFactory(call=o.dossier.call))
    outcome = Decision.Outcome.SELECTED
    waiting_rank = None

    @classmethod
    def _create(cls, model_class, dossier, committee, outcome, waiting_rank=None, applied=False, **kwargs):
        staff = staff_member()
        decision = decisions.set_decision(dossier, committee, outcome, staff, waiting_rank=waiting_rank)
        if applied:
            decisions.apply_decisions(dossier.call, staff)
            decision.refresh_from_db()
        return decision


def in_evaluation(call=None, **kwargs) -> Dossier:
    """An eligible dossier of ``call`` (a new open call by default)."""
    return EligibleDossierFactory(call=call or CallFactory(), **kwargs)
