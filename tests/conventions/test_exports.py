import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conventions.factories import ConventionFactory, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    convention = ConventionFactory(anrt_number="2025/0042")
    convention.doctoral_student.first_name, convention.doctoral_student.last_name = "=1+1", "Bernard"
    convention.doctoral_student.save()
    receive(convention, "employment_contract", "hiring_declaration", on=dt.date(2025, 3, 20))
    ConventionFactory(
        anrt_number="2025/0043",
        effective_date=dt.date(2026, 1, 5),
        committee_date=dt.date(2025, 12, 1),
        gross_salary="28000",
    )
    return convention


def test_csv_export_follows_the_filters(convention, staff, client_for):
    response = client_for(staff).get(reverse("conventions:export", args=["csv"]), {"year": "2025"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Numéro ANRT", "Doctorant·e", "E-mail"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == "2025/0042"
    assert row[1] == "'=1+1 Bernard"  # no formula injection
    assert row[5:9] == ["En cours", "2025-03-17", "2028-03-16", "36"]
    assert row[11] == (
        "Certificat d'inscription 2024/2025, Contrat de collaboration, Certificat d'inscription 2025/2026, "
        "Rapport d'activité n° 1"
    )


def test_xlsx_export_is_a_workbook(convention, staff, client_for):
    response = client_for(staff).get(reverse("conventions:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values] == ["Numéro ANRT", "2025/0043", "2025/0042"]
    assert values[2][6] == dt.datetime(2025, 3, 17)
