"""Read-only querysets and the dashboard's figures, decided where the lists are built."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from cifre.money import Cents
from subsidies.models import Instalment

from . import services
from .models import Convention, Document, Obligation

ZERO = Decimal("0.00")
PENDING = [Obligation.Status.UPCOMING, Obligation.Status.OVERDUE]
LATE = [Obligation.Status.OVERDUE, Obligation.Status.MISSED]


def convention_list():
    """The staff list: one query, whatever the number of rows (late documents: ``attach_missing_counts``)."""
    return Convention.objects.select_related("doctoral_student", "host_department", "lab").order_by(
        "-effective_date", "anrt_number"
    )


def attach_missing_counts(conventions) -> list:
    """Set ``missing_count`` (late documents) on each convention of a page, in one query."""
    conventions = list(conventions)
    counts = dict(
        Obligation.objects.filter(
            convention_id__in=[c.pk for c in conventions], is_current=True, received_on__isnull=True, status__in=LATE
        )
        .order_by()
        .values("convention_id")
        .annotate(n=Count("pk"))
        .values_list("convention_id", "n")
    )
    for convention in conventions:
        convention.missing_count = counts.get(convention.pk, 0)
    return conventions


def obligation_list():
    return (
        Obligation.objects.filter(is_current=True, convention__status__in=active_statuses())
        .select_related("convention", "convention__doctoral_student", "convention__host_department")
        .order_by("due_date", "convention__anrt_number", "key")
    )


def instalment_list():
    return (
        Instalment.objects.filter(convention__status__in=active_statuses())
        .select_related("convention", "convention__doctoral_student")
        .order_by("due_date", "convention__anrt_number", "number")
    )


def pending_documents():
    """Documents uploaded by doctoral students and not yet confirmed by staff, oldest first.

    Staff uploads are confirmed when recorded, so every unconfirmed document is a doctoral student's.
    """
    return (
        Document.objects.filter(confirmed_at__isnull=True)
        .select_related(
            "obligation", "obligation__convention", "obligation__convention__doctoral_student", "uploaded_by"
        )
        .order_by("uploaded_at", "pk")
    )


def active_statuses() -> list[str]:
    """Statuses whose money is real (drafts are previews)."""
    return [s for s in Convention.Status.values if s != Convention.Status.DRAFT]


@dataclass
class Figure:
    count: int = 0
    amount: Decimal = ZERO


@dataclass
class RiskRow:
    forfeits_on: dt.date
    kind: str
    conventions: int
    amount: Decimal


@dataclass
class Dashboard:
    as_of: dt.date
    horizon: dt.date
    due_soon: Figure = field(default_factory=Figure)
    forfeits_soon: Figure = field(default_factory=Figure)
    overdue: Figure = field(default_factory=Figure)
    withheld: Figure = field(default_factory=Figure)
    forfeited_this_year: Figure = field(default_factory=Figure)
    payable_not_invoiced: Figure = field(default_factory=Figure)
    time_bar: Figure = field(default_factory=Figure)
    time_bar_cutoff: dt.date | None = None
    at_risk: list[RiskRow] = field(default_factory=list)
    at_risk_total: Decimal = ZERO
    upcoming_deadlines: list = field(default_factory=list)
    pending_documents: int = 0


def cents(value) -> Decimal:
    """Sums come back with the database's precision (SQLite: 10 places): round them to the cent."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _figure(row: dict) -> Figure:
    return Figure(count=row["n"] or 0, amount=cents(row["total"]))


