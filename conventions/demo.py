"""Demo conventions at every stage, relative to today: just started, suspended, terminated, money already lost,
money at risk next month, finished. Idempotent: a convention is found by its ANRT number and recomputed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts import roles
from accounts.demo import ensure_user

from . import rules, services
from .models import (
    Convention,
    DoctoralSchool,
    Employer,
    HostDepartment,
    Lab,
    Obligation,
    Suspension,
    ThesisDirector,
    Tutor,
)


def _reference_data():
    paris, _ = Employer.objects.get_or_create(
        siret="21750001600019",
        defaults={
            "name": "Ville de Paris",
            "kind": Employer.Kind.LOCAL_AUTHORITY,
            "address": "Hôtel de Ville, 75004 Paris",
        },
    )
    departments = {}
    for acronym, name in (
        ("DEVE", "Direction des espaces verts et de l'environnement"),
        ("DASES", "Direction de l'action sociale, de l'enfance et de la santé"),
        ("DU", "Direction de l'urbanisme"),
        ("DSIN", "Direction des systèmes d'information et du numérique"),
    ):
        departments[acronym], _ = HostDepartment.objects.get_or_create(
            employer=paris, name=name, defaults={"acronym": acronym}
        )
    schools = {}
    for number, name in (
        (434, "Géographie de Paris"),
        (393, "Santé publique"),
        (580, "Sciences et technologies de l'information"),
    ):
        schools[number], _ = DoctoralSchool.objects.get_or_create(number=number, defaults={"name": name})
    labs = []
    for name, code, institution, school in (
        ("Géographie-cités", "UMR 8504", "Université Paris 1 Panthéon-Sorbonne", 434),
        ("Institut Pierre Louis d'épidémiologie", "UMR S 1136", "Sorbonne Université", 393),
        ("Laboratoire d'informatique de Paris 6", "UMR 7606", "Sorbonne Université", 580),
    ):
        lab, _ = Lab.objects.get_or_create(
            unit_code=code, defaults={"name": name, "institution": institution, "doctoral_school": schools[school]}
        )
        labs.append(lab)
    tutors = [
        Tutor.objects.get_or_create(email=email, defaults={"name": name})[0]
        for name, email in (
            ("Claire Moreau", "claire.moreau@paris.example"),
            ("Karim Haddad", "karim.haddad@paris.example"),
        )
    ]
    directors = [
        ThesisDirector.objects.get_or_create(email=email, defaults={"name": name})[0]
        for name, email in (
            ("Pr Anne Lefèvre", "anne.lefevre@univ.example"),
            ("Pr Julien Roux", "julien.roux@univ.example"),
        )
    ]
    return paris, departments, labs, tutors, directors


def _months_ago(today: dt.date, months: int, day: int = 1) -> dt.date:
    return rules.add_months(today.replace(day=day), -months)


def _receive_due(convention: Convention, today: dt.date, *, skip=(), until: dt.date | None = None, user=None) -> None:
    """Receive every obligation due up to ``until`` (default today), a few days before its due date, except ``skip``."""
    until = until or today
    for obligation in Obligation.objects.filter(convention=convention, is_current=True, received_on__isnull=True):
        if obligation.key in skip or obligation.kind in skip or obligation.due_date > until:
            continue
        day = min(obligation.due_date - dt.timedelta(days=3), today)
        day = max(day, convention.effective_date)
        obligation.received_on = day
        obligation.received_recorded_by = user
        obligation.save(update_fields=["received_on", "received_recorded_by"])
    services.recompute(convention, today)


def seed(stdout) -> None:
    today = services.today()
    staff = ensure_user("staff@demo.cifre.test", "Sophie", "Martin", roles.STAFF)
    paris, departments, labs, tutors, directors = _reference_data()
    students = [
        ensure_user("doctorant@demo.cifre.test", "Léa", "Bernard", roles.DOCTORAL_STUDENT),
        *[
            ensure_user(f"doctorant{n}@demo.cifre.test", first, last, roles.DOCTORAL_STUDENT)
            for n, (first, last) in enumerate(
                (
                    ("Nina", "Rousseau"),
                    ("Yanis", "Garcia"),
                    ("Emma", "Lambert"),
                    ("Tom", "Fontaine"),
                    ("Inès", "Chevalier"),
                ),
                start=1,
            )
        ],
    ]
    missed_enrolment = f"enrolment:{today.year - 1 if today.month >= 9 else today.year - 2}"
    # Money at risk next month: the collaboration contract (due E + 6 months) forfeits at anniversary(24).
    at_risk_start = rules.add_months(today + dt.timedelta(days=20), -24)
    scenarios = [
        # number, student, department, title, effective date, receive kwargs, extra
        ("2026/9001", students[1], "DEVE", "Îlots de fraîcheur et canopée urbaine", _months_ago(today, 0, 1), {}, {}),
        (
            "2025/9002",
            students[2],
            "DASES",
            "Parcours de santé des familles hébergées",
            _months_ago(today, 14, 1),
            {},
            {"suspension": (today - dt.timedelta(days=30), today + dt.timedelta(days=60))},
        ),
        (
            "2024/9003",
            students[3],
            "DU",
            "Densification douce des faubourgs",
            _months_ago(today, 26, 15),
            {},
            {"termination": today - dt.timedelta(days=120)},
        ),
        (
            "2024/9004",
            students[4],
            "DSIN",
            "Sobriété numérique des services publics",
            _months_ago(today, 22, 1),
            {"skip": (missed_enrolment,)},
            {},
        ),
        (
            "2024/9005",
            students[0],
            "DEVE",
            "Gestion différenciée des eaux pluviales",
            at_risk_start,
            {"skip": ("collaboration_contract",)},
            {},
        ),
        (
            "2022/9006",
            students[5],
            "DU",
            "Mémoire des grands ensembles parisiens",
            dt.date(today.year - 4, 9, 1),
            {},
            {},
        ),
    ]
    created = 0
    for number, student, acronym, title, effective, receive_kwargs, extra in scenarios:
        convention = Convention.objects.filter(anrt_number=number).first()
        if convention is None:
            convention = Convention(
                anrt_number=number,
                doctoral_student=student,
                employer=paris,
                host_department=departments[acronym],
                lab=labs[created % len(labs)],
                tutor=tutors[created % len(tutors)],
                thesis_director=directors[created % len(directors)],
                thesis_title=title,
                committee_date=effective - dt.timedelta(days=45),
                submission_date=effective - dt.timedelta(days=60),
                effective_date=effective,
                contract_type=Convention.ContractType.FIXED_TERM,
                contract_end_date=rules.add_months(effective, 36) - dt.timedelta(days=1),
                gross_salary=Decimal("30000.00"),
            )
            services.freeze_rates(convention)
            convention.status = Convention.Status.ACTIVE
            services.save_convention(convention, as_of=today)
            if "suspension" in extra:
                start, end = extra["suspension"]
                Suspension.objects.create(convention=convention, start=start, end=end, reason="Congé maladie")
            if "termination" in extra:
                convention.termination_date = extra["termination"]
                convention.termination_reason = "Fin du contrat de travail"
                convention.save(update_fields=["termination_date", "termination_reason"])
            services.recompute(convention, today)
            _receive_due(convention, today, user=staff, **receive_kwargs)
            created += 1
        else:
            services.recompute(convention, today)
    stdout.write(f"  conventions : {len(scenarios)} ({created} créées)")
    if _pending_upload("2024/9004", missed_enrolment):
        stdout.write("  document déposé par un·e doctorant·e, à confirmer : 1")


def _pending_upload(number: str, key: str) -> bool:
    """The late enrolment certificate, uploaded by the doctoral student and waiting for staff confirmation
    (the "Documents à confirmer" list). Created once: nothing if the obligation already has a document."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    obligation = Obligation.objects.filter(convention__anrt_number=number, key=key).select_related("convention").first()
    if obligation is None or obligation.received_on or obligation.documents.exists():
        return False
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    upload = SimpleUploadedFile("certificat-inscription.pdf", buffer.getvalue(), content_type="application/pdf")
    student = obligation.convention.doctoral_student
    services.add_document(obligation, upload, student, received_on=None, confirm=False)
    return True
