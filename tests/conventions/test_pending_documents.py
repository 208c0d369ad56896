"""The staff list of doctoral students' uploads waiting for confirmation, and its figure on the dashboard."""

import datetime as dt

import pytest
from django.urls import reverse

from conventions import queries, services
from tests.conventions.factories import ConventionFactory
from tests.conventions.pdfs import pdf_upload

pytestmark = pytest.mark.django_db


def student_upload(convention, key, name="rapport.pdf"):
    obligation = convention.obligations.get(key=key)
    return services.add_document(
        obligation, pdf_upload(name), convention.doctoral_student, received_on=None, confirm=False
    )


@pytest.mark.parametrize("rows", [1, 3])
def test_query_count_is_the_same_with_1_and_3_documents(rows, staff, client_for, django_assert_num_queries):
    for _ in range(rows):
        student_upload(ConventionFactory(), "activity_report:1")
    client = client_for(staff)
    with django_assert_num_queries(6):
        response = client.get(reverse("conventions:pending_documents"))
    assert len(response.context["page"].object_list) == rows


def test_only_unconfirmed_uploads_are_listed_oldest_first_and_counted_on_the_dashboard(staff, client_for):
    first, second = ConventionFactory(), ConventionFactory()
    report = student_upload(first, "activity_report:1", "rapport-1.pdf")
    certificate = student_upload(second, "enrolment:2025", "inscription.pdf")
    services.add_document(  # staff uploads are confirmed at once: never waiting
        first.obligations.get(key="collaboration_contract"),
        pdf_upload(),
        staff,
        received_on=dt.date(2025, 8, 1),
        confirm=True,
    )
    client = client_for(staff)
    response = client.get(reverse("conventions:pending_documents"))
    assert list(response.context["page"].object_list) == [report, certificate]
    html = response.content.decode()
    confirm_url = reverse("conventions:document_confirm", args=[report.pk])
    assert f'href="{confirm_url}?next={reverse("conventions:pending_documents")}"' in html
    assert first.anrt_number in html and "Rapport" in html

    dashboard = client.get(reverse("conventions:dashboard"))
    assert dashboard.context["board"].pending_documents == 2
    assert (
        f'<a id="fig-pending-documents" href="{reverse("conventions:pending_documents")}"><strong>2</strong> '
        "documents à confirmer</a>"
    ) in dashboard.content.decode()

    response = client.post(
        f"{confirm_url}?next={reverse('conventions:pending_documents')}", {"received_on": "2026-05-20"}
    )
    assert (response.status_code, response["Location"]) == (302, reverse("conventions:pending_documents"))
    assert list(queries.pending_documents()) == [certificate]
    assert queries.dashboard().pending_documents == 1


def test_confirmation_ignores_a_next_url_outside_the_site(staff, client_for):
    convention = ConventionFactory()
    document = student_upload(convention, "activity_report:1")
    url = reverse("conventions:document_confirm", args=[document.pk]) + "?next=https://evil.example/"
    response = client_for(staff).post(url, {"received_on": "2026-05-20"})
    assert (response.status_code, response["Location"]) == (302, reverse("conventions:detail", args=[convention.pk]))
    assert list(queries.pending_documents()) == []


def test_a_bad_confirmation_date_keeps_the_document_waiting(staff, client_for):
    document = student_upload(ConventionFactory(), "activity_report:1")
    url = reverse("conventions:document_confirm", args=[document.pk])
    response = client_for(staff).post(url, {"received_on": "2099-01-01"})
    assert (response.status_code, response.context["form"].errors) == (
        400,
        {"received_on": ["La date de réception ne peut pas être dans le futur."]},
    )
    assert list(queries.pending_documents()) == [document]
