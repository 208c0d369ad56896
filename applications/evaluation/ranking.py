"""The weighted total of an evaluation, and the ranking of a call's dossiers.

**Weighted total** (decided here, shown on screens as "note pondérée sur 20"): each score is first
brought to 0–1 on its criterion's scale, ``(s - min) / (max - min)``; the total is their mean weighted
by the criteria's weights, times 20:

    total = 20 × Σ wᵢ·(sᵢ − minᵢ)/(maxᵢ − minᵢ) / Σ wᵢ        (Decimal, 2 decimals, half up)

So criteria on different scales weigh by their weight only, and every total reads on 20 whatever the
grid. It is stored on the evaluation at submission (``Evaluation.total``).

**Ranking** (``ranking(call)``), per dossier, from the *submitted* evaluations only: mean and median of
the totals, received / assigned (live assignments: waiting, accepted, submitted), spread (highest −
lowest), population standard deviation, the disagreement flag (spread > ``Call.disagreement_threshold``),
the mean of each criterion (on its own scale) and the recommendations. Dossiers are sorted by mean or
median (highest first; ties by the other figure, then by number; dossiers without evaluation last),
ranked in the call and in their theme. For each evaluator: their mean against the mean of the other
evaluators on the same dossiers; a difference of at least half the call's threshold marks them
``lenient`` (above) or ``harsh`` (below).

Five queries whatever the number of dossiers: the criteria, the assignments (with their evaluation),
the evaluators' names, the dossiers (with their theme's title), the criteria's sums per dossier; a
sixth with ``details`` (every score and comment).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

CENT = Decimal("0.01")
NOTHING: Mapping = MappingProxyType({})
OUT_OF = Decimal(20)
MEAN, MEDIAN = "mean", "median"
LENIENT, HARSH = "lenient", "harsh"


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(scores) -> Decimal:
    """``scores``: ``(weight, scale_min, scale_max, value)`` for every criterion of the grid. On 20."""
    weights = Decimal(0)
    acc = Decimal(0)
    for weight, low, high, value in scores:
        weight = Decimal(weight)
        weights += weight
        acc += weight * (Decimal(value) - low) / (Decimal(high) - low)
    if weights == 0:
        return _q(0)
    return _q(acc / weights * OUT_OF)


# --- The ranking -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class EvaluationLine:
    assignment_id: int
    evaluator_id: int
    evaluator_name: str
    status: str
    total: Decimal | None = None
    recommendation: str = ""
    overall_comment: str = ""
    # Criterion id → value and → comment: filled with ``ranking(..., details=True)`` (else empty, read-only).
    scores: Mapping[int, int | None] = field(default_factory=lambda: NOTHING)
    comments: Mapping[int, str] = field(default_factory=lambda: NOTHING)

    @property
    def submitted(self) -> bool:
        return self.total is not None


@dataclass(slots=True)
class DossierLine:
    dossier_id: int
    number: str
    status: str
    theme_id: int | None
    theme_title: str
    thesis_title: str
    assigned: int = 0
    received: int = 0
    totals: list[Decimal] = field(default_factory=list)
    mean: Decimal | None = None
    median: Decimal | None = None
    spread: Decimal | None = None
    stdev: Decimal | None = None
    disagreement: bool = False
    criterion_means: dict[int, Decimal | None] = field(default_factory=dict)
    recommendations: Counter = field(default_factory=Counter)
    evaluations: list[EvaluationLine] = field(default_factory=list)
    rank: int | None = None  # in the call, by the chosen order
    theme_rank: int | None = None


@dataclass(slots=True)
class EvaluatorLine:
    evaluator_id: int
    name: str
    count: int
    mean: Decimal | None
    others_mean: Decimal | None  # the other evaluators' mean on the same dossiers
    difference: Decimal | None
    marker: str = ""  # LENIENT, HARSH or ""


@dataclass
class Ranking:
    order: str
    criteria: list
    dossiers: list[DossierLine]
    evaluators: list[EvaluatorLine]
    threshold: Decimal

    def by_theme(self) -> dict[int | None, list[DossierLine]]:
        groups: dict[int | None, list[DossierLine]] = defaultdict(list)
        for line in self.dossiers:
            groups[line.theme_id].append(line)
        return dict(groups)


def summarise(totals: list[Decimal], threshold: Decimal) -> dict:
    """Mean, median, spread, population standard deviation and the disagreement flag of some totals."""
    if not totals:
        return {"mean": None, "median": None, "spread": None, "stdev": None, "disagreement": False}
    ordered = sorted(totals)
    count = len(ordered)
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    mean = sum(ordered) / count
    variance = sum((x - mean) * (x - mean) for x in ordered) / count  # the population's
    spread = ordered[-1] - ordered[0]
    return {
        "mean": _q(mean),
        "median": _q(median),
        "spread": _q(spread),
        "stdev": _q(variance.sqrt()),
        "disagreement": spread > threshold,
    }


def _sort_key(order: str):
    def key(line: DossierLine):
        first, second = (line.mean, line.median) if order == MEAN else (line.median, line.mean)
        if first is None:
            return (1, Decimal(0), Decimal(0), line.number or "")
        return (0, -first, -(second or 0), line.number or "")

    return key


def ranking(call, *, order: str = MEAN, theme=None, statuses=None, details: bool = False) -> Ranking:
    """The ranking of ``call`` (or of one ``theme`` of it), sorted by ``order`` (``"mean"`` or ``"median"``).

    Plain rows (``values_list``), no model instances: 3,000 dossiers and 9,000 evaluations stay within
    the page's budget (``bench/bench_ranking.py``). ``details`` also loads every evaluation's score and
    comment per criterion (``EvaluationLine.scores`` / ``comments``; one more query), for the committee's
    PDF, the exports and a dossier's detail.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Sum
    from django.utils.translation import get_language

    from ..models import Criterion, Dossier
    from .models import ACTIVE_ASSIGNMENT, Assignment, Evaluation, Score

    if order not in (MEAN, MEDIAN):
        raise ValueError(f"unknown order {order!r}")
    threshold = Decimal(call.disagreement_threshold)
    english = (get_language() or "fr").startswith("en")
    criteria = list(Criterion.objects.filter(call=call).order_by("position", "id"))
    criterion_ids = [c.pk for c in criteria]
    dossiers = Dossier.objects.filter(call=call).exclude(status=Dossier.Status.DRAFT)
    assignments = Assignment.objects.filter(dossier__call=call, status__in=ACTIVE_ASSIGNMENT)
    if theme is not None:
        dossiers = dossiers.filter(theme=theme)
        assignments = assignments.filter(dossier__theme=theme)
    if statuses is not None:
        dossiers = dossiers.filter(status__in=statuses)
    rows = assignments.order_by("dossier_id", "pk").values_list(
        "pk",
        "dossier_id",
        "evaluator_id",
        "status",
        "evaluation__pk",
        "evaluation__status",
        "evaluation__total",
        "evaluation__recommendation",
        "evaluation__overall_comment",
    )
    by_dossier: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_dossier[row[1]].append(row)
    names = {
        pk: (f"{first} {last}".strip() or email)
        for pk, first, last, email in get_user_model()
        .objects.filter(pk__in={row[2] for rows_ in by_dossier.values() for row in rows_})
        .values_list("pk", "first_name", "last_name", "email")
    }
    lines: dict[int, DossierLine] = {}
    by_evaluation: dict[int, EvaluationLine] = {}
    columns = ("pk", "number", "status", "thesis_title", "theme_id", "theme__title_fr", "theme__title_en")
    for pk, number, status, title, theme_id, theme_fr, theme_en in dossiers.order_by("number", "pk").values_list(
        *columns
    ):
        if pk not in by_dossier:
            continue
        line = DossierLine(
            dossier_id=pk,
            number=number or "",
            status=status,
            theme_id=theme_id,
            theme_title=(theme_en if english and theme_en else theme_fr) or "",
            thesis_title=title,
        )
        lines[pk] = line
        for assignment_id, _d, evaluator_id, a_status, e_pk, e_status, total, recommendation, comment in by_dossier[pk]:
            line.assigned += 1
            submitted = e_status == Evaluation.Status.SUBMITTED
            entry = EvaluationLine(
                assignment_id=assignment_id,
                evaluator_id=evaluator_id,
                evaluator_name=names.get(evaluator_id, ""),
                status=a_status,
                total=total if submitted else None,
                recommendation=recommendation if submitted else "",
                overall_comment=comment if submitted else "",
            )
            line.evaluations.append(entry)
            if submitted:
                line.received += 1
                line.totals.append(total)
                line.recommendations[recommendation] += 1
                by_evaluation[e_pk] = entry
    scores = Score.objects.filter(
        evaluation__assignment__dossier__call=call,
        evaluation__assignment__status__in=ACTIVE_ASSIGNMENT,
        evaluation__status=Evaluation.Status.SUBMITTED,
        value__isnull=False,
    )
    if theme is not None:
        scores = scores.filter(evaluation__assignment__dossier__theme=theme)
    if details:
        # Every evaluator's score and comment per criterion (the committee's PDF, the exports).
        for evaluation_id, criterion_id, value, comment in scores.values_list(
            "evaluation_id", "criterion_id", "value", "comment"
        ):
            entry = by_evaluation.get(evaluation_id)
            if entry is not None:
                if entry.scores is NOTHING:
                    entry.scores, entry.comments = {}, {}
                entry.scores[criterion_id] = value
                entry.comments[criterion_id] = comment
    # The criteria's means, added up by the database (exact: sums and counts, divided here).
    sums = (
        scores.order_by()
        .values("evaluation__assignment__dossier_id", "criterion_id")
        .annotate(total=Sum("value"), count=Count("value"))
        .values_list("evaluation__assignment__dossier_id", "criterion_id", "total", "count")
    )
    means: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for dossier_id, criterion_id, total, count in sums:
        means[dossier_id][criterion_id] = _q(Decimal(total) / count)

    for line in lines.values():
        figures = summarise(line.totals, threshold)
        line.mean, line.median, line.spread = figures["mean"], figures["median"], figures["spread"]
        line.stdev, line.disagreement = figures["stdev"], figures["disagreement"]
        found = means.get(line.dossier_id, {})
        line.criterion_means = {criterion_id: found.get(criterion_id) for criterion_id in criterion_ids}

    ordered = sorted(lines.values(), key=_sort_key(order))
    theme_counts: Counter = Counter()
    for position, line in enumerate(ordered, start=1):
        if (line.mean if order == MEAN else line.median) is None:
            continue
        line.rank = position
        theme_counts[line.theme_id] += 1
        line.theme_rank = theme_counts[line.theme_id]
    return Ranking(
        order=order,
        criteria=criteria,
        dossiers=ordered,
        evaluators=evaluator_lines(ordered, threshold),
        threshold=threshold,
    )


