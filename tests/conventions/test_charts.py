"""The server-drawn charts: their figures are the rules engine's, their SVG is well-formed and labelled, their
tables repeat the same numbers, and the dashboard's queries do not grow with the conventions."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cifre.money import format_money
from conventions import charts, queries, rules, services
from conventions.views import timeline_context
from subsidies.domain import invoicing
from subsidies.models import Instalment, Invoice
from tests.conventions.factories import ConventionFactory, receive

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 4, 15)
SVG = "{http://www.w3.org/2000/svg}"


def world():
    """Four signed conventions and a draft, as of 15 April 2026 (Q2 2026):

    - ``late``: example A with its 2025/26 enrolment certificate late (forfeits 30 May 2026): money at risk;
    - ``lost``: example A as of a year later would have lost; here, its enrolment was missed in 2025 already;
    - ``clean``: starts in 2026, its first documents received: upcoming only;
    - ``paid``: like ``clean`` but started in 2025, its first instalment paid in full by ANRT (left out).
    """
    late = ConventionFactory(effective_date=dt.date(2025, 3, 17), as_of=AS_OF)
    receive(late, "employment_contract", "hiring_declaration", on=dt.date(2025, 3, 20), as_of=AS_OF)
    receive(late, "enrolment:2024", on=dt.date(2025, 4, 10), as_of=AS_OF)
    receive(late, "collaboration_contract", on=dt.date(2025, 8, 1), as_of=AS_OF)

    lost = ConventionFactory(
        effective_date=dt.date(2024, 3, 1),
        committee_date=dt.date(2024, 2, 1),
        submission_date=dt.date(2024, 1, 10),
        as_of=AS_OF,
    )
    receive(lost, "employment_contract", "hiring_declaration", "enrolment:2023", on=dt.date(2024, 3, 2), as_of=AS_OF)

    clean = ConventionFactory(
        effective_date=dt.date(2026, 1, 1),
        committee_date=dt.date(2025, 12, 1),
        submission_date=dt.date(2025, 11, 1),
        as_of=AS_OF,
    )
    receive(clean, "employment_contract", "hiring_declaration", "enrolment:2025", on=dt.date(2026, 1, 2), as_of=AS_OF)

    paid = ConventionFactory(
        effective_date=dt.date(2025, 7, 1),
        committee_date=dt.date(2025, 6, 1),
        submission_date=dt.date(2025, 5, 1),
        as_of=AS_OF,
    )
    receive(paid, "employment_contract", "hiring_declaration", "enrolment:2025", on=dt.date(2025, 7, 2), as_of=AS_OF)
    first = paid.instalments.get(number=1)
    invoice = invoicing.issue_invoices([first.pk], issued_on=dt.date(2025, 10, 1))[0]
    invoicing.record_payment(invoice.pk, first.amount, dt.date(2025, 11, 2), as_of=AS_OF)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    ConventionFactory(signed=False, effective_date=dt.date(2026, 1, 1), as_of=AS_OF)
    return {"late": late, "lost": lost, "clean": clean, "paid": paid, "paid_number": 1}


def engine_figures(conventions, as_of, paid=()):
    """What the chart should show, from the rules engine's plans (not from the stored rows)."""
    first = rules.quarter_bounds(as_of)[0]
    last = rules.add_months(first, 36) - dt.timedelta(days=1)
    figures: dict = defaultdict(lambda: defaultdict(lambda: Decimal("0.00")))
    for convention in conventions:
        plan = rules.plan_convention(services.facts_for(convention), as_of)
        late = any(
            o.status == rules.OVERDUE and o.forfeits_on and o.forfeits_on >= as_of and not o.received
            for o in plan.obligations
        )
        for line in plan.instalments:
            if (convention.pk, line.number) in paid or line.due_date > last:
                continue
            if line.due_date < first and line.status not in (rules.PAYABLE, rules.WITHHELD):
                continue
            bucket = "before" if line.due_date < first else rules.quarter_bounds(line.due_date)[0]
            figures[bucket][charts.state_of(line.status, late)] += line.amount
    return figures


