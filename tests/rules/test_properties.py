"""Property-based tests of the rules engine over random conventions (hypothesis).

HYPOTHESIS_EXAMPLES=3000 for a deeper search (150 by default, to keep CI fast).
"""

import os
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
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


@PROFILE
@given(conventions())
def test_no_amount_is_negative(facts):
    plan = rules.plan_convention(facts, facts.effective_date)
    assert all(line.amount >= 0 for line in plan.instalments[:-1])
    if plan.instalments and not facts.suspensions:
        # With suspensions the balance can go below zero: see
        # test_edge_cases.test_last_instalment_balance_can_be_negative_after_a_suspension.
        assert plan.instalments[-1].amount >= 0


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
        return rules.days_inclusive(start, end) - sum(
            rules.overlap_days(start, end, s.start, s.end) for s in facts.suspensions
        )

    covered = sum(working_days(line.period_start, line.period_end) for line in lines)
    assert covered == working_days(facts.effective_date, plan.end_date)
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
        assert plan.instalments[-1].gated_by.count("final_evaluation") == 1
