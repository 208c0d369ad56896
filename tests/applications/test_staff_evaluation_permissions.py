"""Every staff URL of the evaluation for every role, guessed ids included.

Roles: visitor, candidate (the dossier's own), doctoral student, evaluator (one of the dossier's), department
contact, staff, admin. Only staff and admins get in; the others get the same 403 and reason whether the
object exists or not; staff learn that a guessed id is missing (404). No refused request changes anything.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.evaluation.models import Assignment, Evaluation
from applications.models import DossierEvent
from tests.applications.screening_world import STAFF_ONLY, role_user
from tests.applications.staff_evaluation_world import make_evaluation_world

pytestmark = pytest.mark.django_db
MISSING = 999_999


@pytest.fixture
def world(db):
    return make_evaluation_world()


def get_urls(w) -> list[str]:
    call, dossier = w["call"], w["dossier"]
    return [
        reverse("applications:staff_evaluators"),
        reverse("applications:staff_evaluator_invite"),
        reverse("applications:staff_assignments", args=[call.pk]),
        reverse("applications:staff_auto_assign", args=[call.pk]),
        reverse("applications:staff_ranking", args=[call.pk]),
        reverse("applications:staff_assign", args=[w["other"].pk]),
        reverse("applications:staff_evaluation_reopen", args=[w["submitted"].pk]),
        reverse("applications:staff_call", args=[call.pk]),
        reverse("applications:staff_dossier", args=[dossier.pk]),
    ]


def post_urls(w) -> list[str]:
    call = w["call"]
    return [
        reverse("applications:staff_evaluator_invite"),
        reverse("applications:staff_assign", args=[w["other"].pk]),
        reverse("applications:staff_unassign", args=[w["pending"].pk]),
        reverse("applications:staff_auto_assign", args=[call.pk]),
        reverse("applications:staff_auto_assign_confirm", args=[call.pk]),
        reverse("applications:staff_evaluation_reopen", args=[w["submitted"].pk]),
        reverse("applications:staff_call_evaluation_close", args=[call.pk]),
        reverse("applications:staff_call_evaluation_reopen", args=[call.pk]),
    ]


def guessed_urls(w) -> list[str]:
    return [
        reverse("applications:staff_assignments", args=[MISSING]),
        reverse("applications:staff_auto_assign", args=[MISSING]),
        reverse("applications:staff_ranking", args=[MISSING]),
        reverse("applications:staff_assign", args=[MISSING]),
        reverse("applications:staff_assign", args=[w["draft"].pk]),
        reverse("applications:staff_evaluation_reopen", args=[MISSING]),
    ]


def guessed_post_urls(w) -> list[str]:
    return [
        reverse("applications:staff_unassign", args=[MISSING]),
        reverse("applications:staff_auto_assign_confirm", args=[MISSING]),
        reverse("applications:staff_call_evaluation_close", args=[MISSING]),
        reverse("applications:staff_call_evaluation_reopen", args=[MISSING]),
        reverse("applications:staff_evaluation_reopen", args=[MISSING]),
    ]


def payload(w) -> dict:
    evaluator = w["bruno"]
    return {
        "email": "intrus@example.org",
        "name": "Intrus",
        "capacity": "3",
        "language": "fr",
        f"assign-{w['other'].pk}-evaluator": str(evaluator.pk),
        f"assign-{w['other'].pk}-deadline": "2099-01-01",
        "per_dossier": "1",
        "deadline": "2099-01-01",
        f"reopen-{w['submitted'].pk}-reason": "Pour voir.",
        "token": "x",
    }


def snapshot():
    return (
        Assignment.objects.count(),
        Evaluation.objects.filter(status="submitted").count(),
        DossierEvent.objects.count(),
        role_count(),
    )


def role_count():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name="evaluator").count()


@pytest.fixture
def users(world):
    reader = role_user("department")
    return {
        "candidate": world["dossier"].candidate,
        "doctoral_student": role_user("doctoral_student"),
        "evaluator": world["bruno"],
        "department": reader,
        "staff": role_user("staff"),
        "admin": role_user("admin"),
    }


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_reach_every_page(role, world, users, client_for):
    client = client_for(users[role])
    urls = get_urls(world)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_get_404_on_guessed_ids(role, world, users, client_for):
    client = client_for(users[role])
    before = snapshot()
    answers = {url: client.get(url).status_code for url in guessed_urls(world)}
    answers.update({url: client.post(url, payload(world)).status_code for url in guessed_post_urls(world)})
    assert answers == dict.fromkeys(answers, 404)
    assert snapshot() == before


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator", "department"])
def test_other_roles_are_refused_alike(role, world, users, client_for):
    client = client_for(users[role])
    before = snapshot()
    answers = {}
    for url in [*get_urls(world), *guessed_urls(world)]:
        response = client.get(url)
        answers[url] = (response.status_code, response.context["reason"])
    for url in [*post_urls(world), *guessed_post_urls(world)]:
        response = client.post(url, payload(world))
        answers[url] = (response.status_code, response.context["reason"])
    assert answers == dict.fromkeys(answers, (403, STAFF_ONLY))
    assert snapshot() == before
    world["call"].refresh_from_db()
    assert world["call"].evaluation_closed_at is None


def test_a_visitor_is_sent_to_sign_in(world, client):
    before = snapshot()
    for url in [*get_urls(world), *guessed_urls(world)]:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login")), url
    for url in [*post_urls(world), *guessed_post_urls(world)]:
        assert client.post(url, payload(world)).status_code == 302, url
    assert snapshot() == before


def test_post_only_urls_refuse_get(world, users, client_for):
    client = client_for(users["staff"])
    for name, pk in (
        ("staff_unassign", world["pending"].pk),
        ("staff_auto_assign_confirm", world["call"].pk),
        ("staff_call_evaluation_close", world["call"].pk),
        ("staff_call_evaluation_reopen", world["call"].pk),
    ):
        assert client.get(reverse(f"applications:{name}", args=[pk])).status_code == 405
