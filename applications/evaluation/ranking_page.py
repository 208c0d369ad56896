"""The staff ranking page: the same figures as ``ranking.ranking``, with only one page of dossiers built in full.

``ranking.ranking(call)`` builds every dossier's line with every evaluation (the exports and the committee's
PDF need them all): 150–200 ms for 3,000 dossiers × 3 evaluations. The page shows 50 dossiers, but their
ranks, and the evaluators' leniency table, depend on the whole call. So the page is computed in two steps:

1. ``index(call, order, theme)``: one query of plain ``(dossier, number, theme, evaluator, status, total)``
   rows for the whole call (or theme), a second for the evaluators' names. From them, every dossier's mean
   and median (the order and the ranks), its received / assigned counts, and the evaluators' lines
   (``ranking.evaluator_lines``, the same function as the full ranking). Nothing else is loaded.
2. ``page_lines(call, entries, criteria)``: for the dossiers of the requested page only (paginated in
   Python over the ordered index), their ``DossierLine`` in full: titles, candidate's name, spread,
   standard deviation, disagreement flag (``ranking.summarise``), per-criterion means (summed by the
   database), recommendations. Three queries whatever the page.

So a fixed number of queries (five), and the figures are ``ranking.ranking``'s own (same ``summarise``, same
sort key, same ranks; ``tests/applications/test_staff_evaluation_ranking.py`` compares both on a random
call). ``bench/bench_ranking_page.py`` times the whole page through Django's test client.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .ranking import MEAN, MEDIAN, DossierLine, EvaluatorLine, _q, evaluator_lines, summarise


@dataclass(slots=True)
class Entry:
    """A dossier of the index: what its order and rank need (its page line is built later)."""

    dossier_id: int
    number: str
    theme_id: int | None
    assigned: int = 0
    totals: list[Decimal] = field(default_factory=list)
    mean: Decimal | None = None
    median: Decimal | None = None
    rank: int | None = None
    theme_rank: int | None = None

    @property
    def received(self) -> int:
        return len(self.totals)


@dataclass(slots=True)
class _Evaluation:
    """What ``ranking.evaluator_lines`` reads of an evaluation."""

    evaluator_id: int
    evaluator_name: str
    total: Decimal | None

    @property
    def submitted(self) -> bool:
        return self.total is not None


@dataclass(slots=True)
class _Line:
    evaluations: list[_Evaluation] = field(default_factory=list)


@dataclass
class Index:
    order: str
    threshold: Decimal
    entries: list[Entry]
    evaluators: list[EvaluatorLine]


def _mean_median(totals: list[Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """``ranking.summarise``'s mean and median (the same arithmetic), without the rest."""
    if not totals:
        return None, None
    ordered = sorted(totals)
    count = len(ordered)
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return _q(sum(ordered) / count), _q(median)


def index(call, *, order: str = MEAN, theme=None) -> Index:
    """Every dossier of ``call`` (or of ``theme``) with a live assignment, ordered and ranked as
    ``ranking.ranking`` does, and the evaluators' lines. Two queries."""
    from django.contrib.auth import get_user_model

    from ..models import Dossier
    from .models import ACTIVE_ASSIGNMENT, Assignment, Evaluation

    if order not in (MEAN, MEDIAN):
        raise ValueError(f"unknown order {order!r}")
    threshold = Decimal(call.disagreement_threshold)
    rows = Assignment.objects.filter(dossier__call=call, status__in=ACTIVE_ASSIGNMENT).exclude(
        dossier__status=Dossier.Status.DRAFT
    )
    if theme is not None:
        rows = rows.filter(dossier__theme=theme)
    rows = list(
        rows.order_by("dossier_id", "pk").values_list(
            "dossier_id",
            "dossier__number",
            "dossier__theme_id",
            "evaluator_id",
            "evaluation__status",
            "evaluation__total",
        )
    )
    submitted = Evaluation.Status.SUBMITTED
    evaluator_ids = {row[3] for row in rows if row[4] == submitted}
    names = {
        pk: (f"{first} {last}".strip() or email)
        for pk, first, last, email in get_user_model()
        .objects.filter(pk__in=evaluator_ids)
        .values_list("pk", "first_name", "last_name", "email")
    }
    entries: dict[int, Entry] = {}
    lines: dict[int, _Line] = {}
    for dossier_id, number, theme_id, evaluator_id, e_status, total in rows:
        entry = entries.get(dossier_id)
        if entry is None:
            entry = entries[dossier_id] = Entry(dossier_id, number or "", theme_id)
            lines[dossier_id] = _Line()
        entry.assigned += 1
        if e_status == submitted:
            entry.totals.append(total)
            lines[dossier_id].evaluations.append(_Evaluation(evaluator_id, names.get(evaluator_id, ""), total))
    for entry in entries.values():
        entry.mean, entry.median = _mean_median(entry.totals)

    def key(entry: Entry):
        first, second = (entry.mean, entry.median) if order == MEAN else (entry.median, entry.mean)
        if first is None:
            return (1, Decimal(0), Decimal(0), entry.number, entry.dossier_id)
        return (0, -first, -(second or 0), entry.number, entry.dossier_id)

    ordered = sorted(entries.values(), key=key)
    theme_counts: Counter = Counter()
    for position, entry in enumerate(ordered, start=1):
        if (entry.mean if order == MEAN else entry.median) is None:
            continue
        entry.rank = position
        theme_counts[entry.theme_id] += 1
        entry.theme_rank = theme_counts[entry.theme_id]
    return Index(
        order=order, threshold=threshold, entries=ordered, evaluators=evaluator_lines(lines.values(), threshold)
    )


