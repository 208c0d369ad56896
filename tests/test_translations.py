"""English is complete: every French string of the interface has its translation, compiled."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"


def po_msgids() -> set[str]:
    """The msgids of django.po (simple parser: the files are written by makemessages)."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    ids = set()
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
        if match and "#, fuzzy" not in block:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            if msgid:
                ids.add(msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))
    return ids


def test_every_string_is_translated_and_compiled():
    catalog = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    missing = sorted(m for m in po_msgids() if m not in catalog._catalog and (m, 0) not in catalog._catalog)
    assert missing == []
    untranslated = sorted(k for k, v in catalog._catalog.items() if k and not v)
    assert untranslated == []


@pytest.mark.django_db
def test_pages_answer_in_english_under_en(client):
    french = client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert "Aller au contenu" in french
    assert "Skip to content" in english
    assert '<html lang="en">' in english
