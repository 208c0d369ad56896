"""What ANRT needs to pay an invoice is on its PDF; recording a payment starts from today; the ZIP of an
invoice run is a plain, enabled button (issue 12, 6e)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cifre.checks import invoice_payee_configured
from subsidies.domain import invoicing, payee
from subsidies.domain.sweep import sweep
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db
D = dt.date
IBAN = "FR14 2004 1010 0505 0001 3M02 606"


@pytest.fixture
def invoice():
    convention = make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    return invoicing.issue_invoices([convention.instalments.get(number=2).pk], issued_on=D(2026, 6, 2))[0]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def payee_settings(settings):
    settings.INVOICE_PAYEE_NAME = "Ville de Paris – Recette générale des finances"
    settings.INVOICE_PAYEE_ADDRESS = "Hôtel de Ville\\n75004 Paris"
    settings.INVOICE_PAYEE_SIRET = "21750001600019"
    settings.INVOICE_PAYEE_IBAN = IBAN.replace(" ", "").lower()
    settings.INVOICE_PAYEE_BIC = "psstfrppPAR"
    settings.INVOICE_PAYEE_BANK = "La Banque Postale"
    return settings


@pytest.mark.pdf
def test_the_pdf_carries_the_payee_and_bank_details(invoice, payee_settings):
    text = pdf_text(invoicing.render_invoice_pdf(invoice))
    assert "Règlement" in text and "Virement bancaire" in text
    assert "Ville de Paris – Recette générale des finances" in text
    assert "Hôtel de Ville" in text and "75004 Paris" in text
    assert "SIRET du bénéficiaire 21750001600019" in text
    assert f"IBAN {IBAN}" in text  # grouped by four, upper case
    assert "BIC PSSTFRPPPAR" in text
    assert "La Banque Postale" in text
    assert f"Référence à rappeler Facture n° {invoice.number}" in text


@pytest.mark.pdf
def test_without_bank_details_the_pdf_says_they_are_missing(invoice, settings):
    settings.INVOICE_PAYEE_NAME = settings.INVOICE_PAYEE_IBAN = settings.INVOICE_PAYEE_BIC = ""
    text = pdf_text(invoicing.render_invoice_pdf(invoice))
    assert "Bénéficiaire Ville de Paris" in text  # the employer frozen on the invoice
    assert "Coordonnées bancaires non renseignées" in text
    assert "IBAN" not in text


@pytest.mark.pdf
def test_a_credit_note_asks_for_no_payment(invoice, payee_settings):
    credit = invoicing.cancel_invoice(invoice.pk, reason="Erreur de période")
    assert "Règlement" not in pdf_text(invoicing.render_invoice_pdf(credit))


def test_iban_and_bic_are_checked():
    assert payee.iban_is_valid(IBAN)
    assert not payee.iban_is_valid("FR15 2004 1010 0505 0001 3M02 606")
    assert not payee.iban_is_valid("pas un iban")
    assert payee.bic_is_valid("PSSTFRPPPAR") and payee.bic_is_valid("BDFEFRPP")
    assert not payee.bic_is_valid("PSST")


def test_deploy_check_warns_about_missing_or_wrong_bank_details(settings):
    settings.INVOICE_PAYEE_IBAN = ""
    settings.INVOICE_PAYEE_BIC = "PSSTFRPPPAR"
    assert payee.configuration_problems() == [
        "INVOICE_PAYEE_IBAN is not set: invoice PDFs say the bank details are missing."
    ]
    settings.INVOICE_PAYEE_IBAN = "FR15 2004 1010 0505 0001 3M02 606"
    assert payee.configuration_problems() == ["INVOICE_PAYEE_IBAN is not a valid IBAN (check digits)."]
    settings.INVOICE_PAYEE_IBAN = IBAN
    assert payee.configuration_problems() == []
    settings.INVOICE_PAYEE_BIC = ""
    assert [w.id for w in invoice_payee_configured()] == ["cifre.W002"]


def test_the_env_example_documents_every_payee_setting():
    from django.conf import settings

    text = (settings.BASE_DIR / ".env.example").read_text()
    for name in ("NAME", "ADDRESS", "SIRET", "IBAN", "BIC", "BANK"):
        assert f"# INVOICE_PAYEE_{name}=" in text


def test_the_payment_date_starts_from_today(client_for, staff, invoice):
    page = client_for(staff).get(reverse("subsidies:invoice_detail", args=[invoice.pk])).content.decode()
    assert f'name="received_on" value="{timezone.localdate().isoformat()}"' in page


def test_the_zip_of_an_invoice_run_is_an_enabled_primary_button(client_for, staff, invoice):
    page = client_for(staff).get(reverse("subsidies:invoice_list"), {"batch": invoice.batch}).content.decode()
    assert '<a class="btn btn-primary" id="invoice-zip"' in page
    assert "disabled" not in page.split('id="invoice-zip"')[1].split(">")[0]
