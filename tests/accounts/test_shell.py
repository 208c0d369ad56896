"""The page shell: landmarks, language, navigation by role, footer, error pages, CSP."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.accounts.helpers import main_text

pytestmark = pytest.mark.django_db


def _nav_links(response) -> list[str]:
    body = response.content.decode()
    nav = body[body.find('<nav class="navbar') : body.find("</nav>")]
    return [" ".join(t.split()) for t in re.findall(r'class="(?:nav-link|dropdown-item)"[^>]*>([^<]+)<', nav)]


def test_shell_landmarks_and_assets(client):
    response = client.get("/compte/login/")
    body = response.content.decode()
    assert body.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert '<a class="skip-link visually-hidden-focusable" href="#contenu">Aller au contenu</a>' in body
    for landmark in ("<header", '<main id="contenu"', "<footer", 'aria-label="Navigation principale"'):
        assert body.count(landmark) == 1, landmark
    # Bootstrap from the Python package through our static files, never a CDN; no inline code.
    assert '<link rel="stylesheet" href="/static/vendor/bootstrap/css/bootstrap.min.css">' in body
    assert '<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js"></script>' in body
    assert re.findall(r'(?:src|href)="(https?:)?//', body) == []
    assert re.findall(r"<script>|<style>| style=\"", body) == []
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp


def test_static_bootstrap_is_served_from_the_package(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/bootstrap/css/bootstrap.min.css").endswith("css/bootstrap.min.css")
    assert finders.find("vendor/bootstrap/js/bootstrap.bundle.min.js") is not None
    assert finders.find("css/cifre.css") is not None


def test_footer_links_the_legal_pages(client):
    body = client.get("/").content.decode()
    footer = body[body.find("<footer") :]
    labels = re.findall(r'<a href="[^"]+">([^<]+)</a>', footer)
    assert labels == ["Mentions légales", "Données personnelles", "Accessibilité : partiellement conforme"]


def test_language_switch_and_english_urls(client):
    body = client.get("/compte/login/").content.decode()
    assert '<form action="/i18n/setlang/" method="post"' in body
    assert 'name="language" value="en"' in body
    assert 'name="next" type="hidden" value="/compte/login/"' in body
    english = client.get("/en/compte/login/")
    assert english.headers["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    assert 'name="language" value="fr"' in english.content.decode()
    with translation.override("en"):  # the programme's heading (issue 12), from the English catalogue
        assert main_text(english).startswith(gettext("Se connecter"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/compte/login/"})
    assert response["Location"] == "/en/compte/login/"


def test_navigation_by_role(client_for, candidate, doctoral_student, evaluator, staff, admin_user):
    assert "Se connecter" in _nav_links(client_for(None).get("/"))
    for user in (candidate, evaluator):
        links = _nav_links(client_for(user).get("/"))
        assert "Administration" not in links
        assert "Tableau de bord" not in links
        assert user.email in links
    assert "Administration" in _nav_links(client_for(admin_user).get("/"))
    staff_links = _nav_links(client_for(staff).get("/"))
    # Staff edit the site's content in the admin, within their group's permissions.
    assert "Administration" in staff_links
    assert "Inscriptions" in staff_links
    assert "Se connecter" not in staff_links


def test_404_page(client):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert main_text(response) == (
        "Page introuvable La page demandée n'existe pas ou a été déplacée. Retour à l'accueil"
    )
    english = client.get("/en/nexiste-pas/").content.decode()
    assert english.count('<html lang="en">') == 1
    assert english.count('<p><a href="/en/">') == 1


@pytest.mark.urls("tests.accounts.urls_errors")
def test_500_page_needs_no_database_or_context():
    client = Client(raise_request_exception=False)
    response = client.get("/panne/")
    assert response.status_code == 500
    assert main_text(response) == (
        "Une erreur est survenue L'équipe technique a été prévenue. Vos données enregistrées ne sont pas perdues ; "
        "réessayez dans quelques minutes. An error occurred. The technical team has been told; please try again "
        "in a few minutes. Retour à l'accueil / Home"
    )


def test_healthz(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


def test_preferences_form_keeps_input_on_error(client_for, candidate):
    client = client_for(candidate)
    response = client.post(
        "/espace/preferences/", {"first_name": "Zoé", "last_name": "Martin", "preferred_language": "xx"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "preferred_language": ["Sélectionnez un choix valide. xx n’en fait pas partie."]
    }
    assert 'value="Zoé"' in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.first_name != "Zoé"
    response = client.post(
        "/espace/preferences/", {"first_name": "Zoé", "last_name": "Martin", "preferred_language": "en"}
    )
    assert response["Location"] == "/espace/preferences/"
    candidate.refresh_from_db()
    assert (candidate.first_name, candidate.preferred_language) == ("Zoé", "en")


def test_current_page_is_marked_in_the_navigation(client):
    from django.urls import reverse

    url = reverse("events:news_list")
    body = client.get(url).content.decode()
    assert body.count('aria-current="page"') == 1
    assert f'<a class="nav-link" href="{url}" aria-current="page">Actualités</a>' in body
