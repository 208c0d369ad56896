"""Every staff and department URL for every role, guessed URLs included.

Roles: visitor, candidate (the dossier's own), doctoral student, evaluator, department contact of
another theme, department contact of this theme, staff, admin. A refused user gets the same answer
whether the object exists or not (accounts.permissions); staff learn that a guessed id is missing (404).
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Rendition
from tests.applications.screening_world import DEPARTMENT_ONLY, STAFF_ONLY, make_world, role_user
from tests.conventions.pdfs import pdf_bytes

pytestmark = pytest.mark.django_db
MISSING = 999_999


@pytest.fixture
def world(db):
    world = make_world()
    dossier = world["dossier"]
    rendition = Rendition(dossier=dossier, kind=Rendition.Kind.DOSSIER, version=dossier.version, sha256="x")
    rendition.file.save("r.pdf", ContentFile(pdf_bytes()), save=True)
    return world


def staff_get_urls(w) -> list[str]:
    call, theme, dossier = w["call"], w["theme"], w["dossier"]
    cv = dossier.files.get(kind="cv")
    return [
        reverse("applications:staff_calls"),
        reverse("applications:staff_call_create"),
        reverse("applications:staff_call", args=[call.pk]),
        reverse("applications:staff_call_edit", args=[call.pk]),
        reverse("applications:staff_theme_create", args=[call.pk]),
        reverse("applications:staff_theme_edit", args=[call.pk, theme.pk]),
        reverse("applications:staff_theme_delete", args=[call.pk, theme.pk]),
        reverse("applications:staff_grid", args=[call.pk]),
        reverse("applications:staff_dossiers", args=[call.pk]),
        reverse("applications:staff_dossier_export", args=[call.pk, "csv"]),
        reverse("applications:staff_dossier_export", args=[call.pk, "xlsx"]),
        reverse("applications:staff_dossier", args=[dossier.pk]),
        reverse("applications:staff_dossier_file", args=[dossier.pk, cv.pk]),
        reverse("applications:staff_dossier_pdf", args=[dossier.pk]),
    ]


def staff_post_urls(w) -> list[str]:
    dossier = w["dossier"]
    return [
        reverse(f"applications:staff_dossier_{name}", args=[dossier.pk])
        for name in ("complete", "request", "eligibility", "override")
    ]


def guessed_staff_urls(w) -> list[str]:
    call, dossier, draft, other = w["call"], w["dossier"], w["draft"], w["other"]
    return [
        reverse("applications:staff_call", args=[MISSING]),
        reverse("applications:staff_call_edit", args=[MISSING]),
        reverse("applications:staff_theme_create", args=[MISSING]),
        reverse("applications:staff_theme_edit", args=[call.pk, MISSING]),
        reverse("applications:staff_theme_delete", args=[MISSING, w["theme"].pk]),
        reverse("applications:staff_grid", args=[MISSING]),
        reverse("applications:staff_dossiers", args=[MISSING]),
        reverse("applications:staff_dossier_export", args=[MISSING, "csv"]),
        reverse("applications:staff_dossier", args=[MISSING]),
        reverse("applications:staff_dossier", args=[draft.pk]),
        reverse("applications:staff_dossier_file", args=[dossier.pk, MISSING]),
        reverse("applications:staff_dossier_file", args=[dossier.pk, other.files.first().pk]),
        reverse("applications:staff_dossier_pdf", args=[MISSING]),
        reverse("applications:staff_dossier_pdf", args=[other.pk]),
    ]


def department_urls(w, dossier) -> list[str]:
    return [
        reverse("applications:department_dossier", args=[dossier.pk]),
        reverse("applications:department_dossier_file", args=[dossier.pk, dossier.files.get(kind="cv").pk]),
        reverse("applications:department_dossier_pdf", args=[dossier.pk]),
    ]


@pytest.fixture
def users(world):
    return {
        "candidate": world["dossier"].candidate,
        "doctoral_student": role_user("doctoral_student"),
        "evaluator": role_user("evaluator"),
        "other_reader": world["other_reader"],
        "reader": world["reader"],
        "staff": role_user("staff"),
        "admin": role_user("admin"),
    }


# --- Staff screens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admin_reach_every_staff_page(role, world, users, client_for):
    client = client_for(users[role])
    urls = staff_get_urls(world)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_get_404_on_guessed_urls(role, world, users, client_for):
    client = client_for(users[role])
    urls = guessed_staff_urls(world)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    export = reverse("applications:staff_dossier_export", args=[world["call"].pk, "pdf"])
    assert client.get(export).status_code == 404


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator", "other_reader", "reader"])
def test_other_roles_are_refused_every_staff_page_alike(role, world, users, client_for):
    client = client_for(users[role])
    answers = {}
    for url in [*staff_get_urls(world), *guessed_staff_urls(world)]:
        response = client.get(url)
        answers[url] = (response.status_code, response.context["reason"])
    for url in staff_post_urls(world):
        response = client.post(url, {"eligibility-eligible": "true"})
        answers[url] = (response.status_code, response.context["reason"])
    assert answers == dict.fromkeys(answers, (403, STAFF_ONLY))
    world["dossier"].refresh_from_db()
    assert (world["dossier"].status, world["dossier"].events.count()) == ("submitted", 1)


def test_a_visitor_is_sent_to_sign_in_from_every_page(world, client):
    urls = [
        *staff_get_urls(world),
        *guessed_staff_urls(world),
        reverse("applications:department_dossiers"),
        *department_urls(world, world["dossier"]),
    ]
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login")), url
    for url in staff_post_urls(world):
        assert client.post(url).status_code == 302
    assert world["dossier"].events.count() == 1


# --- Department contacts ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator"])
def test_department_pages_are_refused_to_other_roles_alike(role, world, users, client_for):
    client = client_for(users[role])
    urls = [
        reverse("applications:department_dossiers"),
        *department_urls(world, world["dossier"]),
        reverse("applications:department_dossier", args=[MISSING]),
    ]
    answers = {url: (r.status_code, r.context["reason"]) for url in urls for r in [client.get(url)]}
    assert answers == dict.fromkeys(urls, (403, DEPARTMENT_ONLY))


def test_a_reader_reads_their_themes_dossiers(world, users, client_for):
    client = client_for(users["reader"])
    urls = [reverse("applications:department_dossiers"), *department_urls(world, world["dossier"])]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_a_reader_of_another_theme_gets_404_like_a_missing_dossier(world, users, client_for):
    client = client_for(users["other_reader"])
    dossier = world["dossier"]
    urls = [
        *department_urls(world, dossier),
        reverse("applications:department_dossier", args=[MISSING]),
        reverse("applications:department_dossier", args=[world["draft"].pk]),
        reverse("applications:department_dossier_file", args=[world["other"].pk, dossier.files.first().pk]),
    ]
    responses = {url: client.get(url) for url in urls}
    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(urls, 404)
    assert dossier.number.encode() not in b"".join(r.content for r in responses.values())


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_may_open_the_department_pages(role, world, users, client_for):
    client = client_for(users[role])
    urls = [
        reverse("applications:department_dossiers"),
        *department_urls(world, world["dossier"]),
        reverse("applications:department_dossier", args=[world["other"].pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_a_department_contact_without_second_factor_is_sent_to_set_it_up(world, client_for):
    from tests.factories import UserFactory

    contact = UserFactory(role="department")
    world["theme"].readers.add(contact)
    response = client_for(contact).get(reverse("applications:department_dossiers"))
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp"))
