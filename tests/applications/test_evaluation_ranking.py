"""The ranking of a call, on a worked example computed by hand; a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from applications.evaluation import ranking
from applications.evaluation.models import Assignment
from applications.models import Call
from tests.applications.factories import CallFactory, ThemeFactory
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def example():
    """Grid: quality (weight 2, 0–5), interest (weight 1, 0–5); threshold 4 points.

    A: Alice [5, 5] = 20.00, Bruno [4, 3] = 14.67, Chloé [0, 0] = 0.00.
    B: Alice [3, 4] = 20 × (6/5 + 4/5) / 3 = 13.33, Bruno [4, 3] = 14.67, Chloé accepted, not submitted.
    """
    call = CallFactory()
    alice = EvaluatorFactory(first_name="Alice", last_name="A")
    bruno = EvaluatorFactory(first_name="Bruno", last_name="B")
    chloe = EvaluatorFactory(first_name="Chloé", last_name="C")
    a = EligibleDossierFactory(call=call)
    b = EligibleDossierFactory(call=call)
    AssignmentFactory(dossier=a, evaluator=alice, submitted=True, values=[5, 5])
    AssignmentFactory(
        dossier=a, evaluator=bruno, submitted=True, values=[4, 3], recommendation="fund_with_reservations"
    )
    AssignmentFactory(dossier=a, evaluator=chloe, submitted=True, values=[0, 0], recommendation="do_not_fund")
    AssignmentFactory(dossier=b, evaluator=alice, submitted=True, values=[3, 4])
    AssignmentFactory(dossier=b, evaluator=bruno, submitted=True, values=[4, 3])
    AssignmentFactory(dossier=b, evaluator=chloe, accepted=True)
    call.refresh_from_db()
    return call, a, b, (alice, bruno, chloe)


def test_figures_of_each_dossier(example):
    call, a, b, _people = example
    result = ranking.ranking(call)
    quality, interest = result.criteria
    lines = {line.dossier_id: line for line in result.dossiers}
    first, second = lines[a.pk], lines[b.pk]
    assert (first.assigned, first.received, first.totals) == (3, 3, [D("20.00"), D("14.67"), D("0.00")])
    # mean 34.67 / 3 = 11.5566… → 11.56; median 14.67; spread 20 − 0; population deviation √(214.54 / 3) = 8.4565…
    assert (first.mean, first.median, first.spread, first.stdev, first.disagreement) == (
        D("11.56"),
        D("14.67"),
        D("20.00"),
        D("8.46"),
        True,
    )
    # quality (5 + 4 + 0) / 3, interest (5 + 3 + 0) / 3 = 2.666… → 2.67
    assert first.criterion_means == {quality.pk: D("3.00"), interest.pk: D("2.67")}
    assert first.recommendations == Counter({"fund": 1, "fund_with_reservations": 1, "do_not_fund": 1})
    assert (second.assigned, second.received) == (3, 2)
    # mean (13.33 + 14.67) / 2 = 14.00; spread 1.34 ≤ 4; deviation 1.34 / 2 = 0.67
    assert (second.mean, second.median, second.spread, second.stdev, second.disagreement) == (
        D("14.00"),
        D("14.00"),
        D("1.34"),
        D("0.67"),
        False,
    )
    assert second.criterion_means == {quality.pk: D("3.50"), interest.pk: D("3.50")}
    assert [(e.evaluator_name, e.total) for e in second.evaluations] == [
        ("Alice A", D("13.33")),
        ("Bruno B", D("14.67")),
        ("Chloé C", None),
    ]


def test_sorted_by_mean_or_by_median(example):
    call, a, b, _people = example
    by_mean = ranking.ranking(call, order="mean")
    assert [(line.dossier_id, line.rank) for line in by_mean.dossiers] == [(b.pk, 1), (a.pk, 2)]
    by_median = ranking.ranking(call, order="median")
    assert [(line.dossier_id, line.rank) for line in by_median.dossiers] == [(a.pk, 1), (b.pk, 2)]


def test_each_evaluator_against_the_others_on_the_same_dossiers(example):
    call, _a, _b, _people = example
    lines = ranking.ranking(call).evaluators
    # Alice: (20 + 13.33) / 2 = 16.665 → 16.67 against (14.67 + 0 + 14.67) / 3 = 9.78: +6.89 ≥ 2 (half the threshold)
    # Bruno: 14.67 against (20 + 0 + 13.33) / 3 = 11.11: +3.56; Chloé: 0 against (20 + 14.67) / 2 = 17.335 → 17.34
    assert [(e.name, e.count, e.mean, e.others_mean, e.difference, e.marker) for e in lines] == [
        ("Alice A", 2, D("16.67"), D("9.78"), D("6.89"), "lenient"),
        ("Bruno B", 2, D("14.67"), D("11.11"), D("3.56"), "lenient"),
        ("Chloé C", 1, D("0.00"), D("17.34"), D("-17.34"), "harsh"),
    ]


def test_a_higher_threshold_clears_the_flag_and_the_markers(example):
    call, a, _b, _people = example
    Call.objects.filter(pk=call.pk).update(disagreement_threshold=D("20.00"))
    call.refresh_from_db()
    result = ranking.ranking(call)
    assert [line.disagreement for line in result.dossiers] == [False, False]
    assert [e.marker for e in result.evaluators] == ["", "", "harsh"]  # −17.34 ≤ −10


def test_per_theme_ranks_and_only_live_assignments_count(example):
    call, a, b, people = example
    other_theme = ThemeFactory(call=call, title_fr="Thème B : l'eau")
    c = EligibleDossierFactory(call=call)
    c.theme = other_theme
    c.save(update_fields=["theme"])
    AssignmentFactory(dossier=c, evaluator=people[0], submitted=True, values=[1, 1])
    AssignmentFactory(dossier=c, evaluator=people[1], conflict=True)
    result = ranking.ranking(call)
    ranks = {line.dossier_id: (line.rank, line.theme_rank, line.assigned) for line in result.dossiers}
    assert ranks == {b.pk: (1, 1, 3), a.pk: (2, 2, 3), c.pk: (3, 1, 1)}
    only_b_theme = ranking.ranking(call, theme=other_theme)
    assert [line.dossier_id for line in only_b_theme.dossiers] == [c.pk]
    assert set(result.by_theme()) == {a.theme_id, other_theme.pk}
    assert Assignment.objects.filter(dossier=c, status="conflict").count() == 1


def make_call(n: int) -> Call:
    call = CallFactory()
    experts = [EvaluatorFactory() for _ in range(2)]
    for _ in range(n):
        dossier = EligibleDossierFactory(call=call)
        AssignmentFactory(dossier=dossier, evaluator=experts[0], submitted=True, values=[3, 2])
        AssignmentFactory(dossier=dossier, evaluator=experts[1], accepted=True)
    return call


@pytest.mark.parametrize("n", [1, 3])
def test_the_ranking_takes_five_queries_whatever_the_number_of_dossiers(n, django_assert_num_queries):
    call = make_call(n)
    with django_assert_num_queries(5):
        result = ranking.ranking(call)
    assert len(result.dossiers) == n


@pytest.mark.parametrize("n", [1, 3])
def test_with_every_score_and_comment_one_more_query(n, django_assert_num_queries):
    call = make_call(n)
    with django_assert_num_queries(6):
        result = ranking.ranking(call, details=True)
    quality, interest = result.criteria
    done = result.dossiers[0].evaluations[0]
    assert (done.scores, done.comments, done.overall_comment) == (
        {quality.pk: 3, interest.pk: 2},
        {quality.pk: "Commentaire sur Qualité scientifique.", interest.pk: "Commentaire sur Intérêt pour la Ville."},
        "Solide.",
    )
    assert dict(result.dossiers[0].evaluations[1].scores) == {}  # accepted, not submitted: nothing shown
