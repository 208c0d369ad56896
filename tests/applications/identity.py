"""``assert_no_identity(text, dossier)``: the candidate's identity appears nowhere in ``text``.

For the blind-evaluation leak tests: every page an evaluator reaches, every e-mail sent to
evaluators, every file they download (give its extracted text). The identity is the candidate's
first and last names, their e-mail address (and its local part), phone and address lines, and
those of their account, compared without case or accents and as whole words (so "Léa" is found in
"Léa Zabrowski" but not inside "aléatoire"); a name shorter than three letters is skipped.
"""

from __future__ import annotations

import re
import unicodedata

from applications import steps


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def identity_of(dossier) -> list[str]:
    values = [getattr(dossier, name, "") or "" for name in steps.PERSONAL_FIELDS if name != "director_email"]
    candidate = dossier.candidate
    if candidate is not None:
        values += [candidate.first_name, candidate.last_name, candidate.email]
    values += [dossier.full_name, candidate.get_full_name() if candidate else ""]
    pieces = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        pieces.add(value)
        if "@" in value:
            pieces.add(value.split("@")[0])
        pieces.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(p for p in pieces if len(_plain(p)) >= 3)


def assert_no_identity(text: str, dossier) -> None:
    plain = _plain(text)
    found = [
        piece for piece in identity_of(dossier) if re.search(r"(?<!\w)" + re.escape(_plain(piece)) + r"(?!\w)", plain)
    ]
    assert found == [], f"the candidate's identity appears: {found}"
