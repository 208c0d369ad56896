"""The automatic assignment: the pure solver's properties (hypothesis), then propose / confirm on a call."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.evaluation import assignment as auto
from applications.evaluation import services
from applications.evaluation.assignment import DossierInput, EvaluatorInput, Proposal, solve
from applications.evaluation.models import Assignment
from applications.models import DossierEvent
from notifications.models import EmailLog
from tests.applications.factories import CallFactory
from tests.applications.factories_evaluation import (
    AssignmentFactory,
    EligibleDossierFactory,
    EvaluatorFactory,
    staff_member,
)

# --- References, written independently of the solver ------------------------------------------------------


def eligible_pairs(dossiers, evaluators, domain_rule):
    return {
        d.id: [e.id for e in evaluators if e.id not in d.excluded and not auto.conflict_reason(d, e, domain_rule)]
        for d in dossiers
    }


def max_flow_feasible(dossiers, evaluators, domain_rule) -> bool:
    """Edmonds–Karp on source → dossier (need) → evaluator (1) → sink (room)."""
    graph: dict = {}

    def edge(a, b, c):
        graph.setdefault(a, {}).setdefault(b, 0)
        graph.setdefault(b, {}).setdefault(a, 0)
        graph[a][b] += c

    pairs = eligible_pairs(dossiers, evaluators, domain_rule)
    for d in dossiers:
        edge("s", ("d", d.id), max(d.need, 0))
        for e in pairs[d.id]:
            edge(("d", d.id), ("e", e), 1)
    for e in evaluators:
        edge(("e", e.id), "t", max(e.capacity - e.load, 0))
    flow = 0
    while True:
        parent = {"s": None}
        queue = deque(["s"])
        while queue and "t" not in parent:
            node = queue.popleft()
            for nxt, cap in graph.get(node, {}).items():
                if cap > 0 and nxt not in parent:
                    parent[nxt] = node
                    queue.append(nxt)
        if "t" not in parent:
            break
        node = "t"
        while parent[node] is not None:
            graph[parent[node]][node] -= 1
            graph[node][parent[node]] += 1
            node = parent[node]
        flow += 1
    return flow == sum(max(d.need, 0) for d in dossiers)


def best_sum_of_squares(dossiers, evaluators, domain_rule):
    """Brute force: the smallest Σ load² over every valid assignment (None when there is none)."""
    pairs = eligible_pairs(dossiers, evaluators, domain_rule)
    options = [list(itertools.combinations(pairs[d.id], d.need)) if d.need > 0 else [()] for d in dossiers]
    best = None
    for choice in itertools.product(*options):
        load = {e.id: e.load for e in evaluators}
        for chosen in choice:
            for e in chosen:
                load[e] += 1
        if any(load[e.id] > max(e.capacity, e.load) for e in evaluators):
            continue
        total = sum(v * v for v in load.values())
        best = total if best is None else min(best, total)
    return best


def check_valid(dossiers, evaluators, solution, domain_rule):
    by_e = {e.id: e for e in evaluators}
    pairs = eligible_pairs(dossiers, evaluators, domain_rule)
    new = {d.id: [e for dd, e in solution.pairs if dd == d.id] for d in dossiers}
    for d in dossiers:
        assert len(new[d.id]) == max(d.need, 0) and len(set(new[d.id])) == len(new[d.id])
        assert set(new[d.id]) <= set(pairs[d.id])  # never excluded, never an obvious conflict
    for e in evaluators:
        given_now = sum(1 for _d, x in solution.pairs if x == e.id)
        assert solution.loads[e.id] == e.load + given_now  # existing assignments kept and counted
        if given_now:
            assert solution.loads[e.id] <= by_e[e.id].capacity


# --- Strategies ---------------------------------------------------------------------------------------------

LABS = ["", "UMR1", "UMR2"]
DIRECTORS = ["", "dir@univ-a.fr", "dir@univ-b.fr"]


@st.composite
def worlds(draw, max_dossiers=4, max_evaluators=4, max_need=2):
    n_e = draw(st.integers(1, max_evaluators))
    evaluators = []
    for i in range(n_e):
        email = draw(st.sampled_from([f"e{i}@x.org", "dir@univ-a.fr", f"e{i}@univ-b.fr"]))
        evaluators.append(
            EvaluatorInput(
                id=i + 1,
                label=f"E{i}",
                capacity=draw(st.integers(0, 4)),
                load=draw(st.integers(0, 2)),
                lab_code=draw(st.sampled_from(LABS)),
                email=email,
                domains=frozenset({auto.email_domain(email)}),
                disciplines=frozenset(draw(st.sets(st.sampled_from(["geo", "eco", "soc"]), max_size=2))),
            )
        )
    ids = [e.id for e in evaluators]
    dossiers = [
        DossierInput(
            id=100 + j,
            label=f"D{j}",
            need=draw(st.integers(0, max_need)),
            lab_code=draw(st.sampled_from(LABS)),
            director_email=draw(st.sampled_from(DIRECTORS)),
            disciplines=frozenset(draw(st.sets(st.sampled_from(["geo", "eco", "soc"]), max_size=2))),
            excluded=frozenset(draw(st.sets(st.sampled_from(ids), max_size=2))),
        )
        for j in range(draw(st.integers(1, max_dossiers)))
    ]
    return dossiers, evaluators, draw(st.booleans())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_valid_all_or_nothing_and_as_balanced_as_possible(world):
    dossiers, evaluators, domain_rule = world
    solution = solve(dossiers, evaluators, domain_rule)
    feasible = max_flow_feasible(dossiers, evaluators, domain_rule)
    assert solution.ok == feasible  # says "impossible" exactly when no valid assignment exists
    if not solution.ok:
        assert solution.pairs == []  # nothing assigned
        assert {p.dossier_id for p in solution.problems} <= {d.id for d in dossiers}
        return
    check_valid(dossiers, evaluators, solution, domain_rule)
    # The smallest sum of squared loads: the most even distribution the constraints allow.
    assert sum(v * v for v in solution.loads.values()) == best_sum_of_squares(dossiers, evaluators, domain_rule)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(1, 30),
    st.integers(1, 12),
    st.integers(1, 3),
    st.data(),
)
def test_loads_differ_by_at_most_one_when_capacities_allow(n_dossiers, n_evaluators, need, data):
    need = min(need, n_evaluators)
    total = n_dossiers * need
    capacity = -(-total // n_evaluators)  # just enough for an even spread
    evaluators = [
        EvaluatorInput(
            id=i + 1,
            label=f"E{i}",
            capacity=capacity + data.draw(st.integers(0, 3)),
            disciplines=frozenset(data.draw(st.sets(st.sampled_from(["geo", "eco"]), max_size=2))),
        )
        for i in range(n_evaluators)
    ]
    dossiers = [
        DossierInput(
            id=100 + j,
            label=f"D{j}",
            need=need,
            disciplines=frozenset(data.draw(st.sets(st.sampled_from(["geo", "eco"]), max_size=1))),
        )
        for j in range(n_dossiers)
    ]
    solution = solve(dossiers, evaluators)
    assert solution.ok
    check_valid(dossiers, evaluators, solution, False)
    assert solution.spread <= 1


def test_too_few_evaluators_without_conflict_is_said_plainly_and_nothing_assigned():
    evaluators = [
        EvaluatorInput(id=1, label="E1", capacity=5, lab_code="UMR1"),
        EvaluatorInput(id=2, label="E2", capacity=5),
        EvaluatorInput(id=3, label="E3", capacity=5),
    ]
    dossiers = [
        DossierInput(id=10, label="2027-0001", need=2, lab_code="UMR1", excluded=frozenset({2})),
        DossierInput(id=11, label="2027-0002", need=2),
    ]
    solution = solve(dossiers, evaluators)
    assert (solution.ok, solution.pairs) == (False, [])
    assert solution.problems == [auto.Problem(10, "2027-0001", "too_few", 2, 1)]


def test_capacity_exhausted_is_found_even_when_each_dossier_alone_could_be_served():
    evaluators = [EvaluatorInput(id=1, label="E1", capacity=1), EvaluatorInput(id=2, label="E2", capacity=1)]
    dossiers = [DossierInput(id=10 + j, label=f"D{j}", need=1) for j in range(3)]
    solution = solve(dossiers, evaluators)
    assert (solution.ok, solution.pairs, [p.code for p in solution.problems]) == (False, [], ["capacity"])


def test_a_chain_of_hand_overs_serves_a_dossier_the_greedy_pass_would_miss():
    # E1 is the only evaluator free of conflict for D1; the greedy pass gives D0 to E1 first only if D0 comes
    # first: the most constrained dossier goes first, and the augmenting chain covers the other orders.
    evaluators = [EvaluatorInput(id=1, label="E1", capacity=1), EvaluatorInput(id=2, label="E2", capacity=1)]
    dossiers = [
        DossierInput(id=10, label="D0", need=1),
        DossierInput(id=11, label="D1", need=1, excluded=frozenset({2})),
    ]
    solution = solve(dossiers, evaluators)
    assert (solution.ok, solution.pairs) == (True, [(10, 2), (11, 1)])


def test_among_equally_loaded_evaluators_the_best_match_is_chosen():
    evaluators = [
        EvaluatorInput(id=1, label="E1", capacity=5, disciplines=frozenset({"economie"})),
        EvaluatorInput(
            id=2, label="E2", capacity=5, disciplines=frozenset({"geographie"}), keywords=frozenset({"eau"})
        ),
        EvaluatorInput(id=3, label="E3", capacity=5, disciplines=frozenset({"geographie"})),
    ]
    dossiers = [
        DossierInput(id=10, label="D0", need=1, disciplines=frozenset({"geographie"}), keywords=frozenset({"eau"})),
        DossierInput(id=11, label="D1", need=1, disciplines=frozenset({"geographie"})),
        DossierInput(id=12, label="D2", need=1, disciplines=frozenset({"economie"})),
    ]
    assert solve(dossiers, evaluators).pairs == [(10, 2), (11, 3), (12, 1)]


def test_obvious_conflicts_and_the_words_compared():
    dossier = DossierInput(
        id=1, label="D", need=1, lab_code=auto.unit_code("UMR 8504"), director_email="d@geo.u-paris.fr"
    )
    assert auto.conflict_reason(dossier, EvaluatorInput(id=1, label="E", capacity=1, lab_code="UMR8504")) == "same_lab"
    assert auto.conflict_reason(dossier, EvaluatorInput(id=2, label="E", capacity=1, email="d@geo.u-paris.fr")) == (
        "director"
    )
    colleague = EvaluatorInput(id=3, label="E", capacity=1, email="x@u-paris.fr", domains=frozenset({"u-paris.fr"}))
    assert auto.conflict_reason(dossier, colleague) is None
    assert auto.conflict_reason(dossier, colleague, domain_rule=True) == "same_domain"
    webmail = DossierInput(id=2, label="D", need=1, director_email="d@gmail.com")
    assert (
        auto.conflict_reason(
            webmail, EvaluatorInput(id=4, label="E", capacity=1, domains=frozenset({"gmail.com"})), True
        )
        is None
    )
    assert auto.words("Géographie ; ÉCONOMIE urbaine,  géographie") == frozenset({"geographie", "economie urbaine"})


# --- Propose, then confirm ----------------------------------------------------------------------------------------


def deadline():
    return timezone.localdate() + dt.timedelta(days=30)


@pytest.fixture
def call_world(db):
    call = CallFactory()
    dossiers = [EligibleDossierFactory(call=call) for _ in range(3)]
    experts = [EvaluatorFactory(profile__capacity=2) for _ in range(4)]
    return call, dossiers, experts


@pytest.mark.django_db
def test_propose_saves_nothing_and_confirm_saves_the_proposal_keeping_existing_ones(
    call_world, django_capture_on_commit_callbacks
):
    call, dossiers, experts = call_world
    staff = staff_member()
    kept = services.assign(dossiers[0], experts[0], deadline(), staff)
    before = (Assignment.objects.count(), DossierEvent.objects.count(), EmailLog.objects.count())
    proposal = auto.propose(call, per_dossier=2, deadline=deadline())
    assert (Assignment.objects.count(), DossierEvent.objects.count(), EmailLog.objects.count()) == before
    assert proposal.ok and len(proposal.pairs) == 5  # 2 × 3 dossiers, one already given
    assert (dossiers[0].pk, experts[0].pk) not in {(p.dossier_id, p.evaluator_id) for p in proposal.pairs}
    assert sorted(proposal.loads.values()) == [1, 1, 2, 2]  # 6 in all, the kept one included
    # Carried through the session, then confirmed.
    carried = Proposal.from_dict(proposal.as_dict())
    assert carried == proposal
    with django_capture_on_commit_callbacks(execute=True):
        made = auto.confirm(carried, staff)
    assert len(made) == 5 and all(a.automatic for a in made)
    assert Assignment.objects.filter(pk=kept.pk).exists()
    assert {d.pk: Assignment.objects.filter(dossier=d).count() for d in dossiers} == {d.pk: 2 for d in dossiers}
    assert EmailLog.objects.filter(template_key="evaluation_assigned").count() == 5
    # Proposed again: nothing is missing any more.
    again = auto.propose(call, per_dossier=2, deadline=deadline())
    assert (again.ok, again.pairs) == (True, [])
    with pytest.raises(services.EvaluationRefused) as error:
        auto.confirm(again, staff)
    assert error.value.messages == ["Cette proposition n'affecte aucun dossier : il n'y a rien à confirmer."]


@pytest.mark.django_db
def test_an_impossible_proposal_says_which_dossiers_and_cannot_be_confirmed(call_world):
    call, dossiers, experts = call_world
    for expert in experts[1:]:
        expert.evaluator_profile.lab_unit_code = "UMR 8504"  # the dossiers' lab
        expert.evaluator_profile.save()
    proposal = auto.propose(call, per_dossier=2, deadline=deadline())
    assert proposal.ok is False and proposal.pairs == []
    assert proposal.messages() == [
        f"Dossier {d.number} : 1 évaluateur·rice sans conflit d'intérêts pour 2 demandé·e·s." for d in dossiers
    ]
    with pytest.raises(services.EvaluationRefused) as error:
        auto.confirm(proposal, staff_member())
    assert error.value.messages == ["Cette proposition ne peut pas être confirmée : " + " ".join(proposal.messages())]
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_a_proposal_overtaken_by_events_is_refused_whole(call_world):
    call, dossiers, experts = call_world
    staff = staff_member()
    proposal = auto.propose(call, per_dossier=1, deadline=deadline())
    first = proposal.pairs[0]
    # Meanwhile, by hand: the proposed pair is made, so confirming would give it twice.
    services.assign(
        type(dossiers[0]).objects.get(pk=first.dossier_id),
        type(experts[0]).objects.get(pk=first.evaluator_id),
        deadline(),
        staff,
    )
    count = Assignment.objects.count()
    with pytest.raises(services.EvaluationRefused) as error:
        auto.confirm(proposal, staff)
    assert error.value.messages == [
        f"La situation a changé depuis la proposition ({first.dossier_label}) : rien n'a été affecté. "
        "Relancez la proposition."
    ]
    assert Assignment.objects.count() == count


@pytest.mark.django_db
def test_declared_conflicts_and_declined_assignments_are_never_proposed_again(call_world):
    call, dossiers, experts = call_world
    conflicted = AssignmentFactory(dossier=dossiers[0], evaluator=experts[0], conflict=True)
    declined = AssignmentFactory(dossier=dossiers[0], evaluator=experts[1])
    services.decline(declined, experts[1])
    proposal = auto.propose(call, per_dossier=2, deadline=deadline())
    for_first = {p.evaluator_id for p in proposal.pairs if p.dossier_id == dossiers[0].pk}
    assert for_first == {experts[2].pk, experts[3].pk}
    assert conflicted.status == "conflict"
