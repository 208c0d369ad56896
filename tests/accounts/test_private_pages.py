"""Private pages and files are never stored by a cache; the language cookie is as safe as the session's."""

import datetime as dt
import secrets

import pytest
from django.urls import reverse

from conventions import services
from conventions.models import Amendment
from tests.conventions.factories import ConventionFactory
from tests.conventions.pdfs import pdf_upload
from tests.events.factories import EventFactory
from tests.test_infra_deploy import _manage

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"
ROLES = ["candidate", "doctoral_student", "evaluator", "staff", "admin_user"]


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_to_a_signed_in_user_is_private(role, request, client_for):
    client = client_for(request.getfixturevalue(role))
    for url in ("/espace/preferences/", "/espace/", "/", "/evenements/", "/compte/2fa/", "/conventions/"):
        assert (url, client.get(url)["Cache-Control"]) == (url, PRIVATE)


def test_a_visitor_keeps_the_public_pages_cacheable(client):
    EventFactory(title_fr="Séminaire")
    for url in ("/", "/evenements/", "/en/", "/actualites/rss.xml", "/robots.txt", "/healthz"):
        response = client.get(url)
        assert (url, response.status_code, response.has_header("Cache-Control")) == (url, 200, False)
    # Sign-in screens and refusals of private pages are not public pages.
    for url in ("/compte/login/", "/compte/signup/", "/espace/", "/conventions/1/", "/admin/"):
        assert (url, client.get(url)["Cache-Control"]) == (url, PRIVATE)


def test_static_files_keep_their_own_caching(client_for, staff, settings):
    settings.WHITENOISE_USE_FINDERS = True  # WhiteNoise serves the source folders, as runserver does
    response = client_for(staff).get("/static/css/cifre.css")
    assert response.status_code == 200
    assert response["Cache-Control"] != PRIVATE
    assert "public" in response["Cache-Control"]


def test_file_downloads_are_private(doctoral_student, staff, client_for):
    convention = ConventionFactory(doctoral_student=doctoral_student)
    enrolment = convention.obligations.get(key="enrolment:2025")
    document = services.add_document(enrolment, pdf_upload(), doctoral_student, received_on=None, confirm=False)
    amendment = services.add_amendment(
        convention, Amendment(kind="other", date=dt.date(2026, 1, 5), file=pdf_upload("avenant.pdf")), {}, None
    )
    event = EventFactory(title_fr="Séminaire")
    downloads = {
        doctoral_student: [reverse("conventions:document_download", args=[document.pk])],
        staff: [
            reverse("conventions:document_download", args=[document.pk]),
            reverse("conventions:amendment_download", args=[convention.pk, amendment.pk]),
            reverse("conventions:export", args=["csv"]),
            reverse("conventions:export", args=["xlsx"]),
            f"/gestion/site/inscriptions/{event.pk}/export.csv",
        ],
    }
    for user, urls in downloads.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert (url, response.status_code, response["Cache-Control"]) == (url, 200, PRIVATE)


def test_language_cookie_is_lax(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert (cookie.value, cookie["samesite"]) == ("en", "Lax")


def _setting(name: str, **env: str) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="cifre.example.org",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_language_cookie_is_secure_when_the_session_cookie_is():
    assert _setting("LANGUAGE_COOKIE_SECURE", DEBUG="false") == "True"
    assert _setting("LANGUAGE_COOKIE_SECURE", DEBUG="false", SESSION_COOKIE_SECURE="false") == "False"
    assert _setting("LANGUAGE_COOKIE_SECURE", DEBUG="true") == "False"
    assert _setting("LANGUAGE_COOKIE_SAMESITE", DEBUG="false") == "Lax"
