"""The staff screens of the evaluation: invitation, assignment by hand and automatic, reopening, closing.

Bad input: a clear French message next to the field, status 400, nothing saved. Lists: the same number of
queries for 2 and for 10 rows.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from applications.evaluation.models import Assignment, Evaluation
from applications.models import DossierEvent
from tests.applications.factories import CallFactory
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory
from tests.applications.screening_world import role_user, submitted_dossier
from tests.applications.staff_evaluation_world import make_evaluation_world

pytestmark = pytest.mark.django_db
REQUIRED = "Ce champ est obligatoire."


@pytest.fixture
def world(db):
    return make_evaluation_world()


@pytest.fixture
def staff(client_for):
    return client_for(role_user("staff"))


def future(days=20) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Evaluators and invitation ------------------------------------------------------------------------------


def test_invitation_creates_an_evaluator_account(staff):
    response = staff.post(
        reverse("applications:staff_evaluator_invite"),
        {"email": "Claire.Dupont@EHESS.fr", "name": "Claire Dupont", "capacity": "4", "language": "en"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="claire.dupont@ehess.fr")
    assert roles.has_role(user, roles.EVALUATOR)
    assert (user.evaluator_profile.capacity, user.preferred_language) == (4, "en")
    page = staff.get(reverse("applications:staff_evaluators")).content.decode()
    assert "Claire Dupont" in page and "Pas encore activée" in page


def test_a_second_invitation_is_refused_next_to_the_address(world, staff):
    alice = world["alice"]
    response = staff.post(
        reverse("applications:staff_evaluator_invite"),
        {"email": alice.email.upper(), "name": "Alice Aubert", "capacity": "3", "language": "fr"},
    )
    assert response.status_code == 400
    assert "est déjà évaluateur·rice" in response.context["form"].errors["email"][0]
    alice.evaluator_profile.refresh_from_db()
    assert alice.evaluator_profile.capacity == 10


def test_a_candidates_account_cannot_be_invited(world, staff):
    candidate = world["dossier"].candidate
    response = staff.post(
        reverse("applications:staff_evaluator_invite"),
        {"email": candidate.email, "name": "Quelqu'un", "capacity": "3", "language": "fr"},
    )
    assert response.status_code == 400
    assert "candidat·e ou d'un·e doctorant·e" in response.context["form"].errors["email"][0]
    assert not roles.has_role(candidate, roles.EVALUATOR)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "pas-une-adresse", "name": "X", "capacity": "3", "language": "fr"}, "email"),
        ({"email": "a@b.fr", "name": "", "capacity": "3", "language": "fr"}, "name"),
        ({"email": "a@b.fr", "name": "X", "capacity": "500", "language": "fr"}, "capacity"),
        ({"email": "a@b.fr", "name": "X", "capacity": "3", "language": "de"}, "language"),
    ],
)
def test_bad_invitations_are_refused(data, field, staff):
    response = staff.post(reverse("applications:staff_evaluator_invite"), data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not get_user_model().objects.filter(email="a@b.fr").exists()


def test_the_evaluator_list_has_a_fixed_number_of_queries(world, staff):
    url = reverse("applications:staff_evaluators")
    few = count_queries(staff, url)
    for _ in range(8):
        AssignmentFactory(dossier=EligibleDossierFactory(call=world["call"]))
    assert count_queries(staff, url) == few
    assert staff.get(url).context["page"].paginator.count == 10


# --- Assignment by hand -----------------------------------------------------------------------------------------


def assign(client, dossier, evaluator, deadline):
    prefix = f"assign-{dossier.pk}"
    data = {f"{prefix}-evaluator": str(evaluator.pk) if evaluator else "", f"{prefix}-deadline": deadline}
    return client.post(reverse("applications:staff_assign", args=[dossier.pk]), data)


def test_assign_by_hand(world, staff):
    response = assign(staff, world["other"], world["bruno"], future())
    assert response.status_code == 302
    assignment = Assignment.objects.get(dossier=world["other"], evaluator=world["bruno"])
    assert assignment.deadline == timezone.localdate() + dt.timedelta(days=20)
    assert world["other"].events.filter(kind=DossierEvent.Kind.ASSIGNED).exists()


@pytest.mark.parametrize(
    ("deadline", "field", "message"),
    [
        ("", "deadline", REQUIRED),
        ("2020-01-01", "deadline", "La date limite de l'évaluation doit être dans le futur."),
        ("demain", "deadline", "Saisissez une date valide."),
    ],
)
def test_bad_deadlines_are_refused(deadline, field, message, world, staff):
    response = assign(staff, world["other"], world["bruno"], deadline)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Assignment.objects.filter(dossier=world["other"]).exists()


def test_a_missing_evaluator_is_refused(world, staff):
    response = assign(staff, world["other"], None, future())
    assert response.status_code == 400 and REQUIRED in response.context["form"].errors["evaluator"]


def test_an_obvious_conflict_is_refused_next_to_the_evaluator(world, staff):
    same_lab = EvaluatorFactory(first_name="Camille", last_name="Labo", profile__lab_unit_code="UMR 8504")
    response = assign(staff, world["other"], same_lab, future())
    assert response.status_code == 400
    assert response.context["form"].errors["evaluator"] == [
        "Camille Labo appartient au laboratoire du dossier : conflit d'intérêts évident."
    ]
    assert not Assignment.objects.filter(dossier=world["other"]).exists()


def test_an_evaluator_already_on_the_dossier_is_refused(world, staff):
    response = assign(staff, world["dossier"], world["bruno"], future())
    assert response.status_code == 400
    assert "déjà confié" in response.context["form"].errors["evaluator"][0]


def test_unassign(world, staff):
    pending = world["pending"]
    response = staff.post(reverse("applications:staff_unassign", args=[pending.pk]))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=pending.pk).exists()
    # The declaration stays in the record.
    assert world["dossier"].conflict_declarations.filter(evaluator=world["bruno"]).exists()


def test_a_submitted_assignment_cannot_be_removed(world, staff):
    response = staff.post(reverse("applications:staff_unassign", args=[world["done"].pk]))
    assert response.status_code == 400
    assert "ne peut plus être retirée" in response.content.decode()
    assert Assignment.objects.filter(pk=world["done"].pk).exists()


def test_the_assignment_list_shows_assignments_and_declarations(world, staff):
    page = staff.get(reverse("applications:staff_assignments", args=[world["call"].pk])).content.decode()
    assert world["dossier"].number in page and world["other"].number in page
    assert "Alice Aubert" in page and "Évaluation rendue" in page and "absence de conflit déclarée le" in page
    assert world["draft"].number not in page if world["draft"].number else True


def test_the_assignment_list_has_a_fixed_number_of_queries(world, staff):
    url = reverse("applications:staff_assignments", args=[world["call"].pk])
    few = count_queries(staff, url)
    for _ in range(4):
        AssignmentFactory(dossier=EligibleDossierFactory(call=world["call"]), accepted=True)
        EligibleDossierFactory(call=world["call"])
    assert count_queries(staff, url) == few
    assert staff.get(url).context["page"].paginator.count == 10


# --- Automatic assignment ---------------------------------------------------------------------------------------


def propose(client, call, per_dossier="1", deadline=None, domain_rule=False):
    data = {"per_dossier": per_dossier, "deadline": future() if deadline is None else deadline}
    if domain_rule:
        data["domain_rule"] = "on"
    return client.post(reverse("applications:staff_auto_assign", args=[call.pk]), data)


def confirm(client, call, token):
    return client.post(reverse("applications:staff_auto_assign_confirm", args=[call.pk]), {"token": token})


def test_propose_then_confirm(world, staff):
    call = world["call"]
    before = Assignment.objects.count()
    response = propose(staff, call, per_dossier="2")
    assert response.status_code == 200
    proposal = response.context["proposal"]
    # The dossier keeps its two evaluators; the other dossier gets both evaluators.
    assert sorted((p.dossier_id, p.evaluator_id) for p in proposal.pairs) == sorted(
        [(world["other"].pk, world["alice"].pk), (world["other"].pk, world["bruno"].pk)]
    )
    assert Assignment.objects.count() == before
    page = response.content.decode()
    assert "Confirmer ces affectations" in page and "Écart de charge" in page
    response = confirm(staff, call, response.context["token"])
    assert response.status_code == 302
    assert Assignment.objects.filter(dossier=world["other"], automatic=True).count() == 2
    # Confirming the same proposal again: said plainly, nothing more.
    again = confirm(staff, call, "anything")
    assert again.status_code == 400
    assert "déjà été confirmée" in html.unescape(again.content.decode())
    assert Assignment.objects.count() == before + 2


def test_an_unsatisfiable_request_assigns_nothing(world, staff):
    call = world["call"]
    before = Assignment.objects.count()
    response = propose(staff, call, per_dossier="5")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "ne peut pas être satisfaite : rien n'a été affecté" in page
    assert "sans conflit d'intérêts pour 5" in page
    assert "Confirmer ces affectations" not in page
    assert confirm(staff, call, "").status_code == 400
    assert Assignment.objects.count() == before


def test_a_stale_proposal_is_refused(world, staff):
    call = world["call"]
    response = propose(staff, call, per_dossier="1")
    token = response.context["token"]
    assign(staff, world["other"], world["alice"], future())  # the situation changes meanwhile
    before = Assignment.objects.count()
    response = confirm(staff, call, token)
    assert response.status_code == 400
    assert "La situation a changé" in html.unescape(response.content.decode())
    assert Assignment.objects.count() == before


def test_a_newer_proposal_replaces_the_older(world, staff):
    call = world["call"]
    first = propose(staff, call).context["token"]
    second = propose(staff, call).context["token"]
    assert confirm(staff, call, first).status_code == 400
    assert confirm(staff, call, second).status_code == 302


@pytest.mark.parametrize(
    ("per_dossier", "deadline", "field"),
    [
        ("11", None, "per_dossier"),
        ("0", None, "per_dossier"),
        ("", None, "per_dossier"),
        ("1", "", "deadline"),
        ("1", "2020-01-01", "deadline"),
    ],
)
def test_bad_automatic_requests(per_dossier, deadline, field, world, staff):
    before = Assignment.objects.count()
    response = propose(staff, world["call"], per_dossier=per_dossier, deadline=deadline)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert Assignment.objects.count() == before


def test_the_domain_rule_is_applied(world, staff):
    call = world["call"]
    # The thesis director writes from univ-paris1.fr: an evaluator of that domain is a conflict with the rule.
    EvaluatorFactory(email="voisin@univ-paris1.fr", profile__capacity=10)
    response = propose(staff, call, per_dossier="3", domain_rule=True)
    assert response.status_code == 400
    response = propose(staff, call, per_dossier="3")
    assert response.status_code == 200


# --- Reopening, the dossier page, closing the call's evaluation ------------------------------------------------------


def test_reopen_needs_a_reason(world, staff):
    evaluation = world["submitted"]
    url = reverse("applications:staff_evaluation_reopen", args=[evaluation.pk])
    response = staff.post(url, {f"reopen-{evaluation.pk}-reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [
        "Indiquez pourquoi l'évaluation est rouverte : le motif est conservé."
    ]
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED


def test_reopen(world, staff):
    evaluation = world["submitted"]
    url = reverse("applications:staff_evaluation_reopen", args=[evaluation.pk])
    response = staff.post(url, {f"reopen-{evaluation.pk}-reason": "Une note ne correspond pas au commentaire."})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT
    event = world["dossier"].events.get(kind=DossierEvent.Kind.EVALUATION_REOPENED)
    assert (event.message, event.public) == ("Une note ne correspond pas au commentaire.", False)
    again = staff.post(url, {f"reopen-{evaluation.pk}-reason": "Encore."})
    assert again.status_code == 400
    assert "rien à rouvrir" in again.context["form"].errors["reason"][0]


def test_the_dossier_page_shows_the_evaluation(world, staff):
    page = staff.get(reverse("applications:staff_dossier", args=[world["dossier"].pk])).content.decode()
    assert "Évaluation scientifique" in page
    assert "Alice Aubert" in page and "Bruno Blanc" in page
    assert "Je soussigné·e, Alice Aubert" in page  # the signed statement
    assert "Commentaire sur Qualité scientifique." in page and "Solide." in page
    total = str(world["submitted"].total)
    assert total in page or total.replace(".", ",") in page
    assert reverse("applications:staff_evaluation_reopen", args=[world["submitted"].pk]) in page


def test_the_dossier_page_has_a_fixed_number_of_queries(world, staff):
    url = reverse("applications:staff_dossier", args=[world["dossier"].pk])
    few = count_queries(staff, url)
    for _ in range(3):
        AssignmentFactory(dossier=world["dossier"], submitted=True)
    AssignmentFactory(dossier=world["dossier"], conflict=True)
    assert count_queries(staff, url) == few


def test_the_call_page_shows_counts_and_has_a_fixed_number_of_queries(world, staff):
    url = reverse("applications:staff_call", args=[world["call"].pk])
    few = count_queries(staff, url)
    for _ in range(3):
        AssignmentFactory(dossier=EligibleDossierFactory(call=world["call"]), submitted=True)
    AssignmentFactory(dossier=world["other"], conflict=True)
    assert count_queries(staff, url) == few
    counts = staff.get(url).context["evaluation_counts"]
    assert (counts["live"], counts["submitted"], counts["conflicts"], counts["declared"]) == (5, 4, 1, 6)


def test_close_and_reopen_the_evaluation_of_the_call(world, staff):
    call = world["call"]
    close = reverse("applications:staff_call_evaluation_close", args=[call.pk])
    assert staff.post(close).status_code == 302
    call.refresh_from_db()
    assert call.evaluation_closed_at is not None
    assert world["dossier"].events.filter(kind=DossierEvent.Kind.CALL_EVALUATION_CLOSED, public=False).count() == 1
    page = staff.get(reverse("applications:staff_call", args=[call.pk])).content.decode()
    assert "Close depuis le" in page and "Rouvrir l'évaluation de l'appel" in page
    # Closed: no assignment, and closing twice is refused.
    response = assign(staff, world["other"], world["bruno"], future())
    assert response.status_code == 400 and "close depuis le" in response.content.decode()
    again = staff.post(close)
    assert again.status_code == 400 and "close depuis le" in again.content.decode()
    assert staff.post(reverse("applications:staff_call_evaluation_reopen", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.evaluation_closed_at is None
    again = staff.post(reverse("applications:staff_call_evaluation_reopen", args=[call.pk]))
    assert again.status_code == 400 and "rien à rouvrir" in again.content.decode()


def test_the_call_page_links_to_the_screens(world, staff):
    page = staff.get(reverse("applications:staff_call", args=[world["call"].pk])).content.decode()
    for name in ("staff_assignments", "staff_auto_assign", "staff_ranking"):
        assert reverse(f"applications:{name}", args=[world["call"].pk]) in page
    assert reverse("applications:staff_evaluators") in page


def test_an_ineligible_dossier_cannot_be_assigned(staff):
    call = CallFactory()
    dossier = submitted_dossier(call)
    evaluator = EvaluatorFactory()
    response = assign(staff, dossier, evaluator, future())
    assert response.status_code == 400
    assert "Seul un dossier déclaré éligible" in response.context["form"].errors["evaluator"][0]
