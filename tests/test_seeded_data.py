"""Rows that data migrations create come back after a flush (what transactional tests do)."""

import pytest
from django.core.management import call_command

from events.models import Page
from notifications.catalogue import DEFAULTS
from notifications.models import EmailTemplate
from subsidies.defaults import MINIMUM_SALARY
from subsidies.models import RateYear


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_rates_templates_and_legal_pages():
    rate = RateYear.objects.get(year=2026)
    rate.minimum_salary = "27700.00"
    rate.save()
    call_command("migrate", verbosity=0)  # post_migrate never overwrites what staff recorded
    assert str(RateYear.objects.get(year=2026).minimum_salary) == "27700.00"

    call_command("flush", interactive=False, verbosity=0)
    assert sorted(RateYear.objects.values_list("year", flat=True)) == sorted(MINIMUM_SALARY)
    assert EmailTemplate.objects.count() == len(DEFAULTS)
    assert set(Page.objects.values_list("slug", flat=True)) >= {
        "mentions-legales",
        "donnees-personnelles",
        "accessibilite",
    }
