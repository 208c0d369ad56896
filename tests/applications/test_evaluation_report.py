"""The committee's PDF and the evaluation report for ANRT: their text, read back with pypdf.

The world (``reports_world``): dossiers ``a`` (three evaluators, a draft, a reopening, an unassigned
evaluator), ``b`` (one evaluation, a conflict) and ``c`` (no evaluator); a committee that selected
``a`` and put ``b`` first on the waiting list. Both documents are built with a fixed number of
queries whatever the size of the call.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.evaluation import report
from applications.evaluation.models import ConflictDeclaration
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory
from tests.applications.reports_world import CONFLICT_NATURE, MEMBERS, REOPEN_REASON, make_report_world
from tests.applications.screening_world import role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_report_world()


def pages_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def _download(client, name, call) -> bytes:
    response = client.get(reverse(f"applications:{name}", args=[call.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return response.content


# --- The committee's PDF -------------------------------------------------------------------------------


@pytest.mark.pdf
def test_the_committee_pdf_has_one_page_per_dossier_in_ranking_order(world, client_for):
    pages = pages_text(_download(client_for(role_user("staff")), "staff_committee_pdf", world["call"]))
    a, b = world["a"].number, world["b"].number
    starts = [i for i, text in enumerate(pages) if re.match(r"Dossier \d{4}-\d{4}", text)]
    # The cover, then each dossier from a new page: a (rank 1) before b (rank 2); c has no evaluator.
    assert [pages[i].split(" — ")[0] for i in starts] == [f"Dossier {a}", f"Dossier {b}"]
    assert world["c"].number not in " ".join(pages)
    first = " ".join(pages[starts[0] : starts[1]])
    second = " ".join(pages[starts[1] :])
    assert f"Dossier {a} — rang 1" in first
    assert "Candidat·e Camille Lefèvre" in first
    assert "(rang 1 dans le thème)" in first
    assert "Évaluations reçues 2 / 3" in first
    # Alice 20.00, Bruno 14.67: mean and median 17.34 (17.335 half up), spread 5.33 > 4: disagreement.
    assert "17,34 17,34 5,33 2,67 Oui : l'écart dépasse le seuil" in first
    assert "Alice Aubert — 20,00 / 20, Financer" in first
    assert "Bruno Blanc — 14,67 / 20, Financer avec réserves" in first
    assert "Commentaire sur Qualité scientifique." in first
    assert "Chloé Colin — Aucun conflit déclaré, évaluation en cours (évaluation non transmise)" in first
    assert "Brouillon." not in first  # a draft's comment is not the committee's business
    assert "Recommandations : Financer (1), Financer avec réserves (1)" in first
    assert f"Dossier {b} — rang 2" in second
    assert "+danger" in second and "Appréciation générale =HYPERLINK" in second
    assert "Denis" not in first + second  # unassigned from a, conflicted on b


# --- The evaluation report ---------------------------------------------------------------------------


@pytest.fixture
def report_text(world, client_for):
    return " ".join(pages_text(_download(client_for(role_user("staff")), "staff_evaluation_report", world["call"])))


def _paris(value, fmt="%d/%m/%Y %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt)


@pytest.mark.pdf
def test_the_report_gives_the_process_and_its_dates(world, report_text):
    call = world["call"]
    assert f"Ouverture de l'appel {_paris(call.opens_at)}" in report_text
    assert f"Clôture de l'appel {_paris(call.closes_at)}" in report_text
    first = world["live"].order_by("created_at").first()
    assert f"Premières affectations {_paris(first.created_at)}" in report_text
    assert f"Date limite d'évaluation la plus proche {first.deadline:%d/%m/%Y}" in report_text
    assert "Évaluation close le —" in report_text
    committee = call.committees.get()
    assert f"Comité de sélection {committee.date:%d/%m/%Y}" in report_text
    assert f"Décisions rendues le {call.decisions_on:%d/%m/%Y}" in report_text
    assert "Dossiers : Retenu 1" in report_text and "Dossiers : Sur liste d'attente 1" in report_text


@pytest.mark.pdf
def test_the_report_gives_the_grid_and_the_evaluators(report_text):
    assert "Qualité scientifique — 2,00 0–5" in report_text
    assert "Intérêt pour la Ville — 1,00 0–5" in report_text
    assert "dépasse 4,00 points" in report_text
    # Name, affiliation, assigned, submitted, conflicts, declined, mean, panel's mean, marker.
    assert "Alice Aubert EHESS 2 2 0 0 16,67 14,67 indulgent·e" in report_text
    assert "Bruno Blanc CNRS 1 1 0 0 14,67 20,00 sévère" in report_text
    assert "Chloé Colin Sciences Po 1 0 0 0 — — —" in report_text
    assert "Denis Dupuis Inalco 1 0 1 0 — — —" in report_text


@pytest.mark.pdf
def test_the_report_keeps_every_declaration_even_of_a_removed_assignment(world, report_text):
    assert ConflictDeclaration.objects.filter(dossier__call=world["call"]).count() == 6
    a, b = world["a"].number, world["b"].number
    denis_a = ConflictDeclaration.objects.get(dossier=world["a"], evaluator=world["evaluators"][3])
    assert denis_a.assignment_id is None
    removed = f"Denis Dupuis {a} {_paris(denis_a.declared_at)} Aucun conflit (signée) (affectation retirée) —"
    assert removed in report_text
    assert f"Denis Dupuis {b}" in report_text and f"Conflit d'intérêts {CONFLICT_NATURE}" in report_text
    assert f"Alice Aubert {a}" in report_text and f"Alice Aubert {b}" in report_text
    assert report_text.count("Aucun conflit (signée)") == 5
    # The signed wording, once, as an example (every statement is the same text with its name, dossier, time).
    assert report_text.count("Je soussigné·e, Alice Aubert, déclare sur l'honneur") == 1


@pytest.mark.pdf
def test_the_report_gives_each_dossiers_scores_and_ranking(world, report_text):
    a, b = world["a"].number, world["b"].number
    assert f"1 {a} Camille Lefèvre" in report_text and "2 / 3 17,34 17,34 5,33 2,67 Oui" in report_text
    assert f"2 {b} =1+2 @SUM(A1)" in report_text and "1 / 1 13,33 13,33 — — Non" in report_text
    assert (
        f"{a} Alice Aubert rendue 5 5 20,00 Financer Bruno Blanc rendue 4 3 14,67 Financer avec réserves "
        f"Chloé Colin non rendue — — — — {b} Alice Aubert rendue 3 4 13,33 Financer" in report_text
    )


@pytest.mark.pdf
def test_the_report_gives_the_committee_its_decisions_and_the_reopenings(world, report_text):
    call, staff = world["call"], world["staff"]
    committee = call.committees.get()
    assert f"Comité du {committee.date:%d/%m/%Y}" in report_text
    assert f"Membres présents : {MEMBERS}" in report_text
    a_decision, b_decision = world["a"].decision, world["b"].decision
    who = staff.get_full_name()
    assert f"{world['a'].number} Camille Lefèvre 1 Retenu — {_paris(a_decision.applied_at)} {who}" in report_text
    assert f"{world['b'].number} =1+2 @SUM(A1) 2 Liste d'attente 1 {_paris(b_decision.applied_at)} {who}" in (
        report_text
    )
    event = world["a"].events.get(kind="evaluation_reopened")
    assert f"{world['a'].number} {_paris(event.at)} {who} Bruno Blanc 14.67 {REOPEN_REASON}" in report_text


@pytest.mark.pdf
def test_the_report_of_a_call_without_evaluation_says_so(client_for):
    from tests.applications.factories import CallFactory

    text = " ".join(pages_text(_download(client_for(role_user("admin")), "staff_evaluation_report", CallFactory())))
    for empty in (
        "Aucun·e évaluateur·rice.",
        "Aucune déclaration.",
        "Aucun dossier évalué.",
        "Aucun comité n'a encore siégé pour cet appel.",
        "Aucune évaluation n'a été rouverte.",
    ):
        assert empty in text


# --- Queries ---------------------------------------------------------------------------------------------


def _queries(build, call) -> int:
    with CaptureQueriesContext(connection) as queries:
        build(call)
    return len(queries)


def test_both_documents_read_a_fixed_number_of_queries(world):
    call = world["call"]
    before = (_queries(report.committee_context, call), _queries(report.report_context, call))
    for _n in range(3):
        dossier = EligibleDossierFactory(call=call)
        AssignmentFactory(dossier=dossier, evaluator=EvaluatorFactory(), submitted=True)
        AssignmentFactory(dossier=dossier, evaluator=EvaluatorFactory(), conflict=True)
    assert (_queries(report.committee_context, call), _queries(report.report_context, call)) == before