@dataclass(slots=True)
class PageLine:
    """A ranking line of the page: ``ranking.DossierLine``'s figures, and the candidate's name (staff only)."""

    line: DossierLine
    candidate_name: str
    recommendations: list[tuple[str, int]] = field(default_factory=list)  # (label, count), in the choices' order
    criterion_values: list[Decimal | None] = field(default_factory=list)  # in the grid's order


def page_lines(call, entries: list[Entry], criteria, threshold: Decimal) -> list[PageLine]:
    """The full lines of ``entries`` (one page of the index), in their order. Three queries."""
    from django.db.models import Count, Sum
    from django.utils.translation import get_language

    from ..models import Dossier
    from .models import ACTIVE_ASSIGNMENT, Evaluation, Score

    ids = [e.dossier_id for e in entries]
    if not ids:
        return []
    english = (get_language() or "fr").startswith("en")
    dossiers = {
        row[0]: row
        for row in Dossier.objects.filter(pk__in=ids).values_list(
            "pk", "status", "thesis_title", "theme__title_fr", "theme__title_en", "first_name", "last_name"
        )
    }
    recommendations: dict[int, Counter] = defaultdict(Counter)
    for dossier_id, recommendation in Evaluation.objects.filter(
        assignment__dossier_id__in=ids, assignment__status__in=ACTIVE_ASSIGNMENT, status=Evaluation.Status.SUBMITTED
    ).values_list("assignment__dossier_id", "recommendation"):
        recommendations[dossier_id][recommendation] += 1
    means: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for dossier_id, criterion_id, total, count in (
        Score.objects.filter(
            evaluation__assignment__dossier_id__in=ids,
            evaluation__assignment__status__in=ACTIVE_ASSIGNMENT,
            evaluation__status=Evaluation.Status.SUBMITTED,
            value__isnull=False,
        )
        .order_by()
        .values("evaluation__assignment__dossier_id", "criterion_id")
        .annotate(total=Sum("value"), count=Count("value"))
        .values_list("evaluation__assignment__dossier_id", "criterion_id", "total", "count")
    ):
        means[dossier_id][criterion_id] = _q(Decimal(total) / count)
    result = []
    for entry in entries:
        _pk, status, title, theme_fr, theme_en, first, last = dossiers[entry.dossier_id]
        figures = summarise(entry.totals, threshold)
        found = means.get(entry.dossier_id, {})
        line = DossierLine(
            dossier_id=entry.dossier_id,
            number=entry.number,
            status=status,
            theme_id=entry.theme_id,
            theme_title=(theme_en if english and theme_en else theme_fr) or "",
            thesis_title=title,
            assigned=entry.assigned,
            received=entry.received,
            totals=entry.totals,
            mean=figures["mean"],
            median=figures["median"],
            spread=figures["spread"],
            stdev=figures["stdev"],
            disagreement=figures["disagreement"],
            criterion_means={c.pk: found.get(c.pk) for c in criteria},
            recommendations=recommendations.get(entry.dossier_id, Counter()),
            rank=entry.rank,
            theme_rank=entry.theme_rank,
        )
        counts = line.recommendations
        result.append(
            PageLine(
                line=line,
                candidate_name=f"{first} {last}".strip(),
                recommendations=[
                    (label, counts[key]) for key, label in Evaluation.Recommendation.choices if counts[key]
                ],
                criterion_values=[line.criterion_means[c.pk] for c in criteria],
            )
        )
    return result


__all__ = ["Entry", "Index", "PageLine", "index", "page_lines"]
