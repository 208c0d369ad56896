"""The autosave endpoint: the JSON that ``static/applications/autosave.js`` reads, and every request
it must refuse (a stale version, an unknown field, another user's dossier, a closed dossier) with
nothing changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from applications import services
from applications.models import Dossier, WorkPeriod
from tests.applications.candidate_pages import OWN_ONLY_EDIT, autosave_url, periods_post, step_url
from tests.applications.factories import CallFactory, DossierFactory
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(candidate):
    return DossierFactory(candidate=candidate)


@pytest.fixture
def signed_in(dossier):
    client = Client()
    sign_in(client, dossier.candidate)
    return client


def stored(dossier, *names):
    dossier.refresh_from_db()
    return tuple(getattr(dossier, name) for name in names)


def test_the_changed_fields_are_saved_and_the_answer_gives_the_new_version(dossier, signed_in):
    response = signed_in.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "Une thèse."})
    assert response.status_code == 200
    answer = response.json()
    assert {key: answer[key] for key in ("version", "saved", "errors", "periods")} == {
        "version": 1,
        "saved": ["summary"],
        "errors": {},
        "periods": {},
    }
    assert re.fullmatch(r"\d\d:\d\d", answer["saved_at"])
    assert stored(dossier, "summary", "step_versions") == ("Une thèse.", {"project": 1})
    # The page's panels come back up to date, to replace the old ones.
    assert 'aria-current="step"' in answer["progress_html"]
    assert "Pré-contrôle d'éligibilité" in answer["precheck_html"]
    # The next save carries the new version.
    response = signed_in.post(autosave_url(dossier, "project"), {"step_version": "1", "keywords": "arbres"})
    assert response.json()["version"] == 2
    assert stored(dossier, "summary", "keywords") == ("Une thèse.", "arbres")


def test_a_refused_value_is_reported_on_its_field_and_the_others_are_saved(dossier, signed_in):
    future = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = signed_in.post(
        autosave_url(dossier, "degree"),
        {"step_version": "0", "degree_title": "Master", "degree_status": "obtained", "degree_date": future},
    )
    answer = response.json()
    assert (response.status_code, answer["saved"], answer["errors"]) == (
        200,
        ["degree_status", "degree_title"],
        {
            "degree_date": [
                "Un diplôme déjà obtenu ne peut pas avoir une date future : choisissez « En cours » ou corrigez."
            ]
        },
    )
    assert stored(dossier, "degree_title", "degree_status", "degree_date") == ("Master", "obtained", None)
    # Fixed, the message goes away (no error for the field any more).
    response = signed_in.post(
        autosave_url(dossier, "degree"), {"step_version": str(answer["version"]), "degree_status": "expected"}
    )
    response = signed_in.post(
        autosave_url(dossier, "degree"), {"step_version": str(response.json()["version"]), "degree_date": future}
    )
    assert (response.json()["saved"], response.json()["errors"]) == (["degree_date"], {})


def test_the_pre_check_answer_shows_a_failing_check_as_soon_as_the_data_allows(dossier, signed_in):
    old = dossier.call.planned_filing_date - dt.timedelta(days=365 * 4)
    response = signed_in.post(autosave_url(dossier, "degree"), {"step_version": "0", "degree_date": old.isoformat()})
    html = response.json()["precheck_html"]
    assert "1 condition n'est pas remplie d'après vos réponses." in html
    assert "Non remplie" in html


def test_a_stale_version_is_refused_with_409_and_changes_nothing(dossier, signed_in):
    services.save_step(dossier.pk, "project", {"summary": "From the other tab"}, version=0, partial=True)
    response = signed_in.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "From this tab"})
    assert response.status_code == 409
    assert response.json() == {
        "error": "Cette étape a été modifiée depuis un autre onglet ou appareil : vos saisies de cette page ne sont "
        "plus enregistrées. Rechargez la page pour reprendre la version enregistrée.",
        "stale": True,
        "version": 1,
        "errors": {},
    }
    assert stored(dossier, "summary", "step_versions") == ("From the other tab", {"project": 1})


def test_each_step_has_its_own_version(dossier, signed_in):
    signed_in.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "A"})
    response = signed_in.post(autosave_url(dossier, "lab"), {"step_version": "0", "lab_name": "Lab"})
    assert (response.status_code, response.json()["version"]) == (200, 1)


@pytest.mark.parametrize("field", ["status", "number", "first_name", "candidate", "eligibility"])
def test_an_unknown_field_is_refused_with_400_and_nothing_is_saved(field, dossier, signed_in):
    response = signed_in.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "Saved?", field: "x"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Champ inconnu : rien n'a été enregistré.",
        "errors": {field: ["Ce champ n'existe pas dans cette étape."]},
    }
    assert stored(dossier, "summary", "status", "number", "step_versions") == ("", "draft", None, {})


def test_periods_are_refused_outside_the_work_step(dossier, signed_in):
    response = signed_in.post(
        autosave_url(dossier, "project"), {"step_version": "0", **periods_post([{"start": "2024-01-01"}])}
    )
    assert response.status_code == 400
    assert WorkPeriod.objects.count() == 0


def test_a_request_without_version_is_refused(dossier, signed_in):
    response = signed_in.post(autosave_url(dossier, "project"), {"summary": "x"})
    assert (response.status_code, response.json()["error"]) == (
        400,
        "La version de l'étape manque : rechargez la page.",
    )
    assert stored(dossier, "summary") == ("",)


def test_another_users_session_gets_the_answer_of_a_missing_dossier(dossier, client_for):
    other = client_for(UserFactory(role="candidate"))
    response = other.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "Hijack"})
    missing = other.post(f"/candidatures/{dossier.pk + 1000}/etapes/project/autosave", {"step_version": "0"})
    assert (response.status_code, response.context["reason"]) == (403, OWN_ONLY_EDIT)
    assert (missing.status_code, missing.context["reason"]) == (403, OWN_ONLY_EDIT)
    assert stored(dossier, "summary", "step_versions") == ("", {})


def test_an_expired_session_is_sent_to_sign_in(dossier, client):
    response = client.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "x"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/compte/login/?next={autosave_url(dossier, 'project')}",
    )
    assert stored(dossier, "summary") == ("",)


def test_a_submitted_dossier_answers_409_closed(candidate, client_for):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    response = client_for(candidate).post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "Late"})
    assert (response.status_code, response.json()) == (
        409,
        {"error": "Ce dossier a été déposé : il ne peut plus être modifié.", "closed": True, "errors": {}},
    )
    assert stored(dossier, "summary") == ("Une thèse sur l'ombre des arbres.",)


def test_a_draft_of_a_closed_call_answers_409_closed(candidate, client_for):
    call = CallFactory(closed=True)
    dossier = DossierFactory(call=call, candidate=candidate)
    response = client_for(candidate).post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "Late"})
    closes = timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M")
    assert (response.status_code, response.json()["error"]) == (
        409,
        f"L'appel est clos depuis le {closes} : le brouillon ne peut plus être modifié.",
    )
    assert stored(dossier, "summary") == ("",)


def test_the_documents_step_and_an_unknown_step_have_no_autosave(dossier, signed_in):
    assert signed_in.post(autosave_url(dossier, "documents"), {"step_version": "0"}).status_code == 404
    assert signed_in.post(autosave_url(dossier, "review"), {"step_version": "0"}).status_code == 404


def test_a_get_is_not_a_save(dossier, signed_in):
    assert signed_in.get(autosave_url(dossier, "project"), {"step_version": "0", "summary": "x"}).status_code == 405
    assert stored(dossier, "summary") == ("",)


def test_the_csrf_token_of_the_page_is_required(dossier):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, dossier.candidate)
    page = client.get(step_url(dossier, "project")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    url = autosave_url(dossier, "project")
    assert client.post(url, {"step_version": "0", "summary": "x"}).status_code == 403
    assert stored(dossier, "summary") == ("",)
    response = client.post(url, {"step_version": "0", "summary": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert stored(dossier, "summary") == ("x",)


# --- Work periods, saved while typed ---------------------------------------------------------------


def test_a_new_period_gets_its_id_and_saving_the_row_again_never_duplicates_it(dossier, signed_in):
    url = autosave_url(dossier, "work")
    row = {"start": "2023-01-01", "end": "2023-03-31", "description": "Vacataire"}
    response = signed_in.post(url, {"step_version": "0", **periods_post([row])})
    answer = response.json()
    period = WorkPeriod.objects.get(dossier=dossier)
    assert (answer["saved"], answer["periods"]) == (["periods"], {"periods-0-id": period.pk})
    # The page did not reload: the same row (an "extra" form) is posted again, now with its id.
    row |= {"id": str(period.pk), "description": "Vacataire à la DEVE"}
    response = signed_in.post(url, {"step_version": "1", **periods_post([row])})
    assert response.json()["periods"] == {"periods-0-id": period.pk}
    assert list(dossier.work_periods.values_list("pk", "description")) == [(period.pk, "Vacataire à la DEVE")]
    # Ticked for removal, it goes.
    response = signed_in.post(url, {"step_version": "2", **periods_post([row | {"DELETE": "on"}])})
    assert (response.json()["periods"], dossier.work_periods.count()) == ({"periods-0-id": None}, 0)


def test_an_overlapping_period_is_reported_and_none_is_saved(dossier, signed_in):
    rows = [{"start": "2023-01-01", "end": "2023-06-30"}, {"start": "2023-06-01", "end": ""}]
    response = signed_in.post(autosave_url(dossier, "work"), {"step_version": "0", **periods_post(rows)})
    assert response.json()["errors"] == {
        "periods-1-start": ["Cette période chevauche la précédente : fusionnez-les ou corrigez les dates."]
    }
    assert (response.json()["saved"], WorkPeriod.objects.count()) == ([], 0)
    assert stored(dossier, "step_versions") == ({},)


def test_a_period_of_another_dossier_cannot_be_taken_over(dossier, signed_in):
    theirs = DossierFactory()
    period = WorkPeriod.objects.create(dossier=theirs, start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1))
    row = {"id": str(period.pk), "start": "2021-01-01", "end": "2021-02-01"}
    response = signed_in.post(autosave_url(dossier, "work"), {"step_version": "0", **periods_post([row])})
    assert response.json()["errors"] == {
        "periods-0-id": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]
    }
    period.refresh_from_db()
    assert (period.dossier_id, period.start) == (theirs.pk, dt.date(2020, 1, 1))


def test_an_autosave_makes_a_fixed_number_of_queries(dossier, signed_in, django_assert_num_queries):
    # Session, user, roles, the dossier (permission), then in one transaction: the locked row and the
    # update; then the kinds of its files for the panels of the answer (no periods: none count).
    with django_assert_num_queries(9):
        signed_in.post(autosave_url(dossier, "project"), {"step_version": "0", "summary": "x"})
    assert Dossier.objects.get(pk=dossier.pk).summary == "x"
    # Having worked for the City, the periods are read too: they count for the step and the pre-check.
    services.save_step(dossier.pk, "work", {"worked_for_city": "true"}, version=0, partial=True)
    with django_assert_num_queries(10):
        response = signed_in.post(autosave_url(dossier, "project"), {"step_version": "1", "summary": "y"})
    assert "au moins une période de travail" in response.json()["progress_html"]
