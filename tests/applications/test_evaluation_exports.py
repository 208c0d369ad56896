"""The scores' downloads (CSV, XLSX) and who may fetch each evaluation download.

Every URL of ``urls_reports`` for every role: visitor (sent to sign in), candidate (the dossier's
own), doctoral student, evaluator (one assigned in the call included), department contact: refused
alike whether the call exists or not; staff and admin: the file, and 404 for a guessed call. Then
the export's content: every score of every live evaluation (drafts marked), the layout, Paris times,
and formulas typed by a candidate or an evaluator written as text.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.evaluation import exports
from applications.evaluation.models import Evaluation, Score
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory
from tests.applications.reports_world import make_report_world
from tests.applications.screening_world import STAFF_ONLY, role_user

pytestmark = pytest.mark.django_db
MISSING = 999_999
CSV_HEADER = [
    "Rang",
    "Numéro",
    "Candidat·e",
    "Thème",
    "Évaluateur·rice",
    "Affectation",
    "Évaluation",
    "Qualité scientifique : note (0 à 5)",
    "Qualité scientifique : commentaire",
    "Intérêt pour la Ville : note (0 à 5)",
    "Intérêt pour la Ville : commentaire",
    "Appréciation générale",
    "Recommandation",
    "Note pondérée (sur 20)",
    "Transmise le (heure de Paris)",
]


@pytest.fixture
def world(db):
    return make_report_world()


def download_urls(call_pk) -> list[str]:
    return [
        reverse("applications:staff_scores_export", args=[call_pk, "csv"]),
        reverse("applications:staff_scores_export", args=[call_pk, "xlsx"]),
        reverse("applications:staff_committee_pdf", args=[call_pk]),
        reverse("applications:staff_evaluation_report", args=[call_pk]),
    ]


def _users(world):
    reader = role_user("department")
    world["call"].themes.get().readers.add(reader)
    return {
        "candidate": world["a"].candidate,
        "doctoral_student": role_user("doctoral_student"),
        "evaluator": role_user("evaluator"),
        "assigned_evaluator": world["evaluators"][0],
        "department": reader,
    }


# --- Who may download ------------------------------------------------------------------------------


@pytest.mark.pdf
@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_download_every_file(role, world, client_for):
    client = client_for(role_user(role))
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": exports.XLSX_TYPE,
        "comite.pdf": "application/pdf",
        "rapport-evaluation.pdf": "application/pdf",
    }
    for url, (suffix, content_type) in zip(download_urls(world["call"].pk), types.items(), strict=True):
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (200, content_type), url
        assert response["Content-Disposition"].startswith("attachment; filename="), url
        assert url.endswith(suffix)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_get_404_for_a_guessed_call_or_format(role, world, client_for):
    client = client_for(role_user(role))
    urls = [*download_urls(MISSING), reverse("applications:staff_scores_export", args=[world["call"].pk, "pdf"])]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator", "assigned_evaluator", "department"])
def test_other_roles_are_refused_alike_whether_the_call_exists_or_not(role, world, client_for):
    client = client_for(_users(world)[role])
    urls = [*download_urls(world["call"].pk), *download_urls(MISSING)]
    answers = {url: (r.status_code, r.context["reason"]) for url in urls for r in [client.get(url)]}
    assert answers == dict.fromkeys(urls, (403, STAFF_ONLY))


def test_a_visitor_is_sent_to_sign_in(world, client):
    for url in [*download_urls(world["call"].pk), *download_urls(MISSING)]:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login")), url


def test_downloads_are_read_only(world, client_for):
    client = client_for(role_user("staff"))
    for url in download_urls(world["call"].pk):
        assert client.post(url).status_code == 405


def test_the_call_page_links_to_the_downloads(world, client_for):
    page = client_for(role_user("staff")).get(reverse("applications:staff_call", args=[world["call"].pk]))
    html = page.content.decode()
    for url in download_urls(world["call"].pk):
        assert f'href="{url}"' in html


# --- The CSV ---------------------------------------------------------------------------------------------


def _csv(client, call) -> list[list[str]]:
    response = client.get(reverse("applications:staff_scores_export", args=[call.pk, "csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_has_one_row_per_live_evaluation_with_every_score(world, client_for):
    rows = _csv(client_for(role_user("staff")), world["call"])
    assert rows[0] == CSV_HEADER
    body = rows[1:]
    a, b = world["a"].number, world["b"].number
    # In the ranking's order; Denis (unassigned from a, conflicted on b) has no row; c has no evaluator.
    assert [(r[0], r[1], r[4]) for r in body] == [
        ("1", a, "Alice Aubert"),
        ("1", a, "Bruno Blanc"),
        ("1", a, "Chloé Colin"),
        ("2", b, "Alice Aubert"),
    ]
    alice_a, bruno_a, chloe_a, alice_b = body
    assert alice_a[2:4] == ["Camille Lefèvre", world["call"].themes.get().title_fr]
    assert alice_a[5:] == [
        "Évaluation rendue",
        "Transmise",
        "5",
        "Commentaire sur Qualité scientifique.",
        "5",
        "Commentaire sur Intérêt pour la Ville.",
        "Solide.",
        "Financer",
        "20.00",
        alice_a[-1],
    ]
    assert bruno_a[7:14] == [
        "4",
        "Commentaire sur Qualité scientifique.",
        "3",
        "Commentaire sur Intérêt pour la Ville.",
        "Solide.",
        "Financer avec réserves",
        "14.67",
    ]
    # A draft: its scores so far, no total, no submission time.
    assert chloe_a[5:] == [
        "Aucun conflit déclaré, évaluation en cours",
        "Brouillon",
        "2",
        "",
        "",
        "",
        "Brouillon.",
        "",
        "",
        "",
    ]
    assert alice_b[7] == "3" and alice_b[13] == "13.33"
    # Every non-empty score of the live evaluations is in the file.
    exported = sum(1 for row in body for i in (7, 9) if row[i])
    assert (
        exported
        == Score.objects.filter(
            evaluation__assignment__dossier__call=world["call"],
            evaluation__assignment__status__in=["assigned", "accepted", "submitted"],
            value__isnull=False,
        ).count()
    )


def test_the_csv_times_are_paris_times(world, client_for):
    rows = _csv(client_for(role_user("staff")), world["call"])
    evaluation = Evaluation.objects.get(assignment__dossier=world["a"], assignment__evaluator=world["evaluators"][0])
    assert rows[1][-1] == timezone.localtime(evaluation.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert str(timezone.get_current_timezone()) == "Europe/Paris"


def test_formulas_typed_by_a_candidate_or_an_evaluator_stay_text_in_the_csv(world, client_for):
    rows = _csv(client_for(role_user("staff")), world["call"])
    alice_b = rows[4]
    assert alice_b[2] == "'=1+2 @SUM(A1)"
    assert alice_b[8] == "'+danger"
    assert alice_b[11] == '\'=HYPERLINK("http://x")'
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]


# --- The XLSX --------------------------------------------------------------------------------------------


def test_the_xlsx_holds_the_same_rows_with_numbers_as_numbers(world, client_for):
    from openpyxl import load_workbook

    client = client_for(role_user("staff"))
    response = client.get(reverse("applications:staff_scores_export", args=[world["call"].pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == CSV_HEADER
    assert len(rows) == 5
    alice_a, chloe_a, alice_b = rows[1], rows[3], rows[4]
    assert (alice_a[0], alice_a[7], alice_a[9], alice_a[13]) == (1, 5, 5, 20)
    evaluation = Evaluation.objects.get(assignment__dossier=world["a"], assignment__evaluator=world["evaluators"][0])
    assert alice_a[14] == timezone.localtime(evaluation.submitted_at).replace(tzinfo=None, microsecond=0)
    assert (chloe_a[6], chloe_a[7], chloe_a[13], chloe_a[14]) == ("Brouillon", 2, None, None)
    assert (alice_b[2], alice_b[8], alice_b[11]) == ("'=1+2 @SUM(A1)", "'+danger", '\'=HYPERLINK("http://x")')
    # No cell is a formula.
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_an_export_of_a_call_without_evaluation_has_only_its_header(world, client_for):
    from tests.applications.factories import CallFactory

    call = CallFactory()
    assert _csv(client_for(role_user("staff")), call) == [CSV_HEADER]


# --- Queries ---------------------------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        exports.score_table(call)
    return len(queries)


def test_the_export_reads_a_fixed_number_of_queries(world):
    call = world["call"]
    before = _queries(call)
    for _n in range(3):
        dossier = EligibleDossierFactory(call=call)
        AssignmentFactory(dossier=dossier, evaluator=EvaluatorFactory(), submitted=True)
        AssignmentFactory(dossier=dossier, evaluator=EvaluatorFactory(), accepted=True)
    assert _queries(call) == before
