"""The evaluator's screens: home, profile, the declaration first, the dossier, scoring with autosave, files.

Blind call by default (``evaluator_world``): every page is checked for the candidate's identity.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.evaluation import services
from applications.evaluation.models import Assignment, ConflictDeclaration, Evaluation, EvaluatorProfile, Score
from applications.models import DossierFile
from tests.applications.evaluator_world import dossier_for, make_world
from tests.applications.factories import add_file
from tests.applications.factories_evaluation import AssignmentFactory, EvaluatorFactory, answers
from tests.applications.identity import assert_no_identity

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def expert(world, client_for):
    """A client signed in as the world's evaluator (second factor passed)."""
    return client_for(world["evaluator"])


def url(name: str, assignment: Assignment, *args) -> str:
    return reverse(f"applications:{name}", args=[assignment.pk, *args])


def text(response) -> str:
    return response.content.decode()


def criteria(world):
    return services.criteria_of(world["call"])


def fields(world) -> tuple[str, str, str, str]:
    first, second = criteria(world)
    return (
        services.score_field(first),
        services.comment_field(first),
        services.score_field(second),
        services.comment_field(second),
    )


def field_block(response, name: str) -> str:
    """The HTML of one field's block (crispy's ``div_id_<name>``), where its messages are."""
    page = text(response)
    start = page.index(f'id="div_id_{name}"')
    end = page.find('<div id="div_id_', start + 10)
    return page[start : end if end > 0 else None]


# --- Home ------------------------------------------------------------------------------------------------


def test_home_groups_the_assignments_with_their_deadline(world, expert):
    response = expert.get(reverse("applications:evaluator_home"))
    assert response.status_code == 200
    groups = {g["key"]: [row["number"] for row in g["rows"]] for g in response.context["groups"]}
    assert groups == {
        "declare": [world["assigned"].dossier.number],
        "score": [world["accepted"].dossier.number],
        "submitted": [world["submitted"].dossier.number],
        "closed": sorted([world["conflict"].dossier.number, world["declined"].dossier.number]),
    }
    page = text(response)
    deadline = world["assigned"].deadline
    assert escape(world["assigned"].dossier.thesis_title) in page
    assert f"{deadline.day} " in page and str(deadline.year) in page
    assert page.count(reverse("applications:evaluator_assignment", args=[world["conflict"].pk])) == 0
    assert page.count(reverse("applications:evaluator_assignment", args=[world["declined"].pk])) == 0
    assert reverse("applications:evaluator_assignment", args=[world["foreign"].pk]) not in page
    for name in ("assigned", "accepted", "submitted", "conflict", "declined", "foreign"):
        assert_no_identity(page, world[name].dossier)
    assert "<title>Mes évaluations" in page


