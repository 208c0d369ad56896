"""Property-based tests of the rules engine over random conventions (hypothesis).

HYPOTHESIS_EXAMPLES=3000 for a deeper search (150 by default, to keep CI fast).
"""

import calendar
import os
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conventions import rules
from conventions.rules import Facts, Suspension

ONE_DAY = timedelta(days=1)
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))
PROFILE = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def conventions(draw):
    effective = draw(st.dates(date(2015, 1, 1), date(2035, 12, 31)))
    months = draw(st.integers(1, 36))
    base_end = rules.add_months(effective, months) - ONE_DAY
    suspensions, cursor = [], effective
    for _ in range(draw(st.integers(0, 3))):
        if cursor > base_end:
            break
        start = cursor + timedelta(days=draw(st.integers(0, (base_end - cursor).days)))
        end = rules.add_months(start, 1) - ONE_DAY + timedelta(days=draw(st.integers(0, 240)))
        suspensions.append(Suspension(start, end))
        cursor = end + timedelta(days=1 + draw(st.integers(0, 120)))
    if suspensions and draw(st.booleans()):
        # Stretch the last suspension so that the end falls in the first days of a quarter: where the
        # quarters can earn more than the total and the balance comes early (RULES.md §4, amended).
        last = suspensions[-1]
        minimum = rules.days_inclusive(last.start, rules.add_months(last.start, 1) - ONE_DAY)
        end_before = rules.scheduled_end(effective, months, suspensions[:-1])
        target = rules.quarter_bounds(end_before + timedelta(days=minimum))[1] + timedelta(
            days=1 + draw(st.integers(0, 5))
        )
        suspensions[-1] = Suspension(last.start, last.start + timedelta(days=(target - end_before).days - 1))
    draw(st.randoms()).shuffle(suspensions)  # the input order must not matter
    scheduled = rules.scheduled_end(effective, months, suspensions)
    termination = None
    if draw(st.booleans()):
        earliest = max([effective, *[s.end for s in suspensions]])
        termination = earliest + timedelta(days=draw(st.integers(0, (scheduled - earliest).days)))
    annual = Decimal(draw(st.integers(100_000, 3_000_000))) / 100
    facts = Facts(
        effective_date=effective,
        annual_subsidy=annual,
        duration_months=months,
        suspensions=tuple(suspensions),
        termination_date=termination,
        work_permit_required=draw(st.booleans()),
    )
    keys = rules.obligation_keys(facts)
    received = {}
    for key in keys:
        if draw(st.booleans()):
            received[key] = effective + timedelta(days=draw(st.integers(-30, 5 * 366)))
    return Facts(**{**facts.__dict__, "received": received})


as_of_dates = st.dates(date(2014, 6, 1), date(2042, 12, 31))


@PROFILE
@given(conventions(), as_of_dates)
def test_instalments_add_up_to_the_total(facts, as_of):
    plan = rules.plan_convention(facts, as_of)
    assert sum(i.amount for i in plan.instalments) == plan.totals["subsidy"]
    assert sum(plan.totals[s] for s in rules.INSTALMENT_STATUSES) == plan.totals["subsidy"]
    if facts.termination_date is None:
        assert plan.totals["subsidy"] == rules.round_cents(Fraction(facts.annual_subsidy) * plan.duration_months / 12)


@PROFILE
@given(conventions())
def test_every_full_quarter_earns_a_quarter_of_the_annual_subsidy(facts):
    plan = rules.plan_convention(facts, facts.effective_date)
    quarter = rules.round_cents(Fraction(facts.annual_subsidy) / 4)
    for line in plan.instalments[:-1]:
        full = (line.period_start, line.period_end) == rules.quarter_bounds(line.period_start)
        suspended = any(
            rules.overlap_days(line.period_start, line.period_end, s.start, s.end) for s in facts.suspensions
        )
        if full and not suspended:
            assert line.amount == quarter


def _working_days(start, end, suspensions):
    return rules.days_inclusive(start, end) - sum(rules.overlap_days(start, end, s.start, s.end) for s in suspensions)


def _earned(start, end, annual, suspensions):
    """What [start, end] earns, day by day (independent of the engine's month-by-month sum)."""
    total, day = Fraction(0), start
    while day <= end:
        if not any(s.start <= day <= s.end for s in suspensions):
            total += Fraction(annual) / 12 / calendar.monthrange(day.year, day.month)[1]
        day += ONE_DAY
    return total


