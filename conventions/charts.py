"""The figures and the geometry of the server-drawn SVG charts (dashboard and convention page).

No JavaScript and no inline style (the CSP's ``style-src 'self'``): the templates in
``conventions/templates/conventions/charts/`` draw what this module computes, with SVG presentation
attributes only, and repeat every figure in a table. Money is ``Decimal``; coordinates are floats.

The five states of the quarterly chart (each instalment in exactly one, first match wins), from the
statuses the rules engine stored at the last recomputation (RULES.md §6):

- **lost**: the instalment is forfeited;
- **payable**: it is payable (due, every document that gates it received);
- **withheld**: it is due but a document that gates it has not been received;
- **at risk**: it is still upcoming, and a document of its convention is late (overdue, not received)
  with a forfeit date still ahead: if that document does not reach ANRT by then, this money is lost;
- **upcoming**: every other upcoming instalment.

An instalment whose invoice ANRT has paid in full is no longer expected and is left out. Quarters are
the calendar quarters of the due dates (a due date is always a quarter's last day, RULES.md §4); the
first row gathers what fell due before the current quarter and is still expected (payable or withheld).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_compact_currency
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import formats, translation
from django.utils.translation import gettext as _

from cifre.money import Cents, format_money
from subsidies.models import Instalment, Invoice

from . import rules
from .models import Obligation
from .queries import ZERO, active_statuses, cents

QUARTERS = 12
LOST, PAYABLE, WITHHELD, AT_RISK, UPCOMING = "lost", "payable", "withheld", "at_risk", "upcoming"
# Drawing order (left to right in a bar): money already sure first, money gone last.
STATES = (PAYABLE, UPCOMING, WITHHELD, AT_RISK, LOST)

# Fill colours, each at least 3:1 against white (WCAG 1.4.11); a pattern on top of three of them so that
# colour is never the only cue, and every state is named in the legend, the segment's title and the table.
COLOURS = {
    PAYABLE: "#1b7340",
    UPCOMING: "#2f5f98",
    WITHHELD: "#8a5300",
    AT_RISK: "#b83a0b",
    LOST: "#7f1d1d",
    rules.FORFEITED: "#7f1d1d",
}
PATTERNS = {WITHHELD: "dots", AT_RISK: "stripes", LOST: "cross", rules.FORFEITED: "cross"}


def state_labels() -> dict[str, str]:
    """The instalments' own status labels, plus "at risk" (a refinement of upcoming)."""
    names = dict(Instalment.Status.choices)
    return {
        PAYABLE: str(names[rules.PAYABLE]),
        UPCOMING: str(names[rules.UPCOMING]),
        WITHHELD: str(names[rules.WITHHELD]),
        AT_RISK: _("À risque"),
        LOST: str(names[rules.FORFEITED]),
    }


def money(value: Decimal) -> str:
    """The project's one formatter of amounts (``cifre.money``): ``3 500,00 €`` in French, ``€3,500.00`` in English."""
    return format_money(value)