def evaluator_lines(lines: list[DossierLine], threshold: Decimal) -> list[EvaluatorLine]:
    """Each evaluator's mean against the other evaluators' mean on the same dossiers (lenient, harsh)."""
    own: dict[int, list[Decimal]] = defaultdict(list)
    others: dict[int, list[Decimal]] = defaultdict(list)
    names: dict[int, str] = {}
    for line in lines:
        done = [e for e in line.evaluations if e.submitted]
        for entry in done:
            names[entry.evaluator_id] = entry.evaluator_name
            own[entry.evaluator_id].append(entry.total)
            others[entry.evaluator_id].extend(e.total for e in done if e is not entry)
    return [
        evaluator_line(
            evaluator_id,
            names[evaluator_id],
            len(own[evaluator_id]),
            _q(sum(own[evaluator_id]) / len(own[evaluator_id])),
            _q(sum(others[evaluator_id]) / len(others[evaluator_id])) if others[evaluator_id] else None,
            threshold,
        )
        for evaluator_id in sorted(own, key=lambda i: (names[i], i))
    ]


def evaluator_line(evaluator_id, name: str, count: int, mean: Decimal, others_mean, threshold: Decimal):
    """One evaluator against the panel: a difference of at least half the call's threshold marks them."""
    difference = mean - others_mean if others_mean is not None else None
    margin = threshold / 2
    marker = ""
    if difference is not None and margin > 0:
        if difference >= margin:
            marker = LENIENT
        elif difference <= -margin:
            marker = HARSH
    return EvaluatorLine(
        evaluator_id=evaluator_id,
        name=name,
        count=count,
        mean=mean,
        others_mean=others_mean,
        difference=difference,
        marker=marker,
    )