def test_quarterly_figures_are_the_rules_engines():
    w = world()
    chart = charts.expected_by_quarter(AS_OF)
    expected = engine_figures(
        [w["late"], w["lost"], w["clean"], w["paid"]], AS_OF, paid={(w["paid"].pk, w["paid_number"])}
    )
    starts = [rules.add_months(dt.date(2026, 4, 1), 3 * i) for i in range(12)]
    assert [bar.label for bar in chart.bars] == ["Déjà échues"] + [charts.quarter_label(s) for s in starts]
    assert chart.bars[1].label == "T2 2026" and chart.bars[-1].label == "T1 2029"
    assert dict(chart.bars[0].amounts) == {k: v for k, v in expected["before"].items() if v}
    for bar, start in zip(chart.bars[1:], starts, strict=True):
        assert bar.amounts == {k: v for k, v in expected[start].items() if v}, bar.label
    # Every state appears in this world, and the totals add up to the cent.
    assert all(chart.totals[state] > 0 for state in charts.STATES)
    assert chart.total == sum(chart.totals.values())
    for bar in chart.bars:
        assert bar.total == sum(bar.amounts.values())


def test_the_late_enrolment_puts_the_rest_at_risk_and_the_paid_instalment_is_left_out():
    w = world()
    chart = charts.expected_by_quarter(AS_OF)

    def upcoming(convention):
        rows = Instalment.objects.filter(convention=convention, status=rules.UPCOMING)
        return sum((i.amount for i in rows), Decimal("0.00"))

    # ``late`` waits on its 2025/26 certificate, ``paid`` on its collaboration contract (due 1 January 2026):
    # both forfeit later, so what they have not yet earned is at risk; ``clean`` has nothing late.
    assert chart.totals[charts.AT_RISK] == upcoming(w["late"]) + upcoming(w["paid"])
    assert chart.totals[charts.UPCOMING] == upcoming(w["clean"])
    paid = w["paid"].instalments.get(number=1)
    before = chart.bars[0].amounts
    payable_before = sum(
        (
            i.amount
            for i in Instalment.objects.filter(
                status=rules.PAYABLE, due_date__lt=dt.date(2026, 4, 1), convention__status="active"
            ).exclude(pk=paid.pk)
        ),
        Decimal("0.00"),
    )
    assert before[charts.PAYABLE] == payable_before


def test_money_at_risk_by_month_is_the_dashboards():
    world()
    board = queries.dashboard(AS_OF)
    chart = charts.at_risk_by_month(board)
    assert chart.total == board.at_risk_total
    may = next(bar for bar in chart.bars if bar.label.startswith("mai"))
    assert may.total == sum(r.amount for r in board.at_risk if r.forfeits_on.month == 5 and r.forfeits_on.year == 2026)
    assert sum(bar.count for bar in chart.bars) == sum(r.conventions for r in board.at_risk)


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(block) for block in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def _table_cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S).group(0)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        rows.append(
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        )
    return rows


