"""Every evaluator URL for every role, guessed URLs included, and the invitation's path to the profile page.

Other roles (candidate, doctoral student, department contact, staff, admin) get the 403 of
``is_evaluator``, whether the assignment exists or not; a visitor is sent to sign in. An evaluator
reaches only their own assignments: another's, a declined or conflicted one, or a guessed id is a
missing page (404); before the declaration, only the conflict view (content, files, PDF, scoring: 404).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from applications.evaluation import services
from applications.evaluation.models import Assignment, ConflictDeclaration, Evaluation, EvaluatorProfile
from tests.applications.evaluator_world import make_world
from tests.applications.factories_evaluation import answers, staff_member
from tests.applications.screening_world import role_user

pytestmark = pytest.mark.django_db
MISSING = 999_999
EVALUATORS_ONLY = "Cette page est réservée aux évaluateur·rice·s."
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def world(db):
    return make_world()


def get_urls(assignment_pk: int, file_pk: int) -> list[str]:
    return [
        reverse("applications:evaluator_assignment", args=[assignment_pk]),
        reverse("applications:evaluator_file", args=[assignment_pk, file_pk]),
        reverse("applications:evaluator_pdf", args=[assignment_pk]),
    ]


def post_urls(assignment_pk: int) -> list[str]:
    return [
        reverse(f"applications:evaluator_{name}", args=[assignment_pk])
        for name in ("declare", "autosave", "submit", "decline")
    ]


def project_pk(assignment: Assignment) -> int:
    return assignment.dossier.files.get(kind="project", is_current=True).pk


def every_assignment_url(world) -> tuple[list[str], list[str]]:
    """GET and POST URLs of every assignment of the world, and of guessed ids."""
    gets, posts = [], []
    for name in ("assigned", "accepted", "submitted", "conflict", "declined", "foreign"):
        assignment = world[name]
        gets += get_urls(assignment.pk, project_pk(assignment))
        posts += post_urls(assignment.pk)
    gets += [*get_urls(MISSING, MISSING), reverse("applications:evaluator_file", args=[world["accepted"].pk, MISSING])]
    posts += post_urls(MISSING)
    return gets, posts


def full_post(world) -> dict:
    return {"version": "0", **answers(world["call"], [4, 3]), "choice": "none", "signed": "on", "reason": "Non."}


def snapshot():
    return (
        sorted(Assignment.objects.values_list("pk", "status")),
        ConflictDeclaration.objects.count(),
        sorted(Evaluation.objects.values_list("pk", "status", "version")),
    )


@pytest.fixture
def others(world):
    return {
        "candidate": world["accepted"].dossier.candidate,
        "doctoral_student": role_user("doctoral_student"),
        "department": role_user("department"),
        "staff": role_user("staff"),
        "admin": role_user("admin"),
    }


# --- Visitors and other roles ------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_everywhere(world, client):
    gets, posts = every_assignment_url(world)
    before = snapshot()
    home = [reverse("applications:evaluator_home"), reverse("applications:evaluator_profile")]
    for url in [*home, *gets]:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login")), url
    for url in posts:
        response = client.post(url, full_post(world))
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login")), url
    assert snapshot() == before


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "department", "staff", "admin"])
def test_other_roles_are_refused_every_evaluator_page_alike(role, world, others, client_for):
    client = client_for(others[role])
    gets, posts = every_assignment_url(world)
    before = snapshot()
    answers_ = {}
    for url in [reverse("applications:evaluator_home"), reverse("applications:evaluator_profile"), *gets]:
        response = client.get(url)
        answers_[url] = (response.status_code, response.context["reason"])
    for url in [reverse("applications:evaluator_profile"), *posts]:
        response = client.post(url, full_post(world))
        answers_[f"POST {url}"] = (response.status_code, response.context["reason"])
    assert answers_ == dict.fromkeys(answers_, (403, EVALUATORS_ONLY))
    assert snapshot() == before


# --- Evaluators --------------------------------------------------------------------------------------------


def test_another_evaluator_gets_404_on_every_assignment_not_theirs(world, client_for):
    client = client_for(world["other_evaluator"])
    assert client.get(reverse("applications:evaluator_home")).status_code == 200
    assert client.get(reverse("applications:evaluator_profile")).status_code == 200
    before = snapshot()
    answers_ = {}
    for name in ("assigned", "accepted", "submitted", "conflict", "declined"):
        assignment = world[name]
        for url in get_urls(assignment.pk, project_pk(assignment)):
            answers_[url] = client.get(url).status_code
        for url in post_urls(assignment.pk):
            answers_[f"POST {url}"] = client.post(url, full_post(world), **JSON).status_code
    for url in get_urls(MISSING, MISSING):
        answers_[url] = client.get(url).status_code
    for url in post_urls(MISSING):
        answers_[f"POST {url}"] = client.post(url, full_post(world)).status_code
    assert answers_ == dict.fromkeys(answers_, 404)
    assert snapshot() == before
    # Their own assignment opens.
    assert client.get(reverse("applications:evaluator_assignment", args=[world["foreign"].pk])).status_code == 200


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("assigned", {"page": 200, "file": 404, "pdf": 404, "autosave": 404, "submit": 404}),
        ("accepted", {"page": 200, "file": 200, "pdf": 200, "autosave": 200, "submit": 302}),
        ("submitted", {"page": 200, "file": 200, "pdf": 200, "autosave": 409, "submit": 400}),
        ("conflict", {"page": 404, "file": 404, "pdf": 404, "autosave": 404, "submit": 404}),
        ("declined", {"page": 404, "file": 404, "pdf": 404, "autosave": 404, "submit": 404}),
    ],
)
def test_the_evaluator_reaches_what_the_stage_of_the_assignment_allows(world, client_for, stage, expected):
    client = client_for(world["evaluator"])
    assignment = world[stage]
    version = getattr(getattr(assignment, "evaluation", None), "version", 0)
    data = {**answers(world["call"], [4, 3]), "version": str(version)}
    file_url = reverse("applications:evaluator_file", args=[assignment.pk, project_pk(assignment)])
    got = {
        "page": client.get(reverse("applications:evaluator_assignment", args=[assignment.pk])).status_code,
        "file": client.get(file_url).status_code,
        "pdf": client.get(reverse("applications:evaluator_pdf", args=[assignment.pk])).status_code,
    }
    saved = client.post(reverse("applications:evaluator_autosave", args=[assignment.pk]), data, **JSON)
    got["autosave"] = saved.status_code
    if saved.status_code == 200:
        data["version"] = str(saved.json()["version"])
    got["submit"] = client.post(reverse("applications:evaluator_submit", args=[assignment.pk]), data).status_code
    assert got == expected


@pytest.mark.parametrize("stage", ["conflict", "declined"])
def test_no_declaration_or_decline_on_a_closed_assignment(world, client_for, stage):
    client = client_for(world["evaluator"])
    before = snapshot()
    for url in post_urls(world[stage].pk):
        assert client.post(url, full_post(world)).status_code == 404, url
    assert snapshot() == before


def test_guessed_ids_are_missing_pages_for_the_evaluator(world, client_for):
    client = client_for(world["evaluator"])
    missing_file = reverse("applications:evaluator_file", args=[world["accepted"].pk, MISSING])
    for url in [*get_urls(MISSING, MISSING), missing_file]:
        assert client.get(url).status_code == 404, url
    for url in post_urls(MISSING):
        assert client.post(url, full_post(world)).status_code == 404, url


def test_post_only_urls_refuse_a_get(world, client_for):
    client = client_for(world["evaluator"])
    for url in post_urls(world["accepted"].pk):
        assert client.get(url).status_code == 405, url


# --- The invitation, end to end ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # allauth announces the new device on commit, as in production
def test_an_invited_expert_sets_a_password_then_totp_then_fills_the_profile(client):
    from accounts.demo import current_totp_code

    strong = "Un-mot-de-passe-solide-42"
    staff = staff_member()
    user, created = services.invite_evaluator("claire.fontaine@ehess.fr", "Claire Fontaine", staff)
    assert created is True
    [message] = [m for m in mail.outbox if m.to == ["claire.fontaine@ehess.fr"]]
    link = re.search(r"https?://[^/\s]+(/\S*compte/password/reset/key/\S+)", message.body).group(1)
    # The link: choose a password.
    response = client.get(link)
    assert response.status_code == 302
    response = client.post(response["Location"], {"password1": strong, "password2": strong})
    assert response.status_code == 302
    # Sign in: every evaluator page sends the expert to set up TOTP first.
    response = client.post("/compte/login/", {"login": "claire.fontaine@ehess.fr", "password": strong})
    assert response.status_code == 302
    for name in ("applications:evaluator_home", "applications:evaluator_profile"):
        response = client.get(reverse(name))
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), name
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    # Then the home asks for the profile, and the profile page saves it.
    home = client.get(reverse("applications:evaluator_home"))
    assert home.status_code == 200
    assert reverse("applications:evaluator_profile") in home.content.decode()
    assert 'id="profile-incomplete"' in home.content.decode()
    response = client.post(
        reverse("applications:evaluator_profile"),
        {
            "affiliation": "EHESS",
            "lab_unit_code": "UMR 8097",
            "email_domain": "ehess.fr",
            "disciplines": "Géographie",
            "keywords": "climat",
            "languages": ["fr"],
            "capacity": "4",
        },
    )
    assert (response.status_code, response["Location"]) == (302, reverse("applications:evaluator_home"))
    profile = EvaluatorProfile.objects.get(user=user)
    assert (profile.affiliation, profile.capacity, profile.invited_by) == ("EHESS", 4, staff)
    assert 'id="profile-incomplete"' not in client.get(reverse("applications:evaluator_home")).content.decode()
