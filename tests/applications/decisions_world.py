"""The world of the committee's screens: a call with two positions and four evaluated dossiers.

``decided(world)`` sets the decisions (two selected, one waiting, one rejected); ``applied(world)``
applies them too (four letters in the outbox). The fourth candidate reads English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from applications.evaluation import decisions
from applications.evaluation.models import Decision
from subsidies.models import RateYear
from tests.applications.factories import CallFactory
from tests.applications.factories_evaluation import AssignmentFactory, CommitteeFactory, staff_member
from tests.applications.screening_world import role_user

Outcome = Decision.Outcome


def make_world() -> dict:
    call = CallFactory(positions=2)
    dossiers = [AssignmentFactory(dossier__call=call, submitted=True).dossier for _ in range(4)]
    english = dossiers[3].candidate
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    committee = CommitteeFactory(call=call, date=dt.date(2027, 1, 12))
    RateYear.objects.get_or_create(
        year=call.planned_effective_date.year,
        defaults={"annual_subsidy": Decimal("14000.00"), "minimum_salary": Decimal("28000.00")},
    )
    return {"call": call, "dossiers": dossiers, "committee": committee, "staff": staff_member()}


def decided(world) -> dict:
    staff, committee = world["staff"], world["committee"]
    one, two, three, four = world["dossiers"]
    decisions.set_decision(one, committee, Outcome.SELECTED, staff)
    decisions.set_decision(two, committee, Outcome.SELECTED, staff)
    decisions.set_decision(three, committee, Outcome.WAITING_LIST, staff, waiting_rank=1)
    decisions.set_decision(four, committee, Outcome.REJECTED, staff)
    return world


def applied(world) -> dict:
    decided(world)
    decisions.apply_decisions(world["call"], world["staff"])
    for dossier in world["dossiers"]:
        dossier.refresh_from_db()
    return world


def role_users(world) -> dict:
    return {
        "candidate": world["dossiers"][0].candidate,
        "doctoral_student": role_user("doctoral_student"),
        "evaluator": world["dossiers"][0].assignments.first().evaluator,
        "department": role_user("department"),
        "staff": role_user("staff"),
        "admin": role_user("admin"),
    }
