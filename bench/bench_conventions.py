"""Median server time of the staff dashboard and convention list with 5,000 conventions on PostgreSQL.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_conventions.py`
(or `make bench`). Target (issue 5): under 300 ms each. It creates the database ``bench_conventions_<pid>``
on the server of ``DATABASE_URL`` (``bench/_database.py``: dropped at the end, whatever happens) with 5,000
conventions whose obligations and instalments come from the rules engine, then times each page in-process
through Django's test client (full middleware stack, template rendering).
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import own_database, require_postgres  # noqa: E402

require_postgres("bench_conventions")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("LOG_LEVEL", "ERROR")

COUNT = 5_000
RUNS = 20
AS_OF = date(2026, 11, 23)


def seed() -> None:
    from accounts.models import User
    from conventions import rules
    from conventions.models import (
        Convention,
        DoctoralSchool,
        Employer,
        HostDepartment,
        Lab,
        Obligation,
        ThesisDirector,
        Tutor,
    )
    from subsidies.models import Instalment

    if Convention.objects.count() >= COUNT:
        return
    print(f"seeding {COUNT} conventions…", flush=True)
    rng = random.Random(5)
    employer = Employer.objects.create(name="Ville de Paris", siret="21750001600019", address="Paris")
    departments = [HostDepartment.objects.create(employer=employer, name=f"Direction {i}") for i in range(12)]
    school = DoctoralSchool.objects.create(number=1, name="ED")
    labs = [
        Lab.objects.create(name=f"Lab {i}", unit_code=f"UMR {i}", institution="U", doctoral_school=school)
        for i in range(30)
    ]
    tutor = Tutor.objects.create(name="Tuteur", email="t@example.org")
    director = ThesisDirector.objects.create(name="Directrice", email="d@example.org")
    users = User.objects.bulk_create(
        [User(email=f"doc{i}@bench.example", first_name="Doc", last_name=f"N{i}") for i in range(COUNT)]
    )
    conventions, plans = [], []
    for i, user in enumerate(users):
        effective = date(2022, 1, 1) + timedelta(days=rng.randrange(1750))
        facts = rules.Facts(effective_date=effective, annual_subsidy=Decimal("14000.00"))
        keys = rules.plan_convention(facts, effective, check_received=False).obligations
        received = {o.key: min(o.due, AS_OF) for o in keys if o.due <= AS_OF and rng.random() < 0.93}
        terminated = rng.random() < 0.05
        plan = rules.plan_convention(facts, AS_OF)
        if terminated and plan.end_date > effective + timedelta(days=200):
            facts = rules.Facts(
                effective_date=effective,
                annual_subsidy=Decimal("14000.00"),
                termination_date=effective + timedelta(days=200),
            )
            received = {
                k: v
                for k, v in received.items()
                if k in {o.key for o in rules.plan_convention(facts, AS_OF, check_received=False).obligations}
            }
        facts = rules.Facts(
            effective_date=facts.effective_date,
            annual_subsidy=facts.annual_subsidy,
            termination_date=facts.termination_date,
            received=received,
        )
        plan = rules.plan_convention(facts, AS_OF)
        pending = [o.due for o in plan.obligations if o.status in ("upcoming", "overdue")]
        status = "terminated" if facts.termination_date else ("ended" if plan.end_date < AS_OF else "active")
        conventions.append(
            Convention(
                doctoral_student=user,
                employer=employer,
                host_department=departments[i % 12],
                lab=labs[i % 30],
                tutor=tutor,
                thesis_director=director,
                thesis_title=f"Thèse {i}",
                anrt_number=f"{effective.year}/{i:04d}",
                committee_date=effective,
                submission_date=effective,
                effective_date=effective,
                duration_months=plan.duration_months,
                contract_type="permanent",
                gross_salary=Decimal("30000"),
                status=status,
                rate_year=effective.year,
                annual_subsidy=Decimal("14000"),
                minimum_salary=Decimal("23484"),
                termination_date=facts.termination_date,
                termination_reason="bench" if facts.termination_date else "",
                end_date=plan.end_date,
                lost_on=plan.lost_on,
                next_deadline=min(pending) if pending else None,
            )
        )
        plans.append(plan)
    conventions = Convention.objects.bulk_create(conventions, batch_size=1000)
    obligations, instalments = [], []
    for convention, plan in zip(conventions, plans, strict=True):
        for o in plan.obligations:
            obligations.append(
                Obligation(
                    convention=convention,
                    key=o.key,
                    kind=o.kind,
                    due_date=o.due,
                    forfeits_on=o.forfeits_on,
                    received_on=o.received,
                    status=o.status,
                    gates=list(o.gates),
                )
            )
        for line in plan.instalments:
            instalments.append(
                Instalment(
                    convention=convention,
                    number=line.number,
                    period_start=line.period_start,
                    period_end=line.period_end,
                    due_date=line.due_date,
                    amount=line.amount,
                    status=line.status,
                    payable_on=line.payable_on,
                    gated_by=list(line.gated_by),
                    invoiced_on=line.due_date + timedelta(days=20)
                    if line.status == "payable" and rng.random() < 0.7
                    else None,
                )
            )
    Obligation.objects.bulk_create(obligations, batch_size=5000)
    Instalment.objects.bulk_create(instalments, batch_size=5000)
    print(f"  {len(conventions)} conventions, {len(obligations)} obligations, {len(instalments)} instalments")


def median_ms(client, url: str) -> float:
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def main() -> int:
    import django

    django.setup()

    from django.test.utils import setup_test_environment

    setup_test_environment()
    with own_database("conventions"):
        return measure()


def measure() -> int:
    from django.db import connection, transaction
    from django.test import Client

    with transaction.atomic():
        seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from accounts.models import User
    from accounts.roles import STAFF, grant_role
    from tests.factories import give_second_factor, sign_in

    staff, created = User.objects.get_or_create(email="staff@bench.example")
    if created:
        grant_role(staff, STAFF)
        give_second_factor(staff)
    client = Client()
    sign_in(client, staff)  # password and second factor, as staff pages require of the session
    print(f"{COUNT} conventions, PostgreSQL {connection.pg_version // 10000}, median of {RUNS} requests (server time):")
    failures = 0
    for label, url in (
        ("dashboard", "/conventions/tableau-de-bord/"),
        ("convention list", "/conventions/"),
        ("convention list, filtered (missing document)", "/conventions/?missing=any"),
        ("obligations list (overdue)", "/conventions/obligations/?status=overdue"),
        ("instalments list (payable, not invoiced)", "/conventions/echeances/?status=payable&invoiced=no"),
    ):
        ms = median_ms(client, url)
        target = label in ("dashboard", "convention list")
        ok = ms < 300
        failures += target and not ok
        print(f"  {label:48s} {ms:8.1f} ms{'  (target < 300 ms)' if target else ''}{'' if ok else '  TOO SLOW'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
