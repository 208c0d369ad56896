"""Factories for calls and dossiers; traits name lifecycle states (``filled``, ``submitted``, ``eligible``).

``CallFactory()`` is an open call (opened yesterday, closes in 30 days, Europe/Paris) with one theme
and a two-criterion grid; ``DossierFactory(filled=True)`` has every step complete and every document
uploaded; ``DossierFactory(submitted=True)`` went through ``services.submit`` (number, receipt).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Call, Criterion, Dossier, DossierFile, Theme, WorkPeriod
from tests.conventions.factories import DoctoralSchoolFactory, HostDepartmentFactory
from tests.conventions.pdfs import pdf_bytes
from tests.factories import UserFactory


def _now():
    return timezone.now().replace(second=0, microsecond=0)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        django_get_or_create = ("year",)
        skip_postgeneration_save = True

    year = factory.Sequence(lambda n: 2027 + n)
    title_fr = factory.LazyAttribute(lambda o: f"Appel à candidatures {o.year}")
    title_en = factory.LazyAttribute(lambda o: f"Call for applications {o.year}")
    intro_fr = "Dix thèses au service des politiques de la Ville."
    intro_en = "Ten theses serving the City's policies."
    opens_at = factory.LazyFunction(lambda: _now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: _now() + dt.timedelta(days=30))
    planned_filing_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    planned_effective_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=150))
    positions = 5
    is_published = True

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: _now() - dt.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: _now() - dt.timedelta(days=1)),
        )
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: _now() + dt.timedelta(days=10)),
            closes_at=factory.LazyFunction(lambda: _now() + dt.timedelta(days=40)),
        )

    @factory.post_generation
    def grid(self, create, extracted, **kwargs):
        if extracted is False or not create:
            return
        if not self.criteria.exists():
            CriterionFactory(call=self, label_fr="Qualité scientifique", weight=Decimal("2"), position=1)
            CriterionFactory(call=self, label_fr="Intérêt pour la Ville", weight=Decimal("1"), position=2)

    @factory.post_generation
    def with_theme(self, create, extracted, **kwargs):
        if extracted is False or not create:
            return
        if not self.themes.exists():
            ThemeFactory(call=self)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    call = factory.SubFactory(CallFactory, with_theme=False)
    host_department = factory.SubFactory(HostDepartmentFactory)
    title_fr = factory.Sequence(lambda n: f"Thème {n} : la ville et ses arbres")
    title_en = factory.Sequence(lambda n: f"Theme {n}: the city and its trees")
    description_fr = "Mesurer l'effet des arbres sur les îlots de chaleur."
    contact_name = "Camille Martin"
    contact_email = factory.Sequence(lambda n: f"contact{n}@paris.fr")
    keywords = "climat, arbres, santé"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory, grid=False)
    label_fr = factory.Sequence(lambda n: f"Critère {n}")
    label_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    scale_min = 0
    scale_max = 5


FILLED = {
    "phone": "01 42 76 40 40",
    "address": "5 rue Lobau, 75004 Paris",
    "needs_work_permit": False,
    "degree_title": "Master Géographie et aménagement",
    "degree_institution": "Université Paris 1 Panthéon-Sorbonne",
    "degree_status": Dossier.DegreeStatus.OBTAINED,
    "holds_doctorate": False,
    "already_enrolled": False,
    "other_thesis_started": False,
    "worked_for_city": False,
    "thesis_title": "Les arbres d'alignement face aux vagues de chaleur",
    "summary": "Une thèse sur l'ombre des arbres.",
    "research_description": "Mesures, modèles et entretiens.",
    "methods": "Capteurs et enquêtes.",
    "timetable": "Année 1 : mesures ; année 2 : modèles ; année 3 : rédaction.",
    "keywords": "arbres, chaleur, santé",
    "discipline": "Géographie",
    "lab_name": "Géographie-cités",
    "lab_unit_code": "UMR 8504",
    "lab_institution": "Université Paris 1 Panthéon-Sorbonne",
    "lab_abroad": False,
    "director_name": "Pr Dominique Durand",
    "director_email": "d.durand@univ-paris1.fr",
    "director_lab": "Géographie-cités",
}


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    candidate = factory.SubFactory(UserFactory, role="candidate")
    first_name = factory.LazyAttribute(lambda o: o.candidate.first_name if o.candidate else "")
    last_name = factory.LazyAttribute(lambda o: o.candidate.last_name if o.candidate else "")
    email = factory.LazyAttribute(lambda o: o.candidate.email if o.candidate else "")

    @factory.post_generation
    def filled(self, create, extracted, **kwargs):
        if extracted:
            fill(self)

    @factory.post_generation
    def submitted(self, create, extracted, **kwargs):
        if not extracted:
            return
        from applications import services

        if not self.files.exists():
            fill(self)
        services.submit(self.pk, self.candidate)
        self.refresh_from_db()


def fill(dossier: Dossier) -> Dossier:
    """Complete every step and upload every document (a valid one-page PDF each)."""
    for name, value in FILLED.items():
        setattr(dossier, name, value)
    dossier.degree_date = dossier.call.planned_filing_date - dt.timedelta(days=300)
    dossier.theme = dossier.call.themes.first()
    dossier.lab_doctoral_school = DoctoralSchoolFactory(number=434, name="Géographie de Paris")
    dossier.save()
    for kind, _label in DossierFile.Kind.choices:
        add_file(dossier, kind)
    return dossier


def add_file(dossier: Dossier, kind: str, content: bytes | None = None, name: str | None = None) -> DossierFile:
    import hashlib

    content = content or pdf_bytes()
    stored = DossierFile(
        dossier=dossier,
        kind=kind,
        original_name=name or f"{kind}.pdf",
        size=len(content),
        pages=1,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    stored.file.save("upload.pdf", ContentFile(content), save=False)
    stored.save()
    return stored


class WorkPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPeriod

    dossier = factory.SubFactory(DossierFactory)
    start = dt.date(2024, 1, 1)
    end = dt.date(2024, 6, 30)
    description = "Vacataire à la DEVE"