def test_home_marks_a_passed_deadline(world, expert):
    Assignment.objects.filter(pk=world["accepted"].pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    response = expert.get(reverse("applications:evaluator_home"))
    [row] = next(g for g in response.context["groups"] if g["key"] == "score")["rows"]
    assert row["late"] is True


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:evaluator_home")).status_code == 200
    return len(queries)


def test_home_reads_a_fixed_number_of_queries(client_for):
    evaluator = EvaluatorFactory()
    call_ = make_world()["call"]
    client = client_for(evaluator)
    AssignmentFactory(dossier=dossier_for(call_, 10), evaluator=evaluator)
    AssignmentFactory(dossier=dossier_for(call_, 11), evaluator=evaluator, accepted=True)
    two = _home_queries(client)
    AssignmentFactory(dossier=dossier_for(call_, 12), evaluator=evaluator, submitted=True)
    AssignmentFactory(dossier=dossier_for(call_, 13), evaluator=evaluator, conflict=True)
    draft = AssignmentFactory(dossier=dossier_for(call_, 14), evaluator=evaluator, accepted=True)
    services.save_draft(draft, evaluator, {"overall_comment": "À reprendre."}, version=None)
    AssignmentFactory(dossier=dossier_for(call_, 15), evaluator=evaluator)
    six = _home_queries(client)
    assert two == six


# --- Profile ---------------------------------------------------------------------------------------------

GOOD_PROFILE = {
    "affiliation": "  École des hautes études  en sciences sociales ",
    "lab_unit_code": "umr 8097",
    "email_domain": "@EHESS.fr",
    "disciplines": "Géographie ; sociologie urbaine,, géographie",
    "keywords": "climat, logement",
    "languages": ["fr", "en"],
    "capacity": "6",
}


def test_the_profile_is_saved_normalised(world, expert):
    response = expert.get(reverse("applications:evaluator_profile"))
    assert response.status_code == 200
    response = expert.post(reverse("applications:evaluator_profile"), GOOD_PROFILE)
    assert (response.status_code, response["Location"]) == (302, reverse("applications:evaluator_home"))
    profile = EvaluatorProfile.objects.get(user=world["evaluator"])
    assert (
        profile.affiliation,
        profile.lab_unit_code,
        profile.email_domain,
        profile.disciplines,
        profile.keywords,
        profile.languages,
        profile.capacity,
    ) == (
        "École des hautes études en sciences sociales",
        "UMR 8097",
        "ehess.fr",
        "Géographie, sociologie urbaine",
        "climat, logement",
        "fr, en",
        6,
    )
    page = text(expert.get(reverse("applications:evaluator_profile")))
    assert re.search(r'value="en"[^>]*checked', page) and not re.search(r'value="de"[^>]*checked', page)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", "201", "Indiquez un nombre de dossiers entre 0 et 200."),
        ("capacity", "-1", "Indiquez un nombre de dossiers entre 0 et 200."),
        ("capacity", "beaucoup", "Indiquez un nombre entier de dossiers."),
        ("capacity", "", "Indiquez combien de dossiers vous acceptez (0 si vous n&#x27;êtes pas disponible)."),
        ("email_domain", "claire@ehess.fr", "Saisissez un domaine comme ehess.fr, sans @ ni adresse complète."),
        ("lab_unit_code", "<script>", "Saisissez un code d&#x27;unité comme UMR 8097 (lettres, chiffres, espaces)."),
        ("languages", ["fr", "klingon"], "Sélectionnez un choix valide"),
        ("disciplines", "x" * 501, "comporte au plus 500 caractères"),
    ],
)
def test_bad_profile_input_is_refused_next_to_the_field_and_nothing_saved(world, expert, field, value, message):
    before = EvaluatorProfile.objects.filter(user=world["evaluator"]).values().get()
    response = expert.post(reverse("applications:evaluator_profile"), {**GOOD_PROFILE, field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert message in field_block(response, field)
    assert EvaluatorProfile.objects.filter(user=world["evaluator"]).values().get() == before


# --- Before the declaration: the conflict view only --------------------------------------------------------


def test_before_declaring_only_the_conflict_view_is_shown(world, expert):
    assignment = world["assigned"]
    dossier = assignment.dossier
    response = expert.get(url("evaluator_assignment", assignment))
    assert response.status_code == 200
    assert response.templates[0].name == "applications/evaluator/declare.html"
    page = text(response)
    for value in (dossier.number, dossier.thesis_title, dossier.lab_name, dossier.lab_unit_code, dossier.director_name):
        assert escape(value) in page
    assert f"<title>Dossier {dossier.number} : déclaration d'intérêts" in page
    assert "Je soussigné·e, Claire Fontaine, déclare sur l&#x27;honneur" in page
    assert escape(dossier.summary) not in page and "Contenu du dossier" not in page
    assert "/pieces/" not in page and "dossier.pdf" not in page
    assert_no_identity(page, dossier)


def test_before_declaring_the_content_urls_are_missing_pages(world, expert):
    assignment = world["assigned"]
    cv = assignment.dossier.files.get(kind="project")
    assert expert.get(url("evaluator_file", assignment, cv.pk)).status_code == 404
    assert expert.get(url("evaluator_pdf", assignment)).status_code == 404
    a, _c, b, _d = fields(world)
    data = {"version": "0", a: "4", b: "3", "recommendation": "fund"}
    assert expert.post(url("evaluator_autosave", assignment), data, **JSON).status_code == 404
    assert expert.post(url("evaluator_submit", assignment), data).status_code == 404
    assert not Evaluation.objects.filter(assignment=assignment).exists()


# --- The declaration ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "choice", "Choisissez : aucun conflit, ou un conflit d&#x27;intérêts."),
        ({"choice": "none"}, "signed", "Cochez la case pour signer la déclaration d&#x27;absence de conflit"),
        ({"choice": "conflict", "nature": "   "}, "nature", "Décrivez la nature du conflit d&#x27;intérêts."),
        ({"choice": "conflict", "nature": "x" * 2001}, "nature", "2000 caractères au plus."),
        ({"choice": "peut-être", "signed": "on"}, "choice", "Sélectionnez un choix valide."),
    ],
)
def test_a_bad_declaration_is_refused_and_nothing_saved(world, expert, data, field, message):
    assignment = world["assigned"]
    response = expert.post(url("evaluator_declare", assignment), data)
    assert response.status_code == 400
    assert list(response.context["declaration_form"].errors) == [field]
    assert message in field_block(response, field)
    assignment.refresh_from_db()
    assert assignment.status == "assigned"
    assert not ConflictDeclaration.objects.filter(assignment=assignment).exists()


