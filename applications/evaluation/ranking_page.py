"""The staff ranking page: the same figures as ``ranking.ranking``, with only one page of dossiers built in full.

``ranking.ranking(call)`` builds every dossier's line with every evaluation (the exports and the committee's
PDF need them all): 150–200 ms for 3,000 dossiers × 3 evaluations on a quiet machine, 500 ms under load.
The page shows 50 dossiers, but their ranks, and the evaluators' leniency table, depend on the whole call.
So the page is computed in two steps, the database doing the adding up:

1. ``index(call, order, theme)``, three queries: per dossier, the database's count of live assignments,
   and count, sum, lowest and highest of the submitted totals (one grouped row per dossier, exact
   ``numeric`` sums); the submitted totals as narrow ``(evaluator, dossier, total)`` rows; the evaluators'
   names. From these, exactly as ``ranking`` computes them: each dossier's mean (sum / count) and median
   (with at most three totals it follows from the sum, the lowest and the highest; the few dossiers with
   more take theirs from the narrow rows), the order and the ranks (the same key), and each evaluator's
   mean against the others' on the same dossiers, with the lenient / harsh marker (the others' sum is
   the sum of their dossiers' totals minus their own: a grouped self-join in SQL cost more than adding
   the narrow rows up here).
2. ``page_lines(call, entries, criteria)``, three queries: for the dossiers of the requested page only
   (paginated in Python over the ordered index), their ``ranking.DossierLine`` in full: titles, the
   candidate's name, totals, spread, standard deviation and disagreement flag (``ranking.summarise``),
   per-criterion means (summed by the database), recommendations.

A fixed number of queries whatever the number of dossiers or the page, and ``ranking.ranking``'s own figures
(``tests/applications/test_staff_evaluation_ranking.py`` compares both on a random call). ``ranking.ranking``
itself is unchanged, for the exports. ``bench/bench_ranking_page.py`` times the page through HTTP.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .ranking import MEAN, MEDIAN, DossierLine, EvaluatorLine, _q, evaluator_line, summarise

# Up to this many totals, the median follows from the count, the sum, the lowest and the highest.
FROM_BOUNDS = 3


@dataclass(slots=True)
class Entry:
    """A dossier of the index: what its order and rank need (its page line is built later)."""

    dossier_id: int
    number: str
    theme_id: int | None
    assigned: int
    received: int
    mean: Decimal | None = None
    median: Decimal | None = None
    rank: int | None = None
    theme_rank: int | None = None


@dataclass
class Index:
    order: str
    threshold: Decimal
    entries: list[Entry]
    evaluators: list[EvaluatorLine]


def _median(count: int, total: Decimal, low: Decimal, high: Decimal, totals: list[Decimal] | None) -> Decimal:
    """``ranking.summarise``'s median (before rounding)."""
    if count > FROM_BOUNDS:
        ordered = sorted(totals)
        middle = count // 2
        return ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    if count == 1:
        return total
    if count == 2:
        return (low + high) / 2
    return total - low - high


def _submitted(prefix: str = ""):
    """The submitted evaluations of live assignments, for a path to an ``Assignment`` (``prefix``)."""
    from django.db.models import Q

    from .models import ACTIVE_ASSIGNMENT, Evaluation

    return Q(**{f"{prefix}evaluation__status": Evaluation.Status.SUBMITTED, f"{prefix}status__in": ACTIVE_ASSIGNMENT})


def _submitted_evaluations():
    """The same, from ``Evaluation``."""
    from .models import ACTIVE_ASSIGNMENT, Evaluation

    return Evaluation.objects.filter(status=Evaluation.Status.SUBMITTED, assignment__status__in=ACTIVE_ASSIGNMENT)


