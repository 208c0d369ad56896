"""The PDFs of a submitted version, generated once: the receipt and the whole dossier as one PDF.

``after_submission`` runs after the submission's commit (a Celery task, inline in development):
under a lock on the dossier row it renders what this version still lacks (the receipt, the
one-PDF, and for a blind call its anonymised variant) into ``Rendition`` rows, then e-mails the
receipt through the messenger under a key of its own. Run twice, by a retry or by two workers,
it renders nothing twice and sends nothing twice.

The one-PDF is the form rendered by WeasyPrint (a cover with the table of contents, then every
step and the eligibility pre-check) followed by every uploaded PDF in a fixed order. The form is
rendered first, so its length and the first page of each step are known; the cover then lists
every part with its first page (rendered again in the rare case its own length was not the one
assumed); the parts are appended with pypdf, each gets an outline entry, and every page, the
appended ones included, is stamped "Page N / M". A damaged file does not stop the assembly: it is
replaced by a page saying it could not be included, and logged.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cifre.pdf import render_pdf

from . import steps
from .models import Dossier, DossierEvent, DossierFile, Rendition

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
# The order in which the documents follow the form in the one-PDF.
DOCUMENT_ORDER = ("cv", "diploma", "transcripts", "cover_letter", "support_letter", "project")
# A blind call's evaluators get the thesis project only: the CV, the diploma, the transcripts and
# the letters carry the candidate's identity and cannot be redacted automatically.
BLIND_DOCUMENTS = ("project",)
# Never in the blind variant: the personal fields, the thesis director's name (it names a person
# and points to the candidate) and the work-permit answer (a proxy for nationality).
BLIND_HIDDEN = frozenset(steps.PERSONAL_FIELDS) | {"director_name", "needs_work_permit"}
RECEIPT_KEY = "dossier_receipt"


def receipt_dedupe_key(dossier: Dossier, version: int) -> str:
    return f"dossier-receipt:{dossier.pk}:v{version}"


# --- What was submitted, in words -------------------------------------------------------------------


def paris_time(value, language: str | None = None) -> str:
    """``12 mars 2027 à 14:32, heure de Paris (UTC+01:00)``: a moment spelled out with its time zone."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    local = timezone.localtime(value, PARIS)
    minutes = int(local.utcoffset().total_seconds() // 60)
    zone = "UTC{}{:02d}:{:02d}".format("+" if minutes >= 0 else "-", abs(minutes) // 60, abs(minutes) % 60)
    with translation.override(language):
        return _("%(date)s à %(time)s, heure de Paris (%(zone)s)") % {
            "date": date_format(local, "j F Y"),
            "time": local.strftime("%H:%M"),
            "zone": zone,
        }


def _display(dossier: Dossier, name: str) -> str:
    value = getattr(dossier, name)
    if name == "theme":
        return dossier.theme.localised("title") if dossier.theme else "—"
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    field_ = Dossier._meta.get_field(name)
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if hasattr(value, "isoformat") and not hasattr(value, "hour"):
        return date_format(value, "j F Y")
    return str(value)


@dataclass
class Section:
    key: str
    label: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def sections(dossier: Dossier, *, blind: bool = False, periods=None) -> list[Section]:
    """Every step but the documents, each with its fields' labels and values, in the active language.

    ``blind`` leaves out every field that identifies the candidate (``BLIND_HIDDEN``).
    """
    if periods is None:
        periods = list(dossier.work_periods.all())
    result = []
    for step in steps.STEPS:
        if step.key == "documents":
            continue
        section = Section(step.key, str(step.label))
        for name in step.fields:
            if blind and name in BLIND_HIDDEN:
                continue
            section.rows.append((capfirst(Dossier._meta.get_field(name).verbose_name), _display(dossier, name)))
        if step.key == "work":
            for index, period in enumerate(periods, 1):
                end = date_format(period.end, "j F Y") if period.end else _("en cours")
                text = _("du %(start)s au %(end)s") % {"start": date_format(period.start, "j F Y"), "end": end}
                if period.description:
                    text = f"{text} — {period.description}"
                section.rows.append((_("Période %(n)s") % {"n": index}, text))
        if section.rows:
            result.append(section)
    return result


def eligibility_rows(dossier: Dossier, language: str) -> list[dict]:
    """The pre-check snapshot stored at submission, in ``language``."""
    key = "message_en" if language.startswith("en") else "message_fr"
    return [{"code": entry["code"], "ok": entry["ok"], "message": entry.get(key, "")} for entry in dossier.eligibility]


def current_files(dossier: Dossier) -> list[DossierFile]:
    """The current file of each document, in ``DOCUMENT_ORDER``."""
    by_kind = {f.kind: f for f in dossier.files.all() if f.is_current}
    return [by_kind[kind] for kind in DOCUMENT_ORDER if kind in by_kind]


def version_time(dossier: Dossier, version: int):
    """When ``version`` was submitted: the submission, or the answer to a request for missing items."""
    if version <= 1:
        return dossier.submitted_at
    for event in dossier.events.filter(kind=DossierEvent.Kind.ANSWERED).order_by("-at"):
        if event.data.get("version") == version:
            return event.at
    return dossier.updated_at


def dossier_url(dossier: Dossier, language: str) -> str:
    """The candidate's page of the dossier (the site's address while that page does not exist)."""
    try:
        with translation.override(language):
            return settings.SITE_URL + reverse("applications:dossier", kwargs={"pk": dossier.pk})
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def _language(dossier: Dossier) -> str:
    return (getattr(dossier.candidate, "preferred_language", "") or settings.LANGUAGE_CODE)[:2]


def _load(dossier_id: int) -> Dossier:
    return Dossier.objects.select_related("call", "candidate", "theme", "lab_doctoral_school").get(pk=dossier_id)


# --- The receipt -------------------------------------------------------------------------------------


def receipt_pdf(dossier: Dossier, version: int, language: str | None = None) -> bytes:
    """The receipt of ``version``: what was submitted, when, and the SHA-256 of every file."""
    language = language or _language(dossier)
    with translation.override(language):
        context = {
            "lang": language,
            "title": _("Accusé de réception du dossier n° %(number)s") % {"number": dossier.number},
            "dossier": dossier,
            "call_title": dossier.call.localised("title"),
            "theme_title": dossier.theme.localised("title") if dossier.theme else "",
            "version": version,
            "submitted_at": paris_time(version_time(dossier, version), language),
            "sections": sections(dossier),
            "files": current_files(dossier),
            "eligibility": eligibility_rows(dossier, language),
        }
        return render_pdf("applications/pdf/receipt.html", context)


# --- The one-PDF -------------------------------------------------------------------------------------


@dataclass
class Part:
    """One entry of the table of contents and of the outline."""

    title: str
    page: int = 0  # first page in the whole PDF, from 1 (0: not in it)
    pages: int = 0
    level: int = 0  # 1: a step of the form, ``offset`` pages after the form's first page
    offset: int = 0
    note: str = ""
    reader: object = None  # the pypdf reader (or clean writer) of an appended document
    reader_page: int | None = None  # the one page of ``reader`` to take (a placeholder)
    file: DossierFile | None = None


def _readable(stored: DossierFile):
    """A clean pypdf copy of an uploaded file, or None (logged) when it cannot be included.

    Every object its pages reach is cloned into a writer of its own, so a damaged one fails here,
    on its own, and not in the middle of the whole assembly (which appends the clean copy).
    """
    from pypdf import PdfReader, PdfWriter

    try:
        with stored.file.open("rb") as handle:
            data = handle.read()
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValueError("encrypted")
        copy = PdfWriter()
        copy.append(reader, import_outline=False)
        if not copy.pages:
            raise ValueError("no page")
        return copy
    except Exception as exc:  # any failure of the parser on an uploaded file: leave it out, say so
        logger.warning(
            "dossier %s: file %s (%s) left out of the one-PDF: %s: %s",
            stored.dossier_id,
            stored.pk,
            stored.kind,
            type(exc).__name__,
            exc,
        )
        return None


def _outline(pdf_bytes: bytes) -> list[tuple[str, int]]:
    """(title, page index) of the top-level outline entries WeasyPrint wrote (one per step heading)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    entries = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        entries.append((str(item.title), reader.get_destination_page_number(item)))
    return entries


def dossier_pdf(dossier: Dossier, version: int, blind: bool = False, language: str | None = None) -> bytes:
    """The whole dossier of ``version`` as one PDF (``blind``: without anything identifying the candidate)."""
    from pypdf import PdfReader, PdfWriter

    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        labels = dict(DossierFile.Kind.choices)
        files = {f.kind: f for f in current_files(dossier)}
        kinds = BLIND_DOCUMENTS if blind else DOCUMENT_ORDER
        context = {
            "lang": language,
            "title": (_("Dossier n° %(number)s (anonymisé)") if blind else _("Dossier n° %(number)s"))
            % {"number": dossier.number},
            "dossier": dossier,
            "blind": blind,
            "call_title": dossier.call.localised("title"),
            "theme_title": dossier.theme.localised("title") if dossier.theme else "",
            "version": version,
            "submitted_at": paris_time(version_time(dossier, version), language),
            "generated_at": paris_time(timezone.now(), language),
            "sections": sections(dossier, blind=blind),
            "eligibility": eligibility_rows(dossier, language),
            "documents": [(labels[kind], files.get(kind)) for kind in kinds],
        }
        form = render_pdf("applications/pdf/dossier_form.html", context)
        form_reader = PdfReader(io.BytesIO(form))

        # The parts after the front matter: the form, its steps, then each document.
        parts = [Part(_("Formulaire de candidature"), pages=len(form_reader.pages))]
        parts += [Part(title, level=1, offset=index) for title, index in _outline(form)]
        missing = []
        for kind in kinds:
            stored = files.get(kind)
            if stored is None:
                parts.append(Part(str(labels[kind]), note=_("non fourni")))
                continue
            reader = _readable(stored)
            part = Part(str(labels[kind]), reader=reader, file=stored)
            if reader is None:
                part.pages = 1
                part.note = _("n'a pas pu être inclus")
                missing.append(part)
            else:
                part.pages = len(reader.pages)
            parts.append(part)
        if missing:
            placeholder = PdfReader(
                io.BytesIO(
                    render_pdf(
                        "applications/pdf/dossier_missing.html",
                        {**context, "missing": [(p.title, None if blind else p.file) for p in missing]},
                    )
                )
            )
            for index, part in enumerate(missing):
                part.reader, part.reader_page = placeholder, index

        # The cover and its table of contents; its length decides every page number after it.
        front_pages = 2  # the cover, then the contents on one page (15 lines at most)
        for _attempt in range(3):
            _number(parts, front_pages)
            cover = PdfReader(
                io.BytesIO(render_pdf("applications/pdf/dossier_cover.html", {**context, "parts": parts}))
            )
            if len(cover.pages) == front_pages:
                break
            front_pages = len(cover.pages)
        else:  # never seen: the contents' length does not depend on the numbers it shows
            logger.error("dossier %s: the table of contents did not settle; its page numbers may be off", dossier.pk)

        writer = PdfWriter()
        writer.append(cover, import_outline=False)
        writer.append(form_reader, import_outline=False)
        for part in parts[1:]:
            if part.level or part.reader is None:
                continue
            pages = None if part.reader_page is None else [part.reader_page]
            writer.append(part.reader, pages=pages, import_outline=False)
        writer.add_outline_item(_("Sommaire"), 1)
        parent = None
        for part in parts:
            if not part.page:
                continue
            if part.level:
                writer.add_outline_item(part.title, part.page - 1, parent=parent)
            else:
                item = writer.add_outline_item(part.title, part.page - 1)
                if part is parts[0]:
                    parent = item
        writer.page_mode = "/UseOutlines"
        writer.add_metadata({"/Title": context["title"], "/Creator": "CIFRE Ville de Paris"})
        stamp_page_numbers(writer, _("Page"))
        buffer = io.BytesIO()
        writer.write(buffer)
    return buffer.getvalue()


def _number(parts: list[Part], front_pages: int) -> None:
    """Give every part its first page, the front matter taking ``front_pages`` pages."""
    form = parts[0]
    form.page = front_pages + 1
    page = form.page + form.pages
    for part in parts[1:]:
        if part.level:
            part.page = form.page + part.offset
        elif part.pages:
            part.page = page
            page += part.pages


# Helvetica widths (1/1000 em) of the characters of the stamp, to align it on the right margin.
_WIDTHS = {" ": 278, "/": 278, **dict.fromkeys("0123456789", 556)}


def _display_frame(page) -> tuple[tuple[float, ...], float]:
    """The matrix from the page as displayed (its ``/Rotate`` applied, origin at the bottom left of
    the crop box) to its user space, and the displayed width."""
    box = page.cropbox
    x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    rotation = int(page.get("/Rotate", 0) or 0) % 360
    width, height = x1 - x0, y1 - y0
    if rotation == 90:
        return (0, 1, -1, 0, x1, y0), height
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1), width
    if rotation == 270:
        return (0, -1, 1, 0, x0, y1), height
    return (1, 0, 0, 1, x0, y0), width


def stamp_page_numbers(writer, label: str = "Page") -> None:
    """Write "Page N / M" at the bottom right of every page as displayed, appended documents included.

    The text is one more content stream per page, drawn in the standard Helvetica font (nothing
    to embed), after the page's own content wrapped in ``q``/``Q`` so its graphics state does not
    leak into the stamp. A rotated page (``/Rotate``) gets the stamp turned the other way, so it
    reads upright where it is shown. No page's content is parsed: this costs little per page.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    opening = DecodedStreamObject()
    opening.set_data(b"q\n")
    opening_ref = writer._add_object(opening)
    total = len(writer.pages)
    size = 8
    for number, page in enumerate(writer.pages, 1):
        matrix, width = _display_frame(page)
        text = f"{label} {number} / {total}"
        encoded = text.encode("cp1252", "replace")
        text_width = sum(_WIDTHS.get(ch, 556) for ch in text) * size / 1000
        x = width - 42.5 - text_width  # 15 mm from the right edge
        y = 22.7  # 8 mm from the bottom edge
        escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        stamp = DecodedStreamObject()
        stamp.set_data(
            b"Q q %s cm BT /CifrePageNo %d Tf 0.29 0.33 0.38 rg %.2f %.2f Td (%s) Tj ET Q\n"
            % (" ".join(f"{v:g}" for v in matrix).encode(), size, x, y, escaped)
        )
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject("/CifrePageNo")] = font
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if contents is None:
            streams = []
        elif isinstance(contents.get_object(), ArrayObject):
            streams = list(contents.get_object())
        else:
            streams = [contents]
        page[NameObject("/Contents")] = ArrayObject([opening_ref, *streams, writer._add_object(stamp)])


# --- After the submission ----------------------------------------------------------------------------


def wanted_kinds(dossier: Dossier) -> list[str]:
    kinds = [Rendition.Kind.RECEIPT, Rendition.Kind.DOSSIER]
    if dossier.call.blind_evaluation:
        kinds.append(Rendition.Kind.BLIND)
    return kinds


def build(dossier: Dossier, kind: str, version: int) -> bytes:
    if kind == Rendition.Kind.RECEIPT:
        return receipt_pdf(dossier, version)
    return dossier_pdf(dossier, version, blind=kind == Rendition.Kind.BLIND)


def ensure_renditions(dossier_id: int, version: int) -> dict[str, Rendition]:
    """The renditions of ``version``, rendering those missing under a lock on the dossier row."""
    saved_names: list[str] = []
    try:
        with transaction.atomic():
            # Two workers on the same dossier wait for each other here; the second finds the rows.
            Dossier.objects.select_for_update().filter(pk=dossier_id).values_list("pk", flat=True).get()
            dossier = _load(dossier_id)
            existing = {r.kind: r for r in Rendition.objects.filter(dossier=dossier, version=version)}
            for kind in wanted_kinds(dossier):
                if kind in existing:
                    continue
                data = build(dossier, kind, version)
                rendition = Rendition(
                    dossier=dossier, kind=kind, version=version, sha256=hashlib.sha256(data).hexdigest()
                )
                rendition.file.save(f"{kind}.pdf", ContentFile(data), save=False)
                saved_names.append(rendition.file.name)
                rendition.save()
                existing[kind] = rendition
    except BaseException:
        from django.core.files.storage import default_storage

        for name in saved_names:  # rolled back: no file without its row
            default_storage.delete(name)
        raise
    return existing


def receipt_filename(dossier: Dossier, version: int, language: str) -> str:
    with translation.override(language):
        return _("accuse-de-reception-%(number)s-v%(version)s.pdf") % {"number": dossier.number, "version": version}


def send_receipt(dossier: Dossier, version: int, receipt: Rendition):
    """E-mail the receipt of ``version`` to the candidate, its PDF attached (once per version)."""
    from notifications import services as messenger

    if dossier.candidate is None or not dossier.candidate.email:
        return None
    language = _language(dossier)
    with translation.override(language):
        context = {
            "candidate_name": dossier.full_name or dossier.candidate.get_full_name(),
            "call_title": dossier.call.localised("title"),
            "number": dossier.number,
            "version": version,
            "submitted_at": paris_time(version_time(dossier, version), language),
            "files_count": len(current_files(dossier)),
            "url": dossier_url(dossier, language),
        }
    return messenger.send(
        RECEIPT_KEY,
        dossier.candidate,
        context,
        language=language,
        dedupe_key=receipt_dedupe_key(dossier, version),
        attachments=[
            messenger.Attachment(
                name=receipt.file.name,
                filename=receipt_filename(dossier, version, language),
                mimetype="application/pdf",
            )
        ],
    )


def after_submission(dossier_id: int, version: int) -> None:
    """Render the receipt and the one-PDF of ``version`` once, then e-mail the receipt once.

    A version that is no longer the dossier's (a late run after a newer submission) is skipped:
    the form's fields hold the newer version, which has its own run.
    """
    dossier = Dossier.objects.filter(pk=dossier_id).only("version", "anonymised_at", "number").first()
    if dossier is None or dossier.anonymised_at is not None or dossier.number is None:
        logger.info("dossier %s: nothing to render (missing, anonymised or never submitted)", dossier_id)
        return
    if dossier.version != version:
        logger.info("dossier %s: version %s superseded by %s, not rendered", dossier_id, version, dossier.version)
        return
    try:
        renditions = ensure_renditions(dossier_id, version)
    except IntegrityError:
        # Another worker created the same rows between our lock and our insert (a database
        # without row locks): they exist now, use them.
        renditions = {r.kind: r for r in Rendition.objects.filter(dossier_id=dossier_id, version=version)}
    send_receipt(_load(dossier_id), version, renditions[Rendition.Kind.RECEIPT])


def stored(dossier: Dossier, kind: str, version: int | None = None) -> Rendition | None:
    """The stored rendition of ``kind`` for ``version`` (the dossier's current version by default)."""
    return Rendition.objects.filter(dossier=dossier, kind=kind, version=version or dossier.version).first()
