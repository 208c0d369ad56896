"""The timeline's document links: a receipt recorded without a file is plain text, every link answers."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from conventions import services
from tests.conventions.factories import ConventionFactory, receive
from tests.conventions.pdfs import pdf_upload

pytestmark = pytest.mark.django_db

DOWNLOAD = re.compile(r'href="(/conventions/documents/\d+/telecharger/)"')


def _timeline(client, convention) -> str:
    html = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    start = html.index('<table class="table align-middle" id="timeline">')
    return html[start : html.index("</table>", start)]


def _row(timeline: str, row_id: str) -> str:
    start = timeline.index(f'<tr id="{row_id}"')
    return timeline[start : timeline.index("</tr>", start)]


def test_a_receipt_without_file_is_plain_text_and_every_file_link_answers(staff, client_for):
    convention = ConventionFactory()
    receive(convention, "employment_contract", on=dt.date(2025, 3, 10), user=staff)
    with_file = services.add_document(
        convention.obligations.get(key="hiring_declaration"),
        pdf_upload("dpae.pdf"),
        staff,
        received_on=dt.date(2025, 3, 12),
        confirm=True,
    )
    student_upload = services.add_document(
        convention.obligations.get(key="activity_report:1"),
        pdf_upload("rapport.pdf"),
        convention.doctoral_student,
        received_on=None,
        confirm=False,
    )
    without_file = convention.obligations.get(key="employment_contract").documents.get()
    staff_client = client_for(staff)
    timeline = _timeline(staff_client, convention)

    no_file_row = _row(timeline, "obligation-employment_contract")
    assert reverse("conventions:document_download", args=[without_file.pk]) not in no_file_row
    assert "<br>(sans fichier)" in no_file_row
    links = DOWNLOAD.findall(timeline)
    assert links == [
        reverse("conventions:document_download", args=[with_file.pk]),
        reverse("conventions:document_download", args=[student_upload.pk]),
    ]
    assert [staff_client.get(url).status_code for url in links] == [200, 200]
    assert staff_client.get(reverse("conventions:document_download", args=[without_file.pk])).status_code == 404

    student_client = client_for(convention.doctoral_student)
    student_timeline = _timeline(student_client, convention)
    assert "<br>(sans fichier)" in _row(student_timeline, "obligation-employment_contract")
    student_links = DOWNLOAD.findall(student_timeline)
    assert student_links == links
    assert [student_client.get(url).status_code for url in student_links] == [200, 200]
