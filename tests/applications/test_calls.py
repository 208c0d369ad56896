"""Calls on the staff screens: creation in Paris time, publication rules, what freezes at the first submission,
themes (readers, deletion) and the evaluation grid. Every refusal: its message next to the field, nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import calls
from applications.models import Call, Criterion, Theme
from tests.applications.factories import CallFactory, CriterionFactory, DossierFactory, ThemeFactory
from tests.applications.screening_world import role_user, submitted_dossier
from tests.conventions.factories import HostDepartmentFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
LOCKED = (
    "Un premier dossier a été déposé le {date} (heure de Paris) : les candidat·e·s ont postulé sur ces dates et "
    "cette grille, qui ne peuvent plus changer. Les textes peuvent encore être corrigés."
)
NO_THEME = "Ajoutez au moins un thème : un appel ne peut être publié ni ouvert sans thème."
NO_GRID = (
    "Définissez la grille d'évaluation (au moins un critère) : un appel ne peut être publié ni ouvert sans grille."
)
DATE_RANGE = "Indiquez une date entre le 01/01/1990 et le 31/12/2100."


@pytest.fixture
def staff_client(client_for):
    return client_for(role_user("staff"))


def call_data(**overrides) -> dict:
    data = {
        "year": "2031",
        "title_fr": "Appel 2031",
        "title_en": "Call 2031",
        "intro_fr": "Présentation.",
        "intro_en": "",
        "opens_at": "2031-01-15T09:00",
        "closes_at": "2031-03-15T12:00",
        "planned_filing_date": "2031-06-01",
        "planned_effective_date": "2031-09-01",
        "results_date": "2031-05-15",
        "positions": "5",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def data_of(call: Call, **overrides) -> dict:
    def paris(value):
        return timezone.localtime(value, PARIS).strftime("%Y-%m-%dT%H:%M")

    data = {
        "year": str(call.year),
        "title_fr": call.title_fr,
        "title_en": call.title_en,
        "intro_fr": call.intro_fr,
        "intro_en": call.intro_en,
        "opens_at": paris(call.opens_at),
        "closes_at": paris(call.closes_at),
        "planned_filing_date": call.planned_filing_date.isoformat(),
        "planned_effective_date": call.planned_effective_date.isoformat(),
        "results_date": call.results_date.isoformat() if call.results_date else "",
        "positions": str(call.positions),
    }
    if call.is_published:
        data["is_published"] = "on"
    if call.blind_evaluation:
        data["blind_evaluation"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Creating and editing a call --------------------------------------------------------------------


def test_a_call_is_created_unpublished_with_its_times_in_paris(staff_client):
    response = staff_client.post(reverse("applications:staff_call_create"), call_data())
    call = Call.objects.get(year=2031)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:staff_call", args=[call.pk])
    # 15 March 12:00 in Paris (winter time, UTC+1) is 11:00 UTC; 15 January 09:00 is 08:00 UTC.
    assert (call.opens_at, call.closes_at) == (
        dt.datetime(2031, 1, 15, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2031, 3, 15, 11, 0, tzinfo=dt.UTC),
    )
    assert (call.is_published, call.planned_filing_date, call.positions) == (False, dt.date(2031, 6, 1), 5)


def test_the_form_says_paris_time_next_to_the_times(staff_client):
    page = staff_client.get(reverse("applications:staff_call_create")).content.decode()
    assert page.count("Heure de Paris (Europe/Paris), à la minute près.") == 2
    assert 'type="datetime-local"' in page


def test_seconds_are_dropped_the_call_closes_to_the_minute(staff_client):
    staff_client.post(reverse("applications:staff_call_create"), call_data(closes_at="2031-03-15T12:00:59"))
    assert Call.objects.get(year=2031).closes_at == dt.datetime(2031, 3, 15, 11, 0, tzinfo=dt.UTC)


def test_a_call_closing_in_summer_time_is_stored_at_the_right_instant(staff_client):
    staff_client.post(reverse("applications:staff_call_create"), call_data(closes_at="2031-04-15T12:00"))
    assert Call.objects.get(year=2031).closes_at == dt.datetime(2031, 4, 15, 10, 0, tzinfo=dt.UTC)


def _refused(client, url, data, field_errors):
    before = (Call.objects.count(), list(Call.objects.values().order_by("pk")))
    response = client.post(url, data)
    assert response.status_code == 400
    assert dict(response.context["form"].errors) == field_errors
    assert (Call.objects.count(), list(Call.objects.values().order_by("pk"))) == before
    return response


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"closes_at": "2031-01-15T09:00"}, {"closes_at": ["La clôture doit suivre l'ouverture de l'appel."]}),
        ({"closes_at": "2031-01-01T09:00"}, {"closes_at": ["La clôture doit suivre l'ouverture de l'appel."]}),
        (
            {"planned_effective_date": "2031-06-01"},
            {
                "planned_effective_date": [
                    "La date d'effet prévue des conventions doit suivre la date prévue de dépôt à l'ANRT."
                ]
            },
        ),
        (
            {"results_date": "2031-03-14"},
            {"results_date": ["Les résultats ne peuvent pas être annoncés avant la clôture de l'appel."]},
        ),
        ({"planned_filing_date": "1989-12-31"}, {"planned_filing_date": [DATE_RANGE]}),
        ({"planned_effective_date": "2101-01-01"}, {"planned_effective_date": [DATE_RANGE]}),
        ({"opens_at": "1989-12-31T10:00"}, {"opens_at": [DATE_RANGE]}),
        ({"closes_at": "2101-01-01T10:00"}, {"closes_at": [DATE_RANGE]}),
        ({"closes_at": "15/03/2031"}, {"closes_at": ["Saisissez une date et une heure valides."]}),
        ({"positions": "0"}, {"positions": ["Assurez-vous que cette valeur est supérieure ou égale à 1."]}),
        (
            {"positions": "99999999999999999999"},
            {"positions": ["Assurez-vous que cette valeur est inférieure ou égale à 100."]},
        ),
        ({"year": "1999"}, {"year": ["Assurez-vous que cette valeur est supérieure ou égale à 2000."]}),
        ({"year": "-1"}, {"year": ["Assurez-vous que cette valeur est supérieure ou égale à 0."]}),
        ({"title_fr": ""}, {"title_fr": ["Ce champ est obligatoire."]}),
        ({"is_published": "on"}, {"is_published": [NO_THEME, NO_GRID]}),
    ],
)
def test_bad_call_input_is_refused_next_to_its_field(staff_client, overrides, errors):
    _refused(staff_client, reverse("applications:staff_call_create"), call_data(**overrides), errors)


def test_a_time_that_does_not_exist_in_paris_is_refused(staff_client):
    # 30 March 2031: clocks go from 02:00 to 03:00 in Paris; 02:30 never happens.
    response = _refused(
        staff_client,
        reverse("applications:staff_call_create"),
        call_data(closes_at="2031-03-30T02:30"),
        {
            "closes_at": [
                "Le 30/03/2031 à 02:30 n'existe pas à Paris ou y existe deux fois (changement d'heure) : "
                "choisissez une autre heure."
            ]
        },
    )
    assert 'aria-describedby="id_closes_at_helptext id_closes_at_error"' in response.content.decode()


def test_a_time_that_happens_twice_in_paris_is_refused(staff_client):
    # 26 October 2031: clocks go back from 03:00 to 02:00; 02:30 happens twice.
    _refused(
        staff_client,
        reverse("applications:staff_call_create"),
        call_data(opens_at="2031-01-01T10:00", closes_at="2031-10-26T02:30", results_date=""),
        {
            "closes_at": [
                "Le 26/10/2031 à 02:30 n'existe pas à Paris ou y existe deux fois (changement d'heure) : "
                "choisissez une autre heure."
            ]
        },
    )


def test_a_year_taken_by_another_call_is_refused(staff_client):
    CallFactory(year=2031)
    _refused(
        staff_client,
        reverse("applications:staff_call_create"),
        call_data(),
        {"year": ["Un objet Appel à candidatures avec ce champ Année existe déjà."]},
    )


def test_publication_needs_a_theme_and_a_grid_then_is_allowed(staff_client):
    call = CallFactory(year=2031, is_published=False, grid=False, with_theme=False)
    url = reverse("applications:staff_call_edit", args=[call.pk])
    _refused(staff_client, url, data_of(call, is_published="on"), {"is_published": [NO_THEME, NO_GRID]})
    ThemeFactory(call=call)
    _refused(staff_client, url, data_of(call, is_published="on"), {"is_published": [NO_GRID]})
    CriterionFactory(call=call, weight=Decimal("2"))
    assert staff_client.post(url, data_of(call, is_published="on")).status_code == 302
    call.refresh_from_db()
    assert call.is_published is True


def test_a_grid_with_a_weight_not_positive_blocks_publication():
    """The database refuses such a weight; the rule is checked anyway for whatever got there."""
    assert calls.publication_problems(1, [Decimal("1"), Decimal("0")]) == [
        "Toutes les pondérations de la grille doivent être strictement positives."
    ]
    assert calls.publication_problems(1, [Decimal("1")]) == []


def test_the_service_refuses_what_the_form_would(staff):
    call = CallFactory(year=2031, is_published=False, grid=False, with_theme=False)
    call.is_published = True
    call.closes_at = call.opens_at
    with pytest.raises(calls.ValidationError) as refused:
        calls.save_call(call, staff)
    assert refused.value.message_dict == {
        "closes_at": ["La clôture doit suivre l'ouverture de l'appel."],
        "is_published": [NO_THEME, NO_GRID],
    }
    call.refresh_from_db()
    assert call.is_published is False


# --- After the first submission -----------------------------------------------------------------------


@pytest.fixture
def applied():
    call = CallFactory(year=2031, results_date=None)
    dossier = submitted_dossier(call)
    return call, dossier


def _locked_message(dossier) -> str:
    return LOCKED.format(date=timezone.localtime(dossier.submitted_at).strftime("%d/%m/%Y %H:%M"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("closes_at", lambda c: timezone.localtime(c.closes_at + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
        ("opens_at", lambda c: timezone.localtime(c.opens_at - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
        ("planned_filing_date", lambda c: (c.planned_filing_date + dt.timedelta(days=1)).isoformat()),
        ("planned_effective_date", lambda c: (c.planned_effective_date + dt.timedelta(days=1)).isoformat()),
        ("year", lambda c: str(c.year + 1)),
    ],
)
def test_dates_are_frozen_after_the_first_submission(applied, staff_client, field, value):
    call, dossier = applied
    data = data_of(call, **{field: value(call)})
    _refused(
        staff_client, reverse("applications:staff_call_edit", args=[call.pk]), data, {field: [_locked_message(dossier)]}
    )


def test_texts_may_still_be_corrected_after_the_first_submission(applied, staff_client):
    call, _dossier = applied
    url = reverse("applications:staff_call_edit", args=[call.pk])
    response = staff_client.post(url, data_of(call, title_fr="Appel 2031 (corrigé)", intro_en="Corrected."))
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.title_fr, call.intro_en) == ("Appel 2031 (corrigé)", "Corrected.")


def test_the_edit_page_says_why_dates_are_frozen(applied, staff_client):
    call, dossier = applied
    page = staff_client.get(reverse("applications:staff_call_edit", args=[call.pk])).content.decode()
    assert _locked_message(dossier).replace("'", "&#x27;") in page


def test_a_call_with_dossiers_cannot_be_unpublished(applied, staff_client):
    call, _dossier = applied
    data = data_of(call)
    del data["is_published"]
    _refused(
        staff_client,
        reverse("applications:staff_call_edit", args=[call.pk]),
        data,
        {
            "is_published": [
                "Des dossiers ont été déposés sur cet appel : il ne peut plus être retiré de la publication."
            ]
        },
    )


def test_a_draft_does_not_freeze_anything(staff_client):
    call = CallFactory(year=2031)
    DossierFactory(call=call)
    new_close = timezone.localtime(call.closes_at + dt.timedelta(days=2))
    response = staff_client.post(
        reverse("applications:staff_call_edit", args=[call.pk]),
        data_of(call, closes_at=new_close.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.closes_at == new_close


# --- Themes ---------------------------------------------------------------------------------------


def theme_data(department, **overrides) -> dict:
    data = {
        "host_department": str(department.pk),
        "title_fr": "Les cours d'école oasis",
        "title_en": "Schoolyard oases",
        "description_fr": "Mesurer la fraîcheur des cours d'école végétalisées.",
        "description_en": "",
        "contact_name": "Camille Martin",
        "contact_email": "camille.martin@paris.fr",
        "keywords": "climat, école",
        "position": "1",
    }
    data.update(overrides)
    return data


def test_a_theme_is_added_with_its_readers(staff_client):
    call = CallFactory(year=2031, with_theme=False)
    department = HostDepartmentFactory()
    reader = role_user("department")
    data = theme_data(department, readers=[str(reader.pk)])
    response = staff_client.post(reverse("applications:staff_theme_create", args=[call.pk]), data)
    assert response.status_code == 302
    theme = call.themes.get()
    assert (theme.title_fr, theme.host_department, list(theme.readers.all())) == (
        "Les cours d'école oasis",
        department,
        [reader],
    )


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"title_fr": ""}, {"title_fr": ["Ce champ est obligatoire."]}),
        ({"contact_email": "pas-une-adresse"}, {"contact_email": ["Saisissez une adresse de courriel valide."]}),
        (
            {"description_fr": "x" * 4001},
            {"description_fr": ["Assurez-vous que cette valeur comporte au plus 4000 caractères (actuellement 4001)."]},
        ),
        (
            {"host_department": "99999999999999999999"},
            {"host_department": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]},
        ),
    ],
)
def test_bad_theme_input_is_refused(staff_client, overrides, errors):
    call = CallFactory(year=2031, with_theme=False)
    response = staff_client.post(
        reverse("applications:staff_theme_create", args=[call.pk]), theme_data(HostDepartmentFactory(), **overrides)
    )
    assert (response.status_code, dict(response.context["form"].errors)) == (400, errors)
    assert Theme.objects.count() == 0


def test_only_department_contacts_can_be_readers(staff_client, staff):
    call = CallFactory(year=2031, with_theme=False)
    candidate = role_user("candidate")
    response = staff_client.post(
        reverse("applications:staff_theme_create", args=[call.pk]),
        theme_data(HostDepartmentFactory(), readers=[str(candidate.pk)]),
    )
    assert dict(response.context["form"].errors) == {
        "readers": [f"Sélectionnez un choix valide. {candidate.pk} n’en fait pas partie."]
    }
    assert Theme.objects.count() == 0
    theme = ThemeFactory(call=call)
    with pytest.raises(calls.ValidationError) as refused:
        calls.save_theme(theme, [candidate])
    assert refused.value.message_dict == {
        "readers": [
            "Seuls les comptes de rôle « Contact de direction » peuvent lire les dossiers : " + candidate.email + "."
        ]
    }
    assert list(theme.readers.all()) == []


def test_a_theme_description_may_be_corrected_after_a_submission(applied, staff_client):
    call, _dossier = applied
    theme = call.themes.get()
    data = theme_data(theme.host_department, description_fr="Texte corrigé.", title_fr=theme.title_fr)
    response = staff_client.post(reverse("applications:staff_theme_edit", args=[call.pk, theme.pk]), data)
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.description_fr == "Texte corrigé."


def test_a_theme_chosen_by_a_dossier_cannot_be_deleted(staff_client):
    call = CallFactory(year=2031)
    theme = call.themes.get()
    spare = ThemeFactory(call=call)
    draft = DossierFactory(call=call)
    draft.theme = theme
    draft.save()
    url = reverse("applications:staff_theme_delete", args=[call.pk, theme.pk])
    message = "Ce thème a été choisi par 1 dossier : il ne peut pas être supprimé (corrigez plutôt son texte)."
    assert staff_client.get(url).context["refusal"] == message
    response = staff_client.post(url)
    assert (response.status_code, response.context["refusal"]) == (400, message)
    assert Theme.objects.filter(pk=theme.pk).exists()
    assert staff_client.post(reverse("applications:staff_theme_delete", args=[call.pk, spare.pk])).status_code == 302
    assert not Theme.objects.filter(pk=spare.pk).exists()


def test_the_last_theme_of_a_published_call_stays(staff_client):
    call = CallFactory(year=2031)
    theme = call.themes.get()
    response = staff_client.post(reverse("applications:staff_theme_delete", args=[call.pk, theme.pk]))
    assert (response.status_code, response.context["refusal"]) == (
        400,
        "C'est le seul thème d'un appel publié : un appel publié doit garder au moins un thème.",
    )
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_a_theme_of_another_call_is_not_found(staff_client):
    call, other = CallFactory(year=2031), CallFactory(year=2032)
    theme = other.themes.get()
    for name in ("staff_theme_edit", "staff_theme_delete"):
        assert staff_client.get(reverse(f"applications:{name}", args=[call.pk, theme.pk])).status_code == 404


# --- The evaluation grid --------------------------------------------------------------------------


def grid_data(criteria, new=None, total_extra=True) -> dict:
    """The formset as the page posts it: every stored criterion, then one extra (blank unless ``new``)."""
    data = {}
    forms = []
    for c in criteria:
        forms.append(
            {
                "id": str(c["pk"]),
                "label_fr": c.get("label_fr", "Critère"),
                "label_en": c.get("label_en", ""),
                "description_fr": c.get("description_fr", ""),
                "description_en": "",
                "weight": str(c.get("weight", "1")),
                "scale_min": str(c.get("scale_min", 0)),
                "scale_max": str(c.get("scale_max", 5)),
                **({"DELETE": "on"} if c.get("DELETE") else {}),
            }
        )
    if total_extra:
        forms.append(new or {})
    for index, form in enumerate(forms):
        for name, value in form.items():
            data[f"criteria-{index}-{name}"] = value
    data.update(
        {
            "criteria-TOTAL_FORMS": str(len(forms)),
            "criteria-INITIAL_FORMS": str(len(criteria)),
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def stored(call) -> list[dict]:
    return [
        {"pk": c.pk, "label_fr": c.label_fr, "weight": c.weight, "scale_min": c.scale_min, "scale_max": c.scale_max}
        for c in call.criteria.all()
    ]


def grid_state(call):
    return list(call.criteria.values_list("label_fr", "weight", "scale_min", "scale_max", "position"))


def test_the_grid_is_saved_in_order_with_a_new_criterion(staff_client):
    call = CallFactory(year=2031, is_published=False)
    new = {"label_fr": "Faisabilité", "label_en": "Feasibility", "weight": "1,5", "scale_min": "0", "scale_max": "10"}
    response = staff_client.post(reverse("applications:staff_grid", args=[call.pk]), grid_data(stored(call), new))
    assert response.status_code == 302
    assert grid_state(call) == [
        ("Qualité scientifique", Decimal("2.00"), 0, 5, 1),
        ("Intérêt pour la Ville", Decimal("1.00"), 0, 5, 2),
        ("Faisabilité", Decimal("1.50"), 0, 10, 3),
    ]


@pytest.mark.parametrize(
    ("new", "errors"),
    [
        (
            {"label_fr": "X", "weight": "0", "scale_min": "0", "scale_max": "5"},
            {"weight": ["La pondération doit être strictement positive."]},
        ),
        (
            {"label_fr": "X", "weight": "-2", "scale_min": "0", "scale_max": "5"},
            {"weight": ["La pondération doit être strictement positive."]},
        ),
        (
            {"label_fr": "X", "weight": "1", "scale_min": "5", "scale_max": "5"},
            {"scale_max": ["La note maximale doit être supérieure à la note minimale."]},
        ),
        ({"label_fr": "X", "weight": "abc", "scale_min": "0", "scale_max": "5"}, {"weight": ["Saisissez un nombre."]}),
        (
            {"label_fr": "", "weight": "1", "scale_min": "0", "scale_max": "5"},
            {"label_fr": ["Ce champ est obligatoire."]},
        ),
    ],
)
def test_a_bad_criterion_is_refused_and_the_grid_unchanged(staff_client, new, errors):
    call = CallFactory(year=2031, is_published=False)
    before = grid_state(call)
    response = staff_client.post(reverse("applications:staff_grid", args=[call.pk]), grid_data(stored(call), new))
    assert response.status_code == 400
    assert response.context["formset"].errors == [{}, {}, errors]
    assert grid_state(call) == before


def test_a_published_call_keeps_at_least_one_criterion(staff_client):
    call = CallFactory(year=2031)
    before = grid_state(call)
    rows = [{**c, "DELETE": True} for c in stored(call)]
    response = staff_client.post(reverse("applications:staff_grid", args=[call.pk]), grid_data(rows))
    assert (response.status_code, response.context["general"]) == (
        400,
        ["Un appel publié doit garder une grille d'au moins un critère."],
    )
    assert grid_state(call) == before


def test_the_grid_is_frozen_after_the_first_submission_but_labels_may_be_corrected(applied, staff_client):
    call, dossier = applied
    url = reverse("applications:staff_grid", args=[call.pk])
    before = grid_state(call)
    reason = _locked_message(dossier)
    rows = stored(call)
    for change, errors in [
        ({"weight": "3"}, [{"weight": [reason]}, {}, {}]),
        ({"scale_max": "10"}, [{"scale_max": [reason]}, {}, {}]),
        ({"DELETE": True}, [{"DELETE": [reason]}, {}, {}]),
    ]:
        response = staff_client.post(url, grid_data([{**rows[0], **change}, rows[1]]))
        assert (response.status_code, [f.errors for f in response.context["formset"].forms]) == (400, errors)
        assert grid_state(call) == before
    added = {"label_fr": "Nouveau", "weight": "1", "scale_min": "0", "scale_max": "5"}
    response = staff_client.post(url, grid_data(rows, added))
    assert response.context["formset"].forms[2].non_field_errors() == [reason]
    assert grid_state(call) == before
    response = staff_client.post(url, grid_data([{**rows[0], "label_fr": "Qualité scientifique du projet"}, rows[1]]))
    assert response.status_code == 302
    assert [label for label, *_rest in grid_state(call)] == ["Qualité scientifique du projet", "Intérêt pour la Ville"]


def test_a_criterion_of_another_call_cannot_be_posted_into_this_grid(staff_client):
    call, other = CallFactory(year=2031, is_published=False), CallFactory(year=2032)
    foreign = other.criteria.first()
    rows = [*stored(call), {"pk": foreign.pk, "label_fr": "Volé", "weight": "9"}]
    before = grid_state(call)
    response = staff_client.post(reverse("applications:staff_grid", args=[call.pk]), grid_data(rows))
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors() == [
        "La grille a changé depuis l'ouverture de la page : rechargez-la."
    ]
    assert (Criterion.objects.get(pk=foreign.pk).call, Criterion.objects.get(pk=foreign.pk).label_fr) == (
        other,
        foreign.label_fr,
    )
    assert grid_state(call) == before


# --- Lists make a fixed number of queries -------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_the_call_list_makes_the_same_queries_whatever_its_rows(rows, staff_client, django_assert_num_queries):
    for year in range(rows):
        call = CallFactory(year=2040 + year)
        submitted_dossier(call)
        DossierFactory(call=call)
    # session, user, roles, second factor, count, page (with its four counts as subqueries)
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("applications:staff_calls"))
    assert [(c.theme_count, c.criterion_count, c.submitted_count, c.draft_count) for c in response.context["page"]] == [
        (1, 2, 1, 1)
    ] * rows


@pytest.mark.parametrize("rows", [1, 3])
def test_the_call_page_makes_the_same_queries_whatever_its_themes(rows, staff_client, django_assert_num_queries):
    call = CallFactory(year=2031)
    for _ in range(rows - 1):
        ThemeFactory(call=call).readers.add(role_user("department"))
    # session, user, roles, second factor, call, themes, readers, criteria, first submission, counts (2),
    # the evaluation's section (1: staff_evaluation.call_context), the committee's (5: staff_decisions)
    with django_assert_num_queries(17):
        response = staff_client.get(reverse("applications:staff_call", args=[call.pk]))
    assert len(response.context["themes"]) == rows
