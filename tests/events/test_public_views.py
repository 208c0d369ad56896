"""Public pages: content in both languages, filters, feeds, ICS, sitemap, SEO tags, registration forms."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Registration

from .factories import EventFactory, NewsItemFactory, PageFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_every_public_page_answers_in_french_and_english(client):
    PageFactory(slug="programme", title_fr="Le programme", title_en="The programme")
    news = NewsItemFactory(title_fr="Nouvelle", title_en="News")
    event = EventFactory(title_fr="Séminaire d'hiver", title_en="")
    person = PersonFactory(first_name="Léa", last_name="Martin")
    urls = [
        "/", "/programme/", "/pages/accessibilite/", "/pages/mentions-legales/", "/pages/donnees-personnelles/",
        "/actualites/", news.get_absolute_url(), "/actualites/rss.xml", "/actualites/atom.xml",
        "/evenements/", "/evenements/?periode=passes", event.get_absolute_url(), f"/evenements/{event.slug}.ics",
        "/evenements/calendrier.ics", "/personnes/", person.get_absolute_url(), "/sitemap.xml", "/robots.txt",
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.get("/en" + url).status_code == 200, "/en" + url
    assert "<h1>The programme</h1>" in text(client.get("/en/programme/"))
    assert "<h1>Le programme</h1>" in text(client.get("/programme/"))
    # A missing English text falls back to French.
    assert "<h1>Séminaire d&#x27;hiver</h1>" in text(client.get("/en" + event.get_absolute_url()))


def test_legal_pages_exist_with_their_content(client):
    a11y = text(client.get("/pages/accessibilite/"))
    assert "<strong>partiellement conforme</strong>" in a11y
    assert "<h2>Voies de recours</h2>" in a11y
    privacy = text(client.get("/pages/donnees-personnelles/"))
    assert f"anonymisés {settings.RETENTION_MONTHS} mois après la décision" in privacy
    assert "<h1>Legal notice</h1>" in text(client.get("/en/pages/mentions-legales/"))
    assert client.get("/pages/inconnue/").status_code == 404


def test_markdown_is_sanitised(client):
    PageFactory(slug="essai", body_fr="<script>alert(1)</script>\n\n[lien](javascript:alert(1)) **gras**")
    body = text(client.get("/pages/essai/"))
    assert "<script>alert" not in body
    assert "javascript:" not in body
    assert "<strong>gras</strong>" in body


def test_seo_tags_canonical_hreflang_opengraph(client):
    event = EventFactory(title_fr="Atelier", summary_fr="Résumé court")
    body = text(client.get("/en" + event.get_absolute_url()))
    base = settings.SITE_URL
    assert f'<link rel="canonical" href="{base}/en/evenements/{event.slug}/">' in body
    assert f'<link rel="alternate" hreflang="fr" href="{base}/evenements/{event.slug}/">' in body
    assert f'<link rel="alternate" hreflang="en" href="{base}/en/evenements/{event.slug}/">' in body
    assert '<meta property="og:title" content="Atelier">' in body
    assert '<meta property="og:description" content="Résumé court">' in body
    assert '<meta property="og:locale" content="en_GB">' in body


def test_home_shows_next_events_latest_news_and_current_students(client):
    EventFactory(title_fr="À venir")
    EventFactory(title_fr="Passé", past=True)
    NewsItemFactory(title_fr="Publiée")
    NewsItemFactory(title_fr="Future", published_at=timezone.now() + dt.timedelta(days=3))
    PersonFactory(first_name="Léa", last_name="Actuelle")
    PersonFactory(first_name="Ina", last_name="Ancienne", year_start=2018, year_end=2021)
    PersonFactory(first_name="Sans", last_name="Consentement", consent=False)
    body = text(client.get("/"))
    assert "À venir" in body and "Passé" not in body
    assert "Publiée" in body and "Future" not in body
    assert "Léa Actuelle" in body
    assert "Ina Ancienne" not in body and "Sans Consentement" not in body


def test_event_list_upcoming_past_and_type_filter(client):
    EventFactory(title_fr="Séminaire futur", event_type="seminar")
    EventFactory(title_fr="Atelier futur", event_type="workshop")
    EventFactory(title_fr="Sans date", undated=True)
    EventFactory(title_fr="Atelier passé", event_type="workshop", past=True)
    upcoming = text(client.get("/evenements/"))
    assert ["Séminaire futur" in upcoming, "Atelier futur" in upcoming, "Sans date" in upcoming] == [True] * 3
    assert "Atelier passé" not in upcoming
    assert "Date à venir" in upcoming
    workshops = text(client.get("/evenements/?type=workshop"))
    assert "Atelier futur" in workshops and "Séminaire futur" not in workshops
    past = text(client.get("/evenements/?periode=passes&type=workshop"))
    assert "Atelier passé" in past and "Atelier futur" not in past
    assert client.get("/evenements/?type=nimportequoi").status_code == 200


def test_people_directory_filters_and_consent(client):
    PersonFactory(first_name="Léa", role="doctoral_student", year_start=2024, year_end=2027)
    PersonFactory(first_name="Ina", role="alumnus", year_start=2018, year_end=2021)
    hidden = PersonFactory(first_name="Caché", consent=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    everyone = text(client.get("/personnes/"))
    assert "Léa" in everyone and "Ina" in everyone and "Caché" not in everyone
    alumni = text(client.get("/personnes/?role=alumnus"))
    assert "Ina" in alumni and "Léa" not in alumni
    in_2020 = text(client.get("/personnes/?annee=2020"))
    assert "Ina" in in_2020 and "Léa" not in in_2020
    bad = client.get("/personnes/?annee=abc")
    assert bad.status_code == 200
    assert "Saisissez un nombre entier." in text(bad)


def test_news_list_is_paginated(client):
    for i in range(12):
        NewsItemFactory(title_fr=f"Nouvelle {i:02d}", published_at=timezone.now() - dt.timedelta(hours=i + 1))
    first = text(client.get("/actualites/"))
    second = text(client.get("/actualites/?page=2"))
    assert "Nouvelle 00" in first and "Nouvelle 09" in first and "Nouvelle 10" not in first
    assert "Nouvelle 10" in second and "Nouvelle 11" in second and "Nouvelle 00" not in second
    assert "Page 1 sur 2" in first


def test_feeds_list_published_news(client):
    NewsItemFactory(title_fr="Nouvelle", title_en="News item")
    rss = client.get("/actualites/rss.xml")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "<title>Nouvelle</title>" in rss.content.decode()
    assert "<language>fr</language>" in rss.content.decode()
    atom = client.get("/en/actualites/atom.xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<title>News item</title>" in atom.content.decode()
    assert 'xml:lang="en"' in atom.content.decode()


def test_ics_per_event_and_calendar_feed(client):
    event = EventFactory(title_fr="Séminaire", place="IEA de Paris", cancelled=True)
    EventFactory(title_fr="Autre")
    undated = EventFactory(undated=True)
    response = client.get(f"/evenements/{event.slug}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    vevent = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Séminaire"
    assert str(vevent["LOCATION"]) == "IEA de Paris"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent.decoded("DTSTART") == event.start.replace(microsecond=0)
    assert Calendar.from_ical(response.content).walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    feed = Calendar.from_ical(client.get("/evenements/calendrier.ics").content)
    assert sorted(str(e["SUMMARY"]) for e in feed.walk("VEVENT")) == ["Autre", "Séminaire"]
    assert client.get(f"/evenements/{undated.slug}.ics").status_code == 404


def test_sitemap_and_robots(client):
    event = EventFactory()
    hidden = PersonFactory(consent=False)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/evenements/{event.slug}/</loc>" in sitemap
    assert re.search(f'hreflang="en" href="https?://[^/"]+/en/evenements/{event.slug}/"', sitemap)
    assert hidden.slug not in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert robots.splitlines()[0] == "User-agent: *"
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in robots


# --- Registration through the page -------------------------------------------------------------


def post(client, event, **data):
    payload = {"name": "Alice Martin", "email": "alice@example.org", "consent": "on", **data}
    return client.post(event.get_absolute_url(), payload)


def test_register_then_waiting_list_through_the_form(client, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event)
    assert response.status_code == 302
    assert "Votre inscription est confirmée." in text(client.get(response["Location"]))
    refused = post(client, event, email="bob@example.org", name="Bob")  # full: not without asking
    assert refused.status_code == 400
    body = text(refused)
    assert "L&#x27;événement est complet. Vous pouvez vous inscrire sur la liste d&#x27;attente ci-dessous." in body
    assert '<input type="hidden" name="waiting_list" value="1">' in body
    assert event.registrations.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, email="bob@example.org", name="Bob", waiting_list="1")
    assert "vous êtes sur la liste d'attente" in text(client.get(response["Location"]))
    assert list(event.registrations.values_list("email", "status")) == [
        ("alice@example.org", "confirmed"),
        ("bob@example.org", "waiting"),
    ]
    assert [m.to for m in mail.outbox] == [["alice@example.org"], ["bob@example.org"]]


@pytest.mark.parametrize(
    ("event_kwargs", "data", "message"),
    [
        ({}, {"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
        ({}, {"consent": ""}, "Vous devez accepter l&#x27;utilisation de vos données pour vous inscrire."),
        ({"cancelled": True}, {}, "Cet événement est annulé : les inscriptions sont fermées."),
        ({"past": True}, {}, "Cet événement est terminé : les inscriptions sont closes."),
    ],
)
def test_bad_registrations_show_a_message_and_change_nothing(client, event_kwargs, data, message):
    event = EventFactory(**event_kwargs)
    response = post(client, event, **data)
    assert response.status_code == 400
    assert message in text(response)
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_second_registration_with_the_same_email_is_refused_next_to_the_field(client):
    event = EventFactory(capacity=5)
    post(client, event)
    response = post(client, event, email="ALICE@example.org")
    assert response.status_code == 400
    body = text(response)
    assert 'id="id_email-error">Cette adresse e-mail est déjà inscrite à cet événement.</div>' in body
    assert 'value="Alice Martin"' in body  # what was typed comes back
    assert Registration.objects.count() == 1


def test_full_event_registration_goes_to_waiting_list_and_says_so(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    body = text(client.get(event.get_absolute_url()))
    assert "0 places restantes" in body
    assert "M'inscrire sur la liste d'attente" in body


def test_cancel_link_flow(client):
    event = EventFactory(capacity=1)
    confirmed = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, waiting=True)
    url = f"/evenements/desinscription/{services.cancel_token(confirmed)}/"
    page = text(client.get(url))
    assert "Confirmer l'annulation" in page
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"  # a GET (a mail scanner following the link) changes nothing
    response = client.post(url)
    assert response.status_code == 302
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert (confirmed.status, waiting.status) == ("cancelled", "confirmed")
    again = client.post(url)
    assert again.status_code == 400
    assert "Cette inscription est déjà annulée." in text(again)


def test_forged_cancel_link_gets_a_message_and_changes_nothing(client):
    reg = RegistrationFactory()
    token = services.cancel_token(reg)
    forged = token[:-3] + "abc"
    for method in (client.get, client.post):
        response = method(f"/evenements/desinscription/{forged}/")
        assert response.status_code == 400
        assert "Ce lien d&#x27;annulation n&#x27;est pas valide." in text(response)
    reg.refresh_from_db()
    assert reg.status == "confirmed"
