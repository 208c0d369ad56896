"""The stored plan: recomputation in place, refusal when an invoiced instalment would change, history."""

import datetime as dt
from decimal import Decimal

import pytest

from conventions import services
from conventions.models import Convention, Obligation
from subsidies.models import Instalment, RateYear
from tests.conventions.factories import ConventionFactory, receive

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 1)


def example_a():
    """RULES.md §8 example A, stored."""
    convention = ConventionFactory(effective_date=dt.date(2025, 3, 17))
    receive(convention, "employment_contract", "hiring_declaration", on=dt.date(2025, 3, 20), as_of=AS_OF)
    receive(convention, "enrolment:2024", on=dt.date(2025, 4, 10), as_of=AS_OF)
    receive(convention, "collaboration_contract", on=dt.date(2025, 8, 1), as_of=AS_OF)
    return convention


def test_rates_are_seeded_with_rules_figures():
    rates = dict(RateYear.objects.values_list("year", "minimum_salary"))
    assert rates == {
        **{year: Decimal("23484.00") for year in range(2015, 2023)},
        2023: Decimal("24529.44"),
        2024: Decimal("25200.00"),
        2025: Decimal("26400.00"),
        2026: Decimal("27600.00"),
    }
    assert set(RateYear.objects.values_list("annual_subsidy", flat=True)) == {Decimal("14000.00")}


def test_example_a_is_stored():
    convention = example_a()
    assert (convention.duration_months, convention.end_date, convention.lost_on) == (
        36,
        dt.date(2028, 3, 16),
        dt.date(2026, 5, 30),
    )
    assert (convention.rate_year, convention.annual_subsidy, convention.minimum_salary) == (
        2025,
        Decimal("14000.00"),
        Decimal("26400.00"),
    )
    instalments = list(convention.instalments.order_by("number"))
    assert [i.amount for i in instalments] == [Decimal("564.52")] + [Decimal("3500.00")] * 11 + [Decimal("2935.48")]
    assert [i.status for i in instalments] == ["payable", "payable"] + ["forfeited"] * 11
    assert sum(i.amount for i in instalments[2:]) == Decimal("37935.48")
    statuses = dict(convention.obligations.values_list("key", "status"))
    assert statuses["enrolment:2025"] == "missed"
    assert statuses["activity_report:1"] == "overdue"
    assert convention.obligations.get(key="enrolment:2024").received_on == dt.date(2025, 4, 10)


def test_recompute_updates_rows_in_place():
    convention = example_a()
    instalment_ids = list(convention.instalments.order_by("number").values_list("pk", flat=True))
    obligation_ids = dict(convention.obligations.values_list("key", "pk"))
    receive(convention, "enrolment:2025", on=dt.date(2026, 5, 2), as_of=AS_OF)
    assert list(convention.instalments.order_by("number").values_list("pk", flat=True)) == instalment_ids
    assert dict(convention.obligations.values_list("key", "pk")) == obligation_ids
    assert list(convention.instalments.order_by("number").values_list("status", flat=True)[:6]) == [
        "payable",
        "payable",
        "payable",
        "payable",
        "withheld",
        "upcoming",
    ]
    assert convention.lost_on is None


def test_termination_removes_later_instalments_and_keeps_vanished_obligations():
    convention = ConventionFactory(effective_date=dt.date(2025, 5, 15), as_of=dt.date(2027, 6, 1))
    services.terminate(convention, dt.date(2026, 8, 10), "Abandon de la thèse", as_of=dt.date(2027, 6, 1))
    convention.refresh_from_db()
    assert convention.status == Convention.Status.TERMINATED
    assert list(convention.instalments.order_by("number").values_list("amount", flat=True)) == [
        Decimal("1806.45"),
        Decimal("3500.00"),
        Decimal("3500.00"),
        Decimal("3500.00"),
        Decimal("3500.00"),
        Decimal("1543.01"),
    ]
    assert set(convention.obligations.filter(is_current=False).values_list("key", flat=True)) == {
        "activity_report:2",
        "enrolment:2026",
        "enrolment:2027",
    }


