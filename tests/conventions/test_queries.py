"""Every list makes the same number of queries with 1 and with 3 rows (django_assert_num_queries)."""

import datetime as dt

import pytest
from django.urls import reverse

from conventions import services
from tests.conventions.factories import ConventionFactory, receive
from tests.conventions.pdfs import pdf_upload

pytestmark = pytest.mark.django_db

STAFF_PAGES = {
    "conventions:list": 9,
    "conventions:obligations": 6,
    "conventions:instalments": 6,
    "conventions:dashboard": 11,  # 10 + the quarterly chart (conventions.charts.expected_by_quarter)
    "conventions:rates": 5,
}


def make(n, staff):
    conventions = [ConventionFactory() for _ in range(n)]
    for convention in conventions:
        receive(convention, "employment_contract", "hiring_declaration", on=dt.date(2025, 3, 20))
        services.add_document(
            convention.obligations.get(key="enrolment:2024"),
            pdf_upload(),
            staff,
            received_on=dt.date(2025, 4, 1),
            confirm=True,
        )
        services.add_suspension(convention, dt.date(2026, 1, 5), dt.date(2026, 3, 4))
    return conventions


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize(("name", "queries"), STAFF_PAGES.items())
def test_staff_lists(rows, name, queries, staff, client_for, django_assert_num_queries):
    make(rows, staff)
    client = client_for(staff)
    with django_assert_num_queries(queries):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports(rows, fmt, staff, client_for, django_assert_num_queries):
    make(rows, staff)
    client = client_for(staff)
    with django_assert_num_queries(6):
        response = client.get(reverse("conventions:export", args=[fmt]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_convention_page_and_history(rows, staff, client_for, django_assert_num_queries):
    """The timeline and the history with 1 and 3 documents (and their history rows)."""
    convention = make(1, staff)[0]
    report = convention.obligations.get(key="activity_report:1")
    for _ in range(rows):
        services.add_document(report, pdf_upload(), convention.doctoral_student, received_on=None, confirm=False)
    client = client_for(staff)
    with django_assert_num_queries(12):
        assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == 200
    with django_assert_num_queries(14):
        assert client.get(reverse("conventions:history", args=[convention.pk])).status_code == 200


@pytest.mark.parametrize("rows", [2, 3])
def test_my_conventions_list(rows, client_for, django_assert_num_queries):
    """With a single convention the page redirects to its timeline, so the list is measured with 2 and 3."""
    student = ConventionFactory().doctoral_student
    for _ in range(rows - 1):
        ConventionFactory(doctoral_student=student)
    client = client_for(student)
    with django_assert_num_queries(4):
        response = client.get(reverse("conventions:my_conventions"))
    assert len(response.context["conventions"]) == rows
