"""The staff ranking page: its figures are ``ranking.ranking``'s, sorted and filtered, paginated, with the
evaluators' leniency; a fixed number of queries whatever the number of dossiers."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.evaluation import ranking, ranking_page
from applications.views import staff_evaluation
from tests.applications.factories import CallFactory, ThemeFactory
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory
from tests.applications.screening_world import role_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def staff(client_for):
    return client_for(role_user("staff"))


@pytest.fixture
def example():
    """Grid: quality (weight 2, 0–5), interest (weight 1, 0–5); threshold 4 points.

    A: Alice [5, 5] = 20.00, Bruno [4, 3] = 14.67, Chloé [0, 0] = 0.00 (mean 11.56, median 14.67, disagreement).
    B: Alice [3, 4] = 13.33, Bruno [4, 3] = 14.67, Chloé accepted, not submitted (mean 14.00, median 14.00).
    """
    call = CallFactory()
    alice = EvaluatorFactory(first_name="Alice", last_name="A")
    bruno = EvaluatorFactory(first_name="Bruno", last_name="B")
    chloe = EvaluatorFactory(first_name="Chloé", last_name="C")
    a = EligibleDossierFactory(call=call, first_name="Amandine", last_name="Arnaud")
    b = EligibleDossierFactory(call=call, first_name="Basile", last_name="Bernard")
    AssignmentFactory(dossier=a, evaluator=alice, submitted=True, values=[5, 5])
    AssignmentFactory(
        dossier=a, evaluator=bruno, submitted=True, values=[4, 3], recommendation="fund_with_reservations"
    )
    AssignmentFactory(dossier=a, evaluator=chloe, submitted=True, values=[0, 0], recommendation="do_not_fund")
    AssignmentFactory(dossier=b, evaluator=alice, submitted=True, values=[3, 4])
    AssignmentFactory(dossier=b, evaluator=bruno, submitted=True, values=[4, 3])
    AssignmentFactory(dossier=b, evaluator=chloe, accepted=True)
    call.refresh_from_db()
    return call, a, b


def rows(response):
    return [(item.line.number, item.line.rank, item.line.mean, item.line.median) for item in response.context["lines"]]


def test_the_page_by_mean_and_by_median(example, staff):
    call, a, b = example
    url = reverse("applications:staff_ranking", args=[call.pk])
    response = staff.get(url)
    assert response.status_code == 200
    assert rows(response) == [(b.number, 1, D("14.00"), D("14.00")), (a.number, 2, D("11.56"), D("14.67"))]
    page = response.content.decode()
    assert 'aria-sort="descending"><a href="?order=mean">' in page
    assert "Amandine Arnaud" in page and "Basile Bernard" in page  # staff see the candidates' names
    assert "Désaccord</strong>" in page  # in words, not only a colour
    assert "2 / 3" in page and "3 / 3" in page
    assert reverse("applications:staff_dossier", args=[a.pk]) in page
    by_median = staff.get(url, {"order": "median"})
    assert rows(by_median) == [(a.number, 1, D("11.56"), D("14.67")), (b.number, 2, D("14.00"), D("14.00"))]
    assert 'aria-sort="descending"><a href="?order=median">' in by_median.content.decode()
    assert 'aria-sort="none"><a href="?order=mean">' in by_median.content.decode()


def test_the_leniency_table(example, staff):
    call, _a, _b = example
    response = staff.get(reverse("applications:staff_ranking", args=[call.pk]))
    lines = {e.name: e for e in response.context["evaluators"]}
    # Chloé: 0.00 against the others' 17.34 on A: harsh; Alice: 16.67 against 7.34 + …: lenient.
    assert lines["Chloé C"].marker == ranking.HARSH
    assert lines["Alice A"].marker == ranking.LENIENT
    page = response.content.decode()
    assert "Sévère" in page and "Indulgent·e" in page


def test_criterion_means_and_recommendations(example, staff):
    call, a, _b = example
    response = staff.get(reverse("applications:staff_ranking", args=[call.pk]))
    item = next(i for i in response.context["lines"] if i.line.dossier_id == a.pk)
    assert item.criterion_values == [D("3.00"), D("2.67")]
    assert item.recommendations == [("Financer", 1), ("Financer avec réserves", 1), ("Ne pas financer", 1)]


def test_the_theme_filter(example, staff):
    call, a, b = example
    other = ThemeFactory(call=call, title_fr="Thème B : l'eau", position=2)
    b.theme = other
    b.save(update_fields=["theme"])
    url = reverse("applications:staff_ranking", args=[call.pk])
    response = staff.get(url, {"theme": other.pk})
    assert rows(response) == [(b.number, 1, D("14.00"), D("14.00"))]
    assert "Thème B" in response.content.decode()


def test_a_foreign_theme_is_refused_next_to_the_field(example, staff):
    call, _a, _b = example
    foreign = CallFactory().themes.get()
    response = staff.get(reverse("applications:staff_ranking", args=[call.pk]), {"theme": foreign.pk})
    assert response.status_code == 400
    assert "theme" in response.context["form"].errors
    assert response.context["form"].errors["theme"][0].startswith("Sélectionnez un choix valide")


def test_a_page_that_does_not_exist(example, staff):
    call, _a, _b = example
    response = staff.get(reverse("applications:staff_ranking", args=[call.pk]), {"page": "99"})
    assert response.status_code == 200
    assert response.context["notice"] == "La page « 99 » n'existe pas : la première page est affichée."


def random_call(seed: int, dossiers: int = 14, evaluators: int = 6):
    rng = random.Random(seed)
    call = CallFactory()
    themes = [call.themes.get(), ThemeFactory(call=call, title_fr="Autre thème", position=2)]
    people = [EvaluatorFactory(first_name=f"E{i}", last_name="Test") for i in range(evaluators)]
    for _ in range(dossiers):
        dossier = EligibleDossierFactory(call=call)
        dossier.theme = rng.choice(themes)
        dossier.save(update_fields=["theme"])
        for person in rng.sample(people, rng.randint(1, 5)):
            kind = rng.choice(["submitted", "submitted", "submitted", "accepted", "assigned"])
            values = [rng.randint(0, 5), rng.randint(0, 5)]
            AssignmentFactory(
                dossier=dossier, evaluator=person, **{kind: True} if kind != "assigned" else {}, values=values
            )
    call.refresh_from_db()
    return call, themes


@pytest.mark.parametrize("order", [ranking.MEAN, ranking.MEDIAN])
def test_the_page_computes_what_ranking_computes(order):
    call, themes = random_call(seed=11)
    received = {line.received for line in ranking.ranking(call).dossiers}
    assert {0, 1, 2, 3} <= received and max(received) > 3  # every way to a median is exercised
    for theme in (None, themes[1]):
        full = ranking.ranking(call, order=order, theme=theme)
        index = ranking_page.index(call, order=order, theme=theme)
        lines = ranking_page.page_lines(call, index.entries, full.criteria, index.threshold)
        fields = (
            "dossier_id",
            "number",
            "theme_id",
            "totals",
            "theme_title",
            "assigned",
            "received",
            "mean",
            "median",
            "spread",
            "stdev",
            "disagreement",
            "criterion_means",
            "recommendations",
            "rank",
            "theme_rank",
        )
        expected = [tuple(getattr(line, f) for f in fields) for line in full.dossiers]
        assert [tuple(getattr(item.line, f) for f in fields) for item in lines] == expected
        assert index.evaluators == full.evaluators


def count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_a_fixed_number_of_queries_whatever_the_number_of_dossiers(example, staff, monkeypatch):
    monkeypatch.setattr(staff_evaluation, "RANKING_PAGE_SIZE", 3)
    call, a, _b = example
    url = reverse("applications:staff_ranking", args=[call.pk])
    few = count(staff, url)
    evaluator = EvaluatorFactory()
    for _ in range(8):
        dossier = EligibleDossierFactory(call=call)
        AssignmentFactory(dossier=dossier, evaluator=evaluator, submitted=True, values=[2, 2])
        AssignmentFactory(dossier=dossier, submitted=True, values=[5, 1])
    assert count(staff, url) == few
    assert count(staff, url, page="2", order="median") == few
    response = staff.get(url, {"page": "4"})
    assert response.context["page"].paginator.count == 10 and len(response.context["lines"]) == 1