RULES_4_EXAMPLE = Facts(  # RULES.md §4: instalment 13 is the balance, 1 April 2029 earns none
    effective_date=date(2026, 2, 1),
    annual_subsidy=Decimal("14000"),
    duration_months=36,
    suspensions=(Suspension(date(2027, 7, 1), date(2027, 8, 29)),),
)


@PROFILE
@given(conventions())
@example(RULES_4_EXAMPLE)
def test_every_amount_is_positive_and_nothing_follows_the_balance(facts):
    """RULES.md §4 (amended, December 2026), suspensions and terminations included: every amount
    > 0, the sum is the total exactly, each instalment but the last is its quarter's rounded
    earnings and leaves part of the total, the last is the balance, and a quarter with a
    non-suspended day after it exists only when the balance reached the total early."""
    plan = rules.plan_convention(facts, facts.effective_date)
    lines, total = plan.instalments, plan.totals["subsidy"]
    assert all(line.amount > 0 for line in lines)
    assert sum(line.amount for line in lines) == total
    if not lines:
        assert total == 0
        return
    paid = Decimal("0.00")
    for line in lines[:-1]:
        assert line.amount == rules.round_cents(
            _earned(line.period_start, line.period_end, facts.annual_subsidy, facts.suspensions)
        )
        paid += line.amount
        assert paid < total  # no instalment before the last one reaches the total
    last = lines[-1]
    assert last.amount == total - paid
    if _working_days(last.period_end + ONE_DAY, plan.end_date, facts.suspensions) > 0:
        # Quarters after the balance get no instalment: only because the balance reached the total.
        earned = rules.round_cents(_earned(last.period_start, last.period_end, facts.annual_subsidy, facts.suspensions))
        assert earned >= last.amount
        assert facts.suspensions


@PROFILE
@given(conventions())
def test_periods_are_disjoint_and_cover_every_non_suspended_day(facts):
    plan = rules.plan_convention(facts, facts.effective_date)
    lines = plan.instalments
    if not lines:  # the whole convention was suspended, then terminated
        assert plan.totals["subsidy"] == 0
        return
    assert [line.number for line in lines] == list(range(1, len(lines) + 1))
    assert lines[0].period_start >= facts.effective_date
    assert lines[-1].period_end <= plan.end_date
    for previous, current in zip(lines, lines[1:], strict=False):
        assert previous.period_end < current.period_start
    for line in lines:
        assert line.period_start <= line.period_end
        assert rules.quarter_bounds(line.period_start) == rules.quarter_bounds(line.period_end)
        assert line.due_date == rules.quarter_bounds(line.period_start)[1]

    def working_days(start, end):
        return _working_days(start, end, facts.suspensions)

    # Up to the balance: days after it (a balance reached early) are in test_every_amount_is_positive_…
    covered = sum(working_days(line.period_start, line.period_end) for line in lines)
    assert covered == working_days(facts.effective_date, lines[-1].period_end)
    assert all(working_days(line.period_start, line.period_end) > 0 for line in lines)


@PROFILE
@given(conventions(), as_of_dates, st.integers(1, 2000))
def test_statuses_never_go_back_as_time_passes(facts, as_of, days_later):
    before = rules.plan_convention(facts, as_of)
    after = rules.plan_convention(facts, as_of + timedelta(days=days_later))
    for earlier, later in zip(before.instalments, after.instalments, strict=True):
        if earlier.status == rules.PAYABLE:
            assert later.status == rules.PAYABLE
        if earlier.status == rules.FORFEITED:
            assert later.status == rules.FORFEITED
    for earlier, later in zip(before.obligations, after.obligations, strict=True):
        if earlier.status in (rules.RECEIVED, rules.MISSED):
            assert later.status == earlier.status


@PROFILE
@given(conventions())
def test_obligations_are_sorted_and_gate_existing_instalments(facts):
    plan = rules.plan_convention(facts, facts.effective_date)
    assert list(plan.obligations) == sorted(plan.obligations, key=lambda o: (o.due, o.key))
    numbers = {line.number for line in plan.instalments}
    for obligation in plan.obligations:
        assert set(obligation.gates) <= numbers
    for line in plan.instalments:
        assert {"employment_contract", "hiring_declaration"} <= set(line.gated_by)
    if plan.instalments:
        # The final evaluation gates the last instalment (the balance), and only it.
        assert plan.obligation("final_evaluation").gates == (plan.instalments[-1].number,)
        assert [line.number for line in plan.instalments if "final_evaluation" in line.gated_by] == [
            plan.instalments[-1].number
        ]