def index(call, *, order: str = MEAN, theme=None) -> Index:
    """Every dossier of ``call`` (or of ``theme``) with a live assignment, ordered and ranked as
    ``ranking.ranking`` does, and the evaluators' lines. Three queries."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, DecimalField, Max, Min, Q, Sum

    from ..models import Dossier
    from .models import ACTIVE_ASSIGNMENT, Evaluation

    if order not in (MEAN, MEDIAN):
        raise ValueError(f"unknown order {order!r}")
    threshold = Decimal(call.disagreement_threshold)
    money = DecimalField(max_digits=12, decimal_places=2)
    dossiers = Dossier.objects.filter(call=call).exclude(status=Dossier.Status.DRAFT)
    if theme is not None:
        dossiers = dossiers.filter(theme=theme)
    live = Q(assignments__status__in=ACTIVE_ASSIGNMENT)
    done = Q(assignments__status__in=ACTIVE_ASSIGNMENT, assignments__evaluation__status=Evaluation.Status.SUBMITTED)
    rows = (
        dossiers.order_by()
        .annotate(
            assigned=Count("assignments", filter=live),
            received=Count("assignments__evaluation", filter=done),
            sum_=Sum("assignments__evaluation__total", filter=done, output_field=money),
            low=Min("assignments__evaluation__total", filter=done, output_field=money),
            high=Max("assignments__evaluation__total", filter=done, output_field=money),
        )
        .filter(assigned__gt=0)
        .values_list("pk", "number", "theme_id", "assigned", "received", "sum_", "low", "high")
    )
    rows = list(rows)
    # Every submitted total (evaluator, dossier, total): the evaluators' lines, and the median of the dossiers
    # with more than FROM_BOUNDS totals. Narrow rows, added up here (a grouped self-join costs more).
    totals = (
        _submitted_evaluations()
        .filter(assignment__dossier__in=dossiers.values("pk"))
        .order_by()
        .values_list("assignment__evaluator_id", "assignment__dossier_id", "total")
    )
    received_of = {pk: received for pk, _n, _t, _a, received, *_rest in rows}
    sum_of = {pk: total for pk, _n, _t, _a, _r, total, _l, _h in rows}
    many: dict[int, list[Decimal]] = defaultdict(list)
    own: dict[int, list] = {}
    for evaluator_id, dossier_id, total in totals:
        count = received_of.get(dossier_id, 0)
        if count > FROM_BOUNDS:
            many[dossier_id].append(total)
        line = own.get(evaluator_id)
        if line is None:
            line = own[evaluator_id] = [Decimal(0), 0, Decimal(0), 0]
        line[0] += total
        line[1] += 1
        line[2] += sum_of[dossier_id]  # every total on this dossier, their own included
        line[3] += count

    entries = []
    for pk, number, theme_id, assigned, received, total, low, high in rows:
        entry = Entry(pk, number or "", theme_id, assigned, received)
        if received:
            entry.mean = _q(total / received)
            entry.median = _q(_median(received, total, low, high, many.get(pk)))
        entries.append(entry)

    def key(entry: Entry):
        first, second = (entry.mean, entry.median) if order == MEAN else (entry.median, entry.mean)
        if first is None:
            return (1, Decimal(0), Decimal(0), entry.number, entry.dossier_id)
        return (0, -first, -(second or 0), entry.number, entry.dossier_id)

    entries.sort(key=key)
    theme_counts: Counter = Counter()
    for position, entry in enumerate(entries, start=1):
        if (entry.mean if order == MEAN else entry.median) is None:
            continue
        entry.rank = position
        theme_counts[entry.theme_id] += 1
        entry.theme_rank = theme_counts[entry.theme_id]

    names = {
        pk: (f"{first} {last}".strip() or email)
        for pk, first, last, email in get_user_model()
        .objects.filter(pk__in=totals.values("assignment__evaluator_id"))  # a subquery: one query, even for none
        .values_list("pk", "first_name", "last_name", "email")
    }
    return Index(order=order, threshold=threshold, entries=entries, evaluators=_evaluator_lines(own, names, threshold))


def _evaluator_lines(own, names, threshold: Decimal) -> list[EvaluatorLine]:
    """``ranking.evaluator_lines`` from sums: the others' totals are every total on the same dossiers but one's own.

    ``own``: evaluator → [sum of their totals, their count, sum of every total on their dossiers, count of those].
    """
    lines = []
    for evaluator_id in sorted(own, key=lambda i: (names.get(i, ""), i)):
        total, count, all_total, all_count = own[evaluator_id]
        others = all_count - count
        others_mean = _q((all_total - total) / others) if others else None
        lines.append(
            evaluator_line(evaluator_id, names.get(evaluator_id, ""), count, _q(total / count), others_mean, threshold)
        )
    return lines


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
    from .models import Evaluation, Score

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
    totals: dict[int, list[Decimal]] = defaultdict(list)
    recommendations: dict[int, Counter] = defaultdict(Counter)
    for dossier_id, total, recommendation in (
        _submitted_evaluations()
        .filter(assignment__dossier_id__in=ids)
        .order_by("assignment__dossier_id", "assignment_id")
        .values_list("assignment__dossier_id", "total", "recommendation")
    ):
        totals[dossier_id].append(total)
        recommendations[dossier_id][recommendation] += 1
    means: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for dossier_id, criterion_id, total, count in (
        Score.objects.filter(
            evaluation__in=_submitted_evaluations().filter(assignment__dossier_id__in=ids),
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
        figures = summarise(totals.get(entry.dossier_id, []), threshold)
        found = means.get(entry.dossier_id, {})
        counts = recommendations.get(entry.dossier_id, Counter())
        line = DossierLine(
            dossier_id=entry.dossier_id,
            number=entry.number,
            status=status,
            theme_id=entry.theme_id,
            theme_title=(theme_en if english and theme_en else theme_fr) or "",
            thesis_title=title,
            assigned=entry.assigned,
            received=entry.received,
            totals=totals.get(entry.dossier_id, []),
            mean=figures["mean"],
            median=figures["median"],
            spread=figures["spread"],
            stdev=figures["stdev"],
            disagreement=figures["disagreement"],
            criterion_means={c.pk: found.get(c.pk) for c in criteria},
            recommendations=counts,
            rank=entry.rank,
            theme_rank=entry.theme_rank,
        )
        result.append(
            PageLine(
                line=line,
                candidate_name=f"{first} {last}".strip(),
                recommendations=[(label, counts[k]) for k, label in Evaluation.Recommendation.choices if counts[k]],
                criterion_values=[line.criterion_means[c.pk] for c in criteria],
            )
        )
    return result


__all__ = ["Entry", "Index", "PageLine", "index", "page_lines"]