def test_declaring_no_conflict_opens_the_dossier(world, expert):
    assignment = world["assigned"]
    response = expert.post(url("evaluator_declare", assignment), {"choice": "none", "signed": "on"})
    assert (response.status_code, response["Location"]) == (302, url("evaluator_assignment", assignment))
    assignment.refresh_from_db()
    declaration = ConflictDeclaration.objects.get(assignment=assignment)
    assert (assignment.status, declaration.has_conflict) == ("accepted", False)
    assert declaration.statement.startswith("Je soussigné·e, Claire Fontaine, déclare sur l'honneur")
    response = expert.get(url("evaluator_assignment", assignment))
    assert response.templates[0].name == "applications/evaluator/assignment.html"
    assert "Votre déclaration est signée" in text(response)
    # Declaring again: a clear message, nothing changes.
    again = {"choice": "conflict", "nature": "Oubli."}
    response = expert.post(url("evaluator_declare", assignment), again, follow=True)
    assert "Vous avez déjà fait votre déclaration pour ce dossier, le " in text(response)
    assignment.refresh_from_db()
    assert (assignment.status, ConflictDeclaration.objects.filter(assignment=assignment).count()) == ("accepted", 1)


def test_declaring_a_conflict_removes_the_dossier_and_is_kept(world, expert):
    assignment = world["assigned"]
    response = expert.post(
        url("evaluator_declare", assignment), {"choice": "conflict", "nature": "J'ai co-signé avec la directrice."}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("applications:evaluator_home"))
    home = expert.get(response["Location"])
    assert "le dossier vous est retiré et l&#x27;équipe du programme est prévenue" in text(home)
    assignment.refresh_from_db()
    assert assignment.status == "conflict"
    assert ConflictDeclaration.objects.get(assignment=assignment).nature == "J'ai co-signé avec la directrice."
    for name in ("evaluator_assignment", "evaluator_pdf"):
        assert expert.get(url(name, assignment)).status_code == 404
    assert expert.post(url("evaluator_declare", assignment), {"choice": "none", "signed": "on"}).status_code == 404


# --- The dossier, its files and its one-PDF ------------------------------------------------------------------


def test_a_blind_dossier_shows_its_content_without_the_candidate(world, expert):
    assignment = world["accepted"]
    dossier = assignment.dossier
    response = expert.get(url("evaluator_assignment", assignment))
    assert response.status_code == 200
    page = text(response)
    assert f"<title>Dossier {dossier.number} : évaluation" in page
    assert f"<h1>Dossier {dossier.number} : évaluation</h1>" in page
    assert escape(dossier.summary) in page and escape(dossier.research_description) in page
    assert_no_identity(page, dossier)
    assert [f["name"] for f in response.context["files"]] == [f"{dossier.number}-project.pdf"]
    assert url("evaluator_pdf", assignment) in page
    assert 'data-autosave-url="' + url("evaluator_autosave", assignment) + '"' in page