def _assert_labelled(svg: ET.Element) -> None:
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    assert title is not None and title.get("id") == title_id and title.text.strip()
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert svg.get("viewBox").startswith("0 0 ") and svg.get("width") == "100%"
    for element in svg.iter():
        assert "style" not in element.attrib, element.tag  # the CSP forbids inline styles


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dashboard_svg_is_well_formed_and_its_tables_say_the_same(language, staff, client_for, monkeypatch):
    world()
    monkeypatch.setattr(services, "today", lambda: AS_OF)
    client = client_for(staff)
    with translation.override(language):
        response = client.get(reverse("conventions:dashboard"), HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200
        svgs = _svgs(html)
        assert len(svgs) == 2
        for svg in svgs:
            _assert_labelled(svg)
        chart = response.context["quarter_chart"]
        rows = _table_cells(html, "chart-quarters-table")
        assert f"<caption>{chart.title}</caption>" in html.replace("&#x27;", "'")
        body = rows[1 : 1 + len(chart.bars)]
        for row, bar in zip(body, chart.bars, strict=True):
            assert row[0] == bar.label
            assert row[1:] == [format_money(bar.amounts.get(s, Decimal(0))) for s in charts.STATES] + [
                format_money(bar.total)
            ]
        # The SVG labels each bar with the same total as its table row.
        texts = ["".join(t.itertext()) for t in svgs[0].iter(f"{SVG}text")]
        for bar in chart.bars:
            assert (format_money(bar.total) if bar.total else "—") in texts
        risk = response.context["risk_chart"]
        risk_rows = _table_cells(html, "chart-risk-table")[1 : 1 + len(risk.bars)]
        assert [r[2] for r in risk_rows] == [format_money(b.total) for b in risk.bars]


def test_amounts_never_come_out_localised_as_coordinates(staff, client_for):
    """French writes 12,5: the SVG coordinates must keep their dot whatever the language."""
    world()
    client = client_for(staff)
    html = client.get(reverse("conventions:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    for svg in _svgs(html):
        for element in svg.iter():
            for name in ("x", "y", "width", "height", "x1", "x2", "cx", "cy"):
                value = element.get(name)
                if value is not None and value != "100%":
                    float(value)


def test_convention_timeline_svg_and_table(staff, client_for):
    w = world()
    late = w["late"]
    services.add_suspension(late, dt.date(2026, 6, 1), dt.date(2026, 7, 31), as_of=AS_OF)
    client = client_for(staff)
    response = client.get(reverse("conventions:detail", args=[late.pk]))
    html = response.content.decode()
    svgs = _svgs(html)
    assert len(svgs) == 1
    _assert_labelled(svgs[0])
    chart = response.context["timeline_chart"]
    instalments = list(Instalment.objects.filter(convention=late).order_by("number"))
    assert [(b.number, b.amount, b.status) for b in chart.blocks] == [
        (i.number, i.amount, i.status) for i in instalments
    ]
    assert [lane.label for lane in chart.lanes][0] in html
    assert len(chart.lanes) == late.obligations.filter(is_current=True).count()
    assert len(chart.suspensions) == 1
    rows = _table_cells(html, f"chart-timeline-{late.pk}-table")
    amounts = [row[-1] for row in rows[1 : 1 + len(instalments)]]
    assert amounts == [format_money(i.amount) for i in instalments]
    assert rows[-1][-1] == format_money(sum(i.amount for i in instalments))
    # Each block's <title> names its amount and status, as the table does.
    titles = ["".join(t.itertext()) for t in svgs[0].iter(f"{SVG}title")]
    assert any(format_money(instalments[0].amount) in t for t in titles)


def test_the_doctoral_student_sees_their_time_line(client_for):
    convention = ConventionFactory()
    response = client_for(convention.doctoral_student).get(reverse("conventions:detail", args=[convention.pk]))
    assert response.status_code == 200
    assert response.context["timeline_chart"].blocks
    assert len(_svgs(response.content.decode())) == 1


def test_timeline_needs_no_query():
    convention = ConventionFactory()
    context = timeline_context(convention)
    with CaptureQueriesContext(connection) as captured:
        chart = charts.convention_timeline(convention, context["obligations"], context["instalments"], (), AS_OF)
        html = render_to_string("conventions/charts/convention_timeline.html", {"timeline_chart": chart})
    assert len(captured) == 0
    ET.fromstring(re.search(r"<svg\b.*?</svg>", html, flags=re.S).group(0))


def test_the_quarterly_chart_makes_one_query_whatever_the_conventions():
    world()
    with CaptureQueriesContext(connection) as few:
        charts.expected_by_quarter(AS_OF)
    for _ in range(4):
        ConventionFactory(as_of=AS_OF)
    with CaptureQueriesContext(connection) as many:
        charts.expected_by_quarter(AS_OF)
    assert len(few) == len(many) == 1


def test_an_empty_programme_draws_empty_charts(staff, client_for):
    response = client_for(staff).get(reverse("conventions:dashboard"))
    assert response.status_code == 200
    assert response.context["quarter_chart"].total == 0
    for svg in _svgs(response.content.decode()):
        _assert_labelled(svg)


def test_nice_ceiling():
    assert [charts.nice_ceiling(Decimal(v)) for v in (0, 1, 3, 38123, 110833, 9000)] == [1, 1, 4, 40000, 200000, 10000]