def dashboard(as_of: dt.date | None = None, horizon_days: int = 90) -> Dashboard:
    """Every figure of the staff dashboard, as stored by the last recomputation, in a fixed number of queries."""
    as_of = as_of or services.today()
    horizon = as_of + dt.timedelta(days=horizon_days)
    board = Dashboard(as_of=as_of, horizon=horizon, time_bar_cutoff=services.time_bar_cutoff(as_of))
    live = active_statuses()
    pending = Obligation.objects.filter(is_current=True, received_on__isnull=True, convention__status__in=live)

    counts = pending.aggregate(
        due_soon=Count("pk", filter=Q(due_date__gte=as_of, due_date__lte=horizon)),
        forfeits_soon=Count("pk", filter=Q(forfeits_on__gte=as_of, forfeits_on__lte=horizon)),
        overdue=Count("pk", filter=Q(status=Obligation.Status.OVERDUE)),
    )
    board.due_soon.count = counts["due_soon"]
    board.forfeits_soon.count = counts["forfeits_soon"]
    board.overdue.count = counts["overdue"]
    board.pending_documents = Document.objects.filter(confirmed_at__isnull=True).count()

    money = Instalment.objects.filter(
        convention__status__in=live,
        status__in=[Instalment.Status.WITHHELD, Instalment.Status.FORFEITED, Instalment.Status.PAYABLE],
    ).aggregate(
        withheld_n=Count("pk", filter=Q(status=Instalment.Status.WITHHELD)),
        withheld=Cents(Sum("amount", filter=Q(status=Instalment.Status.WITHHELD))),
        forfeited_n=Count("pk", filter=Q(status=Instalment.Status.FORFEITED, convention__lost_on__year=as_of.year)),
        forfeited=Cents(
            Sum("amount", filter=Q(status=Instalment.Status.FORFEITED, convention__lost_on__year=as_of.year))
        ),
        payable_n=Count("pk", filter=Q(status=Instalment.Status.PAYABLE, invoiced_on__isnull=True)),
        payable=Cents(Sum("amount", filter=Q(status=Instalment.Status.PAYABLE, invoiced_on__isnull=True))),
        timebar_n=Count(
            "pk",
            filter=Q(status=Instalment.Status.PAYABLE, invoiced_on__isnull=True, due_date__lte=board.time_bar_cutoff),
        ),
        timebar=Cents(
            Sum(
                "amount",
                filter=Q(
                    status=Instalment.Status.PAYABLE, invoiced_on__isnull=True, due_date__lte=board.time_bar_cutoff
                ),
            )
        ),
    )
    board.withheld = _figure({"n": money["withheld_n"], "total": money["withheld"]})
    board.forfeited_this_year = _figure({"n": money["forfeited_n"], "total": money["forfeited"]})
    board.payable_not_invoiced = _figure({"n": money["payable_n"], "total": money["payable"]})
    board.time_bar = _figure({"n": money["timebar_n"], "total": money["timebar"]})

    # Money at risk: for each convention not yet losing money, its earliest missing document that still
    # can arrive in time; what would be lost on that date is every instalment not yet payable.
    # Two flat queries joined here: cheaper than correlated subqueries over thousands of conventions.
    earliest: dict[int, tuple] = {}
    for convention_id, forfeits_on, kind, key in (
        pending.filter(forfeits_on__gte=as_of, convention__lost_on__isnull=True)
        .order_by()
        .values_list("convention_id", "forfeits_on", "kind", "key")
    ):
        current = earliest.get(convention_id)
        if current is None or (forfeits_on, key) < (current[0], current[2]):
            earliest[convention_id] = (forfeits_on, kind, key)
    not_payable = dict(
        Instalment.objects.filter(
            convention__status__in=live,
            convention__lost_on__isnull=True,
            status__in=[Instalment.Status.UPCOMING, Instalment.Status.WITHHELD],
        )
        .order_by()
        .values("convention_id")
        .annotate(total=Cents(Sum("amount")))
        .values_list("convention_id", "total")
    )
    grouped: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
    for convention_id, (forfeits_on, kind, _key) in earliest.items():
        amount = not_payable.get(convention_id)
        if not amount:
            continue
        bucket = grouped[(forfeits_on, kind)]
        bucket[0] += 1
        bucket[1] += Decimal(amount)
    board.at_risk = [
        RiskRow(forfeits_on=day, kind=kind, conventions=n, amount=cents(amount))
        for (day, kind), (n, amount) in sorted(grouped.items())
    ]
    board.at_risk_total = cents(sum((row.amount for row in board.at_risk), ZERO))

    board.upcoming_deadlines = list(
        pending.filter(due_date__gte=as_of, due_date__lte=horizon)
        .select_related("convention", "convention__doctoral_student")
        .order_by("due_date", "convention__anrt_number", "key")[:15]
    )
    return board


def missing_summary(convention_ids) -> dict[int, list[str]]:
    """Kinds of the late documents of each convention (for exports), in one query."""
    result: dict[int, list[str]] = defaultdict(list)
    rows = (
        Obligation.objects.filter(
            convention_id__in=convention_ids, is_current=True, received_on__isnull=True, status__in=LATE
        )
        .order_by("due_date", "key")
        .values_list("convention_id", "key")
    )
    for convention_id, key in rows:
        result[convention_id].append(key)
    return result
