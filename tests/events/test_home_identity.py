"""The programme's identity (issue 12, item 3): the home page at a glance, the mark, favicon and font.

The home page shows its hero (with its illustration), the open call, the next events, the latest news
and the doctoral students who consented (thesis subject, host department), with a fixed number of
queries; base.html loads nothing from another site; the mark, the favicons and the font are served
from /static/ by the application itself.
"""

from __future__ import annotations

import re
import urllib.request
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.applications.factories import CallFactory
from tests.factories import sign_in

from .factories import EventFactory, NewsItemFactory, PageFactory, PersonFactory

pytestmark = pytest.mark.django_db

ASSETS = (
    "img/cifre-mark.svg",
    "img/cifre-wordmark.svg",
    "img/favicon.svg",
    "img/favicon.ico",
    "img/apple-touch-icon.png",
    "img/home-hero.svg",
    "fonts/inter/inter-latin-wght-normal.woff2",
    "fonts/inter/inter-latin-ext-wght-normal.woff2",
    "fonts/inter/inter-latin-wght-italic.woff2",
    "fonts/inter/LICENSE.txt",
)


class _Resources(HTMLParser):
    """Every address the browser loads by itself: <link href>, <script src>, <img src/srcset>."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link" and values.get("href") and values.get("rel") not in ("canonical", "alternate"):
            self.urls.append((tag, values["href"]))
        if tag == "script" and values.get("src"):
            self.urls.append((tag, values["src"]))
        if tag == "img":
            self.urls += [(tag, values[key]) for key in ("src",) if values.get(key)]
            self.urls += [(tag, part.split()[0]) for part in (values.get("srcset") or "").split(",") if part.strip()]


def resources(html: str) -> list[tuple[str, str]]:
    parser = _Resources()
    parser.feed(html)
    return parser.urls


def _world(students: int):
    PageFactory(slug="programme", title_fr="Les doctorant·e·s CIFRE de la Ville de Paris", summary_fr="")
    CallFactory(year=2027)
    for n in range(3):
        EventFactory(title_fr=f"Séminaire de recherche {n}")
        NewsItemFactory(title_fr=f"Nouvelle du programme {n}")
    for n in range(students):
        PersonFactory(
            first_name=f"Doctorante{n}",
            thesis_title_fr=f"Thèse numéro {n} sur la ville",
            host_department=f"Direction numéro {n}",
            lab="LIED, Université Paris Cité",
        )
    PersonFactory(first_name="Secrète", consent=False, host_department="Direction cachée")


def test_home_shows_each_block():
    _world(students=2)
    body = Client().get("/").content.decode()
    assert 'class="home-hero' in body and "/static/img/home-hero.svg" in body
    assert "Appel à candidatures 2027" in body
    assert 'id="call-banner-title"' in body
    assert "Séminaire de recherche 0" in body
    assert "Nouvelle du programme 0" in body
    for n in range(2):
        assert f"Doctorante{n}" in body
        assert f"Thèse numéro {n} sur la ville" in body
        assert f"Direction numéro {n}" in body
    assert "Sujet de thèse" in body and "Direction d'accueil" in body
    assert "Secrète" not in body and "Direction cachée" not in body  # no consent, not shown


def test_home_without_open_call_has_no_call_block():
    _world(students=1)
    from applications.models import Call

    Call.objects.all().delete()
    body = Client().get("/").content.decode()
    assert 'id="call-banner-title"' not in body
    assert "Doctorante0" in body


def _count(client) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_home_makes_the_same_number_of_queries_for_2_and_10_students():
    _world(students=2)
    few = _count(Client())
    for n in range(2, 10):
        PersonFactory(first_name=f"Autre{n}", host_department="Direction", thesis_title_fr="Thèse")
    assert _count(Client()) == few


def test_base_loads_nothing_from_another_site():
    _world(students=1)
    from tests.applications.screening_world import role_user

    pages = [Client().get("/").content.decode(), Client().get("/en/").content.decode()]
    staff = Client()
    sign_in(staff, role_user("staff"))
    pages.append(staff.get("/conventions/").content.decode())
    for html in pages:
        found = resources(html)
        assert any(url.endswith("favicon.svg") for _tag, url in found)
        assert any(url.endswith("cifre-mark.svg") for _tag, url in found)
        outside = [(tag, url) for tag, url in found if not url.startswith("/") or url.startswith("//")]
        assert outside == []


def test_base_template_source_has_no_external_address():
    path = finders.find("css/cifre.css")  # the repository's static folder
    template = path.rsplit("/static/", 1)[0] + "/templates/base.html"
    with open(template, encoding="utf-8") as file:
        source = file.read()
    for tag in re.findall(r"<(?:link|script|img)\b[^>]*>", source):
        assert not re.search(r"""(?:href|src)=["'](?:https?:)?//""", tag), tag


def test_font_face_is_local_and_swaps():
    with open(finders.find("css/cifre.css"), encoding="utf-8") as file:
        css = file.read()
    faces = re.findall(r"@font-face\s*{[^}]*}", css)
    assert len(faces) >= 2
    for face in faces:
        assert "font-display: swap" in face
        assert re.search(r'url\("\.\./fonts/inter/[a-z-]+\.woff2"\)', face), face
        assert "http" not in face
    with open(finders.find("fonts/inter/LICENSE.txt"), encoding="utf-8") as file:
        assert "Open Font License" in file.read()


@pytest.mark.django_db(transaction=True)
def test_mark_favicons_and_font_are_served(live_server):
    for asset in ASSETS:
        assert finders.find(asset), asset
        with urllib.request.urlopen(f"{live_server.url}/static/{asset}") as response:  # noqa: S310 (our server)
            assert response.status == 200
            assert response.read(), asset
