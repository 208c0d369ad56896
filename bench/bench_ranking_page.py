"""The staff ranking page of a call with 3,000 dossiers and 3 evaluations each, on PostgreSQL, through HTTP.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_ranking_page.py`
(or `make bench`). Target (issue 11): the ranking page under 200 ms with a fixed number of queries. It creates
the database ``bench_ranking_page_<pid>`` on the server of ``DATABASE_URL`` (``bench/_database.py``: dropped at
the end, whatever happens) and loads the world of ``bench_ranking.py`` (one call, 3 criteria, 6 themes, 60
evaluators, 3,000 dossiers, 9,000 submitted evaluations, 27,000 scores; ``ANALYZE``). Then a staff member
signed in with the second factor requests, through Django's test client (the whole middleware stack, the
template, the session), the ranking page (``applications:staff_ranking``): by mean, by median, page 30, one
theme. It prints the median of 15 requests after two warm-ups, and each variant's number of queries (equal
whatever the order or the page, one more with a theme: its lookup; none depends on the number of dossiers),
and, for comparison, the in-process time of ``ranking_page.index`` and of ``ranking.ranking``. Refuses SQLite.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import own_database, require_postgres  # noqa: E402

require_postgres("bench_ranking_page")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

RUNS, TARGET_MS = 15, 200.0


def timed(client, url: str) -> tuple[float, int]:
    from django.db import connection

    for _ in range(2):
        assert client.get(url).status_code == 200, url
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        response = client.get(url)
    assert response.status_code == 200, url
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(queries)


def measure() -> int:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from accounts.roles import STAFF, grant_role
    from bench.bench_ranking import DOSSIERS, PER_DOSSIER, seed
    from tests.factories import give_second_factor, sign_in

    print(f"seeding {DOSSIERS} dossiers, {DOSSIERS * PER_DOSSIER} evaluations…", flush=True)
    call = seed()
    staff = User.objects.create(email="staff@bench.example", first_name="Équipe", last_name="IEA")
    grant_role(staff, STAFF)
    give_second_factor(staff)
    client = Client()
    sign_in(client, staff)
    url = reverse("applications:staff_ranking", args=[call.pk])
    theme = call.themes.order_by("pk").first()
    print(
        f"ranking page, {DOSSIERS} dossiers × {PER_DOSSIER}, PostgreSQL {connection.pg_version // 10000}, "
        f"median of {RUNS} requests (server time, whole stack):"
    )
    failures, counts = 0, set()
    for label, query in (
        ("by mean, page 1", ""),
        ("by median, page 1", "?order=median"),
        ("by mean, page 30", "?page=30"),
        ("one theme (500 dossiers)", f"?theme={theme.pk}"),
    ):
        ms, queries = timed(client, url + query)
        if "theme" not in query:  # the theme filter adds one: the chosen theme's lookup
            counts.add(queries)
        ok = ms < TARGET_MS
        failures += not ok
        print(
            f"  {label:28s} {ms:7.1f} ms, {queries} queries (target < {TARGET_MS:.0f} ms){'' if ok else '  TOO SLOW'}"
        )
    from applications.evaluation import ranking, ranking_page

    def median_of(function) -> float:
        function()
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    print(
        f"  for comparison, in process: ranking_page.index {median_of(lambda: ranking_page.index(call)):.1f} ms; "
        f"ranking.ranking (the exports') {median_of(lambda: ranking.ranking(call)):.1f} ms"
    )
    if len(counts) != 1:
        print(f"  the number of queries varies: {sorted(counts)}")
        failures += 1
    return 1 if failures else 0


def main() -> int:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, the in-memory e-mail backend
    with own_database("ranking_page"):
        return measure()


if __name__ == "__main__":
    sys.exit(main())
