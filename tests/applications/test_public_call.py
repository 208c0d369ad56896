"""The public call page (events reads the call through applications.queries), the home block, the
navigation, the sitemap, and the page cache following the call: staff edits, opening and closing."""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications import queries
from applications.models import Call, Theme
from tests.applications.factories import CallFactory, ThemeFactory
from tests.conventions.factories import HostDepartmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
URL = "/appel-a-candidatures/"
MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def paris(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def next_year() -> int:
    return timezone.localdate().year + 1


def open_call(**kwargs) -> Call:
    """Open since yesterday, closing on 15 March next year at 12:00 Paris time (winter time)."""
    year = next_year()
    defaults = {
        "year": year,
        "title_fr": f"Appel à candidatures {year}",
        "title_en": f"Call for applications {year}",
        "opens_at": timezone.now() - dt.timedelta(days=1),
        "closes_at": paris(year, 3, 15),
        "planned_filing_date": dt.date(year, 6, 1),
        "planned_effective_date": dt.date(year, 9, 1),
        "results_date": dt.date(year, 5, 20),
        "with_theme": False,
    }
    return CallFactory(**{**defaults, **kwargs})


def theme(call, **kwargs) -> Theme:
    department = HostDepartmentFactory(name="Direction des espaces verts et de l'environnement", acronym="DEVE")
    defaults = {
        "call": call,
        "host_department": department,
        "title_fr": "Les arbres et la chaleur",
        "title_en": "Trees and heat",
        "description_fr": "Mesurer l'ombre des arbres d'alignement.",
        "description_en": "Measure the shade of street trees.",
        "contact_name": "Camille Martin",
        "contact_email": "camille.martin@paris.fr",
        "keywords": "climat, arbres ,santé",
    }
    return ThemeFactory(**{**defaults, **kwargs})


# --- Each state, in French and in English ----------------------------------------------------------


def test_open_call_in_french(client):
    call = open_call()
    theme(call)
    body = text(client.get(URL))
    year = next_year()
    assert f"<h1>Appel à candidatures {year}</h1>" in body
    assert f"<strong>Candidatures ouvertes jusqu'au 15 mars {year} à 12 h 00, heure de Paris.</strong>" in body
    assert f'<time datetime="{year}-03-15T12:00:00+01:00">15 mars {year} à 12 h 00, heure de Paris</time>' in body
    opens = timezone.localtime(call.opens_at)
    assert (
        f'<time datetime="{opens.isoformat()}">{opens.day if opens.day > 1 else "1er"} {MOIS[opens.month - 1]} '
        f"{opens.year} à {opens.hour} h {opens:%M}, heure de Paris</time>"
    ) in body
    assert f'Résultats</dt><dd class="col-sm-8">20 mai {year}</dd>' in body
    assert f'Dépôt des dossiers retenus à l\'ANRT (prévu)</dt><dd class="col-sm-8">1er juin {year}</dd>' in body
    assert f'Début des contrats (prévu)</dt><dd class="col-sm-8">1er septembre {year}</dd>' in body
    assert "<p>Dix thèses au service des politiques de la Ville.</p>" in body
    # The theme: title, department, description, keywords, contact.
    assert '<h3 class="h5 mb-1">Les arbres et la chaleur</h3>' in body
    assert "Direction des espaces verts et de l&#x27;environnement (DEVE)</p>" in body
    assert "<p>Mesurer l'ombre des arbres d'alignement.</p>" in body
    assert '<span class="fw-semibold">Mots-clés :</span> climat, arbres, santé</p>' in body
    assert (
        '<span class="fw-semibold">Contact :</span> Camille Martin, '
        '<a href="mailto:camille.martin@paris.fr">camille.martin@paris.fr</a>'
    ) in body
    # Who may apply, with this call's dates (masters_recent: filing date − 36 months).
    assert (
        f"obtenu le 1er juin {year - 3} ou après, c'est-à-dire moins de trois ans avant le dépôt du dossier à "
        f"l'ANRT (prévu le 1er juin {year}), et l'avoir obtenu au plus tard au début du contrat (prévu le "
        f"1er septembre {year})"
    ) in body
    for condition in (
        "ne pas être déjà docteur·e ;",
        "ne pas avoir commencé une autre thèse ;",
        "une première inscription datant de moins de neuf mois à la date de dépôt à l'ANRT ;",
        "ne pas avoir travaillé plus de neuf mois (273 jours) pour la Ville de Paris",
        "préparer la thèse dans un laboratoire rattaché à une école doctorale ;",
        "un laboratoire situé en France, ou à l'étranger en cotutelle avec un établissement français.",
        "Il n'y a aucune condition d'âge ni de nationalité.",
    ):
        assert condition in body, condition
    # The six documents, PDF only, with the size limit.
    documents = re.search(r'<h2 id="documents-title">Pièces à préparer</h2> <ul>(.*?)</ul>', body).group(1)
    assert re.findall(r"<li>(.*?)</li>", documents) == [
        "Curriculum vitæ",
        "Diplôme ou attestation de réussite",
        "Relevés de notes",
        "Lettre de motivation",
        "Lettre de soutien du ou de la directeur·rice de thèse",
        "Projet de thèse (un seul PDF)",
    ]
    assert "Chaque pièce est un fichier PDF, de 10,0 Mio au plus." in body


def test_open_call_in_english(client):
    call = open_call()
    theme(call)
    theme(call, title_fr="Seulement en français", title_en="", description_en="", contact_email="b@paris.fr")
    body = text(client.get("/en" + URL))
    year = next_year()
    with translation.override("en"):
        closes = gettext("%(date)s à %(time)s, heure de Paris") % {"date": f"15 March {year}", "time": "12:00"}
        documents = [gettext(label) for label in ("Curriculum vitæ", "Relevés de notes", "Lettre de motivation")]
    assert f'<time datetime="{year}-03-15T12:00:00+01:00">{closes}</time>' in body
    assert f"<h1>Call for applications {year}</h1>" in body
    assert "<p>Ten theses serving the City's policies.</p>" in body
    assert '<h3 class="h5 mb-1">Trees and heat</h3>' in body
    assert "<p>Measure the shade of street trees.</p>" in body
    # A theme without its English texts shows the French ones.
    assert '<h3 class="h5 mb-1">Seulement en français</h3>' in body
    assert f"1 June {year - 3}" in body  # masters_from, in English, no "1er"
    assert all(f"<li>{label}</li>" in body for label in documents)
    assert '<html lang="en">' in body


def test_a_call_in_summer_time_names_the_paris_hour(client):
    year = next_year()
    open_call(closes_at=paris(year, 6, 30, 12, 0), planned_filing_date=dt.date(year, 10, 1))
    body = text(client.get(URL))
    assert f'<time datetime="{year}-06-30T12:00:00+02:00">30 juin {year} à 12 h 00, heure de Paris</time>' in body
    with translation.override("en"):
        expected = gettext("%(date)s à %(time)s, heure de Paris") % {"date": f"30 June {year}", "time": "12:00"}
    assert expected in text(client.get("/en" + URL))


def test_upcoming_call(client):
    year = next_year()
    call = open_call(opens_at=paris(year, 1, 5, 9, 30), closes_at=paris(year, 3, 1, 12, 0))
    theme(call)
    body = text(client.get(URL))
    assert (
        f"Les candidatures ouvriront le 5 janvier {year} à 9 h 30, heure de Paris, et fermeront le "
        f"1er mars {year} à 12 h 00, heure de Paris."
    ) in body
    assert "Candidatures ouvertes" not in body
    assert "Déposer ma candidature" not in body
    assert '<h3 class="h5 mb-1">Les arbres et la chaleur</h3>' in body
    assert "Qui peut candidater ?" in body and "Pièces à préparer" in body
    assert (queries.public_call()[1], queries.next_change()) == ("upcoming", paris(year, 1, 5, 9, 30))


def test_upcoming_and_closed_calls_in_english(client):
    year = next_year()
    call = open_call(opens_at=paris(year, 1, 5, 9, 30), closes_at=paris(year, 3, 1, 12, 0))
    with translation.override("en"):
        opens = gettext("%(date)s à %(time)s, heure de Paris") % {"date": f"5 January {year}", "time": "09:30"}
        closes = gettext("%(date)s à %(time)s, heure de Paris") % {"date": f"1 March {year}", "time": "12:00"}
        upcoming = gettext("Les candidatures ouvriront le %(opens)s, et fermeront le %(closes)s.") % {
            "opens": opens,
            "closes": closes,
        }
    body = text(client.get("/en" + URL))
    assert f'<p class="lead call-state">{upcoming}</p>' in body
    Call.objects.filter(pk=call.pk).update(
        year=2025,
        opens_at=paris(2025, 1, 5, 9, 30),
        closes_at=paris(2025, 3, 1, 12, 0),
        results_date=dt.date(2025, 5, 2),
    )
    call.refresh_from_db()
    call.save()
    with translation.override("en"):
        closed = gettext("Cet appel est clos depuis le %(closes)s.") % {
            "closes": gettext("%(date)s à %(time)s, heure de Paris") % {"date": "1 March 2025", "time": "12:00"}
        }
        results = gettext("Les résultats ont été communiqués le %(results)s.") % {"results": "2 May 2025"}
    body = text(client.get("/en" + URL))
    assert f'<p class="lead call-state">{closed} {results}</p>' in body


def test_closed_call_with_its_results_date(client):
    now = timezone.now()
    call = open_call(
        year=2026,
        opens_at=paris(2026, 1, 5, 9, 0),
        closes_at=min(paris(2026, 3, 16, 12, 0), now - dt.timedelta(hours=1)),
        results_date=timezone.localdate() + dt.timedelta(days=10),
    )
    theme(call)
    body = text(client.get(URL))
    results = timezone.localdate() + dt.timedelta(days=10)
    day = "1er" if results.day == 1 else results.day
    assert "Cet appel est clos depuis le " in body
    assert f"Les résultats seront communiqués le {day} {MOIS[results.month - 1]} {results.year}." in body
    assert "Déposer ma candidature" not in body
    assert "Qui peut candidater ?" not in body
    assert '<h3 class="h5 mb-1">Les arbres et la chaleur</h3>' in body
    Call.objects.filter(pk=call.pk).update(results_date=dt.date(2026, 5, 4))
    Client().get("/")  # any other page
    call.refresh_from_db()
    call.save()  # a staff edit clears the cache
    assert "Les résultats ont été communiqués le 4 mai 2026." in text(Client().get(URL))
    call.results_date = None
    call.save()
    assert "Les candidat·e·s seront informé·e·s des résultats par e-mail." in text(Client().get(URL))


def test_no_call_at_the_moment(client):
    CallFactory(is_published=False)  # a draft call is never shown
    message = (
        "Aucun appel à candidatures n'est ouvert pour le moment. Le prochain appel sera annoncé sur ce site, "
        "avec ses thèmes et son calendrier."
    )
    body = text(client.get(URL))
    assert f'<p class="lead call-state">{message}</p>' in body
    assert "<h1>Appel à candidatures</h1>" in body
    assert "Qui peut candidater ?" not in body
    with translation.override("en"):
        english_message = gettext(message)
    assert f'<p class="lead call-state">{english_message}</p>' in text(client.get("/en" + URL))
    assert queries.public_call() == (None, "none")


def test_the_open_call_wins_over_the_next_and_the_last(client):
    year = next_year()
    open_call(year=year + 1, title_fr="Le suivant", opens_at=paris(year + 1, 1, 5), closes_at=paris(year + 1, 3, 1))
    open_call(year=2025, title_fr="L'ancien", opens_at=paris(2025, 1, 5), closes_at=paris(2025, 3, 1))
    current = open_call(title_fr="L'actuel")
    assert "<h1>L&#x27;actuel</h1>" in text(client.get(URL))
    assert queries.public_call() == (current, "open")
    assert queries.next_change() == paris(year, 3, 15)


# --- The apply button ------------------------------------------------------------------------------


def _start_url(call) -> str:
    return reverse("applications:start", args=[call.pk])


def test_the_apply_button_leads_to_the_candidates_start_page(client, client_for, candidate):
    call = open_call()
    body = text(client.get(URL))
    assert f'<a class="btn btn-primary btn-lg" href="{_start_url(call)}">Déposer ma candidature</a>' in body
    assert 'vous <a href="/compte/signup/">créerez un compte</a>' in body
    signed_in = text(client_for(candidate).get(URL))
    assert f'href="{_start_url(call)}">Déposer ma candidature</a>' in signed_in
    assert "créerez un compte" not in signed_in


# --- Every role -------------------------------------------------------------------------------------


@pytest.fixture
def department(db):
    return UserFactory(role="department", second_factor=True)


def test_every_role_sees_the_call_and_those_who_may_not_apply_are_told_why(
    client_for, candidate, doctoral_student, evaluator, staff, admin_user, department
):
    call = open_call()
    theme(call)
    other_candidate = UserFactory(role="candidate")
    team = (
        "Les comptes de l'équipe, des évaluateur·rice·s et des directions de la Ville ne peuvent pas déposer de "
        "candidature."
    )
    expected = {
        None: None,
        candidate: None,
        other_candidate: None,
        doctoral_student: "Vous êtes déjà doctorant·e du programme : une nouvelle candidature n'est pas possible.",
        evaluator: team,
        department: team,
        staff: team,
        admin_user: team,
    }
    for user, refusal in expected.items():
        response = client_for(user).get(URL)
        body = text(response)
        assert response.status_code == 200, user
        assert '<h3 class="h5 mb-1">Les arbres et la chaleur</h3>' in body
        if refusal is None:
            assert f'href="{_start_url(call)}">Déposer ma candidature</a>' in body, user
        else:
            assert f'<p class="mb-0">{refusal}</p>' in body.replace("&#x27;", "'"), user
            assert "Déposer ma candidature" not in body, user
    # Guessed URLs: no call by id or year on the public site.
    for guessed in (f"{URL}{call.pk}/", f"{URL}{call.year}/", "/en/appel-a-candidatures/x/"):
        assert client_for(None).get(guessed).status_code == 404


def test_nothing_private_is_on_the_page(client):
    call = open_call()
    theme(call)
    from tests.applications.factories import DossierFactory

    dossier = DossierFactory(call=call, filled=True)
    body = text(client.get(URL))
    for private in (dossier.email, dossier.last_name, dossier.thesis_title, "Qualité scientifique"):
        assert private not in body


# --- Home, navigation, sitemap ----------------------------------------------------------------------


def test_the_home_page_shows_the_call_only_while_it_is_open(client):
    year = next_year()
    call = open_call(opens_at=paris(year, 1, 5), closes_at=paris(year, 3, 15))
    assert "call-banner" not in text(client.get("/"))  # upcoming
    Call.objects.filter(pk=call.pk).update(opens_at=timezone.now() - dt.timedelta(days=1))
    call.refresh_from_db()
    call.save()
    body = text(Client().get("/"))
    assert f'<h2 id="call-banner-title">Candidatures ouvertes : Appel à candidatures {year}</h2>' in body
    assert f"Déposez votre dossier jusqu'au 15 mars {year} à 12 h 00, heure de Paris." in body
    assert f'<a class="btn btn-primary btn-lg" href="{URL}">Voir l\'appel et candidater</a>' in body
    english = text(Client().get("/en/"))
    assert f"Call for applications {year}</h2>" in english
    assert '<a class="btn btn-primary btn-lg" href="/en/appel-a-candidatures/">' in english
    call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    call.save()
    assert "call-banner" not in text(Client().get("/"))


def test_the_navigation_links_to_the_call_page(client):
    body = text(client.get("/"))
    assert f'<a class="nav-link" href="{URL}">Appel à candidatures</a>' in body
    assert f'<a class="nav-link" href="{URL}" aria-current="page">Appel à candidatures</a>' in text(client.get(URL))
    assert '<a class="nav-link" href="/en/appel-a-candidatures/" aria-current="page">' in text(client.get("/en" + URL))


def test_the_sitemap_lists_the_call_page_in_both_languages(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert re.search(r"<loc>https?://[^<]+/appel-a-candidatures/</loc>", sitemap)
    assert re.search(r'hreflang="en" href="https?://[^/"]+/en/appel-a-candidatures/"', sitemap)
    assert re.search(r'hreflang="fr" href="https?://[^/"]+/appel-a-candidatures/"', sitemap)


# --- Queries ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("themes", [1, 3])
def test_query_count_does_not_grow_with_the_themes(django_assert_num_queries, themes):
    call = open_call()
    for n in range(themes):
        theme(call, title_fr=f"Thème {n}", contact_email=f"c{n}@paris.fr")
    with django_assert_num_queries(2):  # live calls, themes with their departments
        response = Client().get(URL)
    assert text(response).count('class="call-theme mb-4"') == themes
    with django_assert_num_queries(0):  # then from the cache
        assert Client().get(URL).status_code == 200


@pytest.mark.parametrize("themes", [1, 3])
def test_query_count_of_a_closed_call(django_assert_num_queries, themes):
    call = open_call(year=2025, opens_at=paris(2025, 1, 5), closes_at=paris(2025, 3, 1))
    for n in range(themes):
        theme(call, title_fr=f"Thème {n}", contact_email=f"c{n}@paris.fr")
    with django_assert_num_queries(3):  # live calls (none), the last closed one, its themes
        assert Client().get(URL).status_code == 200


# --- The cache follows the call ----------------------------------------------------------------------


def test_staff_edits_of_the_call_and_its_themes_clear_the_cached_page(client):
    call = open_call()
    assert "Nouveau titre" not in text(client.get(URL))
    call.title_fr = "Nouveau titre"
    call.save()
    assert "<h1>Nouveau titre</h1>" in text(Client().get(URL))
    added = theme(call, title_fr="Un thème ajouté")
    assert "Un thème ajouté" in text(Client().get(URL))
    added.delete()
    assert "Un thème ajouté" not in text(Client().get(URL))
    call.is_published = False
    call.save()
    assert "Aucun appel à candidatures n'est ouvert pour le moment." in text(Client().get(URL))


def test_the_cached_pages_change_at_the_closing_time(django_assert_num_queries):
    """No signal at the closing time: the cached call page and home page expire at that moment."""
    call = open_call()
    closing = timezone.now() + dt.timedelta(seconds=1.5)
    Call.objects.filter(pk=call.pk).update(closes_at=closing)  # no signal, no cache clearing
    assert "Candidatures ouvertes jusqu" in text(Client().get(URL))
    assert "call-banner" in text(Client().get("/"))
    with django_assert_num_queries(0):
        assert "Candidatures ouvertes jusqu" in text(Client().get(URL))  # cached until the closing
    time.sleep(max(0.0, (closing - timezone.now()).total_seconds()) + 0.05)
    assert "Cet appel est clos depuis le" in text(Client().get(URL))
    assert "call-banner" not in text(Client().get("/"))


def test_the_cached_page_changes_at_the_opening_time():
    call = open_call()
    opening = timezone.now() + dt.timedelta(seconds=1.5)
    Call.objects.filter(pk=call.pk).update(opens_at=opening)
    assert "Les candidatures ouvriront le" in text(Client().get(URL))
    assert "call-banner" not in text(Client().get("/"))
    time.sleep(max(0.0, (opening - timezone.now()).total_seconds()) + 0.05)
    assert "Candidatures ouvertes jusqu" in text(Client().get(URL))
    assert "call-banner" in text(Client().get("/"))
