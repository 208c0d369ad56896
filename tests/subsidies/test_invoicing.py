"""Invoices, credit notes, payments, numbering and the PDF read back."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from subsidies.domain import invoicing
from subsidies.domain.sweep import sweep
from subsidies.models import Instalment, Invoice, InvoiceSequence, Payment
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def example_a():
    convention = make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    return convention


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.pdf
def test_issue_numbers_snapshot_and_pdf(example_a, staff):
    ids = [i.pk for i in invoicing.invoiceable()]
    assert [Instalment.objects.get(pk=pk).number for pk in ids] == [1, 2]
    first, second = invoicing.issue_invoices(ids, staff, issued_on=D(2026, 6, 2))
    assert (first.number, second.number) == ("2026-0001", "2026-0002")
    assert (first.amount, second.amount) == (Decimal("564.52"), Decimal("3500.00"))
    assert first.batch == second.batch
    assert (first.period_start, first.period_end) == (D(2025, 3, 17), D(2025, 3, 31))
    assert first.employer_name == "Ville de Paris"
    assert Instalment.objects.get(pk=ids[0]).invoiced_on == D(2026, 6, 2)
    assert list(invoicing.invoiceable()) == []
    assert InvoiceSequence.objects.get(year=2026).last_number == 2

    text = pdf_text(invoicing.pdf_bytes(first))
    assert "Facture n° 2026-0001" in text
    assert f"Convention CIFRE {example_a.anrt_number}" in text
    assert "Versement n° 1" in text
    assert "du 17/03/2025 au 31/03/2025" in text
    assert "Total à payer 564,50 €" not in text
    assert "Total à payer 564,52 €" in text.replace("\u00a0", " ")
    assert "TVA non applicable, art. 293 B du CGI" in text
    assert "Ville de Paris" in text and "SIRET " + first.employer_siret in text
    assert "Association nationale de la recherche et de la technologie (ANRT)" in text


def test_an_instalment_is_never_invoiced_twice(example_a):
    ids = [i.pk for i in invoicing.invoiceable()]
    invoicing.issue_invoices(ids[:1], issued_on=D(2026, 6, 2))
    with pytest.raises(ValidationError) as error:
        invoicing.issue_invoices(ids, issued_on=D(2026, 6, 2))
    assert error.value.messages == [f"L'échéance {example_a.anrt_number} n° 1 est déjà facturée (le 02/06/2026)."]
    # All or nothing: instalment 2 was not invoiced and no number was used.
    assert Invoice.objects.count() == 1
    assert InvoiceSequence.objects.get(year=2026).last_number == 1


def test_only_payable_instalments_are_invoiced(example_a):
    forfeited = example_a.instalments.get(number=5)
    with pytest.raises(ValidationError) as error:
        invoicing.issue_invoices([forfeited.pk], issued_on=D(2026, 6, 2))
    assert error.value.messages == [
        f"L'échéance {example_a.anrt_number} n° 5 n'est pas exigible : elle ne peut pas être facturée."
    ]
    with pytest.raises(ValidationError):
        invoicing.issue_invoices([], issued_on=D(2026, 6, 2))


@pytest.mark.pdf
def test_credit_note_keeps_the_numbering_whole_and_frees_the_instalment(example_a, staff):
    ids = [i.pk for i in invoicing.invoiceable()]
    invoice, _second = invoicing.issue_invoices(ids, issued_on=D(2026, 6, 2))
    credit = invoicing.cancel_invoice(invoice.pk, staff, "Erreur de période", issued_on=D(2026, 6, 3))
    invoice.refresh_from_db()
    assert (credit.number, credit.kind, credit.amount, credit.cancels_id) == (
        "2026-0003",
        "credit_note",
        Decimal("-564.52"),
        invoice.pk,
    )
    assert invoice.status == "cancelled"
    assert Instalment.objects.get(pk=ids[0]).invoiced_on is None
    text = pdf_text(invoicing.pdf_bytes(credit))
    assert "Avoir n° 2026-0003" in text
    assert "Facture annulée 2026-0001" in text
    assert "-564,52" in text.replace("\u00a0", " ")
    # The instalment can be invoiced again, with the next number.
    again = invoicing.issue_invoices([ids[0]], issued_on=D(2026, 6, 4))
    assert [i.number for i in again] == ["2026-0004"]
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    with pytest.raises(ValidationError):
        invoicing.cancel_invoice(invoice.pk, staff, "encore")
    with pytest.raises(ValidationError):
        invoicing.cancel_invoice(credit.pk, staff, "un avoir")
    with pytest.raises(ValidationError) as error:
        invoicing.cancel_invoice(again[0].pk, staff, "   ")
    assert error.value.message_dict == {"reason": ["Indiquez le motif de l'avoir."]}


def test_payments_partial_then_full(example_a, staff):
    invoice = invoicing.issue_invoices([invoicing.invoiceable()[1].pk], issued_on=D(2026, 6, 2))[0]
    invoicing.record_payment(invoice.pk, Decimal("1000.00"), D(2026, 6, 20), staff, as_of=D(2026, 7, 1))
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid"
    state = invoicing.instalment_payment_states([invoice.instalment_id])[invoice.instalment_id]
    assert (state.paid, state.due, state.is_paid) == (Decimal("1000.00"), Decimal("2500.00"), False)

    for amount, received_on, errors in [
        (Decimal("0"), D(2026, 6, 21), {"amount": ["Le montant doit être supérieur à zéro."]}),
        (Decimal("-5"), D(2026, 6, 21), {"amount": ["Le montant doit être supérieur à zéro."]}),
        (
            Decimal("2500.01"),
            D(2026, 6, 21),
            {"amount": ["Le montant dépasse le reste dû sur cette facture (2\u202f500,00\u00a0€)."]},
        ),
        (
            Decimal("10.001"),
            D(2026, 6, 21),
            {"amount": ["Le montant s'exprime en euros et centimes (deux décimales au plus)."]},
        ),
        (Decimal("10"), D(2026, 7, 2), {"received_on": ["La date de réception ne peut pas être dans le futur."]}),
        (
            Decimal("10"),
            D(2026, 6, 1),
            {"received_on": ["La date de réception précède l'émission de la facture (02/06/2026)."]},
        ),
    ]:
        with pytest.raises(ValidationError) as error:
            invoicing.record_payment(invoice.pk, amount, received_on, staff, as_of=D(2026, 7, 1))
        assert error.value.message_dict == errors
    assert Payment.objects.count() == 1

    invoicing.record_payment(invoice.pk, Decimal("2500.00"), D(2026, 6, 30), staff, as_of=D(2026, 7, 1))
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    state = invoicing.instalment_payment_states([invoice.instalment_id])[invoice.instalment_id]
    assert (state.paid, state.due, state.is_paid) == (Decimal("3500.00"), Decimal("0.00"), True)
    # A paid invoice cannot be cancelled.
    with pytest.raises(ValidationError):
        invoicing.cancel_invoice(invoice.pk, staff, "trop tard")


@pytest.mark.pdf
def test_batch_zip_holds_one_pdf_per_invoice(example_a):
    invoices = invoicing.issue_invoices([i.pk for i in invoicing.invoiceable()], issued_on=D(2026, 6, 2))
    archive = zipfile.ZipFile(io.BytesIO(invoicing.invoices_zip(invoices)))
    assert archive.namelist() == ["facture-2026-0001.pdf", "facture-2026-0002.pdf"]
    assert "Facture n° 2026-0002" in pdf_text(archive.read("facture-2026-0002.pdf"))


def test_numbering_restarts_each_year(example_a):
    first, second = [i.pk for i in invoicing.invoiceable()]
    assert invoicing.issue_invoices([first], issued_on=D(2026, 12, 31))[0].number == "2026-0001"
    assert invoicing.issue_invoices([second], issued_on=D(2027, 1, 2))[0].number == "2027-0001"


def test_the_convention_timeline_shows_what_was_paid(example_a, staff, client_for):
    first, second = invoicing.issue_invoices([i.pk for i in invoicing.invoiceable()], staff, issued_on=D(2026, 6, 2))
    invoicing.record_payment(first.pk, Decimal("564.52"), D(2026, 6, 20), staff, as_of=D(2026, 6, 30))
    invoicing.record_payment(second.pk, Decimal("1000.00"), D(2026, 6, 20), staff, as_of=D(2026, 6, 30))
    page = client_for(staff).get(f"/conventions/{example_a.pk}/").content.decode()
    assert f"Payée (facture {first.number})" in page
    assert f"Facture {second.number} : 1\u202f000,00\u00a0€ reçus, reste 2\u202f500,00\u00a0€." in page
