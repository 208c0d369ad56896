"""Factories for conventions as the money side needs them: stored through the conventions service,
so obligations and instalments are the rules engine's (never written by hand here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from conventions import services as convention_services
from conventions.models import Convention, Obligation
from tests.conventions import factories as conventions_factories
from tests.conventions.factories import LabFactory, ThesisDirectorFactory, TutorFactory
from tests.factories import UserFactory


class EmployerFactory(conventions_factories.EmployerFactory):
    """The City of Paris, as on the invoices the money tests read back."""

    class Meta:
        django_get_or_create = ("siret",)

    name = "Ville de Paris"
    address = "Hôtel de Ville\n75004 Paris"


class HostDepartmentFactory(conventions_factories.HostDepartmentFactory):
    employer = factory.SubFactory(EmployerFactory)


def ensure_reference_data() -> None:
    """The rows seeded by data migrations (rates, e-mail templates), in case a flush removed them."""
    from notifications.catalogue import ensure_default_templates
    from subsidies.defaults import ensure_default_rates

    ensure_default_rates()
    ensure_default_templates()


def make_convention(
    effective_date: dt.date = dt.date(2025, 3, 17),
    *,
    as_of: dt.date | None = None,
    received: dict[str, dt.date] | None = None,
    student=None,
    tutor=None,
    employer=None,
    number: str | None = None,
    **fields,
) -> Convention:
    """An active convention with its obligations and instalments computed as of ``as_of``."""
    make_convention.counter += 1
    ensure_reference_data()
    employer = employer or EmployerFactory()
    values = {
        "doctoral_student": student or UserFactory(role="doctoral_student"),
        "employer": employer,
        "host_department": HostDepartmentFactory(employer=employer),
        "lab": LabFactory(),
        "tutor": tutor or TutorFactory(),
        "thesis_director": ThesisDirectorFactory(),
        "thesis_title": "Politiques publiques et données urbaines",
        "anrt_number": number or f"{effective_date.year}/{make_convention.counter:04d}",
        "committee_date": effective_date - dt.timedelta(days=60),
        "submission_date": effective_date - dt.timedelta(days=40),
        "effective_date": effective_date,
        "doctoral_enrolment_date": effective_date - dt.timedelta(days=120),
        "contract_type": Convention.ContractType.PERMANENT,
        "gross_salary": Decimal("30000.00"),
        "status": Convention.Status.ACTIVE,
    }
    convention = Convention(**{**values, **fields})
    as_of = as_of or effective_date
    convention_services.save_convention(convention, as_of)
    for key, day in (received or {}).items():
        receive(convention, key, day, as_of=as_of)
    convention.refresh_from_db()
    return convention


make_convention.counter = 0


def receive(convention: Convention, key: str, day: dt.date, *, as_of: dt.date) -> Obligation:
    """Record that ANRT received ``key`` on ``day`` (through the conventions service)."""
    obligation = convention.obligations.get(key=key)
    convention_services._apply_receipt(obligation, day, None)
    convention_services.recompute(convention, as_of)
    obligation.refresh_from_db()
    return obligation


def payable_instalments(convention: Convention):
    from subsidies.models import Instalment

    return list(Instalment.objects.filter(convention=convention, status="payable").order_by("number"))


# Worked example A of RULES.md §8 (received as of 2026-06-01, minus enrolment:2025).
EXAMPLE_A_RECEIVED = {
    "employment_contract": dt.date(2025, 3, 20),
    "hiring_declaration": dt.date(2025, 3, 20),
    "enrolment:2024": dt.date(2025, 4, 10),
    "collaboration_contract": dt.date(2025, 8, 1),
}