def _round(value: float) -> float:
    return round(value, 1)


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 4 or 5 × 10^n at least ``value`` (the axis' end); 1 for nothing."""
    if value <= 0:
        return Decimal(1)
    exponent = len(str(int(value))) - 1
    for base in (1, 2, 4, 5, 10):
        candidate = Decimal(base) * Decimal(10) ** exponent
        if candidate >= value:
            return candidate
    return Decimal(10) ** (exponent + 1)  # pragma: no cover


# --- Bar charts (horizontal: one row per period, so they stay readable on a phone) -------------------

WIDTH = 480  # user units: 14-unit text stays above 10 px on a 390 px phone, about 16 px on a desktop
LABEL_X = 4
BAR_X = 94
BAR_W = 282
VALUE_X = WIDTH - 4
ROW_H = 30
BAR_H = 20


@dataclass
class Segment:
    state: str
    label: str
    amount: Decimal
    x: float
    width: float
    fill: str
    pattern: str | None
    title: str


@dataclass
class Bar:
    label: str
    amounts: dict[str, Decimal]
    total: Decimal
    y: float = 0.0
    segments: list[Segment] = field(default_factory=list)
    count: int = 0

    cells: list[str] = field(default_factory=list)
    may_break: bool = False
    broken_x: float | None = None

    @property
    def text_y(self) -> float:
        return _round(self.y + BAR_H / 2 + 5)

    @property
    def total_text(self) -> str:
        return money(self.total)


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class BarChart:
    """A horizontal bar chart: ``bars`` (rows), ``states`` shown (legend), totals by state."""

    prefix: str
    title: str
    description: str
    bars: list[Bar]
    states: list[tuple[str, str]]
    totals: dict[str, Decimal]
    total: Decimal
    ticks: list[Tick]
    width: int = WIDTH
    height: int = 0
    legend: list[dict] = field(default_factory=list)
    axis_top: float = 0.0
    axis_bottom: float = 0.0

    @property
    def is_empty(self) -> bool:
        return self.total == ZERO

    @property
    def tick_label_y(self) -> float:
        return self.axis_bottom + 18

    @property
    def total_cells(self) -> list[str]:
        return [money(self.totals.get(state, ZERO)) for state, _label in self.states]

    @property
    def total_text(self) -> str:
        return money(self.total)


def legend_items(states, width: int = None) -> tuple[list[dict], float]:
    """Legend entries (swatch and label) laid out in lines that fit ``width``; returns them and their height."""
    width = width or WIDTH
    items, x, y = [], float(LABEL_X), 8.0
    for state, label in states:
        label = str(label)
        item_width = 24 + 7.8 * len(label) + 14
        if items and x + item_width > width:
            x, y = float(LABEL_X), y + 24
        items.append(
            {
                "state": state,
                "label": label,
                "x": _round(x),
                "y": _round(y),
                "text_y": _round(y + 14),
                "fill": COLOURS.get(state, COLOURS[UPCOMING]),
                "pattern": PATTERNS.get(state),
            }
        )
        x += item_width
    return items, y + 24


def _lay_out(chart: BarChart) -> BarChart:
    """Rows, segments, axis and legend. A bar much longer than the others (``Bar.may_break``: what fell due
    before the current quarter) is drawn broken at the axis' end, so that it does not flatten the quarters."""
    chart.legend, legend_height = legend_items(chart.states)
    top = legend_height + 26
    regular = [bar.total for bar in chart.bars if not bar.may_break]
    scale_end = nice_ceiling(max(regular, default=ZERO) or max((b.total for b in chart.bars), default=ZERO))
    labels = dict(chart.states)
    for index, bar in enumerate(chart.bars):
        bar.y = top + index * ROW_H + (ROW_H - BAR_H) / 2
        bar.cells = [money(bar.amounts.get(state, ZERO)) for state, _label in chart.states]
        scale = scale_end
        if bar.total > scale_end:  # only a breakable bar can be longer than the axis
            bar.broken_x = _round(BAR_X + BAR_W - 14)
            scale = bar.total
        x = float(BAR_X)
        for state, _label in chart.states:
            amount = bar.amounts.get(state, ZERO)
            if not amount:
                continue
            width = float(amount / scale) * BAR_W
            bar.segments.append(
                Segment(
                    state=state,
                    label=labels[state],
                    amount=amount,
                    x=_round(x),
                    width=max(_round(width), 1.0),
                    fill=COLOURS[state],
                    pattern=PATTERNS.get(state),
                    title=f"{bar.label} – {labels[state]} : {money(amount)}",
                )
            )
            x += width
    chart.axis_top = top - 8
    chart.axis_bottom = top + len(chart.bars) * ROW_H
    chart.height = int(chart.axis_bottom + 28)
    chart.ticks = [Tick(x=_round(BAR_X + BAR_W * i / 4), label=_axis_label(scale_end * i / 4)) for i in range(5)]
    return chart


def _axis_label(value: Decimal) -> str:
    """A short amount for the axis: ``20 k€`` in French, ``€20K`` in English (Babel's compact format)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        locale = Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))
    return format_compact_currency(value, "EUR", locale=locale, fraction_digits=2)


def _quarter_start(day: dt.date) -> dt.date:
    return rules.quarter_bounds(day)[0]


def _add_quarters(day: dt.date, n: int) -> dt.date:
    return rules.add_months(day, 3 * n)


def quarter_label(start: dt.date) -> str:
    return _("T%(q)s %(y)s") % {"q": (start.month - 1) // 3 + 1, "y": start.year}


def expected_by_quarter(as_of: dt.date) -> BarChart:
    """Subsidy expected from ANRT for the current quarter and the 11 after it, by state (one query)."""
    first = _quarter_start(as_of)
    last = _add_quarters(first, QUARTERS) - dt.timedelta(days=1)
    paid = Invoice.objects.filter(instalment_id=OuterRef("pk"), kind=Invoice.Kind.INVOICE, status=Invoice.Status.PAID)
    late = Obligation.objects.filter(
        convention_id=OuterRef("convention_id"),
        is_current=True,
        received_on__isnull=True,
        status=Obligation.Status.OVERDUE,
        forfeits_on__gte=as_of,
    )
    rows = (
        Instalment.objects.filter(convention__status__in=active_statuses(), due_date__lte=last)
        .filter(Q(due_date__gte=first) | Q(status__in=[Instalment.Status.PAYABLE, Instalment.Status.WITHHELD]))
        .exclude(Exists(paid))
        .annotate(late=Exists(late))
        .order_by()
        .values("due_date", "status", "late")
        .annotate(total=Cents(Sum("amount")))
        .values_list("due_date", "status", "late", "total")
    )
    starts = [_add_quarters(first, i) for i in range(QUARTERS)]
    sums: dict[dt.date | None, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for due_date, status, is_late, total in rows:
        bucket = None if due_date < first else _quarter_start(due_date)
        sums[bucket][state_of(status, is_late)] += Decimal(total or 0)
    labels = state_labels()
    states = [(state, labels[state]) for state in STATES]
    bars = []
    earlier = sums.get(None)
    if earlier:
        bars.append(_bar(_("Déjà échues"), earlier))
        bars[0].may_break = True
    bars.extend(_bar(quarter_label(start), sums.get(start, {})) for start in starts)
    totals = {state: cents(sum((bar.amounts.get(state, ZERO) for bar in bars), ZERO)) for state in STATES}
    chart = BarChart(
        prefix="chart-quarters",
        title=_("Subvention attendue de l'ANRT par trimestre"),
        description=_(
            "Montants des échéances par trimestre d'échéance, du trimestre en cours à %(end)s, selon leur état : "
            "exigible, à venir, retenue (document manquant), à risque (un document en retard la ferait perdre), "
            "perdue. Total : %(total)s."
        )
        % {"end": quarter_label(starts[-1]), "total": money(sum(totals.values(), ZERO))},
        bars=bars,
        states=states,
        totals=totals,
        total=cents(sum(totals.values(), ZERO)),
        ticks=[],
    )
    return _lay_out(chart)


def state_of(status: str, late: bool) -> str:
    """The chart's state of an instalment from its stored status (module docstring)."""
    if status == rules.FORFEITED:
        return LOST
    if status == rules.PAYABLE:
        return PAYABLE
    if status == rules.WITHHELD:
        return WITHHELD
    return AT_RISK if late else UPCOMING


def _bar(label: str, amounts) -> Bar:
    amounts = {state: cents(amount) for state, amount in amounts.items() if amount}
    return Bar(label=label, amounts=amounts, total=cents(sum(amounts.values(), ZERO)))


def at_risk_by_month(board, months: int = 12) -> BarChart:
    """The dashboard's money at risk (``board.at_risk``, no query) by the month it would be lost."""
    first = board.as_of.replace(day=1)
    starts = [rules.add_months(first, i) for i in range(months)]
    amounts: dict[dt.date | None, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[dt.date | None, int] = defaultdict(int)
    for row in board.at_risk:
        month = row.forfeits_on.replace(day=1)
        key = month if month in starts else None
        amounts[key] += row.amount
        counts[key] += row.conventions
    label = state_labels()[AT_RISK]
    bars = []
    for start in starts:
        bar = _bar(formats.date_format(start, "N Y"), {AT_RISK: amounts.get(start, ZERO)})
        bar.count = counts.get(start, 0)
        bars.append(bar)
    if None in amounts:
        bar = _bar(_("Plus tard"), {AT_RISK: amounts[None]})
        bar.count = counts[None]
        bars.append(bar)
    total = cents(sum((bar.total for bar in bars), ZERO))
    chart = BarChart(
        prefix="chart-risk",
        title=_("Subvention en jeu, par mois où elle serait perdue"),
        description=_(
            "Pour chaque mois, la subvention qui serait perdue si le document attendu n'arrive pas à l'ANRT "
            "avant sa date de perte. Total : %(total)s."
        )
        % {"total": money(total)},
        bars=bars,
        states=[(AT_RISK, label)],
        totals={AT_RISK: total},
        total=total,
        ticks=[],
    )
    return _lay_out(chart)


# --- A convention's time line ---------------------------------------------------------------------

TL_X = 12
TL_W = WIDTH - 24
TL_TOP = 66  # two legend lines
LANE_H = 44


@dataclass
class Lane:
    """One row of the time line: the instalments' band, or one obligation (due → forfeit date)."""

    label: str
    status: str
    status_label: str
    y: float
    due_x: float = 0.0
    forfeit_x: float | None = None
    received_x: float | None = None
    due: dt.date | None = None
    forfeits_on: dt.date | None = None
    received_on: dt.date | None = None
    fill: str = "#1f2937"

    @property
    def line_y(self) -> float:
        return _round(self.y + 12)

    @property
    def mark_top(self) -> float:
        return _round(self.y + 6)


@dataclass
class Block:
    number: int
    x: float
    width: float
    status: str
    status_label: str
    fill: str
    pattern: str | None
    amount: Decimal
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    title: str

    @property
    def amount_text(self) -> str:
        return money(self.amount)

    @property
    def number_x(self) -> float:
        return _round(self.x + self.width / 2)


@dataclass
class Timeline:
    prefix: str
    title: str
    description: str
    start: dt.date
    end: dt.date
    width: int
    height: int
    blocks: list[Block]
    lanes: list[Lane]
    ticks: list[Tick]
    suspensions: list[dict]
    today_x: float | None
    end_x: float
    band_y: float
    legend: list[dict]
    total: Decimal

    @property
    def total_text(self) -> str:
        return money(self.total)

    @property
    def bottom(self) -> float:
        return self.height - 40

    @property
    def tick_label_y(self) -> float:
        return self.bottom + 16

    @property
    def today_label_y(self) -> float:
        return self.bottom + 32

    @property
    def today_anchor(self) -> str:
        if self.today_x is None or self.today_x < 60:
            return "start"
        return "end" if self.today_x > self.width - 60 else "middle"

    @property
    def band_label_y(self) -> float:
        return self.band_y - 8

    @property
    def number_y(self) -> float:
        return self.band_y + 34

    @property
    def shade_height(self) -> float:
        return self.bottom - self.band_y

    @property
    def labels(self) -> dict[str, str]:
        return {
            "band": _("Échéances de subvention, par trimestre"),
            "today": _("Aujourd'hui"),
            "due": _("échéance du document"),
            "received": _("reçu"),
            "forfeit": _("date de perte"),
        }


OBLIGATION_COLOURS = {
    rules.RECEIVED: "#1b7340",
    rules.UPCOMING: "#2f5f98",
    rules.OVERDUE: "#8a5300",
    rules.MISSED: "#7f1d1d",
}


def convention_timeline(convention, obligations, instalments, suspensions=(), today: dt.date | None = None):
    """The convention's years as a time line: its instalments by quarter and each obligation from its due
    date to its forfeit date, with today and the suspensions (no query: the page's lists are passed in)."""
    from .templatetags.conventions_tags import STATUS_LABELS, obligation_label

    instalments = list(instalments)
    obligations = sorted(obligations, key=lambda o: (o.due_date, o.key))
    dates = [convention.effective_date, convention.end_date or convention.effective_date]
    dates += [o.forfeits_on or o.due_date for o in obligations] + [i.due_date for i in instalments]
    start = convention.effective_date
    end = max(dates)
    span = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        day = min(max(day, start), end)
        return _round(TL_X + TL_W * (day - start).days / span)

    labels = {**STATUS_LABELS}
    instalment_labels = dict(Instalment.Status.choices)
    band_y = TL_TOP + 24
    blocks = []
    for i in instalments:
        x0, x1 = x_of(i.period_start), x_of(i.period_end + dt.timedelta(days=1))
        status_label = str(instalment_labels.get(i.status, i.status))
        blocks.append(
            Block(
                number=i.number,
                x=x0,
                width=max(_round(x1 - x0 - 1), 1.0),
                status=i.status,
                status_label=status_label,
                fill=COLOURS.get(i.status if i.status != rules.UPCOMING else UPCOMING, COLOURS[UPCOMING]),
                pattern=PATTERNS.get(i.status),
                amount=i.amount,
                period_start=i.period_start,
                period_end=i.period_end,
                due_date=i.due_date,
                title=_("Échéance n° %(n)s, %(start)s – %(end)s : %(amount)s, %(status)s")
                % {
                    "n": i.number,
                    "start": formats.date_format(i.period_start, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(i.period_end, "SHORT_DATE_FORMAT"),
                    "amount": money(i.amount),
                    "status": status_label.lower(),
                },
            )
        )
    lanes = []
    y = band_y + 60
    for o in obligations:
        lanes.append(
            Lane(
                label=obligation_label(o.key),
                status=o.status,
                status_label=str(labels.get(o.status, o.status)),
                y=y,
                due=o.due_date,
                forfeits_on=o.forfeits_on,
                received_on=o.received_on,
                due_x=x_of(o.due_date),
                forfeit_x=x_of(o.forfeits_on) if o.forfeits_on else None,
                received_x=x_of(o.received_on) if o.received_on and o.received_on <= end else None,
                fill=OBLIGATION_COLOURS.get(o.status, "#1f2937"),
            )
        )
        y += LANE_H
    ticks = []
    year = start.year + 1
    while dt.date(year, 1, 1) <= end:
        ticks.append(Tick(x=x_of(dt.date(year, 1, 1)), label=str(year)))
        year += 1
    spans = [
        {
            "start": s.start,
            "end": s.end,
            "x": x_of(s.start),
            "width": max(_round(x_of(s.end) - x_of(s.start)), 2.0),
            "title": _("Suspension du %(start)s au %(end)s")
            % {
                "start": formats.date_format(s.start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(s.end, "SHORT_DATE_FORMAT"),
            },
        }
        for s in suspensions
    ]
    today_x = x_of(today) if today and start <= today <= end else None
    legend_states = [
        (rules.PAYABLE, instalment_labels[rules.PAYABLE]),
        (rules.UPCOMING, instalment_labels[rules.UPCOMING]),
        (rules.WITHHELD, instalment_labels[rules.WITHHELD]),
        (rules.FORFEITED, instalment_labels[rules.FORFEITED]),
    ]
    legend, _height = legend_items(legend_states)
    total = cents(sum((i.amount for i in instalments), ZERO))
    return Timeline(
        prefix=f"chart-timeline-{convention.pk}",
        title=_("Les années de la convention %(n)s") % {"n": convention.reference},
        description=_(
            "Du %(start)s au %(end)s : %(n)s échéances de subvention (%(total)s au total) par trimestre, et pour "
            "chaque document attendu, sa date d'échéance, sa date de réception et la date où la subvention "
            "restante serait perdue."
        )
        % {
            "start": formats.date_format(start, "DATE_FORMAT"),
            "end": formats.date_format(convention.end_date or end, "DATE_FORMAT"),
            "n": len(instalments),
            "total": money(total),
        },
        start=start,
        end=end,
        width=WIDTH,
        height=int(y + 36),
        blocks=blocks,
        lanes=lanes,
        ticks=ticks,
        suspensions=spans,
        today_x=today_x,
        end_x=x_of(convention.end_date or end),
        band_y=band_y,
        legend=legend,
        total=total,
    )
