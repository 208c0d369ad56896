"""Does an uploaded PDF name its candidate? The warning of a blind call's dossier, before and after submission.

In a call with blind evaluation (``Call.blind_evaluation``) the evaluators never see the candidate's
identity, but the documents are the candidate's own PDFs: a CV or a project that names its author
would undo the blind version. So the review page (before submitting) and the confirmation (after)
warn the candidate, naming the documents concerned, so they can upload an anonymised version. The
warning never blocks the submission.

A document *names* the candidate when its text contains their first and last names (either order,
as CVs often write "LEFÈVRE Camille"), or their e-mail address: those of the dossier and those of
the account, compared without case or accents, names as whole words (``Jean Martin`` is not found
in ``Jean Martinez``).

The text is extracted with pypdf (the project's PDF library), page by page, stopping at the first
match; the normalised text of a document is cached per SHA-256 (``DossierFile.sha256``), so only
the first review of a new upload pays for the extraction (about 0.5 s for 20 pages) and every
later one reads the cache. At most ``MAX_PAGES`` pages of a document are read.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache

from .models import Dossier, DossierFile

logger = logging.getLogger(__name__)

MAX_PAGES = 80
CACHE_SECONDS = 7 * 24 * 3600
CACHE_PREFIX = "applications:pdf-text:v1:"
_NOT_WORD = re.compile(r"[^\w@.]+")


def plain(text: str) -> str:
    """Lower case, without accents, words separated by one space (``@`` and ``.`` kept for e-mails)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class Identity:
    names: tuple[str, ...]  # "first last" and "last first", plain
    emails: tuple[str, ...]  # plain

    @cached_property
    def pattern(self) -> re.Pattern | None:
        """Whole words only: "camille lefevre" is not in "camille lefevrerie", "a@b.org" not in "xa@b.org"."""
        parts = [re.escape(name) for name in self.names] + [re.escape(email) for email in self.emails]
        if not parts:
            return None
        return re.compile(r"(?<![\w.@])(?:" + "|".join(parts) + r")(?![\w@]|\.\w)")

    def found_in(self, text: str) -> bool:
        return self.pattern is not None and self.pattern.search(text) is not None

    def __bool__(self) -> bool:
        return bool(self.names or self.emails)


def identity_of(dossier: Dossier) -> Identity:
    """The candidate's names and e-mails, from the dossier and from their account."""
    people = [(dossier.first_name, dossier.last_name, dossier.email)]
    candidate = dossier.candidate
    if candidate is not None:
        people.append((candidate.first_name, candidate.last_name, candidate.email))
    names, emails = set(), set()
    for first, last, email in people:
        first, last = plain(first), plain(last)
        if first and last:
            names.update({f"{first} {last}", f"{last} {first}"})
        email = plain(email)
        if "@" in email:
            emails.add(email)
    return Identity(tuple(sorted(names)), tuple(sorted(emails)))


def _pages(stored: DossierFile):
    """The plain text of each page (up to ``MAX_PAGES``); nothing for a file that cannot be read."""
    from pypdf import PdfReader

    try:
        with stored.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
            for page in reader.pages[:MAX_PAGES]:
                yield plain(page.extract_text() or "")
    except Exception:  # an unreadable upload is the upload checks' business, never a crash of this page
        logger.warning("could not read the text of dossier file %s", stored.pk, exc_info=True)


def names_candidate(stored: DossierFile, identity: Identity) -> bool:
    """Whether ``stored``'s text contains ``identity`` (its text is cached per SHA-256)."""
    key = f"{CACHE_PREFIX}{stored.sha256}" if stored.sha256 else None
    text = cache.get(key) if key else None
    if text is not None:
        return identity.found_in(text)
    read = []
    for page in _pages(stored):
        read.append(page)
        if identity.found_in(page):
            return True  # found early: the rest is not needed (and the partial text is not cached)
    text = " ".join(read)
    if key:
        cache.set(key, text, CACHE_SECONDS)
    return identity.found_in(text)


def naming_documents(dossier: Dossier, files=None) -> list[DossierFile]:
    """The current documents of a blind call's dossier whose text names the candidate (else none), in the
    documents' order. ``files``: the current files when the caller has them already."""
    if not dossier.call.blind_evaluation:
        return []
    identity = identity_of(dossier)
    if not identity:
        return []
    if files is None:
        files = dossier.files.filter(is_current=True)
    order = {kind: position for position, kind in enumerate(DossierFile.Kind.values)}
    files = sorted(files, key=lambda stored: (order.get(stored.kind, len(order)), stored.pk))
    return [stored for stored in files if names_candidate(stored, identity)]


def warning(documents: list[DossierFile]) -> str:
    """The documents' labels, for the message ("Curriculum vitæ, Lettre de motivation")."""
    return ", ".join(str(stored.get_kind_display()) for stored in documents)
