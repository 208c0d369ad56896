"""The step pages without JavaScript: the progress, the save button, what a refused value does (it
comes back as typed, with its message next to the field, and is not saved), two tabs (a stale
version), a closed or submitted dossier, the work periods, and a session that expired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from applications import services
from applications.models import Dossier, WorkPeriod
from tests.applications.candidate_pages import periods_post, step_post, step_url
from tests.applications.factories import CallFactory, DossierFactory, WorkPeriodFactory, fill

pytestmark = pytest.mark.django_db
Status = Dossier.Status


@pytest.fixture
def dossier(candidate):
    return DossierFactory(candidate=candidate)


@pytest.fixture
def client(dossier):
    from django.test import Client

    from tests.factories import sign_in

    signed_in = Client()
    sign_in(signed_in, dossier.candidate)
    return signed_in


def stored(dossier, *names):
    dossier.refresh_from_db()
    return tuple(getattr(dossier, name) for name in names)


def errors_of(response, name):
    return response.context["form"].errors.get(name)


# --- The page ---------------------------------------------------------------------------------------


def test_a_step_shows_the_progress_with_each_steps_completeness(dossier, client):
    response = client.get(step_url(dossier, "degree"))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert [(row["key"], row["current"]) for row in progress] == [
        ("candidate", False),
        ("degree", True),
        ("enrolment", False),
        ("work", False),
        ("project", False),
        ("lab", False),
        ("documents", False),
        ("review", False),
    ]
    assert progress[0]["missing"] == ["adresse postale", "autorisation de travail nécessaire en France"]
    assert progress[3]["missing"] == ["a déjà travaillé pour la Ville de Paris"]
    html = response.content.decode()
    assert html.count('aria-current="step"') == 1
    assert f'href="/candidatures/{dossier.pk}/etapes/degree/" aria-current="step"' in html
    assert (
        'À compléter<span class="step-state-detail"> : adresse postale, autorisation de travail nécessaire en '
        "France</span>"
    ) in html
    # The status region the autosave speaks through is on the page, and the script is a static file.
    assert '<div id="autosave-status" class="autosave-status" role="status" aria-live="polite"></div>' in html
    assert '<script src="/static/applications/autosave.js" defer></script>' in html


def test_yes_no_questions_are_fieldsets_with_a_legend_and_text_areas_say_their_limit(dossier, client):
    html = client.get(step_url(dossier, "degree")).content.decode()
    assert "<legend" in html and "Êtes-vous déjà titulaire d&#x27;un doctorat ?" in html
    html = client.get(step_url(dossier, "project")).content.decode()
    assert 'maxlength="1500" data-counter="1500"' in html
    assert "1\u202f500 caractères au plus." in html


def test_a_complete_step_says_so(dossier, client):
    fill(dossier)
    response = client.get(step_url(dossier, "candidate"))
    assert [row["missing"] for row in response.context["progress"][:7]] == [[]] * 7


# --- Saving with the button ---------------------------------------------------------------------


def test_the_save_button_saves_the_step_and_stays(dossier, client):
    data = step_post(dossier, "candidate", phone="01 42 76 40 40", address="5 rue Lobau", needs_work_permit="false")
    response = client.post(step_url(dossier, "candidate"), data)
    assert (response.status_code, response["Location"]) == (302, step_url(dossier, "candidate"))
    assert stored(dossier, "phone", "address", "needs_work_permit", "step_versions") == (
        "01 42 76 40 40",
        "5 rue Lobau",
        False,
        {"candidate": 1},
    )
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [f"Étape enregistrée à {timezone.localtime():%H:%M}."]


@pytest.mark.parametrize(("go", "target"), [("next", "enrolment"), ("previous", "candidate")])
def test_previous_and_next_save_then_move(go, target, dossier, client):
    data = step_post(dossier, "degree", degree_title="Master d'urbanisme", go=go)
    response = client.post(step_url(dossier, "degree"), data)
    assert (response.status_code, response["Location"]) == (302, step_url(dossier, target))
    assert stored(dossier, "degree_title") == ("Master d'urbanisme",)


def test_next_from_the_last_step_leads_to_the_review(dossier, client):
    data = step_post(dossier, "lab", lab_name="Géographie-cités", go="next")
    response = client.post(step_url(dossier, "lab"), data)
    assert response["Location"] == step_url(dossier, "documents")


# --- Bad input: the message next to the field, the value as typed, nothing saved ----------------


def test_a_degree_already_held_dated_in_the_future_is_refused(dossier, client):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = step_post(dossier, "degree", degree_status="obtained", degree_date=future, degree_title="Master")
    response = client.post(step_url(dossier, "degree"), data)
    assert response.status_code == 400
    assert errors_of(response, "degree_date") == [
        "Un diplôme déjà obtenu ne peut pas avoir une date future : choisissez « En cours » ou corrigez."
    ]
    html = response.content.decode()
    assert f'value="{future}"' in html  # as typed
    assert 'aria-describedby="id_degree_date_error"' in html and 'id="id_degree_date_error"' in html
    assert "Certaines valeurs ne sont pas enregistrées : corrigez les champs signalés." in html
    # The refused date is not stored; the other fields of the step are.
    assert stored(dossier, "degree_date", "degree_title") == (None, "Master")


def test_the_same_date_for_a_degree_expected_is_fine(dossier, client):
    future = timezone.localdate() + dt.timedelta(days=30)
    data = step_post(dossier, "degree", degree_status="expected", degree_date=future.isoformat())
    assert client.post(step_url(dossier, "degree"), data).status_code == 302
    assert stored(dossier, "degree_date") == (future,)


@pytest.mark.parametrize(
    ("step", "field", "value", "message"),
    [
        (
            "project",
            "summary",
            "x" * 1501,
            "Assurez-vous que cette valeur comporte au plus 1500 caractères (actuellement 1501).",
        ),
        (
            "project",
            "research_description",
            "x" * 8001,
            "Assurez-vous que cette valeur comporte au plus 8000 caractères (actuellement 8001).",
        ),
        (
            "project",
            "thesis_title",
            "x" * 301,
            "Assurez-vous que cette valeur comporte au plus 300 caractères (actuellement 301).",
        ),
        (
            "candidate",
            "phone",
            "06 <script>",
            "Un numéro de téléphone ne contient que des chiffres, espaces et + . - ( ).",
        ),
        ("candidate", "email", "pas-une-adresse", "Saisissez une adresse de courriel valide."),
        ("degree", "degree_date", "1989-12-31", "Indiquez une date entre le 01/01/1990 et le 31/12/2100."),
        ("degree", "degree_date", "31/02/2024", "Saisissez une date valide."),
        ("enrolment", "first_enrolment_date", "2099-01-01", "La date de première inscription ne peut pas être future."),
        ("lab", "director_email", "directeur@", "Saisissez une adresse de courriel valide."),
        (
            "project",
            "theme",
            "999999",
            "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles.",
        ),
        (
            "candidate",
            "needs_work_permit",
            "peut-être",
            "Sélectionnez un choix valide. peut-être n’en fait pas partie.",
        ),
    ],
)
def test_a_value_over_its_limit_or_malformed_is_refused_next_to_its_field(step, field, value, message, dossier, client):
    before = stored(dossier, field)
    response = client.post(step_url(dossier, step), step_post(dossier, step, **{field: value}))
    assert (response.status_code, errors_of(response, field)) == (400, [message])
    assert stored(dossier, field) == before
    assert response.context["form"][field].value() == value  # comes back as typed


def test_a_field_of_another_step_is_refused_and_nothing_is_saved(dossier, client):
    data = step_post(dossier, "candidate", phone="01 02 03 04 05", status="submitted", number="2027-9999")
    response = client.post(step_url(dossier, "candidate"), data)
    assert response.status_code == 400
    assert response.context["unknown"] == ["Ce champ n'existe pas dans cette étape."] * 2
    assert stored(dossier, "phone", "status", "number", "step_versions") == ("", Status.DRAFT, None, {})


# --- Two tabs -------------------------------------------------------------------------------------


def test_a_stale_tab_is_warned_keeps_what_was_typed_and_may_overwrite_on_purpose(dossier, client):
    old_page = step_post(dossier, "project", summary="Typed in the old tab")
    services.save_step(dossier.pk, "project", {"summary": "Saved in the new tab"}, version=0, partial=True)
    response = client.post(step_url(dossier, "project"), old_page)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Cette étape a été modifiée depuis un autre onglet ou un autre appareil" in html
    assert "Typed in the old tab" in html
    assert 'name="overwrite" value="1"' in html
    assert "data-autosave-url" not in html  # the stale page does not autosave over the other tab
    assert stored(dossier, "summary", "step_versions") == ("Saved in the new tab", {"project": 1})
    # Overwriting is a choice: the same post with the overwrite button.
    response = client.post(step_url(dossier, "project"), {**old_page, "overwrite": "1"})
    assert response.status_code == 302
    assert stored(dossier, "summary", "step_versions") == ("Typed in the old tab", {"project": 2})


def test_a_post_without_its_version_never_overwrites_blindly(dossier, client):
    services.save_step(dossier.pk, "project", {"summary": "Saved"}, version=0, partial=True)
    data = step_post(dossier, "project", summary="Crafted")
    del data["step_version"]
    assert client.post(step_url(dossier, "project"), data).status_code == 409
    assert stored(dossier, "summary") == ("Saved",)


# --- A dossier that may not change --------------------------------------------------------------


def test_a_crafted_post_on_a_submitted_dossier_changes_nothing(candidate, client_for):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    client = client_for(candidate)
    before = stored(dossier, "summary", "step_versions", "version", "updated_at")
    data = step_post(dossier, "project", summary="Changed after submission")
    response = client.post(step_url(dossier, "project"), data)
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == ["Ce dossier a été déposé : il ne peut plus être modifié."]
    assert stored(dossier, "summary", "step_versions", "version", "updated_at") == before
    # The page shows the stored values, read-only, without a save button or autosave.
    html = response.content.decode()
    assert "Une thèse sur l&#x27;ombre des arbres." in html
    assert 'name="go"' not in html and "data-autosave-url" not in html
    assert response.context["form"].fields["summary"].disabled is True


def test_a_draft_of_a_closed_call_is_read_only(candidate, client_for):
    call = CallFactory(closed=True)
    dossier = DossierFactory(call=call, candidate=candidate, phone="01 00 00 00 00")
    client = client_for(candidate)
    response = client.get(step_url(dossier, "candidate"))
    assert response.context["step_editable"] is False
    closes = timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M")
    assert response.context["closed_reason"] == (
        f"L'appel est clos depuis le {closes} : le brouillon ne peut plus être modifié."
    )
    response = client.post(step_url(dossier, "candidate"), step_post(dossier, "candidate", phone="09 99 99 99 99"))
    assert response.status_code == 409
    assert stored(dossier, "phone") == ("01 00 00 00 00",)


def test_a_request_for_missing_items_opens_only_those_steps(candidate, client_for, staff):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    services.request_missing_items(
        dossier.pk, staff, ["degree"], "Précisez la date du master.", timezone.now() + dt.timedelta(days=10)
    )
    client = client_for(candidate)
    response = client.post(step_url(dossier, "degree"), step_post(dossier, "degree", degree_title="Master 2 Urbanisme"))
    assert response.status_code == 302
    client.get(response["Location"])
    response = client.post(step_url(dossier, "project"), step_post(dossier, "project", summary="Autre résumé"))
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == [
        "Seuls les éléments demandés par l'équipe peuvent être modifiés."
    ]
    assert stored(dossier, "degree_title", "summary") == ("Master 2 Urbanisme", "Une thèse sur l'ombre des arbres.")


# --- Work periods ---------------------------------------------------------------------------------


def test_periods_are_added_with_the_extra_row_and_a_new_extra_row_appears(dossier, client):
    data = step_post(dossier, "work", worked_for_city="true") | periods_post(
        [{"start": "2023-01-01", "end": "2023-03-31", "description": "Vacataire"}]
    )
    response = client.post(step_url(dossier, "work"), data)
    assert response.status_code == 302
    assert list(dossier.work_periods.values_list("start", "end", "description")) == [
        (dt.date(2023, 1, 1), dt.date(2023, 3, 31), "Vacataire")
    ]
    page = client.get(step_url(dossier, "work"))
    formset = page.context["formset"]
    assert (formset.initial_form_count(), len(formset.forms)) == (1, 2)  # the stored one and one empty row


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        (
            [{"start": "2023-05-01", "end": "2023-01-31"}],
            {"periods-0-end": ["La fin de la période précède son début."]},
        ),
        (
            [{"start": "2023-01-01", "end": "2023-06-30"}, {"start": "2023-06-01", "end": "2023-12-31"}],
            {"periods-1-start": ["Cette période chevauche la précédente : fusionnez-les ou corrigez les dates."]},
        ),
        (
            [{"start": "2023-01-01", "end": ""}, {"start": "2024-01-01", "end": "2024-02-01"}],
            {"periods-1-start": ["Cette période chevauche la précédente : fusionnez-les ou corrigez les dates."]},
        ),
        ([{"start": "", "end": "2023-02-01"}], {"periods-0-start": ["Ce champ est obligatoire."]}),
    ],
)
def test_reversed_or_overlapping_periods_are_refused_and_none_is_saved(rows, errors, dossier, client):
    WorkPeriodFactory(dossier=dossier, start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1))
    data = step_post(dossier, "work", worked_for_city="true") | periods_post(rows)
    response = client.post(step_url(dossier, "work"), data)
    assert response.status_code == 400
    formset = response.context["formset"]
    found = {
        f"periods-{i}-{name}": messages
        for i, form in enumerate(formset.forms)
        for name, messages in form.errors.items()
    }
    assert found == errors
    assert list(dossier.work_periods.values_list("start", flat=True)) == [dt.date(2020, 1, 1)]
    # The answer to the question itself was valid: it is saved, the periods are not.
    assert stored(dossier, "worked_for_city") == (True,)


def test_a_period_is_removed_with_its_checkbox(dossier, client):
    period = WorkPeriodFactory(dossier=dossier)
    data = step_post(dossier, "work", worked_for_city="true") | periods_post(
        [{"id": str(period.pk), "start": "2024-01-01", "end": "2024-06-30", "DELETE": "on"}], initial=1
    )
    assert client.post(step_url(dossier, "work"), data).status_code == 302
    assert WorkPeriod.objects.filter(dossier=dossier).count() == 0


def test_another_dossiers_period_cannot_be_edited_through_ones_own(dossier, client):
    theirs = WorkPeriodFactory()
    data = step_post(dossier, "work", worked_for_city="true") | periods_post(
        [{"id": str(theirs.pk), "start": "2010-01-01", "end": "2010-02-01"}], initial=1
    )
    owner = theirs.dossier_id
    response = client.post(step_url(dossier, "work"), data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors == {
        "id": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]
    }
    theirs.refresh_from_db()
    assert (theirs.dossier_id, theirs.start) == (owner, dt.date(2024, 1, 1))
    assert dossier.work_periods.count() == 0


# --- The session ends -----------------------------------------------------------------------------


def test_after_the_session_expired_signing_in_returns_to_the_same_step_with_everything(dossier, client):
    services.save_step(dossier.pk, "project", {"summary": "Saved before the session ended"}, version=0, partial=True)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    url = step_url(dossier, "project")
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/compte/login/?next={url}")
    response = client.post(
        response["Location"], {"login": dossier.candidate.email, "password": "correct-horse-battery-9"}
    )
    assert (response.status_code, response["Location"]) == (302, url)
    page = client.get(url)
    assert page.context["form"]["summary"].value() == "Saved before the session ended"
    assert page.context["version"] == 1


def test_the_pre_check_shows_a_failing_check_with_its_hint_and_the_step_that_fixes_it(dossier, client):
    old = dossier.call.planned_filing_date - dt.timedelta(days=365 * 4)
    services.save_step(dossier.pk, "degree", {"degree_date": old.isoformat()}, version=0, partial=True)
    response = client.get(step_url(dossier, "project"))
    rows = {row["check"].code: row for row in response.context["checks"]}
    assert {code: row["state"] for code, row in rows.items()} == {
        "masters_held": "ok",
        "masters_recent": "failing",
        "not_doctor": "unknown",
        "no_other_thesis": "unknown",
        "enrolment_recent": "unknown",
        "prior_employment": "unknown",
        "employer_eligible": "ok",
        "contract_duration": "ok",
        "lab_doctoral_school": "unknown",
        "lab_cotutelle": "unknown",
    }
    assert rows["masters_recent"]["url"] == step_url(dossier, "degree")
    html = response.content.decode()
    assert "1 condition n'est pas remplie d'après vos réponses." in html
    assert "Le master doit dater de moins de trois ans à la date de dépôt à l&#x27;ANRT." in html
    assert "Aller à l'étape « Diplôme »" in html


def test_the_pre_check_speaks_the_candidates_language(dossier, client):
    fill(dossier)
    response = client.get(f"/en{step_url(dossier, 'degree')}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Master&#x27;s degree obtained less than three years ago." in html
    # The autosave posts to the English address of the same step.
    assert f'data-autosave-url="/en/candidatures/{dossier.pk}/etapes/degree/autosave"' in html
