"""The doctoral student's timeline shows what concerns them: their documents, deadlines, what they must do and
what is at stake; not invoice numbers nor the name of the staff member who recorded a receipt (issue 12, 6f).
Staff keep both."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from subsidies.domain import invoicing
from subsidies.domain.sweep import sweep
from tests.conventions.factories import receive
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world(staff):
    convention = make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    first, second = invoicing.issue_invoices([i.pk for i in invoicing.invoiceable()], staff, issued_on=D(2026, 6, 2))
    invoicing.record_payment(first.pk, first.amount, D(2026, 6, 10), staff, "VIR")
    invoicing.record_payment(second.pk, Decimal("100.00"), D(2026, 6, 10), staff, "VIR")
    receive(convention, "hiring_declaration", on=D(2025, 3, 12), user=staff)
    return convention, first, second


def _timeline(client, convention) -> str:
    html = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    timeline = html[html.index('<table class="table align-middle" id="timeline">') :]
    return re.sub(r"\s+", " ", timeline[: timeline.index("</table>")])


def test_the_student_sees_no_invoice_number_nor_staff_name(world, staff, client_for):
    convention, first, second = world
    timeline = _timeline(client_for(convention.doctoral_student), convention)
    assert first.number not in timeline and second.number not in timeline
    assert "facture" not in timeline.lower()
    assert staff.get_full_name() not in timeline and str(staff) not in timeline
    assert "enregistré par" not in timeline
    assert "Versée par l&#x27;ANRT à la Ville" in timeline or "Versée par l'ANRT à la Ville" in timeline
    assert "reçu le 12/03/2025" in timeline  # their documents and dates stay


def test_the_student_is_told_what_to_do_and_what_is_at_stake(world, client_for):
    convention, _first, _second = world
    pending = convention.obligations.filter(is_current=True, received_on__isnull=True, forfeits_on__isnull=False)
    assert pending.exists()
    timeline = _timeline(client_for(convention.doctoral_student), convention)
    assert "À faire : si l'ANRT ne reçoit pas ce document avant le" in timeline
    assert "la subvention de ces échéances est perdue." in timeline


def test_staff_keep_invoice_numbers_and_who_recorded(world, staff, client_for):
    convention, first, second = world
    timeline = _timeline(client_for(staff), convention)
    assert f"Payée (facture {first.number})" in timeline
    assert f"Facture {second.number} :" in timeline
    assert "enregistré par" in timeline and str(staff) in timeline
    assert "À faire :" not in timeline
