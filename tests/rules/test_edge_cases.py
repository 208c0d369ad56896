"""Edge cases of RULES.md, each named for the rule it pins down."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from conventions import rules
from conventions.rules import Facts, RuleError, Suspension

ANNUAL = Decimal("14000")


def plan(as_of=date(2030, 1, 1), **kwargs):
    kwargs.setdefault("annual_subsidy", ANNUAL)
    return rules.plan_convention(Facts(**kwargs), as_of)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),  # from the original date, never chained
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert rules.add_months(start, months) == expected


def test_effective_date_on_31_january():
    result = plan(effective_date=date(2025, 1, 31))
    assert result.end_date == date(2028, 1, 30)
    assert result.instalment(1).amount == Decimal("2370.97")  # 1/31 of January, then February and March
    assert result.obligation("activity_report:1").due == date(2026, 1, 31)


def test_effective_date_on_29_february():
    result = plan(effective_date=date(2028, 2, 29))
    assert result.end_date == date(2031, 2, 27)  # 29 Feb 2028 + 36 months = 28 Feb 2031, minus one day
    assert result.instalment(1).amount == Decimal("1206.90")  # 1/29 of February + March
    assert result.obligation("collaboration_contract").due == date(2028, 8, 29)


def test_effective_date_on_1_may_keeps_the_previous_academic_year():
    result = plan(effective_date=date(2025, 5, 1))
    enrolments = [o for o in result.obligations if o.kind == "enrolment"]
    assert [o.key for o in enrolments] == ["enrolment:2024", "enrolment:2025", "enrolment:2026", "enrolment:2027"]
    assert enrolments[0].due == date(2025, 5, 30)  # the forfeit date comes before the first gated due date
    assert enrolments[0].gates == (1, 2)


def test_effective_date_just_after_1_may_starts_with_the_next_academic_year():
    result = plan(effective_date=date(2025, 5, 2))
    enrolments = [o for o in result.obligations if o.kind == "enrolment"]
    assert [o.key for o in enrolments] == ["enrolment:2025", "enrolment:2026", "enrolment:2027"]
    first = enrolments[0]
    assert first.gates[:3] == (1, 2, 3)  # also covers 2 May .. 31 August 2025
    assert (first.due, first.forfeits_on) == (date(2025, 6, 30), date(2026, 5, 30))


def test_effective_date_on_1_september_is_the_new_academic_year():
    result = plan(effective_date=date(2025, 9, 1))
    assert [o.key for o in result.obligations if o.kind == "enrolment"][0] == "enrolment:2025"


def test_suspension_of_exactly_one_calendar_month_is_accepted():
    result = plan(effective_date=date(2025, 10, 1), suspensions=(Suspension(date(2026, 3, 10), date(2026, 4, 9)),))
    assert result.end_date == date(2028, 9, 30) + (date(2026, 4, 9) - date(2026, 3, 9))
    # 31 January + 1 month - 1 day = 27 February: the shortest suspension from 31 January.
    rules.validate_facts(
        Facts(
            effective_date=date(2025, 10, 1),
            annual_subsidy=ANNUAL,
            suspensions=(Suspension(date(2026, 1, 31), date(2026, 2, 27)),),
        )
    )


def test_suspension_one_day_short_of_a_month_is_refused():
    with pytest.raises(RuleError) as error:
        plan(effective_date=date(2025, 10, 1), suspensions=(Suspension(date(2026, 3, 10), date(2026, 4, 8)),))
    assert (error.value.field, error.value.code) == ("suspensions[0].end", "suspension_too_short")
    assert error.value.message("fr") == (
        "une suspension dure au moins un mois calendaire : elle doit aller au moins jusqu'au 09/04/2026"
    )


def test_overlapping_suspensions_are_refused_on_the_later_one():
    with pytest.raises(RuleError) as error:
        plan(
            effective_date=date(2025, 10, 1),
            suspensions=(
                Suspension(date(2026, 6, 1), date(2026, 7, 31)),
                Suspension(date(2026, 3, 1), date(2026, 6, 1)),
            ),
        )
    assert (error.value.field, error.value.code) == ("suspensions[0]", "suspension_overlap")


def test_suspension_before_the_effective_date_is_refused():
    with pytest.raises(RuleError) as error:
        plan(effective_date=date(2025, 10, 1), suspensions=(Suspension(date(2025, 9, 1), date(2025, 10, 31)),))
    assert (error.value.field, error.value.code) == ("suspensions[0]", "suspension_outside")


def test_suspension_reaching_past_a_termination_is_refused():
    with pytest.raises(RuleError) as error:
        plan(
            effective_date=date(2025, 10, 1),
            termination_date=date(2026, 3, 15),
            suspensions=(Suspension(date(2026, 3, 1), date(2026, 4, 30)),),
        )
    assert (error.value.field, error.value.code) == ("suspensions[0]", "suspension_outside")


def test_termination_on_the_effective_date():
    result = plan(effective_date=date(2025, 10, 1), termination_date=date(2025, 10, 1), as_of=date(2025, 10, 2))
    assert result.end_date == date(2025, 10, 1)
    assert [(i.period_start, i.period_end, i.amount) for i in result.instalments] == [
        (date(2025, 10, 1), date(2025, 10, 1), Decimal("37.63"))
    ]
    assert result.totals["subsidy"] == Decimal("37.63")
    assert result.obligation("final_evaluation").due == date(2025, 11, 1)
    assert "collaboration_contract" not in [o.key for o in result.obligations]


def test_termination_on_the_last_day():
    result = plan(effective_date=date(2025, 10, 1), termination_date=date(2028, 9, 30))
    assert result.end_date == date(2028, 9, 30)
    assert result.totals["subsidy"] == Decimal("42000.00")
    assert len(result.instalments) == 12


@pytest.mark.parametrize("termination", [date(2025, 9, 30), date(2028, 10, 1)])
def test_termination_outside_the_convention_is_refused(termination):
    with pytest.raises(RuleError) as error:
        plan(effective_date=date(2025, 10, 1), termination_date=termination)
    assert (error.value.field, error.value.code) == ("termination_date", "termination_outside")


def test_receipt_on_the_forfeit_day_itself_counts():
    facts = {"effective_date": date(2025, 10, 1), "received": {"enrolment:2025": date(2026, 5, 30)}}
    on_time = plan(as_of=date(2026, 6, 1), **facts).obligation("enrolment:2025")
    assert on_time.status == "received"
    late = plan(
        as_of=date(2026, 6, 1), effective_date=date(2025, 10, 1), received={"enrolment:2025": date(2026, 5, 31)}
    ).obligation("enrolment:2025")
    assert late.status == "missed"


def test_obligation_is_not_missed_on_its_forfeit_day():
    result = plan(effective_date=date(2025, 10, 1), as_of=date(2026, 5, 30))
    assert result.obligation("enrolment:2025").status == "overdue"
    assert result.lost_on is None
    assert plan(effective_date=date(2025, 10, 1), as_of=date(2026, 5, 31)).lost_on == date(2026, 5, 30)


def test_receipt_after_as_of_is_not_yet_received():
    result = plan(
        effective_date=date(2025, 10, 1), as_of=date(2025, 10, 5), received={"employment_contract": date(2025, 10, 10)}
    )
    assert result.obligation("employment_contract").status == "overdue"


def test_withheld_until_the_gating_document_arrives():
    received = {
        "employment_contract": date(2025, 10, 1),
        "hiring_declaration": date(2026, 1, 15),
        "enrolment:2025": date(2025, 10, 20),
    }
    before = plan(effective_date=date(2025, 10, 1), as_of=date(2026, 1, 10), received=received)
    assert before.instalment(1).status == "withheld"
    after = plan(effective_date=date(2025, 10, 1), as_of=date(2026, 1, 15), received=received)
    assert (after.instalment(1).status, after.instalment(1).payable_on) == ("payable", date(2026, 1, 15))


@pytest.mark.parametrize(
    ("filing", "expected"),
    [
        (date(2025, 5, 4), 36),  # enrolment + 6 months == filing: no reduction
        (date(2025, 5, 5), 30),  # one day later: 6 whole months
        (date(2025, 6, 3), 30),
        (date(2025, 6, 4), 29),
    ],
)
def test_duration_reduced_by_whole_months_at_filing(filing, expected):
    assert rules.default_duration_months(date(2025, 10, 1), filing, date(2024, 11, 4)) == expected


def test_signed_duration_overrides_the_computed_one():
    result = plan(
        effective_date=date(2025, 10, 1),
        duration_months=24,
        submission_date=date(2025, 6, 20),
        doctoral_enrolment_date=date(2024, 11, 4),
    )
    assert (result.duration_months, result.end_date) == (24, date(2027, 9, 30))
    assert result.totals["subsidy"] == Decimal("28000.00")
    assert "activity_report:2" not in [o.key for o in result.obligations]  # anniversary(24) is after the end


def test_enrolment_too_old_gives_no_positive_duration():
    with pytest.raises(RuleError) as error:
        plan(
            effective_date=date(2025, 10, 1),
            submission_date=date(2025, 6, 20),
            doctoral_enrolment_date=date(2022, 1, 1),
        )
    assert (error.value.field, error.value.code) == ("doctoral_enrolment_date", "duration_not_positive")


def test_anniversary_counts_suspensions_pushed_past_by_earlier_ones():
    suspensions = (Suspension(date(2026, 8, 1), date(2026, 9, 30)), Suspension(date(2026, 11, 15), date(2027, 1, 14)))
    # E + 12 months = 2026-10-01; the first suspension (61 days) pushes it to 2026-12-01, after the start of the
    # second one (61 days), which then counts too.
    assert rules.anniversary(date(2025, 10, 1), 12, suspensions) == date(2027, 1, 31)


SUSPENSION_IN_31_DAY_MONTHS = (Suspension(date(2027, 7, 1), date(2027, 8, 29)),)


def test_balance_after_a_suspension_in_31_day_months_is_reached_before_the_end():
    """RULES.md §4, amended (decision, December 2026), its example: the 59 suspended days fell in
    July and August, the extension runs through February and March, so the quarters earn more than
    the total. Instalment 13 (Q1 2029) reaches the total: it is the balance and the last instalment;
    the quarter of the end date (1 April 2029) gets no instalment, not a zero or negative one."""
    result = plan(effective_date=date(2026, 2, 1), suspensions=SUSPENSION_IN_31_DAY_MONTHS)
    assert result.end_date == date(2029, 4, 1)
    amounts = [line.amount for line in result.instalments]
    assert amounts == [
        Decimal("2333.33"),  # February and March 2026
        *[Decimal("3500.00")] * 5,
        Decimal("1241.94"),  # Q3 2027: 2/31 of August + September
        *[Decimal("3500.00")] * 5,
        Decimal("3424.73"),  # the balance: 42,000.00 - 38,575.27 (the quarter earns 3,500.00)
    ]
    assert sum(amounts) == result.totals["subsidy"] == Decimal("42000.00")
    last = result.instalments[-1]
    assert (last.number, last.period_start, last.period_end, last.due_date) == (
        13,
        date(2029, 1, 1),
        date(2029, 3, 31),
        date(2029, 3, 31),
    )
    assert not any(line.period_end >= date(2029, 4, 1) for line in result.instalments)
    assert result.obligation("final_evaluation").gates == (13,)
    assert (result.obligation("final_evaluation").due, result.obligation("final_evaluation").forfeits_on) == (
        date(2029, 5, 1),  # still end + 1 month and end + 6 months: the end date does not move
        date(2029, 10, 1),
    )
    assert "final_evaluation" in last.gated_by
    assert result.obligation("enrolment:2028").gates == (11, 12, 13)
    assert result.totals["upcoming"] == Decimal("0.00")  # as of 2030: all forfeited (nothing received)
    assert result.totals["forfeited"] == Decimal("42000.00")


def test_balance_reached_exactly_by_a_quarter_ends_the_instalments():
    """A quarter whose rounded earnings equal what the total leaves is the balance; the next
    quarter would get zero, so it gets no instalment."""
    periods = [
        rules._Period(date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 31), Fraction(3500)),
        rules._Period(date(2026, 4, 1), date(2026, 6, 30), date(2026, 6, 30), Fraction(3500)),
        rules._Period(date(2026, 7, 1), date(2026, 7, 1), date(2026, 9, 30), Fraction(38)),
    ]
    assert rules._amounts(periods, Decimal("7000.00")) == [Decimal("3500.00"), Decimal("3500.00")]
    assert rules._amounts(periods, Decimal("7010.00")) == [Decimal("3500.00"), Decimal("3500.00"), Decimal("10.00")]
    assert rules._amounts(periods, Decimal("7100.00")) == [Decimal("3500.00"), Decimal("3500.00"), Decimal("100.00")]
    assert rules._amounts(periods, Decimal("3000.00")) == [Decimal("3000.00")]
    assert rules._amounts([], Decimal("0.00")) == []


@pytest.mark.parametrize(
    ("periods", "days", "ok"),
    [
        ([rules.EmploymentPeriod(date(2024, 1, 1), date(2024, 9, 29))], 273, True),
        ([rules.EmploymentPeriod(date(2024, 1, 1), date(2024, 9, 30))], 274, False),
        (
            [
                rules.EmploymentPeriod(date(2024, 1, 1), date(2024, 3, 31)),
                rules.EmploymentPeriod(date(2024, 3, 1), date(2024, 4, 30)),
            ],
            121,
            True,
        ),  # union, not sum
        ([rules.EmploymentPeriod(date(2025, 3, 1), None)], 92, True),  # open: ends at R (2025-05-31)
        ([rules.EmploymentPeriod(date(2025, 7, 1), None)], 0, True),  # starts after R
    ],
)
def test_prior_employment_union_of_periods(periods, days, ok):
    result = rules.check_eligibility(
        rules.EligibilityInput(
            reference_date=date(2025, 5, 31), effective_date=date(2025, 10, 1), employment_periods=tuple(periods)
        )
    )
    check = result.checks[5]
    assert (check.code, check.ok, check.params["days"]) == ("prior_employment", ok, days)


def test_eligibility_all_ten_checks_in_order_for_a_good_candidate():
    result = rules.check_eligibility(
        rules.EligibilityInput(
            reference_date=date(2025, 6, 1),
            effective_date=date(2025, 10, 1),
            masters_date=date(2025, 6, 30),
            doctoral_enrolment_date=date(2025, 1, 10),
            employer=rules.Employer("local_authority", True),
            contract=rules.Contract("fixed_term", 36),
            lab=rules.Lab(doctoral_school=True),
        )
    )
    assert [c.code for c in result.checks] == list(rules.ELIGIBILITY_CODES)
    assert [c.ok for c in result.checks] == [True] * 10
    assert result.eligible is True


def test_eligibility_failures_are_explained():
    result = rules.check_eligibility(
        rules.EligibilityInput(
            reference_date=date(2025, 6, 1),
            effective_date=date(2025, 10, 1),
            masters_date=date(2022, 5, 31),
            is_doctor=True,
            other_thesis_started=True,
            doctoral_enrolment_date=date(2024, 8, 31),
            employer=rules.Employer("technical_centre", True, None),
            contract=rules.Contract("fixed_term", 24),
            lab=rules.Lab(doctoral_school=False, abroad=True, cotutelle=False),
        )
    )
    assert [c.ok for c in result.checks] == [True, False, False, False, False, True, False, False, False, False]
    messages = {c.code: c.message("fr") for c in result.checks}
    assert messages["masters_recent"] == (
        "Le master (31/05/2022) doit dater de moins de trois ans à la réception du dossier (au plus tôt le 01/06/2022)."
    )
    assert messages["contract_duration"] == (
        "Un CDD doit durer au moins la durée de la convention (36 mois) : 24 mois."
    )
    assert result.checks[4].message("en") == (
        "The first doctoral enrolment (2024-08-31) is more than nine months old when the dossier is received "
        "(limit 2025-05-31)."
    )


@pytest.mark.parametrize(
    ("employer", "ok"),
    [
        (rules.Employer("company", True), True),
        (rules.Employer("company", False), False),
        (rules.Employer("research_or_higher_education", True), False),
        (rules.Employer("technical_centre", True, "own_research"), True),
        (rules.Employer("technical_centre", True, "tripartite"), True),
        (rules.Employer("technical_centre", True, None), False),
        (None, False),
    ],
)
def test_employer_eligibility(employer, ok):
    result = rules.check_eligibility(
        rules.EligibilityInput(reference_date=date(2025, 6, 1), effective_date=date(2025, 10, 1), employer=employer)
    )
    assert result.checks[6].ok is ok


def test_module_imports_nothing_from_django():
    import ast
    from pathlib import Path

    for module in ("rules.py", "rules_json.py"):
        tree = ast.parse((Path(rules.__file__).parent / module).read_text())
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not [name for name in imported if name.split(".")[0] == "django"], module
