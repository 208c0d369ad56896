"""The world of the evaluator's screens: one evaluator (Claire Fontaine) with an assignment at each stage.

``world["assigned"]`` waits for the declaration, ``world["accepted"]`` declared no conflict, ``world["submitted"]``
is scored and submitted, ``world["conflict"]`` and ``world["declined"]`` are closed to her; ``world["foreign"]``
is another evaluator's. Every dossier's candidate has a fixed, unusual name (Léa Zabrowski, …) so the identity
checks never match an ordinary word. ``world["call"]`` is a blind call, with its renditions stored.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from applications.evaluation import services
from applications.models import Rendition
from tests.applications.factories import CallFactory
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory
from tests.conventions.pdfs import pdf_bytes

CANDIDATES = (
    ("Léa", "Zabrowski"),
    ("Anatole", "Quenneville"),
    ("Ysaline", "Brocardier"),
    ("Octave", "Vanderpoel"),
    ("Mahaut", "Kerguelen"),
    ("Ferdinand", "Oustalet"),
)


def store_renditions(dossier) -> None:
    for kind in (Rendition.Kind.DOSSIER, Rendition.Kind.BLIND):
        if Rendition.objects.filter(dossier=dossier, kind=kind, version=dossier.version).exists():
            continue  # rendered after the submission's commit (a test with committed transactions)
        rendition = Rendition(dossier=dossier, kind=kind, version=dossier.version, sha256="x")
        rendition.file.save(f"{kind}.pdf", ContentFile(pdf_bytes()), save=True)


def dossier_for(call, index: int):
    first, last = CANDIDATES[index % len(CANDIDATES)]
    email = f"{first.lower().replace('é', 'e')}.{last.lower()}{index}@example.org"
    dossier = EligibleDossierFactory(
        call=call, candidate__first_name=first, candidate__last_name=last, candidate__email=email
    )
    store_renditions(dossier)
    return dossier


def make_world(blind: bool = True, **call_options) -> dict:
    call = CallFactory(blind_evaluation=blind, **call_options)
    evaluator = EvaluatorFactory(first_name="Claire", last_name="Fontaine")
    other_evaluator = EvaluatorFactory(first_name="Bruno", last_name="Marchetti")
    dossiers = [dossier_for(call, index) for index in range(6)]
    world = {
        "call": call,
        "evaluator": evaluator,
        "other_evaluator": other_evaluator,
        "assigned": AssignmentFactory(dossier=dossiers[0], evaluator=evaluator),
        "accepted": AssignmentFactory(dossier=dossiers[1], evaluator=evaluator, accepted=True),
        "submitted": AssignmentFactory(dossier=dossiers[2], evaluator=evaluator, submitted=True, values=[4, 3]),
        "conflict": AssignmentFactory(dossier=dossiers[3], evaluator=evaluator, conflict=True),
        "declined": AssignmentFactory(dossier=dossiers[4], evaluator=evaluator, accepted=True),
        "foreign": AssignmentFactory(dossier=dossiers[5], evaluator=other_evaluator, accepted=True),
        "unassigned": dossiers[5],
    }
    services.decline(world["declined"], evaluator, "Indisponible en mai.")
    world["declined"].refresh_from_db()
    return world
