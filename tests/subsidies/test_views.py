"""Invoicing screens: every role, bad input, query counts."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from subsidies.domain import invoicing
from subsidies.domain.sweep import sweep
from subsidies.models import Invoice, Payment
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db

D = dt.date
DENIED = "La facturation est réservée à l&#x27;équipe du programme."


@pytest.fixture
def example_a():
    convention = make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    return convention


@pytest.fixture
def invoice(example_a):
    return invoicing.issue_invoices([example_a.instalments.get(number=2).pk], issued_on=D(2026, 6, 2))[0]


def urls(invoice):
    return [
        reverse("subsidies:invoice_list"),
        reverse("subsidies:invoice_issue"),
        reverse("subsidies:invoice_detail", args=[invoice.pk]),
        reverse("subsidies:invoice_pdf", args=[invoice.pk]),
        reverse("subsidies:invoice_zip") + "?year=2026",
    ]


def test_visitors_are_sent_to_login(client, invoice):
    for url in urls(invoice):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/login/")
    for name in ("subsidies:payment_create", "subsidies:credit_note_create"):
        assert client.post(reverse(name, args=[invoice.pk]), {}).status_code == 302


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator"])
def test_other_roles_are_refused_with_the_reason(request, client_for, invoice, role):
    client = client_for(request.getfixturevalue(role))
    for url in urls(invoice):
        response = client.get(url)
        assert response.status_code == 403
        assert DENIED in response.content.decode()
    response = client.post(
        reverse("subsidies:payment_create", args=[invoice.pk]), {"amount": "10", "received_on": "2026-06-03"}
    )
    assert response.status_code == 403
    assert client.post(reverse("subsidies:credit_note_create", args=[invoice.pk]), {"reason": "x"}).status_code == 403
    assert Payment.objects.count() == 0
    assert Invoice.objects.count() == 1


@pytest.mark.pdf
@pytest.mark.parametrize("role", ["staff", "admin_user"])
def test_staff_and_admin_reach_every_page(request, client_for, invoice, role):
    client = client_for(request.getfixturevalue(role))
    for url in urls(invoice):
        assert client.get(url).status_code == 200, url


def test_issue_page_lists_the_quarter_and_issues_the_checked_ones(client_for, staff, example_a):
    client = client_for(staff)
    page = client.get(reverse("subsidies:invoice_issue"), {"year": 2025, "quarter": 2})
    content = page.content.decode()
    assert "1 échéance exigible non facturée, échue entre le 01/04/2025 et le 30/06/2025" in content
    second = example_a.instalments.get(number=2)
    assert f'value="{second.pk}" id="inst-{second.pk}" checked' in content

    nothing = client.post(reverse("subsidies:invoice_issue"), {"year": 2025, "quarter": 2})
    assert "Choisissez au moins une échéance à facturer." in nothing.content.decode()
    assert Invoice.objects.count() == 0

    response = client.post(
        reverse("subsidies:invoice_issue"), {"year": 2025, "quarter": 2, "instalments": [second.pk, "x"]}
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('subsidies:invoice_list')}?batch={invoice.batch}"
    assert (invoice.instalment_id, invoice.issued_by, invoice.amount) == (second.pk, staff, Decimal("3500.00"))
    listing = client.get(response["Location"]).content.decode()
    assert f"Facture {invoice.number}" in listing
    # Posting the same form again (double click) invoices nothing twice.
    again = client.post(reverse("subsidies:invoice_issue"), {"year": 2025, "quarter": 2, "instalments": [second.pk]})
    assert "Choisissez au moins une échéance à facturer." in again.content.decode()
    assert Invoice.objects.count() == 1

    bad = client.get(reverse("subsidies:invoice_issue"), {"year": "abc", "quarter": 9})
    assert bad.status_code == 200
    assert "Saisissez un nombre entier." in bad.content.decode()


def test_record_payment_bad_input_keeps_everything_and_saves_nothing(client_for, staff, invoice):
    client = client_for(staff)
    url = reverse("subsidies:payment_create", args=[invoice.pk])
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    cases = [
        ({"amount": "0", "received_on": "2026-06-10"}, "Le montant doit être supérieur à zéro."),
        ({"amount": "-3", "received_on": "2026-06-10"}, "Le montant doit être supérieur à zéro."),
        ({"amount": "abc", "received_on": "2026-06-10"}, "Saisissez un montant en euros, par exemple 3500,00."),
        ({"amount": "3500,01", "received_on": "2026-06-10"}, "Le montant dépasse le reste dû sur cette facture"),
        ({"amount": "100", "received_on": future}, "La date de réception ne peut pas être dans le futur."),
        ({"amount": "100", "received_on": "pas une date"}, "Saisissez une date valide (JJ/MM/AAAA)."),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400
        content = response.content.decode()
        assert message in content, data
        assert f'value="{data["amount"]}"' in content
        assert 'aria-invalid="true"' in content
    assert Payment.objects.count() == 0

    response = client.post(url, {"amount": "1000,00", "received_on": "2026-06-20", "note": "VIR ANRT 123"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid"
    detail = client.get(reverse("subsidies:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Payée en partie" in detail
    assert '<dd class="col-sm-9" id="invoice-due">2\u202f500,00\u00a0€</dd>' in detail


def test_credit_note_from_the_detail_page(client_for, staff, invoice):
    client = client_for(staff)
    url = reverse("subsidies:credit_note_create", args=[invoice.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif de l&#x27;avoir." in response.content.decode()
    assert Invoice.objects.count() == 1
    response = client.post(url, {"reason": "Montant erroné"})
    credit = Invoice.objects.get(kind="credit_note")
    assert response["Location"] == reverse("subsidies:invoice_detail", args=[credit.pk])
    invoice.refresh_from_db()
    assert invoice.status == "cancelled"
    # A second credit note on the same invoice is refused.
    response = client.post(url, {"reason": "encore"})
    assert response.status_code == 400
    assert "Cette facture est déjà annulée par un avoir." in response.content.decode()
    assert Invoice.objects.filter(kind="credit_note").count() == 1


@pytest.mark.pdf
def test_pdf_and_zip_downloads(client_for, staff, invoice):
    client = client_for(staff)
    response = client.get(reverse("subsidies:invoice_pdf", args=[invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="facture-2026-0001.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(reverse("subsidies:invoice_zip"), {"batch": invoice.batch})
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == ["facture-2026-0001.pdf"]
    assert client.get(reverse("subsidies:invoice_zip")).status_code == 302
    assert client.get(reverse("subsidies:invoice_zip"), {"year": 2019}).status_code == 302


def test_invoice_list_filters_and_query_count(client_for, staff, django_assert_num_queries):
    client = client_for(staff)
    first = make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(D(2026, 6, 1))
    invoicing.issue_invoices([first.instalments.get(number=1).pk], issued_on=D(2026, 6, 2))
    url = reverse("subsidies:invoice_list")
    client.get(url)  # warm the session and role caches
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for _ in range(2):
        other = make_convention(D(2025, 3, 17), as_of=D(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
        sweep(D(2026, 6, 1))
        invoicing.issue_invoices([other.instalments.get(number=2).pk], issued_on=D(2026, 6, 2))
    invoicing.cancel_invoice(Invoice.objects.first().pk, reason="test")
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 5  # header + 4 rows (3 invoices, 1 credit note)
    filtered = client.get(url, {"kind": "credit_note"}).content.decode()
    assert "1 pièce" in filtered
    assert client.get(url, {"year": 2025}).content.decode().count("Aucune facture ne correspond.") == 1


def test_pagination_keeps_the_filters(client_for, staff, example_a, monkeypatch):
    from subsidies import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    invoicing.issue_invoices([i.pk for i in invoicing.invoiceable()], issued_on=D(2026, 6, 2))
    content = client_for(staff).get(reverse("subsidies:invoice_list"), {"year": 2026, "page": 1}).content.decode()
    assert 'href="?year=2026&amp;page=2"' in content
    assert "Page 1 sur 2" in content
    assert 'href="/subventions/factures/lot.zip?year=2026"' in content