def test_a_blind_dossier_serves_the_project_only_under_a_neutral_name(world, expert):
    assignment = world["accepted"]
    dossier = assignment.dossier
    DossierFile.objects.filter(dossier=dossier, kind="project").update(original_name="Projet_Zabrowski_Lea.pdf")
    project = dossier.files.get(kind="project", is_current=True)
    response = expert.get(url("evaluator_file", assignment, project.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.number}-project.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for kind in ("cv", "diploma", "transcripts", "cover_letter", "support_letter"):
        other = dossier.files.get(kind=kind)
        assert expert.get(url("evaluator_file", assignment, other.pk)).status_code == 404, kind
    # An earlier version of the project (it may not be anonymised) and another dossier's file: missing.
    DossierFile.objects.filter(pk=project.pk).update(is_current=False)
    newer = add_file(dossier, "project")
    assert expert.get(url("evaluator_file", assignment, project.pk)).status_code == 404
    assert expert.get(url("evaluator_file", assignment, newer.pk)).status_code == 200
    foreign = world["foreign"].dossier.files.get(kind="project")
    assert expert.get(url("evaluator_file", assignment, foreign.pk)).status_code == 404


def test_a_blind_dossier_pdf_is_its_anonymised_rendition(world, expert):
    assignment = world["accepted"]
    dossier = assignment.dossier
    response = expert.get(url("evaluator_pdf", assignment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.number}-dossier-anonymise.pdf"'
    blind_rendition = dossier.renditions.get(kind="blind")
    assert blind_rendition.file.name.endswith(".pdf")
    dossier.renditions.filter(kind="blind").delete()
    assert expert.get(url("evaluator_pdf", assignment)).status_code == 404
    assert "Le PDF du dossier complet est en cours de préparation." in text(
        expert.get(url("evaluator_assignment", assignment))
    )


def test_a_dossier_of_a_normal_call_shows_every_document_and_the_full_pdf(client_for):
    world = make_world(blind=False)
    expert = client_for(world["evaluator"])
    assignment = world["accepted"]
    dossier = assignment.dossier
    response = expert.get(url("evaluator_assignment", assignment))
    assert [f["name"] for f in response.context["files"]] == [
        f"{dossier.number}-{kind}.pdf"
        for kind in ("cv", "diploma", "transcripts", "cover_letter", "support_letter", "project")
    ]
    assert dossier.last_name in text(response)
    assert f"<title>Dossier {dossier.number} : évaluation" in text(response)
    response = expert.get(url("evaluator_pdf", assignment))
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.number}-dossier.pdf"'
    cv = dossier.files.get(kind="cv")
    response = expert.get(url("evaluator_file", assignment, cv.pk))
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.number}-cv.pdf"'


# --- Autosave ---------------------------------------------------------------------------------------------


def test_autosave_saves_what_validates_and_reports_the_rest_by_field(world, expert):
    assignment = world["accepted"]
    a, ca, b, _cb = fields(world)
    response = expert.post(url("evaluator_autosave", assignment), {"version": "0", a: "4"}, **JSON)
    assert response.status_code == 200
    answer = response.json()
    assert (answer["version"], answer["saved"], answer["errors"], answer["total"]) == (1, [a], {}, "")
    response = expert.post(
        url("evaluator_autosave", assignment), {"version": "1", b: "9", ca: "Original et faisable."}, **JSON
    )
    answer = response.json()
    assert (response.status_code, answer["version"], answer["saved"]) == (200, 2, [ca])
    assert answer["errors"] == {b: ["La note doit être comprise entre 0 et 5."]}
    response = expert.post(url("evaluator_autosave", assignment), {"version": "2", b: "3"}, **JSON)
    assert (response.json()["version"], response.json()["total"]) == (3, "14,67")
    evaluation = Evaluation.objects.get(assignment=assignment)
    assert (evaluation.status, evaluation.version) == ("draft", 3)
    assert sorted(Score.objects.filter(evaluation=evaluation).values_list("value", "comment")) == [
        (3, ""),
        (4, "Original et faisable."),
    ]
    page = text(expert.get(url("evaluator_assignment", assignment)))
    assert 'name="version" value="3"' in page and "14,67" in page


def test_a_stale_autosave_is_refused_with_409_and_nothing_saved(world, expert):
    assignment = world["accepted"]
    a, *_rest = fields(world)
    expert.post(url("evaluator_autosave", assignment), {"version": "0", a: "4"}, **JSON)
    response = expert.post(url("evaluator_autosave", assignment), {"version": "0", a: "1"}, **JSON)
    assert response.status_code == 409
    answer = response.json()
    assert (answer["stale"], answer["version"]) == (True, 1)
    assert answer["error"].startswith("Cette évaluation a été enregistrée depuis un autre onglet ou appareil")
    assert Score.objects.get(evaluation__assignment=assignment).value == 4


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"score-0": "4"}, 400, "La version de l'évaluation manque : rechargez la page."),
        ({"version": "zéro"}, 400, "La version de l'évaluation manque : rechargez la page."),
        ({"version": "0", "first_name": "Léa"}, 400, "Champ inconnu : rien n'a été enregistré."),
    ],
)
def test_bad_autosaves_are_refused(world, expert, data, status, error):
    response = expert.post(url("evaluator_autosave", world["accepted"]), data, **JSON)
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert not Evaluation.objects.filter(assignment=world["accepted"]).exists()


