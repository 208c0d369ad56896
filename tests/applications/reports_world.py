"""The world of the evaluation downloads' tests: one call, its grid, three dossiers at every stage.

Grid: quality (weight 2, 0–5), interest (weight 1, 0–5).

- ``a`` (Camille Lefèvre): Alice [5, 5] submitted; Bruno [4, 3] submitted, reopened ("Note
  incohérente avec le commentaire.") then submitted again; Chloé accepted, a draft [2, -];
  Denis declared no conflict then was unassigned (his declaration stays).
- ``b`` (a candidate whose name is a formula, ``=1+2`` / ``@SUM(A1)``): Alice [3, 4] submitted with
  comments that are formulas too; Denis declared a conflict.
- ``c`` (Eloïse Durand-Ngô): nobody assigned yet.
- A committee (with its members) decided: ``a`` selected, ``b`` on the waiting list (rank 1), applied.
"""

from __future__ import annotations

from applications.evaluation import decisions, services
from applications.evaluation.models import Assignment
from applications.models import Dossier
from tests.applications.factories import CallFactory
from tests.applications.factories_evaluation import (
    AssignmentFactory,
    CommitteeFactory,
    EligibleDossierFactory,
    EvaluatorFactory,
    answers,
    staff_member,
)
from tests.factories import UserFactory

REOPEN_REASON = "Note incohérente avec le commentaire."
MEMBERS = "Mme Martin (présidente), M. Bernard, Mme Nguyen (IEA de Paris)"
CONFLICT_NATURE = "J'ai encadré le mémoire de master de ce projet."


def candidate(first: str, last: str):
    return UserFactory(role="candidate", first_name=first, last_name=last)


def make_report_world() -> dict:
    call = CallFactory()
    staff = staff_member()
    alice = EvaluatorFactory(first_name="Alice", last_name="Aubert", profile__affiliation="EHESS")
    bruno = EvaluatorFactory(first_name="Bruno", last_name="Blanc", profile__affiliation="CNRS")
    chloe = EvaluatorFactory(first_name="Chloé", last_name="Colin", profile__affiliation="Sciences Po")
    denis = EvaluatorFactory(first_name="Denis", last_name="Dupuis", profile__affiliation="Inalco")
    a = EligibleDossierFactory(call=call, candidate=candidate("Camille", "Lefèvre"))
    b = EligibleDossierFactory(call=call, candidate=candidate("Jean", "Formule"))
    Dossier.objects.filter(pk=b.pk).update(first_name="=1+2", last_name="@SUM(A1)")
    b.refresh_from_db()
    c = EligibleDossierFactory(call=call, candidate=candidate("Eloïse", "Durand-Ngô"))

    AssignmentFactory(dossier=a, evaluator=alice, submitted=True, values=[5, 5])
    bruno_a = AssignmentFactory(
        dossier=a, evaluator=bruno, submitted=True, values=[4, 3], recommendation="fund_with_reservations"
    )
    services.reopen(bruno_a.evaluation, staff, REOPEN_REASON)
    bruno_a.refresh_from_db()
    services.submit_evaluation(bruno_a, bruno, answers(call, [4, 3], "fund_with_reservations"))
    chloe_a = AssignmentFactory(dossier=a, evaluator=chloe, accepted=True)
    criteria = services.criteria_of(call)
    services.save_draft(
        chloe_a, chloe, {services.score_field(criteria[0]): "2", "overall_comment": "Brouillon."}, version=None
    )
    denis_a = AssignmentFactory(dossier=a, evaluator=denis, accepted=True)
    services.unassign(denis_a, staff)

    alice_b = AssignmentFactory(dossier=b, evaluator=alice, accepted=True)
    data = answers(call, [3, 4], "fund", comment='=HYPERLINK("http://x")')
    data[services.comment_field(criteria[0])] = "+danger"
    services.submit_evaluation(alice_b, alice, data)
    AssignmentFactory(dossier=b, evaluator=denis, conflict=True)

    committee = CommitteeFactory(call=call, members_present=MEMBERS)
    decisions.set_decision(a, committee, "selected", staff)
    decisions.set_decision(b, committee, "waiting_list", staff, waiting_rank=1)
    decisions.apply_decisions(call, staff)
    call.refresh_from_db()
    for dossier in (a, b, c):
        dossier.refresh_from_db()
    return {
        "call": call,
        "staff": staff,
        "a": a,
        "b": b,
        "c": c,
        "evaluators": (alice, bruno, chloe, denis),
        "criteria": criteria,
        "live": Assignment.objects.filter(dossier__call=call, status__in=["assigned", "accepted", "submitted"]),
    }
