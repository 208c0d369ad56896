"""No French left on an English page of the demo, and no English on a French one (issue 12, 6a).

The demo is seeded once for the module (rolled back after it). Each role's pages are found by following
links (``tests.site_pages.pages_of``, French pages); each is read in French and its English twin
(``/en`` + path). Only the interface is read: headings, labels, legends, buttons, table headers and
captions, navigation links, buttons and badges, alerts, term names (``dt``). What people typed is data,
in one language only (names, thesis subjects, news and event titles have their own English fields
where the model gives them): so an element holding a link to such content (a row header linking to a
dossier, a card title linking to a news item) is not read, nor is the page's only ``h1`` on pages
that show one item (its title is data too).

A French word on an English page is usually a string that has no English yet in ``locale/en`` (the
catalogue is merged at the end of the issue); ``test_the_untranslated_strings_are_only_missing_translations``
tells those apart from the strings that never went through gettext, which are bugs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import translation

from tests.factories import sign_in
from tests.site_pages import ROLES, pages_of

INTERFACE = {"h1", "h2", "h3", "h4", "h5", "h6", "label", "legend", "button", "th", "caption", "dt"}
INTERFACE_CLASSES = {"btn", "badge", "alert", "nav-link", "dropdown-item", "navbar-brand", "breadcrumb-item"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style", "select", "option", "textarea", "svg", "template"}

# Whole words no English sentence uses, and the French letters; the reverse for French pages.
FRENCH = re.compile(
    r"\b(le|la|les|des|du|une|pour|avec|et|au|aux|vos|votre|sur|dans|est|sont|ou|à|été|être|date de|"
    r"ajouter|enregistrer|retour|supprimer|modifier|aucun|aucune|nouveau|nouvelle)\b|[éèêàçùû]|\bT[1-4] \d{4}\b",
    re.I,
)
# Words spelt the same in both languages: a text made of them only may be identical on both pages.
BOTH = {
    *("action", "actions", "administration", "contact", "convention", "conventions", "date", "description"),
    *("discipline", "disciplines", "document", "documents", "message", "pages", "places", "publication"),
    *("siret", "situation", "suspensions", "total", "type", "variable"),
}
ENGLISH = re.compile(r"\b(the|and|of|your|with|to|for|from|this|these|save|back|add|edit|delete|none|new)\b", re.I)


class _Recording(Client):
    """A test client that keeps the last response of each path it fetched (the crawl's pages are read once)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses = {}

    def get(self, path, *args, **kwargs):
        response = super().get(path, *args, **kwargs)
        self.responses[path] = response
        return response


class _Interface(HTMLParser):
    """The text of the interface elements of a page, one string per outermost element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, kind): "interface", "skip", "nav" or ""
        self.depth = self.skip = self.nav = 0
        self.tainted = False  # the element holds a link to content: it is data, not read
        self.current: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        interface = tag in INTERFACE or bool(classes & INTERFACE_CLASSES) or (tag == "a" and self.nav > 0)
        content_link = tag == "a" and self.depth > 0 and not interface
        if (
            tag in SKIPPED or content_link or (values.get("lang") and tag != "html")
        ):  # lang: another language on purpose
            kind = "skip"
            self.skip += 1
            self.tainted = self.tainted or content_link
        elif interface:
            kind = "interface"
            if self.depth == 0:
                self.current, self.tainted = [], False
            self.depth += 1
        elif tag == "nav":
            kind = "nav"
            self.nav += 1
        else:
            kind = ""
        self.stack.append((tag, kind))

    def handle_endtag(self, tag):
        if tag in VOID or tag not in (t for t, _k in self.stack):
            return
        while self.stack:
            open_tag, kind = self.stack.pop()
            if kind == "skip":
                self.skip -= 1
            elif kind == "nav":
                self.nav -= 1
            elif kind == "interface":
                self.depth -= 1
                if self.depth == 0:
                    if not self.tainted:
                        self.texts.append(" ".join("".join(self.current).split()))
                    self.current, self.tainted = [], False
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.current.append(data)


def interface_texts(body: str) -> list[str]:
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", body, flags=re.S)
    parser = _Interface()
    parser.feed(body)
    return [text for text in parser.texts if text]


def data_strings() -> list[str]:
    """What people typed, in one language only: names, call titles, the subjects of e-mails sent."""
    from accounts.models import User
    from applications.models import Call
    from events.models import Event, NewsItem, Person
    from notifications.models import EmailLog

    names = [u.get_full_name() for u in User.objects.all()]
    names += [f"{p.first_name} {p.last_name}".strip() for p in Person.objects.all()]
    names += list(Call.objects.values_list("title_fr", flat=True))
    names += list(EmailLog.objects.values_list("subject", flat=True))
    names += list(Event.objects.values_list("title_fr", flat=True))
    names += list(NewsItem.objects.values_list("title_fr", flat=True))
    names += list(User.objects.values_list("email", flat=True))
    return sorted({n for n in names if n and len(n) > 3}, key=len, reverse=True)


def without_data(texts: list[str], data: list[str]) -> list[str]:
    """The texts with the data in them removed: typed values and what is quoted (“…”)."""
    cleaned = []
    for text in texts:
        text = re.sub(r"“[^”]*”", "“…”", text)
        for value in data:
            if value in text:
                text = text.replace(value, "…")
        cleaned.append(text)
    return cleaned


def untranslated(french: list[str], english: list[str]) -> list[str]:
    """Texts the English page shows exactly as the French one, with a word that is not the same in both."""
    same = set(french) & set(english)
    return sorted(t for t in same if "{{" not in t and {w.lower() for w in re.findall(r"[^\W\d_]{4,}", t)} - BOTH)


def french_in(texts) -> list[str]:
    return sorted({t for t in texts if FRENCH.search(t)})


def english_in(texts) -> list[str]:
    return sorted({t for t in texts if ENGLISH.search(t)})


@pytest.fixture(scope="module")
def demo_interface(django_db_setup, django_db_blocker, tmp_path_factory):
    """For each role, each page (French path) → (French interface texts, English interface texts)."""
    from accounts.models import User

    media = tmp_path_factory.mktemp("languages-media")
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
            data = data_strings()
            found = {}
            for role, email in ROLES.items():
                client = _Recording()
                if email:
                    sign_in(client, User.objects.get(email=email))
                pages = {}
                for path in pages_of(client, english=False):
                    french = client.responses[path]
                    english = client.get("/en" + path)
                    if english.status_code != 200:
                        continue
                    pages[path] = (
                        without_data(interface_texts(french.content.decode()), data),
                        without_data(interface_texts(english.content.decode()), data),
                    )
                found[role] = pages
            translation.activate("fr")
            yield found
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# Texts wrapped in gettext whose English is not in locale/en yet may be listed here until their translations
# are merged (strings or patterns); a French text on an English page that is not here fails.
PENDING_TRANSLATION: set = set()


def _pending(text: str) -> bool:
    return any(p == text if isinstance(p, str) else p.fullmatch(text) for p in PENDING_TRANSLATION)


def _unexpected(french: list[str], english: list[str]) -> list[str]:
    return sorted({t for t in (*french_in(english), *untranslated(french, english)) if not _pending(t)})


def test_the_check_sees_the_interface_and_not_the_data():
    body = (
        '<nav><a href="/">Home</a> <a href="/x">À propos</a></nav><h1>Edit “Géographie-cités”</h1>'
        '<table><caption>Payments of the convention</caption><tr><th scope="row"><a href="/d/1/">Léa Martin</a></th>'
        '<td>Pour la Ville</td></tr></table><button class="btn">Enregistrer</button><p>Du texte libre.</p>'
        '<button name="language" value="fr" lang="fr">Français</button><dl><dt>Lieu</dt><dd>En ligne</dd></dl>'
    )
    texts = without_data(interface_texts(body), ["Inès Durand"])
    assert texts == ["Home", "À propos", "Edit “…”", "Payments of the convention", "Enregistrer", "Lieu"]
    assert french_in(texts) == ["Enregistrer", "À propos"]  # "Lieu": no mark of French, let through
    assert english_in(texts) == ["Edit “…”", "Payments of the convention"]
    assert without_data(["Inès Durand"], ["Inès Durand"]) == ["…"]
    french = ["Plus tard", "Total", "Type", "{{ url }}", "Lieu", "Documents", "T1 2027"]
    assert untranslated(french, french) == ["Lieu", "Plus tard"]
    assert french_in(["T1 2027", "Q1 2027"]) == ["T1 2027"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
def test_no_french_on_english_pages_and_no_english_on_french_ones(demo_interface, role):
    pages = demo_interface[role]
    assert len(pages) > 3
    assert sum(len(fr) + len(en) for fr, en in pages.values()) > 20 * len(pages)
    french_left = {
        path: bad for path, (_fr, en) in pages.items() if (bad := [t for t in french_in(en) if not _pending(t)])
    }
    english_left = {path: bad for path, (fr, _en) in pages.items() if (bad := english_in(fr))}
    assert french_left == {}
    assert english_left == {}


@pytest.mark.django_db
def test_the_pending_strings_are_only_missing_translations(demo_interface):
    """Each text let through above is still seen somewhere (else drop it) and has no English in the catalogue."""
    import gettext as python_gettext
    from pathlib import Path

    mo = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    catalogue = python_gettext.GNUTranslations(mo.open("rb"))._catalog
    seen = {
        t
        for pages in demo_interface.values()
        for fr, en in pages.values()
        for t in (*french_in(en), *untranslated(fr, en))
    }
    for pending in PENDING_TRANSLATION:
        matches = [t for t in seen if (pending == t if isinstance(pending, str) else pending.fullmatch(t))]
        assert matches, pending
        if isinstance(pending, str) and pending != "Français":
            assert not catalogue.get(pending), pending  # translated now: remove it from the list
