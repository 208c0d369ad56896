"""Every committee URL for every role: only staff and admins; guessed ids are 404 for them, refusals
are alike for everybody else whether the object exists or not, and nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.evaluation.models import Committee, Decision, Letter
from applications.models import DossierEvent
from tests.applications.decisions_world import applied, make_world, role_users
from tests.applications.screening_world import STAFF_ONLY

pytestmark = pytest.mark.django_db
MISSING = 999_999


@pytest.fixture
def world(db):
    return applied(make_world())


@pytest.fixture
def users(world):
    return role_users(world)


def get_urls(w) -> list[str]:
    call, dossier = w["call"], w["dossiers"][0]
    letter = Letter.objects.filter(decision__dossier=dossier).get()
    return [
        reverse("applications:staff_committee", args=[call.pk]),
        reverse("applications:staff_decisions_apply", args=[call.pk]),
        reverse("applications:staff_outbox", args=[call.pk]),
        reverse("applications:staff_letter", args=[letter.pk]),
        reverse("applications:staff_letter_pdf", args=[letter.pk]),
        reverse("applications:staff_withdrawal", args=[dossier.pk]),
    ]


def post_urls(w, pk=None) -> list[str]:
    call, dossier = w["call"], w["dossiers"][0]
    letter = Letter.objects.filter(decision__dossier=dossier).get()
    call_pk, dossier_pk, letter_pk = (pk, pk, pk) if pk else (call.pk, dossier.pk, letter.pk)
    return [
        reverse("applications:staff_committee_create", args=[call_pk]),
        reverse("applications:staff_decisions_apply", args=[call_pk]),
        reverse("applications:staff_promote", args=[call_pk]),
        reverse("applications:staff_outbox", args=[call_pk]),
        reverse("applications:staff_letter", args=[letter_pk]),
        reverse("applications:staff_letter_hold", args=[letter_pk]),
        reverse("applications:staff_letter_release", args=[letter_pk]),
        reverse("applications:staff_decision_set", args=[dossier_pk]),
        reverse("applications:staff_decision_clear", args=[dossier_pk]),
        reverse("applications:staff_withdrawal", args=[dossier_pk]),
        reverse("applications:staff_handover", args=[dossier_pk]),
    ]


def guessed_get_urls(w) -> list[str]:
    draft_pk = w["draft"].pk
    return [
        reverse("applications:staff_committee", args=[MISSING]),
        reverse("applications:staff_decisions_apply", args=[MISSING]),
        reverse("applications:staff_outbox", args=[MISSING]),
        reverse("applications:staff_letter", args=[MISSING]),
        reverse("applications:staff_letter_pdf", args=[MISSING]),
        reverse("applications:staff_withdrawal", args=[MISSING]),
        reverse("applications:staff_withdrawal", args=[draft_pk]),
    ]


POST_DATA = {
    "committee-date": "2027-01-20",
    "committee-members_present": "Mme Martin",
    "send": "all",
    "subject": "Objet",
    "body": "Texte",
    "reason": "Par courriel.",
}


def state():
    return (
        Committee.objects.count(),
        sorted(Decision.objects.values_list("outcome", "status")),
        sorted(Letter.objects.values_list("status", "subject")),
        DossierEvent.objects.count(),
    )


@pytest.fixture
def with_draft(world):
    from tests.applications.factories import DossierFactory

    world["draft"] = DossierFactory(call=world["call"])
    return world


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_open_every_page(role, world, users, client_for):
    client = client_for(users[role])
    urls = get_urls(world)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_guessed_ids_are_404_for_staff(role, with_draft, users, client_for):
    client = client_for(users[role])
    before = state()
    answers = {url: client.get(url).status_code for url in guessed_get_urls(with_draft)}
    answers.update({url: client.post(url, POST_DATA).status_code for url in post_urls(with_draft, MISSING)})
    assert answers == dict.fromkeys(answers, 404)
    draft = with_draft["draft"].pk
    for name in ("staff_decision_set", "staff_handover", "staff_withdrawal"):
        assert client.post(reverse(f"applications:{name}", args=[draft]), POST_DATA).status_code == 404
    assert state() == before


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator", "department"])
def test_every_other_role_is_refused_alike_and_nothing_changes(role, with_draft, users, client_for):
    client = client_for(users[role])
    before = state()
    answers = {}
    for url in [*get_urls(with_draft), *guessed_get_urls(with_draft)]:
        response = client.get(url)
        answers[url] = (response.status_code, response.context["reason"])
    for url in [*post_urls(with_draft), *post_urls(with_draft, MISSING)]:
        response = client.post(url, POST_DATA)
        answers[url] = (response.status_code, response.context["reason"])
    assert answers == dict.fromkeys(answers, (403, STAFF_ONLY))
    assert state() == before


def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(with_draft, client):
    before = state()
    for url in [*get_urls(with_draft), *guessed_get_urls(with_draft)]:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login")), url
    for url in [*post_urls(with_draft), *post_urls(with_draft, MISSING)]:
        assert client.post(url, POST_DATA).status_code == 302, url
    assert state() == before


def test_the_post_only_urls_refuse_a_get(world, users, client_for):
    client = client_for(users["staff"])
    only_post = [
        url
        for url in post_urls(world)
        if not any(part in url for part in ("/comite/appliquer/", "/courriers/", "/retrait/"))
        or url.endswith(("/retenir/", "/liberer/"))
    ]
    assert {url: client.get(url).status_code for url in only_post} == dict.fromkeys(only_post, 405)
