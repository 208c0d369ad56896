"""The daily status sweep over 5,000 and 20,000 conventions on PostgreSQL.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_sweep.py`
(or `make bench`). Targets (issue 6): under 10 s at 5,000 conventions, and at 20,000 no more than 4.5 times
the 5,000 figure. It builds a throw-away database ``bench_sweep_<pid>`` on the server of ``DATABASE_URL``
(``bench/_database.py``: dropped at the end, whatever happens), fills it with conventions whose obligations
and instalments come from the rules engine with statuses as they stood 30 days before the sweep date (so the
sweep has a month of changes to catch up: obligations turning overdue or missed, instalments turning payable,
withheld or forfeited), times ``subsidies.domain.sweep.sweep`` on that date, then the next day's sweep (the
steady daily case), each figure the median of 3 runs rolled back after a warm-up run; then empties the tables
and does the same at 20,000. Obligations and instalments are loaded with COPY. Refuses to run on SQLite.
"""

import json
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

require_postgres("bench_sweep")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")

SIZES = (5_000, 20_000)
AS_OF = date(2026, 11, 23)
STALE = AS_OF - timedelta(days=30)
TARGET_SECONDS = 10.0
RUNS = 3
TARGET_RATIO = 4.5


def seed(count: int) -> tuple[int, int]:
    from django.utils import timezone

    from accounts.models import User
    from conventions import rules
    from conventions.models import Convention, Employer, HostDepartment, Lab, Obligation, ThesisDirector, Tutor
    from subsidies.models import Instalment

    rng = random.Random(count)
    now = timezone.now()
    employer, _ = Employer.objects.get_or_create(
        siret="21750001600019", defaults={"name": "Ville de Paris", "address": "Paris"}
    )
    department, _ = HostDepartment.objects.get_or_create(employer=employer, name="Direction")
    lab, _ = Lab.objects.get_or_create(unit_code="UMR 1", defaults={"name": "Lab", "institution": "U"})
    tutor, _ = Tutor.objects.get_or_create(email="t@example.org", defaults={"name": "Tuteur"})
    director, _ = ThesisDirector.objects.get_or_create(email="d@example.org", defaults={"name": "Directrice"})
    users = User.objects.bulk_create(
        [User(email=f"doc{i}@bench.example", first_name="Doc", last_name=f"N{i}") for i in range(count)],
        batch_size=5000,
    )
    conventions, plans, base_plans = [], [], {}
    for i, user in enumerate(users):
        effective = date(2022, 6, 1) + timedelta(days=rng.randrange(1600))
        if effective not in base_plans:
            base = rules.Facts(effective_date=effective, annual_subsidy=Decimal("14000.00"))
            base_plans[effective] = rules.plan_convention(base, effective, check_received=False).obligations
        keys = base_plans[effective]
        # Most documents arrive on time; some late, some never (money at risk, money lost).
        received = {}
        for o in keys:
            draw = rng.random()
            if draw < 0.85:
                received[o.key] = o.due - timedelta(days=rng.randrange(20))
            elif draw < 0.93:
                received[o.key] = o.due + timedelta(days=rng.randrange(1, 200))
        facts = rules.Facts(effective_date=effective, annual_subsidy=Decimal("14000.00"), received=received)
        plan = rules.plan_convention(facts, STALE)
        pending = [o.due for o in plan.obligations if o.status in ("upcoming", "overdue") and o.received is None]
        conventions.append(
            Convention(
                doctoral_student=user,
                employer=employer,
                host_department=department,
                lab=lab,
                tutor=tutor,
                thesis_director=director,
                thesis_title=f"Thèse {i}",
                anrt_number=f"{effective.year}/{i % 10000:04d}"
                if count <= 10000
                else f"{1000 + i // 10000}/{i % 10000:04d}",
                committee_date=effective,
                submission_date=effective,
                effective_date=effective,
                duration_months=plan.duration_months,
                contract_type="permanent",
                gross_salary=Decimal("30000"),
                status="ended" if plan.end_date < STALE else "active",
                rate_year=effective.year,
                annual_subsidy=Decimal("14000"),
                minimum_salary=Decimal("23484"),
                end_date=plan.end_date,
                lost_on=plan.lost_on,
                next_deadline=min(pending) if pending else None,
            )
        )
        plans.append(plan)
    conventions = Convention.objects.bulk_create(conventions, batch_size=2000)
    obligations, instalments = [], []
    for convention, plan in zip(conventions, plans, strict=True):
        for o in plan.obligations:
            obligations.append(
                (
                    convention.pk,
                    o.key,
                    o.kind,
                    o.due,
                    o.forfeits_on,
                    o.received,
                    o.status,
                    json.dumps(list(o.gates)),
                    True,
                )
            )
        for line in plan.instalments:
            instalments.append(
                (
                    convention.pk,
                    line.number,
                    line.period_start,
                    line.period_end,
                    line.due_date,
                    line.amount,
                    line.status,
                    line.payable_on,
                    json.dumps(list(line.gated_by)),
                    now,
                )
            )
    # COPY, not bulk_create: a quarter of a million model instances cost more than the sweep being measured.
    copy_rows(
        Obligation,
        ["convention_id", "key", "kind", "due_date", "forfeits_on", "received_on", "status", "gates", "is_current"],
        obligations,
    )
    copy_rows(
        Instalment,
        [
            "convention_id",
            "number",
            "period_start",
            "period_end",
            "due_date",
            "amount",
            "status",
            "payable_on",
            "gated_by",
            "updated_at",
        ],
        instalments,
    )
    return len(obligations), len(instalments)


def timed(function, *args):
    """Median seconds of RUNS calls after one warm-up, each rolled back so every call does the same work."""
    from django.db import transaction

    times, result = [], None
    for _attempt in range(RUNS + 1):
        with transaction.atomic():
            started = time.perf_counter()
            result = function(*args)
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return statistics.median(times[1:]), times[0], result


def copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE subsidies_statuschange, subsidies_instalment, conventions_obligation, conventions_convention,"
            " accounts_user RESTART IDENTITY CASCADE"
        )


def main() -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    from subsidies.domain.sweep import sweep

    setup_test_environment()
    figures = {}
    with own_database("sweep"):
        for count in SIZES:
            started = time.perf_counter()
            with transaction.atomic():
                n_obligations, n_instalments = seed(count)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(
                f"{count} conventions ({n_obligations} obligations, {n_instalments} instalments) seeded in "
                f"{time.perf_counter() - started:.1f} s, statuses as of {STALE}",
                flush=True,
            )
            catch_up, cold, result = timed(sweep, AS_OF)
            sweep(AS_OF)  # now for real: the next day starts from swept statuses
            daily, _cold, next_day = timed(sweep, AS_OF + timedelta(days=1))
            figures[count] = catch_up
            print(
                f"  sweep {AS_OF} (30 days to catch up): {catch_up:6.2f} s, {result.total} changes recorded "
                f"({', '.join(f'{k} {v}' for k, v in result.changes.items())}); first, cold run {cold:.2f} s"
            )
            print(f"  sweep {AS_OF + timedelta(days=1)} (next day):        {daily:6.2f} s, {next_day.total} changes")
            empty()
    small, large = figures[SIZES[0]], figures[SIZES[1]]
    ratio = large / small
    ok = small < TARGET_SECONDS and ratio <= TARGET_RATIO
    print(
        f"5,000: {small:.2f} s (target < {TARGET_SECONDS:.0f} s); 20,000: {large:.2f} s; ratio {ratio:.2f} "
        f"(target <= {TARGET_RATIO}){'' if ok else '  TARGET MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
