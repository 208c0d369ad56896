"""Staff record a received document; the timeline and the dashboard change; axe finds no violation."""

import datetime as dt
import re

import pytest

from conventions import rules, services
from tests.conventions.factories import ConventionFactory, receive
from tests.conventions.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_record_a_document_and_watch_timeline_and_dashboard(
    page, live_server, login_page, staff, assert_accessible, tmp_path
):
    today = services.today()
    # Started a year and ten days ago: the first activity report is ten days overdue, everything else is in.
    effective = rules.add_months(today - dt.timedelta(days=10), -12)
    convention = ConventionFactory(
        effective_date=effective,
        committee_date=effective - dt.timedelta(days=30),
        submission_date=effective - dt.timedelta(days=40),
        as_of=today,
    )
    for obligation in convention.obligations.filter(due_date__lte=today).exclude(key="activity_report:1"):
        receive(convention, obligation.key, on=max(effective, obligation.due_date - dt.timedelta(days=1)), as_of=today)
    first = convention.obligations.get(key="activity_report:1")
    assert first.status == "overdue"
    login_page(page, staff)

    page.goto(f"{live_server.url}/conventions/tableau-de-bord/")
    assert page.locator("h1").inner_text() == "Tableau de bord des conventions"
    assert page.locator("#fig-overdue strong").inner_text() == "1"
    assert_accessible(page)
    page.locator("#fig-overdue").click()  # the figure links to its rows
    assert page.locator("#obligation-list tbody tr td:first-child a").all_inner_texts() == [convention.anrt_number]
    assert_accessible(page)
    page.goto(f"{live_server.url}/conventions/?missing=activity_report")
    assert page.locator("#convention-list tbody tr td:first-child a").all_inner_texts() == [convention.anrt_number]
    assert_accessible(page)

    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    row = page.locator(f"#obligation-{first.key.replace(':', '')}")
    assert row.locator(".badge").inner_text() == "En retard"
    assert_accessible(page)

    row.get_by_role("link", name=re.compile("Enregistrer la réception")).click()
    pdf = tmp_path / "certificat.pdf"
    pdf.write_bytes(pdf_bytes())
    page.set_input_files("input[type=file]", str(pdf))
    page.get_by_label("Reçu par l'ANRT le").fill(today.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(f"{live_server.url}/conventions/{convention.pk}/")
    assert page.locator(".alert").first.inner_text() == "La réception est enregistrée ; l'échéancier est recalculé."
    row = page.locator(f"#obligation-{first.key.replace(':', '')}")
    assert row.locator(".badge").inner_text() == "Reçu"
    assert row.get_by_role("link", name="certificat.pdf").count() == 1
    assert_accessible(page)

    page.goto(f"{live_server.url}/conventions/tableau-de-bord/")
    assert page.locator("#fig-overdue strong").inner_text() == "0"
    page.locator("#fig-payable").click()
    numbers = page.locator("#instalment-list tbody tr td:first-child a").all_inner_texts()
    assert set(numbers) == {convention.anrt_number}
    assert_accessible(page)
