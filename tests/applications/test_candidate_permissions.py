"""Every candidate URL for every role: the visitor is sent to sign in (and back), another candidate's
dossier answers exactly like a dossier that does not exist, the other roles are refused with the
reason, and nothing is changed by a refused request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Dossier, DossierEvent, DossierFile
from tests.applications.candidate_pages import (
    DOCTORAL_STUDENT_MAY_NOT_APPLY,
    OWN_ONLY_EDIT,
    OWN_ONLY_VIEW,
    STEP_KEYS,
    TEAM_MAY_NOT_APPLY,
    role_user,
)
from tests.applications.factories import DossierFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MISSING = 999_999


def dossier_urls(dossier_pk: int, file_pk: int) -> list[tuple[str, str, str]]:
    """``(method, url, reason)`` of every page of one dossier, with the refusal a stranger gets."""
    urls = [("get", reverse("applications:dossier", args=[dossier_pk]), OWN_ONLY_VIEW)]
    for key in STEP_KEYS:
        urls.append(("get", reverse("applications:step", args=[dossier_pk, key]), OWN_ONLY_EDIT))
        urls.append(("post", reverse("applications:step", args=[dossier_pk, key]), OWN_ONLY_EDIT))
    for key in STEP_KEYS[:-1]:
        urls.append(("post", reverse("applications:autosave", args=[dossier_pk, key]), OWN_ONLY_EDIT))
    urls += [
        ("post", reverse("applications:upload", args=[dossier_pk, "cv"]), OWN_ONLY_EDIT),
        ("get", reverse("applications:file_download", args=[dossier_pk, file_pk]), OWN_ONLY_VIEW),
        ("post", reverse("applications:file_delete", args=[dossier_pk, file_pk]), OWN_ONLY_EDIT),
        ("get", reverse("applications:review", args=[dossier_pk]), OWN_ONLY_VIEW),
        ("post", reverse("applications:submit", args=[dossier_pk]), OWN_ONLY_EDIT),
        ("get", reverse("applications:receipt", args=[dossier_pk, 1]), OWN_ONLY_VIEW),
        ("post", reverse("applications:answer", args=[dossier_pk]), OWN_ONLY_EDIT),
        ("get", reverse("applications:withdraw", args=[dossier_pk]), OWN_ONLY_EDIT),
        ("post", reverse("applications:withdraw", args=[dossier_pk]), OWN_ONLY_EDIT),
    ]
    return urls


@pytest.fixture
def mine(candidate):
    dossier = DossierFactory(candidate=candidate, filled=True)
    return dossier


def state(dossier: Dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.step_versions,
        dossier.summary,
        sorted(dossier.files.values_list("pk", "is_current")),
        dossier.events.count(),
    )


def test_the_visitor_is_sent_to_sign_in_and_back(mine, client):
    urls = [
        ("get", reverse("applications:my_dossiers")),
        ("get", reverse("applications:start", args=[mine.call.pk])),
        ("post", reverse("applications:start", args=[mine.call.pk])),
        ("get", reverse("applications:my_data_json")),
        ("get", reverse("applications:my_data_zip")),
        *((method, url) for method, url, _reason in dossier_urls(mine.pk, mine.files.first().pk)),
        *((method, url) for method, url, _reason in dossier_urls(MISSING, MISSING)),
    ]
    before = state(mine)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert (method, url, response.status_code, response["Location"]) == (
            method,
            url,
            302,
            f"/compte/login/?next={url}",
        )
    assert state(mine) == before


def test_another_candidates_dossier_answers_like_a_missing_one(mine, client_for):
    stranger = client_for(UserFactory(role="candidate"))
    before = state(mine)
    theirs = dossier_urls(mine.pk, mine.files.first().pk)
    missing = dossier_urls(MISSING, MISSING)
    for (method, url, reason), (_m, missing_url, _r) in zip(theirs, missing, strict=True):
        response = getattr(stranger, method)(url)
        answer_for_missing = getattr(stranger, method)(missing_url)
        assert (url, response.status_code, response.context["reason"]) == (url, 403, reason)
        assert (answer_for_missing.status_code, answer_for_missing.context["reason"]) == (403, reason)
        # Nothing in the page tells the two apart (the tokens of the sign-out form aside).
        assert response.templates[0].name == answer_for_missing.templates[0].name == "403.html"
    assert state(mine) == before
    assert Dossier.objects.count() == 1


def test_a_file_of_another_dossier_is_not_reached_through_ones_own(mine, client_for):
    other = DossierFactory(filled=True)
    client = client_for(mine.candidate)
    their_file = other.files.first()
    response = client.get(reverse("applications:file_download", args=[mine.pk, their_file.pk]))
    assert response.status_code == 404
    response = client.post(reverse("applications:file_delete", args=[mine.pk, their_file.pk]))
    assert response.status_code == 404
    assert DossierFile.objects.filter(pk=their_file.pk).exists()


@pytest.mark.parametrize("role", ["staff", "admin", "evaluator", "department", "doctoral_student"])
def test_other_roles_reach_no_candidate_page(role, mine, client_for):
    client = client_for(role_user(role))
    reason = DOCTORAL_STUDENT_MAY_NOT_APPLY if role == "doctoral_student" else TEAM_MAY_NOT_APPLY
    for method, url in [
        ("get", reverse("applications:my_dossiers")),
        ("get", reverse("applications:start", args=[mine.call.pk])),
        ("post", reverse("applications:start", args=[mine.call.pk])),
    ]:
        response = getattr(client, method)(url)
        assert (url, response.status_code, response.context["reason"]) == (url, 403, reason)
    before = state(mine)
    for method, url, reason in dossier_urls(mine.pk, mine.files.first().pk):
        response = getattr(client, method)(url)
        assert (url, response.status_code, response.context["reason"]) == (url, 403, reason)
    assert state(mine) == before
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("role", ["staff", "admin", "evaluator", "department", "doctoral_student"])
def test_every_account_may_download_its_own_data_and_gets_nothing_of_others(role, mine, client_for):
    client = client_for(role_user(role))
    response = client.get(reverse("applications:my_data_json"))
    assert (response.status_code, response.json()["dossiers"]) == (200, [])
    assert client.get(reverse("applications:my_data_zip")).status_code == 200


def test_the_candidate_reaches_every_page_of_their_dossier(mine, client_for):
    client = client_for(mine.candidate)
    pages = [reverse("applications:my_dossiers"), reverse("applications:dossier", args=[mine.pk])]
    pages += [reverse("applications:step", args=[mine.pk, key]) for key in STEP_KEYS]
    pages += [
        reverse("applications:review", args=[mine.pk]),
        reverse("applications:file_download", args=[mine.pk, mine.files.first().pk]),
        reverse("applications:my_data_json"),
        reverse("applications:my_data_zip"),
    ]
    assert {url: client.get(url).status_code for url in pages} == dict.fromkeys(pages, 200)
    # The start page of a call they already started leads to their dossier.
    response = client.get(reverse("applications:start", args=[mine.call.pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("applications:review", args=[mine.pk]))


def test_guessed_urls_of_ones_own_dossier_are_404(mine, client_for):
    client = client_for(mine.candidate)
    assert client.get(reverse("applications:step", args=[mine.pk, "passwords"])).status_code == 404
    assert client.post(reverse("applications:autosave", args=[mine.pk, "documents"])).status_code == 404
    assert client.post(reverse("applications:upload", args=[mine.pk, "photo"])).status_code == 404
    assert client.get(reverse("applications:receipt", args=[mine.pk, 7])).status_code == 404
    assert client.get(reverse("applications:start", args=[MISSING])).status_code == 404
    assert DossierEvent.objects.filter(dossier=mine).count() == 0
