"""The dashboard's figures, exactly, and the rows each one links to."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from conventions import queries
from subsidies.models import Instalment
from tests.conventions.factories import ConventionFactory, receive

pytestmark = pytest.mark.django_db


def test_figures_of_a_convention_waiting_for_its_enrolment_certificate():
    as_of = dt.date(2026, 4, 15)
    convention = ConventionFactory(
        effective_date=dt.date(2026, 1, 1),
        committee_date=dt.date(2025, 12, 1),
        submission_date=dt.date(2025, 11, 1),
        as_of=as_of,
    )
    receive(convention, "employment_contract", "hiring_declaration", on=dt.date(2026, 1, 2), as_of=as_of)
    board = queries.dashboard(as_of)
    assert (board.due_soon.count, board.forfeits_soon.count, board.overdue.count) == (1, 1, 1)
    assert (board.withheld.count, board.withheld.amount) == (1, Decimal("3500.00"))
    assert [(r.forfeits_on, r.kind, r.conventions, r.amount) for r in board.at_risk] == [
        (dt.date(2026, 5, 30), "enrolment", 1, Decimal("42000.00"))
    ]
    assert [o.key for o in board.upcoming_deadlines] == ["collaboration_contract"]
    assert (board.payable_not_invoiced.count, board.forfeited_this_year.count, board.time_bar.count) == (0, 0, 0)


def test_money_figures_of_example_a():
    as_of = dt.date(2026, 6, 1)
    convention = ConventionFactory(effective_date=dt.date(2025, 3, 17))
    receive(convention, "employment_contract", "hiring_declaration", on=dt.date(2025, 3, 20), as_of=as_of)
    receive(convention, "enrolment:2024", on=dt.date(2025, 4, 10), as_of=as_of)
    receive(convention, "collaboration_contract", on=dt.date(2025, 8, 1), as_of=as_of)
    board = queries.dashboard(as_of)
    assert (board.forfeited_this_year.count, board.forfeited_this_year.amount) == (11, Decimal("37935.48"))
    assert (board.payable_not_invoiced.count, board.payable_not_invoiced.amount) == (2, Decimal("4064.52"))
    assert board.at_risk == []
    Instalment.objects.filter(convention=convention, number=2).update(invoiced_on=dt.date(2025, 7, 2))
    board = queries.dashboard(as_of)
    assert (board.payable_not_invoiced.count, board.payable_not_invoiced.amount) == (1, Decimal("564.52"))
    # Four and a half years after 2025-03-31 the first instalment, still not invoiced, is about to be time-barred.
    assert queries.dashboard(dt.date(2029, 9, 29)).time_bar.count == 0
    board = queries.dashboard(dt.date(2029, 9, 30))
    assert (board.time_bar.count, board.time_bar.amount) == (1, Decimal("564.52"))


def test_drafts_are_left_out(staff, client_for):
    ConventionFactory(signed=False)
    board = queries.dashboard(dt.date(2026, 6, 1))
    assert (board.overdue.count, board.withheld.count, board.at_risk) == (0, 0, [])


def test_each_figure_links_to_its_rows(staff, client_for):
    as_of = dt.date(2026, 4, 15)
    convention = ConventionFactory(
        effective_date=dt.date(2026, 1, 1),
        committee_date=dt.date(2025, 12, 1),
        submission_date=dt.date(2025, 11, 1),
        as_of=as_of,
    )
    receive(convention, "employment_contract", "hiring_declaration", on=dt.date(2026, 1, 2), as_of=as_of)
    client = client_for(staff)
    response = client.get(reverse("conventions:obligations"), {"status": "overdue"})
    assert [o.key for o in response.context["page"]] == ["enrolment:2025"]
    response = client.get(reverse("conventions:instalments"), {"status": "withheld"})
    assert [i.number for i in response.context["page"]] == [1]
    response = client.get(
        reverse("conventions:obligations"),
        {"received": "no", "kind": "enrolment", "forfeits_from": "2026-05-30", "forfeits_to": "2026-05-30"},
    )
    assert [o.key for o in response.context["page"]] == ["enrolment:2025"]
    response = client.get(reverse("conventions:list"), {"missing": "enrolment"})
    assert [c.pk for c in response.context["page"]] == [convention.pk]
    response = client.get(reverse("conventions:list"), {"missing": "activity_report"})
    assert list(response.context["page"]) == []
