"""Department contacts read the submitted dossiers of their themes: a list and the dossier page, read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications import services
from tests.applications.factories import CallFactory, ThemeFactory
from tests.applications.screening_world import make_world, role_user, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_world()


def listed(response) -> list[str]:
    return [d.number for d in response.context["page"].object_list]


def test_the_list_holds_only_the_readers_themes_submitted_dossiers(world, client_for):
    response = client_for(world["reader"]).get(reverse("applications:department_dossiers"))
    assert response.status_code == 200
    assert listed(response) == [world["dossier"].number]
    assert [t.pk for t in response.context["filter"].form.fields["theme"].queryset] == [world["theme"].pk]
    assert world["other"].number not in response.content.decode()


def test_a_reader_of_two_calls_themes_sees_both(world, client_for):
    later = CallFactory()
    theme = later.themes.get()
    theme.readers.add(world["reader"])
    dossier = submitted_dossier(later, theme)
    response = client_for(world["reader"]).get(reverse("applications:department_dossiers"))
    assert sorted(listed(response)) == sorted([world["dossier"].number, dossier.number])
    filtered = client_for(world["reader"]).get(reverse("applications:department_dossiers") + f"?theme={theme.pk}")
    assert listed(filtered) == [dossier.number]


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_makes_the_same_queries_whatever_its_rows(rows, client_for, django_assert_num_queries):
    call = CallFactory()
    theme = call.themes.get()
    reader = role_user("department")
    theme.readers.add(reader)
    for _ in range(rows):
        submitted_dossier(call, theme)
    client = client_for(reader)
    url = reverse("applications:department_dossiers")
    # session, user, roles, second factor, count, page, overrides, open requests, themes, departments
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(listed(response)) == rows


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "theme=99999999999999999999",
            {"theme": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]},
        ),
        ("theme=-3", {"theme": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]}),
    ],
)
def test_a_theme_the_reader_does_not_read_is_not_a_filter(world, client_for, query, errors):
    response = client_for(world["reader"]).get(reverse("applications:department_dossiers") + "?" + query)
    assert (response.status_code, dict(response.context["filter"].errors)) == (400, errors)
    other_theme = client_for(world["reader"]).get(
        reverse("applications:department_dossiers") + f"?theme={world['other_theme'].pk}"
    )
    assert (other_theme.status_code, listed(other_theme)) == (400, [])


def test_a_page_number_out_of_range_shows_the_first_page(world, client_for):
    response = client_for(world["reader"]).get(reverse("applications:department_dossiers") + "?page=-7")
    assert (response.status_code, response.context["notice"]) == (
        200,
        "La page « -7 » n'existe pas : la première page est affichée.",
    )


def test_the_dossier_page_is_read_only_and_keeps_screening_notes_private(world, client_for):
    dossier = world["dossier"]
    staff = role_user("staff")
    dossier.eligibility = [{**e, "ok": False} if e["code"] == "not_doctor" else e for e in dossier.eligibility]
    dossier.save(update_fields=["eligibility"])
    services.override_check(dossier.pk, staff, "not_doctor", "Note interne : doctorat étranger non reconnu.")
    services.mark_complete(dossier.pk, staff)
    response = client_for(world["reader"]).get(reverse("applications:department_dossier", args=[dossier.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert [e.kind for e in response.context["events"]] == ["submitted", "complete"]
    assert response.context["internal"] is False
    assert "Note interne" not in page
    assert '<form method="post" action="/candidatures/gestion/dossiers/' not in page
    for name in ("complete", "request", "eligibility", "override"):
        assert reverse(f"applications:staff_dossier_{name}", args=[dossier.pk]) not in page
    assert reverse("applications:department_dossier_file", args=[dossier.pk, dossier.files.get(kind="cv").pk]) in page


def test_a_reader_removed_from_the_theme_loses_access(world, client_for):
    world["theme"].readers.remove(world["reader"])
    client = client_for(world["reader"])
    assert client.get(reverse("applications:department_dossier", args=[world["dossier"].pk])).status_code == 404
    assert listed(client.get(reverse("applications:department_dossiers"))) == []


def test_a_dossier_moved_to_a_theme_of_another_department_leaves_the_list(world, client_for):
    dossier = world["dossier"]
    dossier.theme = ThemeFactory(call=world["call"])
    dossier.save(update_fields=["theme"])
    client = client_for(world["reader"])
    assert client.get(reverse("applications:department_dossier", args=[dossier.pk])).status_code == 404