def test_an_autosave_without_javascript_saves_the_draft_and_comes_back(world, expert):
    assignment = world["accepted"]
    a, _ca, b, _cb = fields(world)
    response = expert.post(url("evaluator_autosave", assignment), {"version": "0", a: "2", "overall_comment": "Bien."})
    assert (response.status_code, response["Location"]) == (302, url("evaluator_assignment", assignment))
    assert "Brouillon enregistré à " in text(expert.get(response["Location"]))
    response = expert.post(url("evaluator_autosave", assignment), {"version": "1", b: "-2"})
    assert response.status_code == 400
    assert "La note doit être comprise entre 0 et 5." in field_block(response, b)
    assert Evaluation.objects.get(assignment=assignment).version == 1


# --- Submitting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({0: ""}, 0, "Notez ce critère (de 0 à 5) avant de transmettre l&#x27;évaluation."),
        ({0: "6"}, 0, "La note doit être comprise entre 0 et 5."),
        ({1: "2,5"}, 1, "La note est un nombre entier."),
        ({"recommendation": ""}, "recommendation", "Choisissez une recommandation avant de transmettre"),
        ({"recommendation": "tirer au sort"}, "recommendation", "Choisissez une recommandation dans la liste."),
    ],
)
def test_a_bad_submission_is_refused_next_to_the_field_and_nothing_saved(world, expert, change, field, message):
    assignment = world["accepted"]
    names = [services.score_field(c) for c in criteria(world)]
    data = {"version": "0", **answers(world["call"], [4, 3])}
    for key, value in change.items():
        data[names[key] if isinstance(key, int) else key] = value
    response = expert.post(url("evaluator_submit", assignment), data)
    assert response.status_code == 400
    name = names[field] if isinstance(field, int) else field
    assert message in field_block(response, name)
    assert "L'évaluation n'est pas transmise, et rien n'est enregistré" in text(response)
    # The typed values come back.
    assert "Commentaire sur Qualité scientifique." in text(response)
    assignment.refresh_from_db()
    assert assignment.status == "accepted"
    assert not Evaluation.objects.filter(assignment=assignment).exists()


def test_submitting_locks_the_evaluation_and_a_second_time_says_so(world, expert):
    assignment = world["accepted"]
    data = {"version": "0", **answers(world["call"], [4, 3])}
    response = expert.post(url("evaluator_submit", assignment), data)
    assert (response.status_code, response["Location"]) == (302, url("evaluator_assignment", assignment))
    evaluation = Evaluation.objects.get(assignment=assignment)
    assert (evaluation.status, str(evaluation.total)) == ("submitted", "14.67")
    page = text(expert.get(response["Location"]))
    assert "est transmise. Merci" in page and 'id="evaluation-form"' not in page
    assert "14,67" in page and "Financer" in page
    response = expert.post(url("evaluator_submit", assignment), {**data, "version": str(evaluation.version)})
    assert response.status_code == 400
    assert "elle est verrouillée. L&#x27;équipe du programme peut la rouvrir si nécessaire." in text(response)
    response = expert.post(url("evaluator_autosave", assignment), {"version": str(evaluation.version)}, **JSON)
    assert response.status_code == 409
    assert "elle est verrouillée" in response.json()["error"]
    assert Evaluation.objects.get(assignment=assignment).version == evaluation.version


def test_a_stale_submission_is_refused_and_the_typed_values_come_back(world, expert):
    assignment = world["accepted"]
    a, *_rest = fields(world)
    expert.post(url("evaluator_autosave", assignment), {"version": "0", a: "1"}, **JSON)
    response = expert.post(url("evaluator_submit", assignment), {"version": "0", **answers(world["call"], [4, 3])})
    assert response.status_code == 409
    assert 'id="stale-warning"' in text(response)
    assert 'name="version" value="1"' in text(response)
    assert Evaluation.objects.get(assignment=assignment).status == "draft"


