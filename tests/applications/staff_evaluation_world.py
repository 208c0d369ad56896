"""The world of the staff evaluation screens' tests: one call, two eligible dossiers, two evaluators.

``dossier`` has a submitted evaluation (by ``alice``) and an accepted assignment (``bruno``); ``other`` is
eligible and not assigned; ``draft`` is a draft (never listed). ``submitted`` is alice's evaluation.
"""

from __future__ import annotations

from applications.evaluation.models import Evaluation
from tests.applications.factories import CallFactory, DossierFactory, fill
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory


def make_evaluation_world() -> dict:
    call = CallFactory()
    alice = EvaluatorFactory(first_name="Alice", last_name="Aubert")
    bruno = EvaluatorFactory(first_name="Bruno", last_name="Blanc")
    dossier = EligibleDossierFactory(call=call)
    other = EligibleDossierFactory(call=call)
    done = AssignmentFactory(dossier=dossier, evaluator=alice, submitted=True, values=[4, 3])
    pending = AssignmentFactory(dossier=dossier, evaluator=bruno, accepted=True)
    draft = DossierFactory(call=call)
    fill(draft)
    call.refresh_from_db()
    dossier.refresh_from_db()
    return {
        "call": call,
        "alice": alice,
        "bruno": bruno,
        "dossier": dossier,
        "other": other,
        "draft": draft,
        "done": done,
        "pending": pending,
        "submitted": Evaluation.objects.get(assignment=done),
    }
