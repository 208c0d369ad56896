"""The set-based sweep against the rules engine, day after day over whole conventions."""

import datetime as dt

import pytest

from conventions import rules
from conventions import services as convention_services
from subsidies.domain.sweep import sweep
from subsidies.models import StatusChange
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db


def engine_view(convention, as_of):
    plan = rules.plan_convention(convention_services.facts_for(convention), as_of, check_received=False)
    return (
        {o.key: o.status for o in plan.obligations},
        {i.number: i.status for i in plan.instalments},
        plan.lost_on,
    )


def stored_view(convention):
    convention.refresh_from_db()
    return (
        dict(convention.obligations.filter(is_current=True).values_list("key", "status")),
        dict(convention.instalments.values_list("number", "status")),
        convention.lost_on,
    )


def test_sweep_agrees_with_the_rules_engine_every_ten_days_of_three_conventions():
    start = dt.date(2025, 3, 1)
    a = make_convention(dt.date(2025, 3, 17), as_of=start, received=EXAMPLE_A_RECEIVED)
    # Worked example B: reduced duration and a suspension, everything received on time.
    b = make_convention(
        dt.date(2025, 10, 1),
        as_of=start,
        submission_date=dt.date(2025, 6, 20),
        doctoral_enrolment_date=dt.date(2024, 11, 4),
        committee_date=dt.date(2025, 6, 1),
        work_permit_required=True,
    )
    convention_services.add_suspension(b, dt.date(2026, 2, 2), dt.date(2026, 5, 24), as_of=start)
    for obligation in b.obligations.all():
        convention_services._apply_receipt(obligation, obligation.due_date, None)
    convention_services.recompute(b, start)
    # Worked example C: terminated.
    c = make_convention(
        dt.date(2025, 5, 15),
        as_of=start,
        received={
            "employment_contract": dt.date(2025, 5, 15),
            "hiring_declaration": dt.date(2025, 5, 15),
            "enrolment:2025": dt.date(2025, 6, 1),
        },
    )
    convention_services.terminate(c, dt.date(2026, 8, 10), "Démission", as_of=start)

    seen = set()
    day = start
    while day <= dt.date(2029, 1, 1):
        sweep(day)
        for convention in (a, b, c):
            assert stored_view(convention) == engine_view(convention, day), (convention.anrt_number, day)
            seen.update(convention.instalments.values_list("status", flat=True))
        day += dt.timedelta(days=10)
    assert seen == {"upcoming", "payable", "withheld", "forfeited"}

    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.status, b.status, c.status) == ("ended", "ended", "terminated")
    assert c.lost_on == dt.date(2027, 2, 10)


def test_each_change_is_recorded_once_and_a_rerun_changes_nothing():
    a = make_convention(dt.date(2025, 3, 17), as_of=dt.date(2025, 3, 17), received=EXAMPLE_A_RECEIVED)
    result = sweep(dt.date(2026, 6, 1))
    assert result.changes == {
        # 4 documents received since 17 March 2025, enrolment:2025 missed, activity_report:1 overdue.
        "obligation.status": 6,
        "convention.lost_on": 1,
        "instalment.status": 13,
        "convention.next_deadline": 1,
        "convention.status": 0,
    }
    assert StatusChange.objects.count() == 21
    change = StatusChange.objects.get(target="convention", field="lost_on")
    assert (change.convention_id, change.old_value, change.new_value, change.as_of) == (
        a.pk,
        "",
        "2026-05-30",
        dt.date(2026, 6, 1),
    )
    assert (
        sorted(StatusChange.objects.filter(target="instalment").values_list("new_value", flat=True))
        == ["forfeited"] * 11 + ["payable"] * 2
    )
    assert sweep(dt.date(2026, 6, 1)).total == 0
    assert StatusChange.objects.count() == 21


def test_sweep_query_count_does_not_grow_with_conventions(django_assert_num_queries):
    # Seven selects (two grouped over obligations) inside one transaction (savepoint, release): no change here.
    make_convention(dt.date(2025, 3, 17), as_of=dt.date(2025, 3, 17))
    with django_assert_num_queries(9):
        sweep(dt.date(2025, 3, 17))
    for _ in range(3):
        make_convention(dt.date(2025, 3, 17), as_of=dt.date(2025, 3, 17))
    with django_assert_num_queries(9):
        sweep(dt.date(2025, 3, 17))
