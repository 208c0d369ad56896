"""What the evaluation benchmarks build alike: a call with its 3-criterion grid and themes, and submitted
evaluations with random scores (``bench_ranking.py``, ``bench_ranking_page.py``, ``bench_evaluation_report.py``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

GRID = [("Qualité", "2", 5), ("Intérêt", "1", 5), ("Faisabilité", "1", 10)]


def call_with_grid(themes: int, theme_title: str = "Thème {i}", described: bool = False, **fields):
    """A call of 2027 closed a while ago, its grid (``GRID``) and ``themes`` themes: (call, criteria, themes)."""
    from django.utils import timezone

    from applications.models import Call, Criterion, Theme
    from conventions.models import Employer, HostDepartment

    now = timezone.now()
    call = Call.objects.create(
        **{
            "year": 2027,
            "title_fr": "Appel 2027",
            "opens_at": now - timedelta(days=90),
            "closes_at": now - timedelta(days=30),
            "planned_filing_date": date(2027, 9, 1),
            "planned_effective_date": date(2027, 10, 1),
            "positions": 10,
            **fields,
        }
    )
    criteria = [
        Criterion.objects.create(
            call=call,
            label_fr=label,
            description_fr=f"Ce que le critère « {label} » apprécie." if described else "",
            weight=Decimal(w),
            scale_min=0,
            scale_max=m,
            position=i,
        )
        for i, (label, w, m) in enumerate(GRID)
    ]
    employer = Employer.objects.create(name="Ville de Paris", siret="21750001600019", address="Paris")
    theme_rows = [
        Theme.objects.create(
            call=call,
            host_department=HostDepartment.objects.create(employer=employer, name=f"Direction {i}"),
            title_fr=theme_title.format(i=i),
            description_fr="…",
            contact_name="Contact",
            contact_email=f"contact{i}@paris.fr",
        )
        for i in range(themes)
    ]
    return call, criteria, theme_rows


def submit_all(assignments, criteria, rng, *, overall_comment: str, comment: str, submitted_at, batch_size=None):
    """A submitted evaluation with random scores (and their weighted total) for each assignment."""
    from applications.evaluation.models import Evaluation, Score
    from applications.evaluation.ranking import weighted_total

    values = {a.pk: [rng.randint(c.scale_min, c.scale_max) for c in criteria] for a in assignments}
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                assignment=a,
                status="submitted",
                recommendation=rng.choice(["fund", "fund_with_reservations", "do_not_fund"]),
                overall_comment=overall_comment,
                total=weighted_total(
                    (c.weight, c.scale_min, c.scale_max, v) for c, v in zip(criteria, values[a.pk], strict=True)
                ),
                submitted_at=submitted_at,
                version=1,
            )
            for a in assignments
        ],
        batch_size=batch_size,
    )
    Score.objects.bulk_create(
        [
            Score(evaluation=e, criterion=c, value=v, comment=comment)
            for e in evaluations
            for c, v in zip(criteria, values[e.assignment_id], strict=True)
        ],
        batch_size=batch_size and batch_size * 3,
    )
    return evaluations
