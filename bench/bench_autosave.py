"""Server time of one autosave request (the dossier's steps save as the candidate types).

Usage: `.venv/bin/python bench/bench_autosave.py`. On PostgreSQL (`BENCH_POSTGRES_URL`, default
`postgres://postgres@127.0.0.1:5432/postgres`) it creates its own database `bench_autosave_<pid>` and
drops it at the end; without PostgreSQL it uses a temporary SQLite file and says so. Through Django's
test client (the whole middleware stack: sessions, CSRF, second-factor check, locale), it times 400
autosave requests of one to three fields on the project step of a draft, after 20 for warming up, and
prints the median and p95 and the number of queries per request. Goal: median under 20 ms.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REQUESTS = 400
GOAL_MS = 20.0


def prepare_database() -> tuple[str, callable]:
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"bench_autosave_{os.getpid()}"
    try:
        import psycopg

        with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}): measuring on a temporary SQLite file")
        folder = tempfile.mkdtemp(prefix="bench-autosave-")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)

    def drop():
        import psycopg

        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(server)._replace(path=f"/{name}")), drop


def main() -> int:
    url, cleanup = prepare_database()
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cifre.settings_test"
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        from tests.applications.factories import DossierFactory

        dossier = DossierFactory()
        client = Client()
        client.force_login(dossier.candidate)
        path = reverse("applications:autosave", args=[dossier.pk, "project"])
        version = 0
        times, queries = [], []
        for i in range(REQUESTS + 20):
            data = {"step_version": version, "summary": f"Résumé, version {i}"}
            if i % 3 == 1:
                data["keywords"] = f"arbres, chaleur, {i}"
            if i % 3 == 2:
                data |= {"methods": f"Méthodes {i}", "discipline": "Géographie"}
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.post(path, data, HTTP_ACCEPT="application/json")
                elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"autosave answered {response.status_code}: {response.content[:300]!r}")
            version = response.json()["version"]
            if i >= 20:
                times.append(elapsed)
                queries.append(len(captured))
        times.sort()
        median, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        engine = connection.vendor
        print(f"autosave ({engine}, {REQUESTS} requests through the test client, whole middleware stack)")
        print(f"median {median:.2f} ms, p95 {p95:.2f} ms, queries per request {min(queries)}–{max(queries)}")
        print(f"goal: median < {GOAL_MS:.0f} ms: {'met' if median < GOAL_MS else 'MISSED'}")
        return 0 if median < GOAL_MS else 1
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
