"""A user who may not see an object gets the same answer whether it exists or not.

Every URL of ``conventions`` whose permission depends on the object (``require(check, get_object)``),
for a visitor, a candidate, a doctoral student (someone else's object) and an evaluator: an
existing id and a missing one give the same status, redirect and reason. Staff, who may see
every id, get 404 for a missing one.
"""

import pytest
from django.urls import reverse

from conventions import services
from tests.conventions.factories import ConventionFactory
from tests.conventions.pdfs import pdf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MISSING = 987_654

# (URL name, which object its id names)
OBJECT_URLS = [
    ("conventions:detail", "convention"),
    ("conventions:edit", "convention"),
    ("conventions:history", "convention"),
    ("conventions:suspension_add", "convention"),
    ("conventions:terminate", "convention"),
    ("conventions:amendment_add", "convention"),
    ("conventions:document_upload", "obligation"),
    ("conventions:document_confirm", "document"),
    ("conventions:document_download", "document"),
]


@pytest.fixture
def others():
    """Objects of someone else's convention."""
    convention = ConventionFactory()
    obligation = convention.obligations.get(key="enrolment:2025")
    document = services.add_document(
        obligation, pdf_upload(), convention.doctoral_student, received_on=None, confirm=False
    )
    return {"convention": convention, "obligation": obligation, "document": document}


def _answer(response, url: str) -> tuple:
    """Status, redirect (the requested URL in it written ``<url>``) and the reason shown."""
    reason = response.context["reason"] if response.status_code == 403 else None
    location = response.headers.get("Location")
    return (response.status_code, location and location.replace(url, "<url>"), reason)


def _object_loader(view):
    """The ``get_object`` given to ``require`` around ``view``, if any (read from its closure)."""
    while getattr(view, "__code__", None) is not None:
        cells = dict(zip(view.__code__.co_freevars, view.__closure__ or (), strict=True))
        if "get_object" in cells and "check" in cells:
            return cells["get_object"].cell_contents
        view = getattr(view, "__wrapped__", None)
    return None


def _all_url_patterns(resolver, namespace=""):
    from django.urls import URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _all_url_patterns(pattern, inner)
        else:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_these_are_all_the_urls_checked_on_an_object():
    """In the apps of conventions and money, e-mails, the site and accounts (not ``applications``)."""
    from django.urls import get_resolver

    apps = ("conventions:", "subsidies:", "notifications:", "events:", "events_staff:", "accounts:")
    names = {
        name
        for name, view in _all_url_patterns(get_resolver())
        if name.startswith(apps) and _object_loader(view) is not None
    }
    assert names == {name for name, _kind in OBJECT_URLS}


@pytest.mark.parametrize("role", [None, "candidate", "doctoral_student", "evaluator"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_existing_and_missing_ids_get_the_same_answer(role, method, others, client_for):
    client = client_for(UserFactory(role=role, second_factor=role == "evaluator") if role else None)
    if role == "doctoral_student":
        # A doctoral student with a convention of their own, asking for someone else's.
        ConventionFactory(doctoral_student=UserFactory(role="doctoral_student"))
    for name, kind in OBJECT_URLS:
        existing_url, missing_url = reverse(name, args=[others[kind].pk]), reverse(name, args=[MISSING])
        existing = getattr(client, method)(existing_url)
        missing = getattr(client, method)(missing_url)
        assert (name, _answer(missing, missing_url)) == (name, _answer(existing, existing_url))
        assert existing.status_code == (302 if role is None else 403), name


def test_visitor_is_sent_to_login_for_any_id(others, client):
    for name, kind in OBJECT_URLS:
        for pk in (others[kind].pk, MISSING):
            url = reverse(name, args=[pk])
            response = client.get(url)
            assert (response.status_code, response["Location"]) == (302, f"/compte/login/?next={url}")


def test_doctoral_student_gets_the_reason_for_another_or_a_missing_object(others, client_for):
    student = UserFactory(role="doctoral_student")
    ConventionFactory(doctoral_student=student)
    client = client_for(student)
    expected = {
        "conventions:detail": "Vous ne pouvez consulter que votre propre convention.",
        "conventions:document_upload": "Vous ne pouvez déposer des documents que pour votre propre convention.",
        "conventions:document_download": "Vous ne pouvez télécharger que les documents de votre propre convention.",
    }
    for name, reason in expected.items():
        kind = dict(OBJECT_URLS)[name]
        for pk in (others[kind].pk, MISSING):
            response = client.get(reverse(name, args=[pk]))
            assert (name, response.status_code, response.context["reason"]) == (name, 403, reason)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_get_404_for_a_missing_id(role, others, client_for):
    client = client_for(UserFactory(role=role, second_factor=True))
    answers = {name: client.get(reverse(name, args=[MISSING])).status_code for name, _kind in OBJECT_URLS}
    assert answers == dict.fromkeys(answers, 404)
    found = {name: client.get(reverse(name, args=[others[kind].pk])).status_code for name, kind in OBJECT_URLS}
    assert found == dict.fromkeys(found, 200)
