"""A news item whose body opens with its summary shows that paragraph once (issue 12, 6g)."""

import pytest
from django.test import Client

from events.templatetags.news_text import repeats

from .factories import NewsItemFactory

pytestmark = pytest.mark.django_db

SUMMARY = "La Ville de Paris ouvre son appel à candidatures 2027."


def test_a_body_opening_with_its_summary_shows_it_once():
    item = NewsItemFactory(summary_fr=SUMMARY, body_fr=f"{SUMMARY}\n\nLes dossiers sont attendus avant mars.")
    html = Client().get(item.get_absolute_url()).content.decode()
    assert html.count("ouvre son appel à candidatures 2027") == 1 + html.count('content="' + SUMMARY)
    assert '<p class="lead">' not in html
    assert "Les dossiers sont attendus avant mars." in html


def test_a_different_summary_is_the_lead():
    item = NewsItemFactory(summary_fr=SUMMARY, body_fr="Les dossiers sont attendus avant mars.")
    html = Client().get(item.get_absolute_url()).content.decode()
    assert f'<p class="lead">{SUMMARY}</p>' in html


@pytest.mark.parametrize(
    "body",
    [
        "**La Ville de Paris** ouvre son appel\nà candidatures 2027.\n\nSuite.",  # emphasis, line break
        "LA VILLE DE PARIS OUVRE SON APPEL À CANDIDATURES 2027 ; les dossiers…",  # case, longer first paragraph
    ],
)
def test_repeats_sees_through_markdown_and_case(body):
    assert repeats(body, SUMMARY)


def test_no_summary_or_another_text_is_no_repeat():
    assert not repeats("Texte.", "")
    assert not repeats("Autre texte.", SUMMARY)
