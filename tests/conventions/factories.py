"""Factories for conventions; traits name lifecycle states (``signed``, ``terminated``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from conventions import services
from conventions.models import (
    Convention,
    DoctoralSchool,
    Employer,
    HostDepartment,
    Lab,
    ThesisDirector,
    Tutor,
)
from tests.factories import UserFactory

# Valid SIRETs (Luhn): the City of Paris's and a few computed ones.
SIRETS = ["21750001600019", "73282932000074", "55210055400013", "44306184100047", "35600000000048"]


def luhn_siret(n: int) -> str:
    base = f"{n:013d}"
    for last in range(10):
        candidate = base + str(last)
        total = 0
        for index, char in enumerate(reversed(candidate)):
            d = int(char)
            if index % 2 == 1:
                d = d * 2 - 9 if d * 2 > 9 else d * 2
            total += d
        if total % 10 == 0:
            return candidate
    raise AssertionError


class DoctoralSchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoctoralSchool
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"École doctorale {n}")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Employeur {n}")
    siret = factory.Sequence(lambda n: luhn_siret(1000 + n))
    kind = Employer.Kind.LOCAL_AUTHORITY
    address = "Hôtel de Ville, 75004 Paris"


class HostDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostDepartment

    employer = factory.SubFactory(EmployerFactory)
    name = factory.Sequence(lambda n: f"Direction {n}")
    acronym = factory.Sequence(lambda n: f"D{n}")


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab

    name = factory.Sequence(lambda n: f"Laboratoire {n}")
    unit_code = factory.Sequence(lambda n: f"UMR {8000 + n}")
    institution = "Université Paris Cité"
    doctoral_school = factory.SubFactory(DoctoralSchoolFactory)


class TutorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tutor

    name = factory.Sequence(lambda n: f"Tuteur {n}")
    email = factory.Sequence(lambda n: f"tuteur{n}@paris.example")


class ThesisDirectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThesisDirector

    name = factory.Sequence(lambda n: f"Directrice {n}")
    email = factory.Sequence(lambda n: f"directrice{n}@univ.example")


class ConventionFactory(factory.django.DjangoModelFactory):
    """A convention saved through ``services.save_convention`` (rates frozen, plan stored).

    ``as_of`` (not a field) is the date the plan is computed at; ``signed=True`` (default) makes it active.
    """

    class Meta:
        model = Convention

    as_of = dt.date(2026, 6, 1)
    signed = True
    doctoral_student = factory.SubFactory(UserFactory, role="doctoral_student")
    employer = factory.SubFactory(EmployerFactory)
    host_department = factory.SubFactory(HostDepartmentFactory, employer=factory.SelfAttribute("..employer"))
    lab = factory.SubFactory(LabFactory)
    tutor = factory.SubFactory(TutorFactory)
    thesis_director = factory.SubFactory(ThesisDirectorFactory)
    thesis_title = factory.Sequence(lambda n: f"Thèse n° {n} sur la ville durable")
    anrt_number = factory.Sequence(lambda n: f"2025/{n + 1:04d}")
    committee_date = dt.date(2025, 2, 20)
    submission_date = dt.date(2025, 1, 15)
    effective_date = dt.date(2025, 3, 17)
    contract_type = Convention.ContractType.PERMANENT
    gross_salary = Decimal("30000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        as_of = kwargs.pop("as_of", dt.date(2026, 6, 1))
        signed = kwargs.pop("signed", True)
        convention = model_class(*args, **kwargs)
        if signed:
            services.freeze_rates(convention)
            convention.status = Convention.Status.ACTIVE
        return services.save_convention(convention, as_of=as_of)


def receive(convention, *keys, on, as_of=dt.date(2026, 6, 1), user=None):
    """Record the receipt of ``keys`` on ``on`` (no file) and recompute, as staff would."""
    for key in keys:
        obligation = convention.obligations.get(key=key)
        services.add_document(obligation, None, user, received_on=on, confirm=True, as_of=as_of)
    convention.refresh_from_db()
    return convention