def test_after_the_evaluation_closed_the_page_is_read_only_with_the_reason(world, expert):
    call_ = world["call"]
    call_.evaluation_closed_at = timezone.now() - dt.timedelta(hours=1)
    call_.save(update_fields=["evaluation_closed_at"])
    assignment = world["accepted"]
    response = expert.get(url("evaluator_assignment", assignment))
    page = text(response)
    assert "L&#x27;évaluation de cet appel est close depuis le " in page
    assert 'id="evaluation-form"' not in page and "autosave.js" not in page
    response = expert.post(url("evaluator_autosave", assignment), {"version": "0", fields(world)[0]: "3"}, **JSON)
    assert response.status_code == 409
    assert response.json()["error"].startswith("L'évaluation de cet appel est close depuis le ")
    response = expert.post(url("evaluator_submit", assignment), {"version": "0", **answers(call_, [4, 3])})
    assert response.status_code == 400
    assert "L&#x27;évaluation de cet appel est close depuis le " in text(response)
    assert not Evaluation.objects.filter(assignment=assignment).exists()


# --- Other evaluators' scores -------------------------------------------------------------------------------


def _second_evaluation(world):
    other = AssignmentFactory(
        dossier=world["submitted"].dossier, evaluator=world["other_evaluator"], submitted=True, values=[1, 1]
    )
    other.evaluation.overall_comment = "Avis de Marchetti."
    other.evaluation.save(update_fields=["overall_comment"])
    return other


def test_other_scores_are_never_shown_when_the_call_says_so(world, expert):
    _second_evaluation(world)
    page = text(expert.get(url("evaluator_assignment", world["submitted"])))
    assert "Avis de Marchetti." not in page and "Autre évaluation" not in page


def test_other_scores_are_shown_after_ones_own_when_the_call_allows_it(world, expert):
    world["call"].scores_visible_after_own = True
    world["call"].save(update_fields=["scores_visible_after_own"])
    _second_evaluation(world)
    page = text(expert.get(url("evaluator_assignment", world["submitted"])))
    assert "Autre évaluation n° 1" in page and "Avis de Marchetti." in page
    assert "Bruno" not in page
    # Not before one's own is submitted.
    late = AssignmentFactory(dossier=world["submitted"].dossier, evaluator=EvaluatorFactory(), accepted=True)
    from django.test import Client

    from tests.factories import sign_in

    other_client = Client()
    sign_in(other_client, late.evaluator)
    page = text(other_client.get(url("evaluator_assignment", late)))
    assert "Avis de Marchetti." not in page and "Autre évaluation" not in page


# --- Declining -------------------------------------------------------------------------------------------


def test_declining_before_scoring_removes_the_dossier(world, expert):
    assignment = world["assigned"]
    response = expert.post(url("evaluator_decline", assignment), {"reason": "Hors de mon domaine."})
    assert (response.status_code, response["Location"]) == (302, reverse("applications:evaluator_home"))
    assignment.refresh_from_db()
    assert (assignment.status, assignment.declined_reason) == ("declined", "Hors de mon domaine.")
    assert expert.get(url("evaluator_assignment", assignment)).status_code == 404


def test_declining_after_scoring_is_refused_with_the_reason(world, expert):
    assignment = world["accepted"]
    expert.post(url("evaluator_autosave", assignment), {"version": "0", fields(world)[0]: "3"}, **JSON)
    response = expert.post(url("evaluator_decline", assignment), {"reason": ""})
    assert response.status_code == 400
    assert "Vous avez commencé à noter ce dossier : il ne peut plus être décliné." in text(response)
    response = expert.post(url("evaluator_decline", world["assigned"]), {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "2000 caractères au plus." in field_block(response, "reason")
    assignment.refresh_from_db()
    world["assigned"].refresh_from_db()
    assert (assignment.status, world["assigned"].status) == ("accepted", "assigned")


def test_declining_a_submitted_evaluation_says_it_is_locked(world, expert):
    response = expert.post(url("evaluator_decline", world["submitted"]), {"reason": ""})
    assert response.status_code == 400
    assert "elle est verrouillée" in text(response)
