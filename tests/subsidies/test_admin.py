import datetime as dt

import pytest

from subsidies.domain import invoicing
from subsidies.domain.sweep import sweep
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db


def test_admin_shows_invoices_payments_and_status_changes_read_only(client_for, admin_user):
    convention = make_convention(dt.date(2025, 3, 17), as_of=dt.date(2025, 3, 17), received=EXAMPLE_A_RECEIVED)
    sweep(dt.date(2026, 6, 1))
    invoice = invoicing.issue_invoices([convention.instalments.get(number=1).pk], issued_on=dt.date(2026, 6, 2))[0]
    invoicing.record_payment(invoice.pk, invoice.amount, dt.date(2026, 6, 3), as_of=dt.date(2026, 6, 3))
    client = client_for(admin_user)
    for path in ("invoice", "payment", "statuschange"):
        response = client.get(f"/admin/subsidies/{path}/")
        assert response.status_code == 200, path
    assert client.get(f"/admin/subsidies/invoice/{invoice.pk}/change/").status_code == 200
    assert client.get("/admin/subsidies/invoice/add/").status_code == 403
    assert client.get("/admin/notifications/emailtemplate/").status_code == 200
    assert client.get("/admin/notifications/emaillog/").status_code == 200
