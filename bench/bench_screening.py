"""Median server time and queries of the staff screening list with 3,000 submitted dossiers, on PostgreSQL.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_screening.py`
(or `make bench`). Target (issue 10): the list under 150 ms, with a fixed number of queries. It creates the
database ``bench_screening_<pid>`` on the server of ``DATABASE_URL`` (``bench/_database.py``: dropped at the
end, whatever happens) with one call of 8 themes, 3,000 submitted dossiers at every screening stage (10 % with
a failing eligibility check, a third of those lifted, 5 % with an open request for missing items, some of them
lapsed) and 500 drafts; then, in-process through Django's test client (the whole middleware stack, the
second-factor check and template rendering), it times the median of 30 requests of the list and its variants
(wall time; the CPU time of the process and the SQL time of one request are printed too, since a loaded
machine inflates wall time), and counts the queries of each, against the same page on a call of 3 dossiers.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import own_database, require_postgres  # noqa: E402

require_postgres("bench_screening")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("LOG_LEVEL", "ERROR")

COUNT = 3_000
DRAFTS = 500
RUNS = 30
TARGET_MS = 150.0
STATUSES = ["submitted"] * 40 + ["complete"] * 25 + ["missing_items"] * 5 + ["eligible"] * 20 + ["ineligible"] * 7
STATUSES += ["withdrawn"] * 3


def snapshot(failing: str | None) -> list[dict]:
    from conventions.rules import ELIGIBILITY_CODES

    return [
        {
            "code": code,
            "ok": code != failing,
            "message_fr": "Contrôle satisfait." if code != failing else "Contrôle en échec.",
            "message_en": "Check passed." if code != failing else "Check failed.",
        }
        for code in ELIGIBILITY_CODES
    ]


def seed_call(year: int, count: int, drafts: int, rng: random.Random):
    from django.utils import timezone

    from accounts.models import User
    from applications.models import Call, Criterion, Dossier, EligibilityOverride, MissingItemsRequest, Theme
    from conventions.models import Employer, HostDepartment

    now = timezone.now()
    call = Call.objects.create(
        year=year,
        title_fr=f"Appel {year}",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        planned_filing_date=date(year, 6, 1),
        planned_effective_date=date(year, 9, 1),
        is_published=True,
    )
    employer, _created = Employer.objects.get_or_create(
        siret="21750001600019", defaults={"name": "Ville de Paris", "address": "Paris"}
    )
    themes = []
    for i in range(8):
        department = HostDepartment.objects.create(employer=employer, name=f"Direction {year}-{i}")
        themes.append(
            Theme.objects.create(
                call=call,
                host_department=department,
                title_fr=f"Thème {i}",
                description_fr="Description.",
                contact_name="Contact",
                contact_email=f"contact{i}@paris.fr",
                position=i,
            )
        )
    for i, weight in enumerate(("2", "1", "1")):
        Criterion.objects.create(call=call, label_fr=f"Critère {i}", weight=Decimal(weight), position=i)
    users = User.objects.bulk_create(
        [
            User(email=f"c{year}-{i}@bench.example", first_name=f"Prénom{i}", last_name=f"Nom{i}{rng.randrange(10**6)}")
            for i in range(count + drafts)
        ]
    )
    checks = [None, "masters_recent", "enrolment_recent", "prior_employment", "lab_doctoral_school"]
    dossiers = []
    for i, user in enumerate(users):
        submitted = i < count
        failing = rng.choice(checks[1:]) if submitted and rng.random() < 0.10 else None
        if i == 0:  # every variant of the list finds at least this one, in both calls
            failing = "masters_recent"
        dossiers.append(
            Dossier(
                call=call,
                candidate=user,
                number=f"{year}-{i + 1:04d}" if submitted else None,
                status=("complete" if i == 0 else rng.choice(STATUSES)) if submitted else "draft",
                version=1 if submitted else 0,
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                phone="01 42 76 40 40",
                degree_title="Master",
                degree_institution="Université",
                degree_date=date(year - 1, 6, 30),
                theme=themes[i % 8],
                thesis_title=f"Thèse {i}",
                summary="Résumé. " * 100,
                research_description="Description. " * 400,
                lab_name=f"Lab {i % 40}",
                lab_unit_code=f"UMR {i % 40}",
                director_name="Directrice",
                eligibility=snapshot(failing) if submitted else [],
                submitted_at=now - timedelta(days=2, minutes=i) if submitted else None,
            )
        )
    dossiers = Dossier.objects.bulk_create(dossiers, batch_size=1000)
    overrides, requests = [], []
    for dossier in dossiers[:count]:
        failing = next((e["code"] for e in dossier.eligibility if not e["ok"]), None)
        if failing and dossier.number != f"{year}-0001" and rng.random() < 0.33:
            overrides.append(EligibilityOverride(dossier=dossier, code=failing, reason="Levée (bench)."))
        if dossier.status == "missing_items":
            late = rng.random() < 0.3
            requests.append(
                MissingItemsRequest(
                    dossier=dossier,
                    items=["degree"],
                    message="Pièce manquante.",
                    deadline=now + (timedelta(days=-1) if late else timedelta(days=5)),
                )
            )
    EligibilityOverride.objects.bulk_create(overrides)
    MissingItemsRequest.objects.bulk_create(requests)
    return call


def median_ms(client, url: str) -> tuple[float, float, float, int]:
    """Median wall time, median CPU time of this process (the server's Python), SQL time and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return statistics.median(times), statistics.median(cpu), sql, len(queries)


def main() -> int:
    import django

    django.setup()

    from django.conf import settings

    # Not setup_test_environment(): its instrumented template rendering (a signal and a context copy
    # per template) would be timed too. The test client only needs its host allowed.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with own_database("screening"):
        return measure()


def measure() -> int:
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from accounts.roles import STAFF, grant_role
    from tests.factories import give_second_factor, sign_in

    rng = random.Random(10)
    print(f"seeding {COUNT} dossiers and {DRAFTS} drafts…", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        big = seed_call(2031, COUNT, DRAFTS, rng)
        small = seed_call(2032, 3, 1, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  seeded in {time.perf_counter() - started:.1f} s")

    staff = User.objects.create(email="staff@bench.example")
    grant_role(staff, STAFF)
    give_second_factor(staff)
    client = Client()
    sign_in(client, staff)

    def url(call, query=""):
        return reverse("applications:staff_dossiers", args=[call.pk]) + (f"?{query}" if query else "")

    print(
        f"{COUNT} submitted dossiers, PostgreSQL {connection.pg_version // 10000}, "
        f"started {datetime.now():%Y-%m-%d %H:%M}, median of {RUNS} requests (server time):"
    )
    failures = 0
    variants = (
        ("screening list (first page of 50)", "", True),
        ("sorted by name, descending", "sort=-name", False),
        ("filtered: a failing check not lifted", "failing=any", False),
        ("filtered: theme and status", "theme={theme}&status=complete", False),
        ("search by name", "q=Nom0", False),
        ("last page", "page=60", False),
    )
    for label, query, target in variants:
        big_query = query.format(theme=big.themes.first().pk)
        small_query = query.format(theme=small.themes.first().pk)
        ms, cpu, sql, queries = median_ms(client, url(big, big_query))
        *_times, small_queries = median_ms(client, url(small, small_query))
        fixed = queries == small_queries
        slow = target and ms >= TARGET_MS
        failures += slow or not fixed
        note = f"  (target < {TARGET_MS:.0f} ms)" if target else ""
        print(
            f"  {label:38s} {ms:7.1f} ms (CPU {cpu:5.1f}, SQL {sql:5.1f})  {queries:2d} queries"
            f" (3 dossiers: {small_queries}){note}{'  TOO SLOW' if slow else ''}"
            f"{'' if fixed else '  QUERIES GROW WITH ROWS'}"
        )
    for fmt in ("csv", "xlsx"):
        export = reverse("applications:staff_dossier_export", args=[big.pk, fmt])
        start = time.perf_counter()
        response = client.get(export)
        ms = (time.perf_counter() - start) * 1000
        assert response.status_code == 200
        print(f"  export {fmt} of the {COUNT} dossiers{'':14s} {ms:7.1f} ms (one request)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
