"""CSV and XLSX exports of a call's screening list: the filtered rows, Paris times, formulas defused."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Dossier
from tests.applications.factories import CallFactory
from tests.applications.screening_world import make_world, role_user, submitted_dossier

pytestmark = pytest.mark.django_db
HEADER = [
    "Numéro",
    "Statut",
    "Nom",
    "Prénom",
    "E-mail",
    "Téléphone",
    "Thème",
    "Direction d'accueil",
    "Diplôme",
    "Établissement du diplôme",
    "Date du diplôme",
    "Laboratoire",
    "Code d'unité",
    "Directeur·rice de thèse",
    "Contrôles en échec",
    "Contrôles levés",
    "Demande en cours : date limite",
    "Déposé le (heure de Paris)",
    "Version",
]


@pytest.fixture
def world(db):
    world = make_world()
    # A candidate who typed formulas into their details: never run by the spreadsheet.
    Dossier.objects.filter(pk=world["dossier"].pk).update(
        email="=1+2@x.org", last_name="+SUM(A1:A9)", first_name="@cmd", phone="-1"
    )
    other = world["other"]
    other.eligibility = [{**e, "ok": False} if e["code"] == "masters_recent" else e for e in other.eligibility]
    other.save(update_fields=["eligibility"])
    for name in ("dossier", "other"):
        world[name].refresh_from_db()
    return world


@pytest.fixture
def staff_client(client_for):
    return client_for(role_user("staff"))


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def paris(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def test_the_csv_export_lists_the_rows_with_formulas_defused(world, staff_client):
    call, dossier, other = world["call"], world["dossier"], world["other"]
    response = staff_client.get(reverse("applications:staff_dossier_export", args=[call.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="dossiers-{call.year}-{timezone.localdate().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == HEADER
    assert rows[1] == [
        dossier.number,
        "Déposé",
        "'+SUM(A1:A9)",
        "'@cmd",
        "'=1+2@x.org",
        "'-1",
        world["theme"].title_fr,
        str(world["theme"].host_department),
        "Master Géographie et aménagement",
        "Université Paris 1 Panthéon-Sorbonne",
        dossier.degree_date.isoformat(),
        "Géographie-cités",
        "UMR 8504",
        "Pr Dominique Durand",
        "",
        "",
        "",
        paris(dossier.submitted_at),
        "1",
    ]
    assert rows[2][0] == other.number
    assert rows[2][14] == "Master de moins de trois ans"
    assert len(rows) == 3  # the draft is never exported


def test_the_xlsx_export_has_the_same_rows_and_real_dates(world, staff_client):
    from openpyxl import load_workbook

    call, dossier = world["call"], world["dossier"]
    response = staff_client.get(reverse("applications:staff_dossier_export", args=[call.pk, "xlsx"]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert rows[1][:6] == [dossier.number, "Déposé", "'+SUM(A1:A9)", "'@cmd", "'=1+2@x.org", "'-1"]
    assert rows[1][10] == dt.datetime.combine(dossier.degree_date, dt.time())
    assert rows[1][17] == timezone.localtime(dossier.submitted_at).replace(tzinfo=None, microsecond=0)
    assert rows[1][18] == 1
    assert [row[0] for row in rows[1:]] == [dossier.number, world["other"].number]
    # Nothing in the sheet is a formula.
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for row in rows for v in row)


def test_the_export_takes_the_list_filters_and_the_open_request(world, staff_client):
    call, other = world["call"], world["other"]
    staff = role_user("staff")
    deadline = timezone.now() + dt.timedelta(days=5)
    services.request_missing_items(other.pk, staff, ["degree"], "Diplôme ?", deadline)
    services.override_check(other.pk, staff, "masters_recent", "Équivalence reconnue.")
    url = reverse("applications:staff_dossier_export", args=[call.pk, "csv"])
    rows = csv_rows(staff_client.get(url + f"?theme={world['other_theme'].pk}"))
    assert [row[0] for row in rows[1:]] == [other.number]
    assert rows[1][1] == "Pièces manquantes demandées"
    assert (rows[1][14], rows[1][15], rows[1][16]) == ("", "Master de moins de trois ans", paris(deadline))
    assert csv_rows(staff_client.get(url + "?failing=any")) == [HEADER]
    assert [row[0] for row in csv_rows(staff_client.get(url + "?sort=-number"))[1:]] == [
        other.number,
        world["dossier"].number,
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_refused_filter_gives_the_list_with_its_error_not_a_file(world, staff_client, fmt):
    url = reverse("applications:staff_dossier_export", args=[world["call"].pk, fmt])
    response = staff_client.get(url + "?theme=99999999999999999999")
    assert (response.status_code, response["Content-Type"]) == (400, "text/html; charset=utf-8")
    assert dict(response.context["filter"].errors) == {
        "theme": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]
    }


@pytest.mark.parametrize("rows", [1, 3])
def test_the_export_makes_the_same_queries_whatever_its_rows(rows, client_for, django_assert_num_queries):
    call = CallFactory()
    for _ in range(rows):
        submitted_dossier(call)
    client = client_for(role_user("staff"))
    url = reverse("applications:staff_dossier_export", args=[call.pk, "xlsx"])
    # session, user, roles, second factor, call, count, rows, overrides, open requests
    with django_assert_num_queries(9):
        client.get(url)