def test_suspension_in_31_day_months_stores_the_balance_as_instalment_13():
    """RULES.md §4 (amended): without the balance rule the quarter of 1 April 2029 got -75.27 and
    recording the suspension failed on the ``amount >= 0`` constraint. Now instalment 13 is the
    balance, that quarter gets no row, and the 13 rows are updated in place (same ids)."""
    as_of = dt.date(2026, 6, 1)
    convention = ConventionFactory(
        effective_date=dt.date(2026, 2, 1), submission_date=dt.date(2026, 1, 10), as_of=as_of
    )
    assert convention.instalments.count() == 13  # before: 1 Feb 2026 – 31 Jan 2029, Q1 2026 … Q1 2029
    ids = dict(convention.instalments.values_list("number", "pk"))
    services.add_suspension(convention, dt.date(2027, 7, 1), dt.date(2027, 8, 29), reason="Arrêt maladie", as_of=as_of)
    convention.refresh_from_db()
    assert convention.end_date == dt.date(2029, 4, 1)
    rows = list(convention.instalments.order_by("number"))
    assert [row.number for row in rows] == list(range(1, 14))
    assert [row.amount for row in rows] == [
        Decimal("2333.33"),
        *[Decimal("3500.00")] * 5,
        Decimal("1241.94"),
        *[Decimal("3500.00")] * 5,
        Decimal("3424.73"),
    ]
    assert sum(row.amount for row in rows) == Decimal("42000.00")
    assert all(row.amount > 0 for row in rows)
    assert (rows[-1].period_start, rows[-1].period_end, rows[-1].due_date) == (
        dt.date(2029, 1, 1),
        dt.date(2029, 3, 31),
        dt.date(2029, 3, 31),
    )
    assert {row.number: row.pk for row in rows} == ids
    assert not Instalment.objects.filter(convention=convention, period_end__gte=dt.date(2029, 4, 1)).exists()
    final = convention.obligations.get(key="final_evaluation")
    assert (final.gates, final.due_date) == ([13], dt.date(2029, 5, 1))
    assert "final_evaluation" in rows[-1].gated_by
    assert not any("final_evaluation" in row.gated_by for row in rows[:-1])

    # Deleting the suspension brings back the quarter of the end date as the balance (row 13 again).
    services.delete_suspension(convention.suspensions.get(), as_of=as_of)
    rows = list(convention.instalments.order_by("number"))
    assert (len(rows), rows[-1].period_end, rows[-1].amount) == (13, dt.date(2029, 1, 31), Decimal("1166.67"))
    assert convention.obligations.get(key="final_evaluation").gates == [13]


def test_change_altering_an_invoiced_instalment_is_refused_and_nothing_changes():
    convention = example_a()
    Instalment.objects.filter(convention=convention, number=13).update(invoiced_on=dt.date(2026, 5, 5))
    with pytest.raises(services.InvoicedInstalmentChanged) as info:
        services.terminate(convention, dt.date(2027, 8, 10), "Fin du contrat", as_of=AS_OF)
    assert info.value.messages == [
        "Refusé : l'échéance n° 13 est déjà facturée depuis le 05/05/2026 et ce changement la supprimerait. "
        "Annulez d'abord sa facture par un avoir."
    ]
    convention.refresh_from_db()
    assert convention.termination_date is None
    assert convention.instalments.count() == 13

    Instalment.objects.filter(convention=convention, number=13).update(invoiced_on=None)
    Instalment.objects.filter(convention=convention, number=5).update(invoiced_on=dt.date(2026, 4, 2))
    with pytest.raises(services.InvoicedInstalmentChanged) as info:
        services.add_suspension(convention, dt.date(2026, 1, 5), dt.date(2026, 3, 4), as_of=AS_OF)
    assert info.value.messages == [
        "Refusé : l'échéance n° 5 (01/01/2026 – 31/03/2026, 3\u202f500,00\u00a0€) est déjà facturée "
        "depuis le 02/04/2026 "
        "et ce changement la modifierait. Annulez d'abord sa facture par un avoir."
    ]
    assert convention.suspensions.count() == 0


def test_receipt_does_not_alter_invoiced_amounts_and_is_allowed():
    convention = example_a()
    Instalment.objects.filter(convention=convention, number=1).update(invoiced_on=dt.date(2025, 4, 15))
    receive(convention, "activity_report:1", on=dt.date(2026, 5, 20), as_of=AS_OF)
    assert convention.obligations.get(key="activity_report:1").status == "received"


def test_history_records_who_changed_what(staff):
    convention = example_a()
    obligation = convention.obligations.get(key="activity_report:1")
    services.add_document(obligation, None, staff, received_on=dt.date(2026, 5, 20), confirm=True, as_of=AS_OF)
    record = Obligation.history.filter(id=obligation.pk).order_by("-history_date", "-history_id").first()
    assert (record.received_on, record.received_recorded_by_id) == (dt.date(2026, 5, 20), staff.pk)


def test_refresh_all_updates_statuses_as_time_passes():
    convention = ConventionFactory(effective_date=dt.date(2025, 3, 17), as_of=dt.date(2025, 3, 10))
    assert convention.obligations.get(key="employment_contract").status == "upcoming"
    assert services.refresh_all(dt.date(2025, 3, 20)) == 1
    assert convention.obligations.get(key="employment_contract").status == "overdue"


def test_time_bar_cutoff_is_the_last_due_date_warned():
    cutoff = services.time_bar_cutoff(dt.date(2026, 11, 23))
    assert cutoff == dt.date(2022, 5, 23)
    from conventions import rules

    assert rules.time_bar_warning_date(cutoff) <= dt.date(2026, 11, 23)
    assert rules.time_bar_warning_date(cutoff + dt.timedelta(days=1)) > dt.date(2026, 11, 23)


def test_history_page_entries_are_readable(staff):
    from conventions.history import entries_for

    convention = example_a()
    obligation = convention.obligations.get(key="activity_report:1")
    services.add_document(obligation, None, staff, received_on=dt.date(2026, 5, 20), confirm=True, as_of=AS_OF)
    entries = [e for e in entries_for(convention) if e.subject == "Rapport d'activité n° 1" and e.changes]
    assert [(e.action, e.changes) for e in entries] == [
        ("Modification", [("statut", "En retard", "Reçu")]),
        (
            "Modification",
            [("reçu par l'ANRT le", None, dt.date(2026, 5, 20)), ("réception enregistrée par", None, str(staff))],
        ),
    ]
