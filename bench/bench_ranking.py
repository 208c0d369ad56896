"""The ranking of a call with 3,000 dossiers and 3 evaluations each, on PostgreSQL.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_ranking.py`
(or `make bench`). Target (issue 11): the ranking page under 200 ms with a fixed number of queries. It creates
the database ``bench_ranking_<pid>`` on the server of ``DATABASE_URL`` (``bench/_database.py``: dropped at the
end, whatever happens), loads one call (3 criteria, 6 themes), 60 evaluators, 3,000 dossiers in evaluation,
9,000 submitted evaluations and 27,000 scores (bulk inserts), then times, median of 15 runs after a warm-up,
``applications.evaluation.ranking.ranking`` (the computation, with its queries) and the page's equivalent:
the computation plus a Django template rendering a page of 100 rows (number, theme, mean, median,
received/assigned, spread, deviation, flag, the three criterion means) and the evaluators' table, as the staff
ranking page will; and, for comparison, the same with all 3,000 rows in one table. Refuses SQLite.
"""

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import own_database, require_postgres  # noqa: E402
from bench._evaluation_world import call_with_grid, submit_all  # noqa: E402

require_postgres("bench_ranking")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")

DOSSIERS, EVALUATORS, PER_DOSSIER, RUNS, TARGET_MS, PAGE_SIZE = 3_000, 60, 3, 15, 200.0, 100

PAGE = """{% for line in rows %}<tr><td>{{ line.rank|default:"—" }}</td><td>{{ line.number }}</td>
<td>{{ line.theme_title }}</td><td>{{ line.mean|default:"—" }}</td><td>{{ line.median|default:"—" }}</td>
<td>{{ line.received }}/{{ line.assigned }}</td><td>{{ line.spread }}</td><td>{{ line.stdev }}</td>
<td>{% if line.disagreement %}écart{% endif %}</td>{% for value in line.criterion_means.values %}<td>{{ value }}</td>
{% endfor %}</tr>{% endfor %}{% for e in ranking.evaluators %}<tr><td>{{ e.name }}</td><td>{{ e.mean }}</td>
<td>{{ e.others_mean }}</td><td>{{ e.marker }}</td></tr>{% endfor %}"""


def seed():
    from django.utils import timezone

    from accounts.models import User
    from applications.evaluation.models import Assignment
    from applications.models import Dossier

    rng = random.Random(11)
    now = timezone.now()
    call, criteria, themes = call_with_grid(6)
    experts = User.objects.bulk_create(
        [User(email=f"expert{i}@bench.example", first_name="Expert", last_name=f"N{i}") for i in range(EVALUATORS)]
    )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                call=call,
                number=f"2027-{j + 1:04d}",
                status=Dossier.Status.IN_EVALUATION,
                theme=themes[j % len(themes)],
                thesis_title=f"Projet {j}",
                version=1,
            )
            for j in range(DOSSIERS)
        ],
        batch_size=1000,
    )
    deadline = date(2027, 5, 15)
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                dossier=d, evaluator=experts[(j * PER_DOSSIER + k) % EVALUATORS], deadline=deadline, status="submitted"
            )
            for j, d in enumerate(dossiers)
            for k in range(PER_DOSSIER)
        ],
        batch_size=2000,
    )
    submit_all(
        assignments,
        criteria,
        rng,
        overall_comment="Avis argumenté.",
        comment="Commentaire.",
        submitted_at=now,
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have gathered by then
        cursor.execute("ANALYZE")
    return call


def measure() -> int:
    from django.db import connection, reset_queries
    from django.template import Context, Template
    from django.test.utils import CaptureQueriesContext

    from applications.evaluation.ranking import ranking

    print(f"seeding {DOSSIERS} dossiers, {DOSSIERS * PER_DOSSIER} evaluations…", flush=True)
    call = seed()
    template = Template(PAGE)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        result = ranking(call)
    query_count = len(queries)
    html = template.render(Context({"ranking": result, "rows": result.dossiers}))
    assert len(result.dossiers) == DOSSIERS and html.count("<tr>") == DOSSIERS + len(result.evaluators)
    compute, page, table = [], [], []
    for _ in range(RUNS):
        reset_queries()
        start = time.perf_counter()
        result = ranking(call)
        middle = time.perf_counter()
        template.render(Context({"ranking": result, "rows": result.dossiers[:PAGE_SIZE]}))
        end = time.perf_counter()
        template.render(Context({"ranking": result, "rows": result.dossiers}))
        last = time.perf_counter()
        compute.append((middle - start) * 1000)
        page.append((end - start) * 1000)
        table.append((middle - start + last - end) * 1000)
    median_page = statistics.median(page)
    print(
        f"ranking of {DOSSIERS} dossiers × {PER_DOSSIER} evaluations ({query_count} queries, "
        f"{sum(1 for line in result.dossiers if line.disagreement)} flagged), median of {RUNS}: "
        f"computation {statistics.median(compute):.1f} ms; page of {PAGE_SIZE} rows {median_page:.1f} ms "
        f"(target < {TARGET_MS:.0f} ms); all {DOSSIERS} rows in one table {statistics.median(table):.1f} ms"
    )
    return 0 if median_page < TARGET_MS else 1


def main() -> int:
    import django

    django.setup()
    with own_database("ranking"):
        return measure()


if __name__ == "__main__":
    sys.exit(main())
