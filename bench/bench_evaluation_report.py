"""The evaluation report PDF of a call with 150 dossiers and 3 evaluations each, on PostgreSQL.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_evaluation_report.py`
(or `make bench`). Target (issue 11): the report under 10 s. It creates the database
``bench_evaluation_report_<pid>`` on the server of ``DATABASE_URL`` (``bench/_database.py``: dropped at the end,
whatever happens), loads one call (3 criteria, 4 themes), 20 evaluators with profiles, 150 dossiers with
candidates' names, 450 submitted evaluations with comments and 1,350 scores, 450 "no conflict" declarations
with their signed statement and 10 conflicts, 10 reopenings with their reasons, a committee and its applied
decisions (bulk inserts), then times ``applications.evaluation.report.report_pdf`` (the queries, the template
and WeasyPrint) after one warm-up render (WeasyPrint loads Pango once per process), median of 3, and the
committee PDF (``committee_pdf``, one page per dossier with every comment) for comparison. Refuses SQLite.
"""

import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._database import own_database, require_postgres  # noqa: E402
from bench._evaluation_world import call_with_grid, submit_all  # noqa: E402

require_postgres("bench_evaluation_report")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")

DOSSIERS, EVALUATORS, PER_DOSSIER, RUNS, TARGET_S = 150, 20, 3, int(os.environ.get("BENCH_RUNS", 3)), 10.0
STATEMENT = (
    "Je soussigné·e, {name}, déclare sur l'honneur n'avoir aucun conflit d'intérêts, direct ou indirect, avec le "
    "dossier n° {number}, ni avec son laboratoire, sa direction de thèse ou la personne qui l'a déposé, et "
    "m'engage à en garder le contenu confidentiel. Déclaration faite le 3 mai 2027 à 10:15, heure de Paris."
)
COMMENT = "Argumentation claire, méthode adaptée ; le calendrier de la deuxième année reste ambitieux. " * 3


def seed():
    from django.utils import timezone

    from accounts.models import User
    from applications.evaluation.models import (
        Assignment,
        Committee,
        ConflictDeclaration,
        Decision,
        EvaluatorProfile,
    )
    from applications.models import Dossier, DossierEvent

    rng = random.Random(11)
    now = timezone.now()
    call, criteria, themes = call_with_grid(
        4,
        theme_title="Thème {i} : la ville et ses arbres",
        described=True,
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=60),
        evaluation_closed_at=now - timedelta(days=5),
        decisions_on=timezone.localdate(),
    )
    staff = User.objects.create(email="staff@bench.example", first_name="Pénélope", last_name="Michaud")
    experts = User.objects.bulk_create(
        [User(email=f"expert{i}@bench.example", first_name="Expert", last_name=f"Nom{i}") for i in range(EVALUATORS)]
    )
    EvaluatorProfile.objects.bulk_create(
        [EvaluatorProfile(user=u, affiliation=f"Institution {i % 7}", capacity=40) for i, u in enumerate(experts)]
    )
    candidates = User.objects.bulk_create(
        [
            User(email=f"candidat{j}@bench.example", first_name="Camille", last_name=f"Candidat{j}")
            for j in range(DOSSIERS)
        ]
    )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                call=call,
                candidate=candidates[j],
                first_name="Camille",
                last_name=f"Candidat{j}",
                number=f"2027-{j + 1:04d}",
                status=Dossier.Status.IN_EVALUATION,
                theme=themes[j % len(themes)],
                thesis_title=f"Projet de thèse n° {j} sur l'ombre des arbres d'alignement",
                version=1,
            )
            for j in range(DOSSIERS)
        ]
    )
    deadline = date(2027, 5, 15)
    pairs = [
        (d, experts[(j * PER_DOSSIER + k) % EVALUATORS]) for j, d in enumerate(dossiers) for k in range(PER_DOSSIER)
    ]
    assignments = Assignment.objects.bulk_create(
        [Assignment(dossier=d, evaluator=e, deadline=deadline, status="submitted", created_by=staff) for d, e in pairs]
    )
    ConflictDeclaration.objects.bulk_create(
        [
            ConflictDeclaration(
                assignment=a,
                dossier=d,
                evaluator=e,
                has_conflict=False,
                declared_by=e,
                statement=STATEMENT.format(name=f"{e.first_name} {e.last_name}", number=d.number),
            )
            for a, (d, e) in zip(assignments, pairs, strict=True)
        ]
        + [
            ConflictDeclaration(
                dossier=dossiers[j * 7],
                evaluator=experts[(j * 7 * PER_DOSSIER + 3) % EVALUATORS],
                has_conflict=True,
                nature="J'ai encadré le mémoire de master de ce projet.",
            )
            for j in range(10)
        ]
    )
    submit_all(
        assignments,
        criteria,
        rng,
        overall_comment=COMMENT,
        comment=COMMENT[:200],
        submitted_at=now - timedelta(days=10),
    )
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier=a.dossier,
                kind=DossierEvent.Kind.EVALUATION_REOPENED,
                actor=staff,
                public=False,
                message="Note incohérente avec le commentaire.",
                data={"assignment": a.pk, "evaluator": a.evaluator_id, "total": "12.00"},
            )
            for a in assignments[::45]
        ]
    )
    committee = Committee.objects.create(call=call, date=timezone.localdate(), members_present="Mme Martin, M. Bernard")
    outcomes = ["selected"] * 10 + ["waiting_list"] * 10 + ["rejected"] * (DOSSIERS - 20)
    Decision.objects.bulk_create(
        [
            Decision(
                dossier=d,
                committee=committee,
                outcome=o,
                waiting_rank=(i - 9 if o == "waiting_list" else None),
                status="applied",
                decided_by=staff,
                applied_by=staff,
                applied_at=now,
            )
            for i, (d, o) in enumerate(zip(dossiers, outcomes, strict=True))
        ]
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return call


def measure() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from applications.evaluation import report

    print(f"seeding {DOSSIERS} dossiers, {DOSSIERS * PER_DOSSIER} evaluations…", flush=True)
    call = seed()
    with CaptureQueriesContext(connection) as queries:
        report.report_context(call)
    start = time.perf_counter()
    data = report.report_pdf(call)  # the warm-up: WeasyPrint loads Pango and its fonts
    first = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(data)).pages)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        report.report_pdf(call)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    committee = report.committee_pdf(call)
    committee_time = time.perf_counter() - start
    median = statistics.median(times)
    print(
        f"evaluation report of {DOSSIERS} dossiers × {PER_DOSSIER} evaluations: {pages} pages, {len(queries)} queries; "
        f"first render {first:.2f} s, median of {RUNS} {median:.2f} s (target < {TARGET_S:.0f} s); "
        f"committee PDF {committee_time:.2f} s, {len(PdfReader(io.BytesIO(committee)).pages)} pages"
    )
    return 0 if max(first, median) < TARGET_S else 1


def main() -> int:
    import django

    django.setup()
    with own_database("evaluation_report"):
        return measure()


if __name__ == "__main__":
    sys.exit(main())
