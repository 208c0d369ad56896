"""Staff issue invoices, record a payment (with a mistake first) and read the e-mail log, in a real browser."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_issue_invoices_record_a_payment_and_read_the_log(page, live_server, assert_accessible, login_page):
    from subsidies.domain.reminders import send_reminders
    from subsidies.domain.sweep import sweep
    from subsidies.models import Invoice
    from tests.factories import UserFactory
    from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

    convention = make_convention(dt.date(2025, 3, 17), as_of=dt.date(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(dt.date(2026, 6, 1))
    send_reminders(dt.date(2025, 8, 31))
    staff = UserFactory(role="staff", second_factor=True)
    login_page(page, staff)

    page.goto(f"{live_server.url}/subventions/factures/emettre/?year=2025&quarter=2")
    assert page.locator("#invoiceable caption").inner_text().startswith("1 échéance exigible non facturée")
    assert_accessible(page)
    page.click("text=Confirmer et émettre les factures cochées")
    page.wait_for_selector("text=1 facture émise.")
    assert_accessible(page)

    invoice = Invoice.objects.get()
    page.click(f"text=Facture {invoice.number}")
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == f"Facture {invoice.number}"
    assert_accessible(page)

    page.fill("#id_amount", "4000")
    page.fill("#id_received_on", dt.date.today().isoformat())
    page.click("text=Enregistrer le paiement")
    page.wait_for_selector("#id_amount-error")
    assert page.get_attribute("#id_amount", "aria-invalid") == "true"
    assert page.input_value("#id_amount") == "4000"
    assert page.locator("#id_amount-error").inner_text() == (
        "Le montant dépasse le reste dû sur cette facture (3\u202f500,00\u00a0€)."
    )
    assert_accessible(page)

    page.fill("#id_amount", "1500,00")
    page.click("text=Enregistrer le paiement")
    page.wait_for_selector("text=Le paiement est enregistré.")
    assert page.locator("#invoice-status").inner_text() == "Payée en partie"
    assert page.locator("#invoice-due").inner_text() == "2\u202f000,00\u00a0€"

    page.goto(f"{live_server.url}/courriels/journal/")
    assert page.locator("#email-log caption").inner_text() == "3 courriels"
    assert_accessible(page)
    page.goto(f"{live_server.url}/courriels/modeles/")
    page.click("text=attendu avant le")
    page.wait_for_selector("#id_body")
    assert_accessible(page)
    assert convention.anrt_number
