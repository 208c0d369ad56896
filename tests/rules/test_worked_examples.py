"""RULES.md §8, figure by figure."""

from datetime import date
from decimal import Decimal

import pytest

from conventions import rules
from conventions.rules import Facts, Suspension


@pytest.fixture
def example_a():
    facts = Facts(
        effective_date=date(2025, 3, 17),
        annual_subsidy=Decimal("14000"),
        received={
            "employment_contract": date(2025, 3, 20),
            "hiring_declaration": date(2025, 3, 20),
            "enrolment:2024": date(2025, 4, 10),
            "collaboration_contract": date(2025, 8, 1),
        },
    )
    return rules.plan_convention(facts, date(2026, 6, 1))


def test_example_a_dates_and_amounts(example_a):
    plan = example_a
    assert plan.duration_months == 36
    assert plan.end_date == date(2028, 3, 16)
    first = plan.instalment(1)
    assert (first.period_start, first.period_end, first.due_date, first.amount) == (
        date(2025, 3, 17),
        date(2025, 3, 31),
        date(2025, 3, 31),
        Decimal("564.52"),
    )
    assert [i.amount for i in plan.instalments[1:12]] == [Decimal("3500.00")] * 11
    last = plan.instalment(13)
    assert (last.period_start, last.period_end, last.due_date, last.amount) == (
        date(2028, 1, 1),
        date(2028, 3, 16),
        date(2028, 3, 31),
        Decimal("2935.48"),
    )
    assert len(plan.instalments) == 13
    assert plan.totals["subsidy"] == Decimal("42000.00")


def test_example_a_statuses(example_a):
    plan = example_a
    enrolment = plan.obligation("enrolment:2025")
    assert (enrolment.due, enrolment.forfeits_on, enrolment.status) == (
        date(2025, 9, 30),
        date(2026, 5, 30),
        "missed",
    )
    assert plan.obligation("activity_report:1").due == date(2026, 3, 17)
    assert plan.obligation("activity_report:1").status == "overdue"
    assert [i.status for i in plan.instalments] == ["payable"] * 2 + ["forfeited"] * 11
    assert plan.instalment(1).payable_on == date(2025, 4, 10)
    assert plan.instalment(2).payable_on == date(2025, 6, 30)
    assert plan.totals["forfeited"] == Decimal("37935.48")
    assert plan.totals["payable"] == Decimal("4064.52")
    assert plan.lost_on == date(2026, 5, 30)


def test_example_b_reduced_duration_suspension_and_permit():
    facts = Facts(
        effective_date=date(2025, 10, 1),
        annual_subsidy=Decimal("14000"),
        submission_date=date(2025, 6, 20),
        doctoral_enrolment_date=date(2024, 11, 4),
        suspensions=(Suspension(date(2026, 2, 2), date(2026, 5, 24)),),
        work_permit_required=True,
    )
    plan = rules.plan_convention(facts, date(2025, 10, 1))
    assert plan.duration_months == 29
    assert plan.scheduled_end == plan.end_date == date(2028, 6, 20)
    assert plan.instalment(2).amount == Decimal("1208.33")
    assert plan.instalment(3).amount == Decimal("1430.11")
    assert plan.totals["subsidy"] == Decimal("33833.33")
    last = plan.instalments[-1]
    assert (last.period_start, last.period_end, last.amount) == (
        date(2028, 4, 1),
        date(2028, 6, 20),
        Decimal("3194.89"),
    )
    assert plan.anniversaries[12] == date(2027, 1, 21)
    assert plan.anniversaries[24] == date(2028, 1, 21)
    assert "work_permit" in plan.instalment(1).gated_by
    assert plan.obligation("work_permit").due == date(2025, 10, 1)
    assert plan.obligation("activity_report:1").due == date(2027, 1, 21)
    assert plan.obligation("collaboration_contract").forfeits_on == date(2028, 1, 21)


def test_example_c_termination_and_earliest_forfeiture():
    facts = Facts(
        effective_date=date(2025, 5, 15),
        annual_subsidy=Decimal("14000"),
        termination_date=date(2026, 8, 10),
        received={
            "employment_contract": date(2025, 5, 20),
            "hiring_declaration": date(2025, 5, 20),
            "enrolment:2025": date(2025, 6, 10),
        },
    )
    plan = rules.plan_convention(facts, date(2027, 6, 1))
    assert [i.amount for i in plan.instalments] == [Decimal("1806.45")] + [Decimal("3500.00")] * 4 + [
        Decimal("1543.01")
    ]
    last = plan.instalments[-1]
    assert (last.period_start, last.period_end, last.due_date) == (
        date(2026, 7, 1),
        date(2026, 8, 10),
        date(2026, 9, 30),
    )
    assert plan.totals["subsidy"] == Decimal("17349.46")
    assert [o.key for o in plan.obligations if o.kind == "enrolment"] == ["enrolment:2025"]
    final = plan.obligation("final_evaluation")
    assert (final.due, final.forfeits_on, final.status) == (date(2026, 9, 10), date(2027, 2, 10), "missed")
    assert plan.obligation("collaboration_contract").forfeits_on == date(2027, 5, 15)
    assert plan.obligation("collaboration_contract").status == "missed"
    assert plan.obligation("activity_report:1").forfeits_on == date(2027, 5, 30)
    assert plan.obligation("activity_report:1").status == "missed"
    assert plan.lost_on == date(2027, 2, 10)
    assert [i.status for i in plan.instalments] == ["payable"] * 2 + ["forfeited"] * 4
    assert plan.totals["forfeited"] == Decimal("12043.01")
