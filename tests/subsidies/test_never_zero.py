"""No instalment is zero or negative (RULES.md §4, December 2026): the database and the rates table agree."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from subsidies.models import Instalment, RateYear
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db


def test_the_database_refuses_an_instalment_of_zero():
    instalment = make_convention(dt.date(2025, 3, 17), as_of=dt.date(2026, 6, 1)).instalments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Instalment.objects.filter(pk=instalment.pk).update(amount=Decimal("0.00"))
    instalment.refresh_from_db()
    assert instalment.amount == Decimal("564.52")


def test_a_rate_under_100_euros_a_year_is_refused_on_its_field(client_for, staff):
    response = client_for(staff).post(
        reverse("conventions:rate_create"), {"year": "2031", "annual_subsidy": "1.50", "minimum_salary": "28000"}
    )
    assert response.status_code == 400  # a refused form answers 400 throughout the project
    assert response.context["form"].errors == {"annual_subsidy": ["La subvention annuelle est d'au moins 100 €."]}
    assert not RateYear.objects.filter(year=2031).exists()


def test_a_draft_convention_is_never_invoiced():
    from django.core.exceptions import ValidationError

    from conventions.models import Convention
    from subsidies.domain import invoicing
    from subsidies.domain.sweep import sweep

    convention = make_convention(dt.date(2025, 3, 17), as_of=dt.date(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(dt.date(2026, 6, 1))
    payable = [i.pk for i in invoicing.invoiceable()]
    assert payable != []
    Convention.objects.filter(pk=convention.pk).update(status=Convention.Status.DRAFT)
    assert list(invoicing.invoiceable()) == []
    with pytest.raises(ValidationError):
        invoicing.issue_invoices(payable[:1], issued_on=dt.date(2026, 6, 2))
    assert not convention.instalments.filter(invoiced_on__isnull=False).exists()
