"""The CIFRE rules of ``RULES.md``: dates, eligibility, duration, instalments, obligations, statuses.

Pure Python, no Django import: every screen, task, export and the ``manage.py cifre`` command
calls this module, so the arithmetic exists once. It works by intervals (months, quarters,
suspensions), never day by day, so a plan costs a fraction of a millisecond.

Conventions (RULES.md §1): calendar dates; periods include both ends; ``d + N months`` is
clamped to the month's end and always computed from the original date; money is ``Decimal``
rounded half-up to the cent, computed exactly with ``Fraction`` before rounding.

Each decision of RULES.md marked **(decision)** is implemented by one function, named in its
docstring: ``default_duration_months`` (reduction measured at the filing date, floored),
``first_enrolment_year`` (effective date after 1 May), ``_days_worked`` (274 days or more is
"more than 9 months"), ``_subsidy_total`` (total after a termination), ``_amounts`` (the
balance: no instalment above what the total leaves, none after it), ``_forfeiture_date``
(the literal reading of forfeiture).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

# --- Vocabulary ---------------------------------------------------------------------------

UPCOMING, RECEIVED, OVERDUE, MISSED = "upcoming", "received", "overdue", "missed"
OBLIGATION_STATUSES = (UPCOMING, RECEIVED, OVERDUE, MISSED)
PAYABLE, WITHHELD, FORFEITED = "payable", "withheld", "forfeited"
INSTALMENT_STATUSES = (UPCOMING, PAYABLE, WITHHELD, FORFEITED)

EMPLOYMENT_CONTRACT = "employment_contract"
HIRING_DECLARATION = "hiring_declaration"
WORK_PERMIT = "work_permit"
ENROLMENT = "enrolment"
COLLABORATION_CONTRACT = "collaboration_contract"
ACTIVITY_REPORT = "activity_report"
FINAL_EVALUATION = "final_evaluation"
OBLIGATION_KINDS = (
    EMPLOYMENT_CONTRACT,
    HIRING_DECLARATION,
    WORK_PERMIT,
    ENROLMENT,
    COLLABORATION_CONTRACT,
    ACTIVITY_REPORT,
    FINAL_EVALUATION,
)

FULL_DURATION_MONTHS = 36
MAX_PRIOR_EMPLOYMENT_DAYS = 273
TIME_BAR_WARNING_MONTHS = 54  # four and a half years (Art. 14: time-barred after five)
CENT = Decimal("0.01")
# The dates the engine computes with (RULES.md §1): every date it is given lies in this range.
# Beyond it a plan would reach past ``date.max``; the application's date fields use it too.
DATE_MIN = date(1990, 1, 1)
DATE_MAX = date(2100, 12, 31)


# --- Errors and their messages ------------------------------------------------------------

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"fr": "ce champ est obligatoire", "en": "this field is required"},
    "unknown_field": {"fr": "champ inconnu", "en": "unknown field"},
    "invalid_date": {
        "fr": "date invalide (format attendu AAAA-MM-JJ)",
        "en": "invalid date (expected YYYY-MM-DD)",
    },
    "date_out_of_range": {
        "fr": "date hors limites : elle doit se situer entre le {low} et le {high}",
        "en": "date out of range: it must lie between {low} and {high}",
    },
    "invalid_amount": {
        "fr": "montant invalide : un nombre décimal strictement positif est attendu",
        "en": "invalid amount: a decimal number greater than 0 is expected",
    },
    "invalid_bool": {"fr": "vrai ou faux attendu", "en": "true or false expected"},
    "invalid_object": {"fr": "un objet est attendu", "en": "an object is expected"},
    "invalid_list": {"fr": "une liste est attendue", "en": "a list is expected"},
    "invalid_choice": {"fr": "valeur non reconnue : {value}", "en": "unrecognised value: {value}"},
    "invalid_text": {"fr": "un texte est attendu", "en": "a text is expected"},
    "invalid_months": {
        "fr": "un nombre entier de mois entre {low} et {high} est attendu",
        "en": "a whole number of months between {low} and {high} is expected",
    },
    "malformed_json": {"fr": "JSON mal formé ({detail})", "en": "malformed JSON ({detail})"},
    "duration_not_positive": {
        "fr": "l'inscription en doctorat est trop ancienne : la durée réduite ({months} mois) n'est pas positive",
        "en": "the doctoral enrolment is too old: the reduced duration ({months} months) is not positive",
    },
    "suspension_reversed": {
        "fr": "la suspension se termine ({end}) avant de commencer ({start})",
        "en": "the suspension ends ({end}) before it starts ({start})",
    },
    "period_reversed": {
        "fr": "la période se termine ({end}) avant de commencer ({start})",
        "en": "the period ends ({end}) before it starts ({start})",
    },
    "suspension_too_short": {
        "fr": "une suspension dure au moins un mois calendaire : elle doit aller au moins jusqu'au {minimum}",
        "en": "a suspension lasts at least one calendar month: it must run at least until {minimum}",
    },
    "suspension_overlap": {
        "fr": "la suspension chevauche celle du {other_start} au {other_end}",
        "en": "the suspension overlaps the one from {other_start} to {other_end}",
    },
    "suspension_outside": {
        "fr": "la suspension doit se situer dans la convention ({start} – {end})",
        "en": "the suspension must lie inside the convention ({start} – {end})",
    },
    "termination_outside": {
        "fr": "la date de rupture doit se situer entre le {start} et le {end}",
        "en": "the termination date must lie between {start} and {end}",
    },
    "unknown_obligation": {
        "fr": "obligation inconnue pour cette convention (attendues : {keys})",
        "en": "unknown obligation key for this convention (expected: {keys})",
    },
}


def format_date(value: date, language: str = "fr") -> str:
    """Dates in messages: 31/03/2026 in French, 2026-03-31 in English (unambiguous)."""
    return value.strftime("%d/%m/%Y") if language == "fr" else value.isoformat()


def localised(params: Mapping[str, object], language: str) -> dict[str, object]:
    return {k: format_date(v, language) if isinstance(v, date) else v for k, v in params.items()}


class RuleError(ValueError):
    """A fact that breaks RULES.md, tied to the input field that carries it."""

    def __init__(self, field: str, code: str, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = dict(params)
        super().__init__(f"{field}: {self.message('en')}")

    def message(self, language: str = "fr") -> str:
        texts = MESSAGES[self.code]
        return texts.get(language, texts["fr"]).format(**localised(self.params, language))


# --- Date arithmetic ----------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    """``d + months`` calendar months, clamped to the end of the target month (Jan 31 + 1 = Feb 28/29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def days_inclusive(start: date, end: date) -> int:
    """Number of days in [start, end], 0 when the period is empty."""
    return max(0, (end - start).days + 1)


def overlap_days(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    return days_inclusive(max(a_start, b_start), min(a_end, b_end))


def whole_months_between(start: date, end: date) -> int:
    """The largest ``m`` with ``start + m months <= end`` (0 when end < start + 1 month)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def quarter_bounds(d: date) -> tuple[date, date]:
    first_month = 3 * ((d.month - 1) // 3) + 1
    start = date(d.year, first_month, 1)
    end = add_months(start, 3) - timedelta(days=1)
    return start, end


def month_bounds(d: date) -> tuple[date, date]:
    return date(d.year, d.month, 1), date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def round_cents(value: Fraction) -> Decimal:
    """Half-up rounding to the cent of an exact amount (half away from zero)."""
    hundredths = value * 100
    sign = -1 if hundredths < 0 else 1
    hundredths = abs(hundredths)
    cents = hundredths.numerator * 2 + hundredths.denominator
    cents //= 2 * hundredths.denominator  # floor(x + 1/2)
    return (Decimal(sign * cents) / 100).quantize(CENT)


def academic_year_of(d: date) -> int:
    """The academic year Y (1 September Y – 31 August Y+1) that contains ``d``."""
    return d.year if d.month >= 9 else d.year - 1


def academic_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


# --- Inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suspension:
    start: date
    end: date

    @property
    def days(self) -> int:
        return days_inclusive(self.start, self.end)


@dataclass(frozen=True)
class Facts:
    """What the signed convention says, and which documents reached ANRT when."""

    effective_date: date
    annual_subsidy: Decimal
    duration_months: int | None = None
    submission_date: date | None = None
    doctoral_enrolment_date: date | None = None
    suspensions: tuple[Suspension, ...] = ()
    termination_date: date | None = None
    work_permit_required: bool = False
    received: Mapping[str, date] = field(default_factory=dict)


# --- Outputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationLine:
    key: str
    kind: str
    due: date
    forfeits_on: date | None
    received: date | None
    status: str
    gates: tuple[int, ...]


@dataclass(frozen=True)
class InstalmentLine:
    number: int
    period_start: date
    period_end: date
    due_date: date
    amount: Decimal
    gated_by: tuple[str, ...]
    payable_on: date | None
    status: str


@dataclass(frozen=True)
class Plan:
    duration_months: int
    scheduled_end: date
    end_date: date
    anniversaries: dict[int, date]
    obligations: tuple[ObligationLine, ...]
    instalments: tuple[InstalmentLine, ...]
    totals: dict[str, Decimal]
    lost_on: date | None
    as_of: date

    def obligation(self, key: str) -> ObligationLine:
        return next(o for o in self.obligations if o.key == key)

    def instalment(self, number: int) -> InstalmentLine:
        return self.instalments[number - 1]


# --- Duration and end date (§3) -------------------------------------------------------------


def default_duration_months(
    effective_date: date | None = None,
    submission_date: date | None = None,
    doctoral_enrolment_date: date | None = None,
) -> int:
    """36 months, reduced when the enrolment began more than 6 months before filing. **(decision)**

    The reduction is the number of whole months between the enrolment and the filing date,
    measured at the filing date and floored; it applies only when
    ``enrolment + 6 months < filing date``. Without a filing or enrolment date: 36. The result
    can be zero or negative for very old enrolments; ``validate_facts`` refuses those.
    """
    if submission_date is None or doctoral_enrolment_date is None:
        return FULL_DURATION_MONTHS
    if not add_months(doctoral_enrolment_date, 6) < submission_date:
        return FULL_DURATION_MONTHS
    return FULL_DURATION_MONTHS - whole_months_between(doctoral_enrolment_date, submission_date)


def duration_of(facts: Facts) -> int:
    if facts.duration_months is not None:
        return facts.duration_months
    return default_duration_months(facts.effective_date, facts.submission_date, facts.doctoral_enrolment_date)


def scheduled_end(effective_date: date, duration_months: int, suspensions: Iterable[Suspension]) -> date:
    """``E + D months - 1 day``, extended by the length in days of every suspension."""
    base = add_months(effective_date, duration_months) - timedelta(days=1)
    return base + timedelta(days=sum(s.days for s in suspensions))


def anniversary(effective_date: date, k: int, suspensions: Sequence[Suspension]) -> date:
    """``E + k months``, pushed forward by each suspension that starts strictly before it.

    Suspensions are taken in date order, so one pushed past by an earlier suspension's
    extension counts too. It is "the end of the k-th month of the CIFRE".
    """
    moment = add_months(effective_date, k)
    for suspension in sorted(suspensions, key=lambda s: s.start):
        if suspension.start < moment:
            moment += timedelta(days=suspension.days)
    return moment


def check_dates(dates: Iterable[tuple[str, date | None]]) -> None:
    """Refuse the first date outside ``DATE_MIN``–``DATE_MAX``, tied to its field (``None``: not given).

    Called first by every entry point that takes dates, so the arithmetic never meets a date it
    cannot compute with (``date(9999, 12, 31) + 36 months`` does not exist).
    """
    for name, value in dates:
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise RuleError(name, "date_out_of_range", low=DATE_MIN, high=DATE_MAX)


def _fact_dates(facts: Facts) -> Iterable[tuple[str, date | None]]:
    yield "effective_date", facts.effective_date
    yield "submission_date", facts.submission_date
    yield "doctoral_enrolment_date", facts.doctoral_enrolment_date
    for index, suspension in enumerate(facts.suspensions):
        yield f"suspensions[{index}].start", suspension.start
        yield f"suspensions[{index}].end", suspension.end
    yield "termination_date", facts.termination_date
    for key, received in facts.received.items():
        yield f"received.{key}", received


def validate_facts(facts: Facts) -> None:
    """Refuse what breaks §3; raise the first ``RuleError`` found, tied to its input field."""
    check_dates(_fact_dates(facts))
    if not isinstance(facts.annual_subsidy, Decimal) or not facts.annual_subsidy.is_finite():
        raise RuleError("annual_subsidy", "invalid_amount")
    if facts.annual_subsidy <= 0:
        raise RuleError("annual_subsidy", "invalid_amount")
    if facts.duration_months is not None and not 1 <= facts.duration_months <= FULL_DURATION_MONTHS:
        raise RuleError("duration_months", "invalid_months", low=1, high=FULL_DURATION_MONTHS)
    months = duration_of(facts)
    if months < 1:
        raise RuleError("doctoral_enrolment_date", "duration_not_positive", months=months)

    indexed = list(enumerate(facts.suspensions))
    for index, suspension in indexed:
        if suspension.end < suspension.start:
            raise RuleError(
                f"suspensions[{index}].end", "suspension_reversed", start=suspension.start, end=suspension.end
            )
        minimum = add_months(suspension.start, 1) - timedelta(days=1)
        if suspension.end < minimum:
            raise RuleError(f"suspensions[{index}].end", "suspension_too_short", minimum=minimum)
    ordered = sorted(indexed, key=lambda pair: (pair[1].start, pair[1].end))
    for (_, previous), (index, current) in zip(ordered, ordered[1:], strict=False):
        if current.start <= previous.end:
            raise RuleError(
                f"suspensions[{index}]", "suspension_overlap", other_start=previous.start, other_end=previous.end
            )

    end = scheduled_end(facts.effective_date, months, facts.suspensions)
    for index, suspension in indexed:
        if suspension.start < facts.effective_date or suspension.end > end:
            raise RuleError(f"suspensions[{index}]", "suspension_outside", start=facts.effective_date, end=end)
    if facts.termination_date is not None:
        if not facts.effective_date <= facts.termination_date <= end:
            raise RuleError("termination_date", "termination_outside", start=facts.effective_date, end=end)
        for index, suspension in indexed:
            if suspension.end > facts.termination_date:
                raise RuleError(
                    f"suspensions[{index}]",
                    "suspension_outside",
                    start=facts.effective_date,
                    end=facts.termination_date,
                )


# --- Instalments (§4) -----------------------------------------------------------------------


@dataclass
class _Period:
    start: date
    end: date
    due: date
    earned: Fraction


def _non_suspended_days(start: date, end: date, suspensions: Sequence[Suspension]) -> int:
    return days_inclusive(start, end) - sum(overlap_days(start, end, s.start, s.end) for s in suspensions)


def _earned(start: date, end: date, annual: Fraction, suspensions: Sequence[Suspension]) -> Fraction:
    """What [start, end] earns: each month ``annual / 12`` times its share of non-suspended days."""
    total = Fraction(0)
    cursor = start
    monthly = annual / 12
    while cursor <= end:
        month_start, month_end = month_bounds(cursor)
        piece_end = min(month_end, end)
        covered = _non_suspended_days(cursor, piece_end, suspensions)
        if covered:
            total += monthly * Fraction(covered, days_inclusive(month_start, month_end))
        cursor = month_end + timedelta(days=1)
    return total


def _periods(effective: date, end: date, annual: Fraction, suspensions: Sequence[Suspension]) -> list[_Period]:
    """Calendar quarters overlapping [E, end] that hold a non-suspended day, clipped to [E, end]."""
    periods = []
    quarter_start, quarter_end = quarter_bounds(effective)
    while quarter_start <= end:
        start, stop = max(quarter_start, effective), min(quarter_end, end)
        if _non_suspended_days(start, stop, suspensions):
            periods.append(_Period(start, stop, quarter_end, _earned(start, stop, annual, suspensions)))
        quarter_start = quarter_end + timedelta(days=1)
        quarter_end = add_months(quarter_start, 3) - timedelta(days=1)
    return periods


def _subsidy_total(annual: Fraction, months: int, periods: Sequence[_Period], terminated: bool) -> Decimal:
    """``annual × D / 12`` rounded; after a termination, the rounded sum of what was earned. **(decision)**"""
    if terminated:
        return round_cents(sum((p.earned for p in periods), Fraction(0)))
    return round_cents(annual * months / 12)


def _amounts(periods: Sequence[_Period], total: Decimal) -> list[Decimal]:
    """The instalments' amounts, in number order; the last one is the balance. **(decision, December 2026)**

    Each instalment is what its quarter earns, rounded to the cent, but at most what the total
    leaves after the ones before it. The first one that reaches the total (or, failing that, the
    last quarter's) is the balance, the total minus the others, and is the last instalment: the
    list can be shorter than ``periods``, and a quarter after the balance gets no instalment.
    After a suspension the quarters can earn more than the total (the suspended days fell in
    31-day months, the extension runs through February); this keeps the instalments adding up
    to the total, none negative or zero.
    """
    amounts: list[Decimal] = []
    left = total
    for number, period in enumerate(periods, start=1):
        amount = round_cents(period.earned)
        if amount >= left or number == len(periods):
            amounts.append(left)
            break
        amounts.append(amount)
        left -= amount
    return amounts


# --- Obligations (§5) -----------------------------------------------------------------------


def first_enrolment_year(effective_date: date) -> int:
    """The first academic year whose enrolment certificate is required. **(decision)**

    When E is after 1 May and before 1 September of year n, the first year required is n/n+1
    and its certificate also covers E..31 August n (Art. 7); otherwise the year containing E.
    """
    year = effective_date.year
    if date(year, 5, 1) < effective_date < date(year, 9, 1):
        return year
    return academic_year_of(effective_date)


@dataclass
class _Obligation:
    key: str
    kind: str
    due: date | None
    forfeits_on: date | None
    gates: list[int]


def _obligations(
    facts: Facts, end: date, periods: Sequence[_Period], suspensions: Sequence[Suspension]
) -> list[_Obligation]:
    effective = facts.effective_date
    numbers = list(range(1, len(periods) + 1))
    everything = list(numbers)
    result = [
        _Obligation(EMPLOYMENT_CONTRACT, EMPLOYMENT_CONTRACT, effective, None, everything),
        _Obligation(HIRING_DECLARATION, HIRING_DECLARATION, effective, None, everything),
    ]
    if facts.work_permit_required:
        result.append(_Obligation(WORK_PERMIT, WORK_PERMIT, effective, None, everything))

    first_year = first_enrolment_year(effective)
    for year in range(first_year, academic_year_of(end) + 1):
        year_start, year_end = academic_year_bounds(year)
        if year == first_year:
            year_start = min(year_start, effective)
        gates = [n for n, p in zip(numbers, periods, strict=True) if p.start <= year_end and p.end >= year_start]
        forfeits = date(year + 1, 5, 30)
        due = min(periods[gates[0] - 1].due, forfeits) if gates else forfeits
        result.append(_Obligation(f"{ENROLMENT}:{year}", ENROLMENT, due, forfeits, gates))

    if len(periods) >= 3:
        result.append(
            _Obligation(
                COLLABORATION_CONTRACT,
                COLLABORATION_CONTRACT,
                add_months(effective, 6),
                anniversary(effective, 24, suspensions),
                numbers[2:],
            )
        )
    for k in (1, 2):
        moment = anniversary(effective, 12 * k, suspensions)
        if moment <= end:
            gates = [n for n, p in zip(numbers, periods, strict=True) if p.due >= moment]
            result.append(
                _Obligation(f"{ACTIVITY_REPORT}:{k}", ACTIVITY_REPORT, moment, date(moment.year + 1, 5, 30), gates)
            )
    result.append(_Obligation(FINAL_EVALUATION, FINAL_EVALUATION, add_months(end, 1), add_months(end, 6), numbers[-1:]))
    return result


def obligation_keys(facts: Facts) -> list[str]:
    """The keys of the obligations this convention has (to check a ``received`` mapping)."""
    return [o.key for o in plan_convention(facts, facts.effective_date, check_received=False).obligations]


# --- Statuses (§6) --------------------------------------------------------------------------


def obligation_status(due: date, forfeits_on: date | None, received: date | None, as_of: date) -> str:
    """missed → received → overdue → upcoming, as of ``as_of``."""
    if forfeits_on is not None and as_of > forfeits_on and not (received is not None and received <= forfeits_on):
        return MISSED
    if received is not None and received <= as_of:
        return RECEIVED
    if as_of > due:
        return OVERDUE
    return UPCOMING


def _forfeiture_date(obligations: Iterable[ObligationLine]) -> date | None:
    """The earliest forfeit date among missed obligations. **(decision: the literal reading)**

    From that date every instalment not yet payable is lost, future ones included.
    """
    dates = [o.forfeits_on for o in obligations if o.status == MISSED and o.forfeits_on is not None]
    return min(dates) if dates else None


def instalment_status(due_date: date, payable_on: date | None, lost_on: date | None, as_of: date) -> str:
    """forfeited → upcoming → payable → withheld, first match wins."""
    if lost_on is not None and (payable_on is None or payable_on > lost_on):
        return FORFEITED
    if as_of < due_date:
        return UPCOMING
    if payable_on is not None and payable_on <= as_of:
        return PAYABLE
    return WITHHELD


# --- The plan -------------------------------------------------------------------------------


def plan_convention(facts: Facts, as_of: date, *, check_received: bool = True) -> Plan:
    """Duration, end, instalments, obligations and their statuses as of ``as_of``."""
    check_dates([("as_of", as_of)])
    validate_facts(facts)
    months = duration_of(facts)
    suspensions = tuple(sorted(facts.suspensions, key=lambda s: s.start))
    planned_end = scheduled_end(facts.effective_date, months, suspensions)
    end = facts.termination_date or planned_end
    annual = Fraction(facts.annual_subsidy)

    periods = _periods(facts.effective_date, end, annual, suspensions)
    total = _subsidy_total(annual, months, periods, facts.termination_date is not None)
    amounts = _amounts(periods, total)
    periods = periods[: len(amounts)]  # no instalment after the balance (§4)
    raw_obligations = _obligations(facts, end, periods, suspensions)

    if check_received:
        known = {o.key for o in raw_obligations}
        for key in facts.received:
            if key not in known:
                raise RuleError(f"received.{key}", "unknown_obligation", keys=", ".join(sorted(known)))

    obligations = sorted(
        (
            ObligationLine(
                key=o.key,
                kind=o.kind,
                due=o.due,
                forfeits_on=o.forfeits_on,
                received=facts.received.get(o.key),
                status=obligation_status(o.due, o.forfeits_on, facts.received.get(o.key), as_of),
                gates=tuple(o.gates),
            )
            for o in raw_obligations
        ),
        key=lambda o: (o.due, o.key),
    )
    lost_on = _forfeiture_date(obligations)

    gated_by: dict[int, list[str]] = {n: [] for n in range(1, len(periods) + 1)}
    for o in obligations:
        for number in o.gates:
            gated_by[number].append(o.key)

    instalments = []
    for number, (period, amount) in enumerate(zip(periods, amounts, strict=True), start=1):
        keys = tuple(sorted(gated_by[number]))
        receipts = [facts.received.get(k) for k in keys]
        payable_on = None if any(r is None for r in receipts) else max([period.due, *receipts])
        instalments.append(
            InstalmentLine(
                number=number,
                period_start=period.start,
                period_end=period.end,
                due_date=period.due,
                amount=amount,
                gated_by=keys,
                payable_on=payable_on,
                status=instalment_status(period.due, payable_on, lost_on, as_of),
            )
        )

    totals = {"subsidy": total}
    for status in (PAYABLE, WITHHELD, FORFEITED, UPCOMING):
        totals[status] = sum((i.amount for i in instalments if i.status == status), Decimal("0.00"))
    return Plan(
        duration_months=months,
        scheduled_end=planned_end,
        end_date=end,
        anniversaries={k: anniversary(facts.effective_date, k, suspensions) for k in (12, 24, 36)},
        obligations=tuple(obligations),
        instalments=tuple(instalments),
        totals=totals,
        lost_on=lost_on,
        as_of=as_of,
    )


def time_bar_warning_date(due_date: date) -> date:
    """From this date an uninvoiced payable instalment is close to the five-year time bar (§6)."""
    return add_months(due_date, TIME_BAR_WARNING_MONTHS)


# --- Eligibility (§2) -----------------------------------------------------------------------

EMPLOYER_KINDS = (
    "company",
    "association",
    "local_authority",
    "consular_chamber",
    "technical_centre",
    "research_or_higher_education",
)
TECHNICAL_CENTRE_CONDITIONS = ("own_research", "tripartite")
CONTRACT_TYPES = ("permanent", "fixed_term")
ELIGIBILITY_CODES = (
    "masters_held",
    "masters_recent",
    "not_doctor",
    "no_other_thesis",
    "enrolment_recent",
    "prior_employment",
    "employer_eligible",
    "contract_duration",
    "lab_doctoral_school",
    "lab_cotutelle",
)

ELIGIBILITY_MESSAGES: dict[str, dict[str, str]] = {
    "masters_held.ok": {
        "fr": "Master obtenu le {masters}, avant la date d'effet.",
        "en": "Master's degree obtained on {masters}, before the effective date.",
    },
    "masters_held.unknown": {
        "fr": "La date d'obtention du master est inconnue.",
        "en": "The date of the master's degree is unknown.",
    },
    "masters_held.late": {
        "fr": "Le master ({masters}) doit être obtenu au plus tard à la date d'effet ({effective}).",
        "en": "The master's degree ({masters}) must be held by the effective date ({effective}).",
    },
    "masters_recent.ok": {
        "fr": "Master obtenu depuis moins de trois ans.",
        "en": "Master's degree obtained less than three years ago.",
    },
    "masters_recent.unknown": {
        "fr": "La date d'obtention du master est inconnue.",
        "en": "The date of the master's degree is unknown.",
    },
    "masters_recent.old": {
        "fr": "Le master ({masters}) doit dater de moins de trois ans à la réception du dossier "
        "(au plus tôt le {limit}).",
        "en": "The master's degree ({masters}) must be under three years old when the dossier is received "
        "(no earlier than {limit}).",
    },
    "not_doctor.ok": {"fr": "Le ou la candidat·e n'est pas docteur.", "en": "The candidate holds no doctorate."},
    "not_doctor.fail": {
        "fr": "Un·e titulaire d'un doctorat ne peut pas bénéficier d'une CIFRE.",
        "en": "A doctorate holder cannot benefit from a CIFRE.",
    },
    "no_other_thesis.ok": {"fr": "Aucune autre thèse n'a été commencée.", "en": "No other thesis was started."},
    "no_other_thesis.fail": {
        "fr": "Une autre thèse a déjà été commencée.",
        "en": "Another thesis has already been started.",
    },
    "enrolment_recent.ok": {"fr": "Inscription en doctorat compatible.", "en": "Doctoral enrolment compatible."},
    "enrolment_recent.old": {
        "fr": "La première inscription en doctorat ({enrolment}) date de plus de neuf mois à la réception du dossier "
        "(limite le {limit}).",
        "en": "The first doctoral enrolment ({enrolment}) is more than nine months old when the dossier is received "
        "(limit {limit}).",
    },
    "prior_employment.ok": {
        "fr": "{days} jour(s) déjà travaillé(s) chez cet employeur : au plus 273.",
        "en": "{days} day(s) already worked for this employer: 273 at most.",
    },
    "prior_employment.fail": {
        "fr": "{days} jours déjà travaillés chez cet employeur : plus de neuf mois (273 jours au plus).",
        "en": "{days} days already worked for this employer: more than nine months (273 days at most).",
    },
    "employer_eligible.ok": {"fr": "Employeur éligible.", "en": "Eligible employer."},
    "employer_eligible.unknown": {"fr": "L'employeur n'est pas renseigné.", "en": "The employer is not given."},
    "employer_eligible.abroad": {
        "fr": "L'employeur doit être établi en France.",
        "en": "The employer must be established in France.",
    },
    "employer_eligible.research": {
        "fr": "Une structure dont la mission principale est la recherche ou l'enseignement supérieur "
        "n'est pas éligible.",
        "en": "A structure whose main mission is research or higher education is not eligible.",
    },
    "employer_eligible.technical_centre": {
        "fr": "Un centre technique n'est éligible que pour ses propres recherches ou dans un contrat tripartite.",
        "en": "A technical centre is eligible only for its own research or under a tripartite contract.",
    },
    "contract_duration.ok": {"fr": "Contrat de travail compatible.", "en": "Compatible employment contract."},
    "contract_duration.unknown": {
        "fr": "Le contrat de travail n'est pas renseigné.",
        "en": "The employment contract is not given.",
    },
    "contract_duration.short": {
        "fr": "Un CDD doit durer au moins la durée de la convention ({required} mois) : {months} mois.",
        "en": "A fixed-term contract must last at least the convention's duration ({required} months): "
        "{months} months.",
    },
    "lab_doctoral_school.ok": {
        "fr": "Le laboratoire est rattaché à une école doctorale.",
        "en": "The lab belongs to a doctoral school.",
    },
    "lab_doctoral_school.fail": {
        "fr": "Le laboratoire doit indiquer son école doctorale.",
        "en": "The lab must name its doctoral school.",
    },
    "lab_cotutelle.ok": {
        "fr": "Laboratoire en France ou cotutelle avec un établissement français.",
        "en": "Lab in France, or cotutelle with a French institution.",
    },
    "lab_cotutelle.fail": {
        "fr": "Un laboratoire à l'étranger exige une cotutelle avec un établissement français.",
        "en": "A lab abroad requires a cotutelle with a French institution.",
    },
    "lab.unknown": {"fr": "Le laboratoire n'est pas renseigné.", "en": "The lab is not given."},
}


@dataclass(frozen=True)
class EmploymentPeriod:
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Employer:
    kind: str
    established_in_france: bool = True
    technical_centre_condition: str | None = None


@dataclass(frozen=True)
class Contract:
    type: str
    months: int | None = None


@dataclass(frozen=True)
class Lab:
    doctoral_school: bool = False
    abroad: bool = False
    cotutelle: bool = False


@dataclass(frozen=True)
class EligibilityInput:
    reference_date: date
    effective_date: date
    masters_date: date | None = None
    is_doctor: bool = False
    other_thesis_started: bool = False
    doctoral_enrolment_date: date | None = None
    employment_periods: tuple[EmploymentPeriod, ...] = ()
    employer: Employer | None = None
    contract: Contract | None = None
    lab: Lab | None = None
    duration_months: int = FULL_DURATION_MONTHS


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    message_key: str
    params: dict[str, object]

    def message(self, language: str = "fr") -> str:
        texts = ELIGIBILITY_MESSAGES[self.message_key]
        return texts.get(language, texts["fr"]).format(**localised(self.params, language))


@dataclass(frozen=True)
class EligibilityResult:
    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        return all(c.ok for c in self.checks)


def _days_worked(periods: Iterable[EmploymentPeriod], reference: date) -> int:
    """Days worked for the employer up to R: union of the periods, open ones ending at R. **(decision)**

    "More than 9 months" means 274 days or more: 273 days still pass.
    """
    spans = sorted((p.start, min(p.end or reference, reference)) for p in periods if p.start <= reference)
    total, current_start, current_end = 0, None, None
    for start, end in spans:
        if end < start:
            continue
        if current_end is not None and start <= current_end + timedelta(days=1):
            current_end = max(current_end, end)
            continue
        if current_start is not None:
            total += days_inclusive(current_start, current_end)
        current_start, current_end = start, end
    if current_start is not None:
        total += days_inclusive(current_start, current_end)
    return total


def _check(code: str, ok: bool, suffix: str, **params: object) -> Check:
    key = f"{code}.{suffix}" if f"{code}.{suffix}" in ELIGIBILITY_MESSAGES else suffix
    return Check(code, ok, key, dict(params))


def check_eligibility(data: EligibilityInput) -> EligibilityResult:
    """The ten checks of §2, in order. R is the date ANRT receives the dossier."""
    check_dates(
        [
            ("reference_date", data.reference_date),
            ("effective_date", data.effective_date),
            ("masters_date", data.masters_date),
            ("doctoral_enrolment_date", data.doctoral_enrolment_date),
            *(
                (f"employment_periods[{index}].{bound}", getattr(period, bound))
                for index, period in enumerate(data.employment_periods)
                for bound in ("start", "end")
            ),
        ]
    )
    r, e, masters = data.reference_date, data.effective_date, data.masters_date
    checks: list[Check] = []

    if masters is None:
        checks.append(_check("masters_held", False, "unknown"))
        checks.append(_check("masters_recent", False, "unknown"))
    else:
        checks.append(
            _check("masters_held", masters <= e, "ok" if masters <= e else "late", masters=masters, effective=e)
        )
        limit = add_months(r, -36)
        checks.append(
            _check(
                "masters_recent", masters >= limit, "ok" if masters >= limit else "old", masters=masters, limit=limit
            )
        )

    checks.append(_check("not_doctor", not data.is_doctor, "fail" if data.is_doctor else "ok"))
    checks.append(
        _check("no_other_thesis", not data.other_thesis_started, "fail" if data.other_thesis_started else "ok")
    )

    enrolment = data.doctoral_enrolment_date
    if enrolment is None or r <= add_months(enrolment, 9):
        checks.append(_check("enrolment_recent", True, "ok"))
    else:
        checks.append(_check("enrolment_recent", False, "old", enrolment=enrolment, limit=add_months(enrolment, 9)))

    days = _days_worked(data.employment_periods, r)
    ok = days <= MAX_PRIOR_EMPLOYMENT_DAYS
    checks.append(_check("prior_employment", ok, "ok" if ok else "fail", days=days))

    employer = data.employer
    if employer is None:
        checks.append(_check("employer_eligible", False, "unknown"))
    elif not employer.established_in_france:
        checks.append(_check("employer_eligible", False, "abroad"))
    elif employer.kind == "research_or_higher_education":
        checks.append(_check("employer_eligible", False, "research"))
    elif employer.kind == "technical_centre" and employer.technical_centre_condition not in TECHNICAL_CENTRE_CONDITIONS:
        checks.append(_check("employer_eligible", False, "technical_centre"))
    else:
        checks.append(_check("employer_eligible", True, "ok"))

    contract = data.contract
    if contract is None:
        checks.append(_check("contract_duration", False, "unknown"))
    elif contract.type == "permanent" or contract.months is not None and contract.months >= data.duration_months:
        checks.append(_check("contract_duration", True, "ok"))
    else:
        checks.append(
            _check(
                "contract_duration",
                False,
                "short",
                required=data.duration_months,
                months=contract.months if contract.months is not None else "?",
            )
        )

    lab = data.lab
    if lab is None:
        checks.append(_check("lab_doctoral_school", False, "lab.unknown"))
        checks.append(_check("lab_cotutelle", False, "lab.unknown"))
    else:
        checks.append(_check("lab_doctoral_school", lab.doctoral_school, "ok" if lab.doctoral_school else "fail"))
        ok = not lab.abroad or lab.cotutelle
        checks.append(_check("lab_cotutelle", ok, "ok" if ok else "fail"))
    return EligibilityResult(tuple(checks))
