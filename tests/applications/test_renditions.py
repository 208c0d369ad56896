"""The receipt and the one-PDF of a submitted version, read back with pypdf; run once per version."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from applications import renditions, services
from applications.models import Dossier, DossierFile, Rendition
from notifications.models import EmailLog
from tests.applications.factories import CallFactory, DossierFactory
from tests.applications.pdfs import PAGES, page_text, six_documents
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

PARIS = ZoneInfo("Europe/Paris")
# Submitted three days before the call closes, in winter time (UTC+1).
SUBMITTED_AT = dt.datetime(2027, 3, 12, 14, 32, 17, tzinfo=PARIS)
NAMES = {
    "cv": "CV Éloïse Durand-Lefebvre.pdf",
    "diploma": "diplome-master-durand.pdf",
    "transcripts": "releves-notes-M1-M2.pdf",
    "cover_letter": "lettre-motivation-EDL.pdf",
    "support_letter": "soutien-pr-durand.pdf",
    "project": "projet-these.pdf",
}
NAME = "Éloïse Durand-Lefebvre"
EMAIL = "eloise.durand-lefebvre@example.org"
PHONE = "06 12 34 56 78"
TOC_TITLES = [
    "Formulaire de candidature",
    "Vos coordonnées",
    "Diplôme",
    "Inscription en doctorat",
    "Travail pour la Ville",
    "Projet de thèse",
    "Laboratoire et direction",
    "Pré-contrôle d'éligibilité",
    "Pièces justificatives",
    "Curriculum vitæ",
    "Diplôme ou attestation de réussite",
    "Relevés de notes",
    "Lettre de motivation",
    "Lettre de soutien du ou de la directeur·rice de thèse",
    "Projet de thèse (un seul PDF)",
]


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def lines(data: bytes) -> list[str]:
    return [" ".join(line.split()) for page in pages_text(data) for line in page.splitlines()]


def flat(text: str) -> str:
    """The text without any white space: a value a table cell wrapped over two lines is still found."""
    return "".join(text.split())


def make_dossier(*, blind: bool = False, documents: dict[str, bytes] | None = None, language: str = "fr") -> Dossier:
    """A dossier submitted at ``SUBMITTED_AT`` with the six documents of ``six_documents`` (40 pages)."""
    call = CallFactory(
        opens_at=dt.datetime(2027, 2, 1, 9, 0, tzinfo=PARIS),
        closes_at=dt.datetime(2027, 3, 15, 12, 0, tzinfo=PARIS),
        blind_evaluation=blind,
    )
    user = UserFactory(
        role="candidate", first_name="Éloïse", last_name="Durand-Lefebvre", email=EMAIL, preferred_language=language
    )
    dossier = DossierFactory(call=call, candidate=user, filled=True)
    Dossier.objects.filter(pk=dossier.pk).update(phone=PHONE)
    docs = documents or six_documents()
    for kind, content in docs.items():
        upload = SimpleUploadedFile(NAMES[kind], content, content_type="application/pdf")
        services.upload_file(dossier.pk, kind, upload, user, at=SUBMITTED_AT - dt.timedelta(hours=1))
    dossier, created = services.submit(dossier.pk, user, at=SUBMITTED_AT)
    assert created is True
    return Dossier.objects.select_related("call", "candidate", "theme").get(pk=dossier.pk)


def cv_with_identity() -> dict[str, bytes]:
    from tests.applications.pdfs import document

    return {**six_documents(), "cv": document("cv", extra=f"{NAME} – {EMAIL} – {PHONE}")}


def toc(data: bytes) -> list[tuple[str, str]]:
    """(title, page) of each line of the table of contents (page 2)."""
    text = pages_text(data)[1].splitlines()
    start = text.index("Partie Page") + 1
    entries = []
    for line in text[start:]:
        title, _sep, page = " ".join(line.split()).rpartition(" ")
        if title.startswith("Programme CIFRE · Ville de Paris"):
            break
        entries.append((title, page))
    return entries


# --- The receipt -------------------------------------------------------------------------------------


def test_receipt_lists_what_was_submitted_with_the_time_zone_and_every_hash():
    dossier = make_dossier()
    data = renditions.receipt_pdf(dossier, 1)
    text = lines(data)

    assert text[0] == f"Accusé de réception du dossier n° {dossier.number}"
    assert text[1:8] == [
        "Programme Programme CIFRE de la Ville de Paris",
        f"Appel à candidatures {dossier.call.title_fr}",
        f"Numéro du dossier {dossier.number}",
        f"Candidat·e {NAME}",
        "Déposé le 12 mars 2027 à 14:32, heure de Paris (UTC+01:00)",
        "Version 1",
        f"Thème {dossier.theme.title_fr}",
    ]
    assert text.count("Vos coordonnées") == 1
    assert text.count(f"Téléphone {PHONE}") == 1
    assert text.count("Titre du projet de thèse Les arbres d'alignement face aux vagues de chaleur") == 1
    files = {f.kind: f for f in dossier.files.filter(is_current=True)}
    whole = flat("".join(pages_text(data)))
    with translation.override("fr"):
        for kind, label in DossierFile.Kind.choices:
            stored = files[kind]
            # Each hash whole on its line; the file's row (name, size, pages) just before it.
            assert text.count(f"SHA-256 {stored.sha256}") == 1
            row = f"{label} {NAMES[kind]} {filesizeformat(stored.size)} {PAGES[kind]} SHA-256 {stored.sha256}"
            assert whole.count(flat(row)) == 1
    assert len({f.sha256 for f in files.values()}) == 6
    assert text.count("Et maintenant ?") == 1


def needs_english(msgid: str) -> None:
    """Skip until the English catalogue holds this issue's strings (merged from /tmp/issue10/msgids-B.po)."""
    with translation.override("en"):
        if gettext(msgid) == msgid:
            pytest.skip("the English translations of issue 10 are not merged into locale/en yet")


def test_receipt_in_english_for_an_english_speaking_candidate():
    needs_english("%(date)s à %(time)s, heure de Paris (%(zone)s)")
    dossier = make_dossier(language="en")
    text = lines(renditions.receipt_pdf(dossier, 1))
    assert text[0] == f"Receipt for application no. {dossier.number}"
    assert text[5] == "Submitted on 12 March 2027 at 14:32, Paris time (UTC+01:00)"


def test_paris_time_spells_out_summer_and_winter_time():
    winter = dt.datetime(2027, 3, 28, 0, 59, tzinfo=dt.UTC)  # 01:59 in Paris, the last minute of winter time
    summer = dt.datetime(2027, 3, 28, 1, 0, tzinfo=dt.UTC)  # 03:00 in Paris
    assert renditions.paris_time(winter, "fr") == "28 mars 2027 à 01:59, heure de Paris (UTC+01:00)"
    assert renditions.paris_time(summer, "fr") == "28 mars 2027 à 03:00, heure de Paris (UTC+02:00)"
    needs_english("%(date)s à %(time)s, heure de Paris (%(zone)s)")
    assert renditions.paris_time(summer, "en") == "28 March 2027 at 03:00, Paris time (UTC+02:00)"


# --- The one-PDF -------------------------------------------------------------------------------------


def test_one_pdf_has_the_form_then_the_40_pages_with_contents_outline_and_page_numbers():
    dossier = make_dossier()
    data = renditions.dossier_pdf(dossier, 1)
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    total = len(texts)

    entries = toc(data)
    assert [title for title, _page in entries] == TOC_TITLES
    pages = dict(entries)
    assert pages["Formulaire de candidature"] == "3"
    cv_first = int(pages["Curriculum vitæ"])
    # The cover and the contents (2 pages), the form, then the 40 pages of the documents.
    assert total == cv_first - 1 + 40
    assert texts[2].splitlines()[0] == "Formulaire de candidature"
    # Each document starts on the page the contents give, and runs for its own pages.
    kinds = ["cv", "diploma", "transcripts", "cover_letter", "support_letter", "project"]
    for title, kind in zip(TOC_TITLES[9:], kinds, strict=True):
        first = int(pages[title])
        for n in range(1, PAGES[kind] + 1):
            assert texts[first - 2 + n].splitlines()[0] == page_text(kind, n)
    # Each step of the form starts on the page the contents give.
    for title in TOC_TITLES[1:9]:
        assert title in texts[int(pages[title]) - 1].splitlines()
    # "Page N / M" on every page, the landscape and the rotated ones included.
    assert [text.splitlines()[-1] for text in texts] == [f"Page {n} / {total}" for n in range(1, total + 1)]
    landscape = reader.pages[int(pages["Relevés de notes"]) - 1]
    assert (float(landscape.mediabox.width), float(landscape.mediabox.height)) == pytest.approx(
        (841.89, 595.28), abs=0.01
    )
    # The outline: the contents, the form with one entry per step, then each document.
    outline = []
    for item in reader.outline:
        if isinstance(item, list):
            outline.extend(("  " + str(sub.title), reader.get_destination_page_number(sub) + 1) for sub in item)
        else:
            outline.append((str(item.title), reader.get_destination_page_number(item) + 1))
    assert outline == [("Sommaire", 2)] + [
        (("  " if 1 <= i <= 8 else "") + title, int(pages[title])) for i, title in enumerate(TOC_TITLES)
    ]


def stamp_as_displayed(page) -> tuple[str, tuple[float, float], tuple[float, float], float]:
    """The page-number stamp of ``page``: its text, where it starts and which way it reads on the page
    as shown (``/Rotate`` applied, from the bottom left), and the width of the page as shown."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.startswith("Page "):
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            dx, dy = cm[0] * tm[0] + cm[2] * tm[1], cm[1] * tm[0] + cm[3] * tm[1]
            found.append((text, x, y, dx, dy))

    page.extract_text(visitor_text=visit)
    assert len(found) == 1
    text, x, y, dx, dy = found[0]
    box = page.cropbox
    x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    rotation = page.rotation % 360
    if rotation == 90:
        return text, (y - y0, x1 - x), (dy, -dx), y1 - y0
    if rotation == 180:
        return text, (x1 - x, y1 - y), (-dx, -dy), x1 - x0
    if rotation == 270:
        return text, (y1 - y, x - x0), (-dy, dx), y1 - y0
    return text, (x - x0, y - y0), (dx, dy), x1 - x0


def test_the_page_numbers_read_upright_at_the_bottom_right_of_every_page_as_shown():
    dossier = make_dossier()
    reader = PdfReader(io.BytesIO(renditions.dossier_pdf(dossier, 1)))
    total = len(reader.pages)
    rotations = [page.rotation % 360 for page in reader.pages]
    assert rotations.count(90) == 1  # the support letter's second page, as scanned
    for number, page in enumerate(reader.pages, 1):
        text, (u, v), direction, width = stamp_as_displayed(page)
        assert text == f"Page {number} / {total}"
        assert direction == (1, 0)  # left to right, not turned with the page
        assert (width - 120 < u < width - 42, 20 < v < 25) == (True, True)


def test_one_pdf_contains_the_fields_the_eligibility_snapshot_and_the_file_names():
    dossier = make_dossier()
    data = renditions.dossier_pdf(dossier, 1)
    text = lines(data)
    assert text.count(f"Adresse e-mail de contact {EMAIL}") == 1
    assert text.count("Satisfait Le laboratoire est rattaché à une école doctorale.") == 1
    assert text.count(f"Candidat·e {NAME}") == 1
    whole = flat("".join(pages_text(data)))
    for kind, name in NAMES.items():
        stored = dossier.files.get(kind=kind, is_current=True)
        assert whole.count(flat(f"{name} {PAGES[kind]} SHA-256 {stored.sha256}")) == 1


def test_blind_variant_has_no_identity_and_only_the_project():
    dossier = make_dossier(blind=True, documents=cv_with_identity())
    normal = flat("".join(pages_text(renditions.dossier_pdf(dossier, 1))))
    blind = flat("".join(pages_text(renditions.dossier_pdf(dossier, 1, blind=True))))
    identity = (NAME, EMAIL, PHONE, "Éloïse", "Durand-Lefebvre", "Pr Dominique Durand", "d.durand@univ-paris1.fr")
    # The full variant shows them all (so the test would see them)...
    for shown in (*identity, *NAMES.values()):
        assert flat(shown) in normal
    # ...the blind one none of them, nor any file name, nor the documents that identify.
    for hidden in (*identity, *NAMES.values()):
        assert flat(hidden) not in blind
    assert flat(page_text("project", 20)) in blind
    assert flat(page_text("cv", 1)) not in blind
    entries = toc(renditions.dossier_pdf(dossier, 1, blind=True))
    # No "Vos coordonnées": every field of that step identifies the candidate.
    assert [title for title, _page in entries] == [TOC_TITLES[0], *TOC_TITLES[2:9], "Projet de thèse (un seul PDF)"]


def test_a_damaged_or_missing_file_is_replaced_by_a_page_saying_so(caplog):
    dossier = make_dossier()
    diploma = dossier.files.get(kind="diploma", is_current=True)
    with diploma.file.open("wb") as handle:
        handle.write(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage")
    letter = dossier.files.get(kind="cover_letter", is_current=True)
    letter.file.storage.delete(letter.file.name)

    with caplog.at_level(logging.WARNING, logger="applications.renditions"):
        data = renditions.dossier_pdf(dossier, 1)
    texts = pages_text(data)
    entries = dict(toc(data))
    assert "Diplôme ou attestation de réussite (n'a pas pu être inclus)" in entries
    assert "Lettre de motivation (n'a pas pu être inclus)" in entries
    first = int(entries["Diplôme ou attestation de réussite (n'a pas pu être inclus)"])
    assert texts[first - 1].splitlines()[:2] == [
        "Diplôme ou attestation de réussite",
        "Ce fichier n'a pas pu être inclus dans le dossier complet : il est illisible ou endommagé. Le",
    ]
    # 40 pages less the diploma's 2 and the letter's 4, plus one page for each.
    assert len(texts) == int(entries["Curriculum vitæ"]) - 1 + 40 - 2 - 4 + 2
    assert [r.getMessage().split(":")[0] for r in caplog.records if r.name == "applications.renditions"] == [
        f"dossier {dossier.pk}",
        f"dossier {dossier.pk}",
    ]
    assert texts[-1].splitlines()[-1] == f"Page {len(texts)} / {len(texts)}"


# --- After the submission ----------------------------------------------------------------------------


def test_after_submission_renders_each_pdf_once_and_sends_the_receipt_once():
    dossier = make_dossier()
    mail.outbox = []
    renditions.after_submission(dossier.pk, 1)
    renditions.after_submission(dossier.pk, 1)

    assert sorted(Rendition.objects.filter(dossier=dossier).values_list("kind", "version")) == [
        ("dossier", 1),
        ("receipt", 1),
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert message.subject == f"[CIFRE] Dossier {dossier.number} : accusé de réception"
    receipt = Rendition.objects.get(dossier=dossier, kind="receipt", version=1)
    with receipt.file.open("rb") as handle:
        stored = handle.read()
    assert message.attachments == [(f"accuse-de-reception-{dossier.number}-v1.pdf", stored, "application/pdf")]
    assert receipt.sha256 == hashlib.sha256(stored).hexdigest()
    log = EmailLog.objects.get(dedupe_key=f"dossier-receipt:{dossier.pk}:v1")
    assert log.attachments == [
        {
            "name": receipt.file.name,
            "filename": f"accuse-de-reception-{dossier.number}-v1.pdf",
            "mimetype": "application/pdf",
        }
    ]


def test_the_receipt_e_mail_speaks_the_candidates_language():
    dossier = make_dossier(language="en")
    mail.outbox = []
    renditions.after_submission(dossier.pk, 1)
    message = mail.outbox[0]
    when = renditions.paris_time(SUBMITTED_AT, "en")
    assert message.subject == f"[CIFRE] Application {dossier.number}: acknowledgement of receipt"
    assert message.body.split("\n\n")[:3] == [
        f"Hello {NAME},",
        f"Your application no. {dossier.number} ({dossier.call.title_en}) was submitted on {when}.",
        "The attached acknowledgement lists everything you sent, with the SHA-256 fingerprint of each of your "
        "6 files: please keep it.",
    ]
    assert [name for name, _content, _type in message.attachments] == [renditions.receipt_filename(dossier, 1, "en")]
    assert EmailLog.objects.get().language == "en"


def test_a_blind_call_also_gets_the_blind_variant():
    dossier = make_dossier(blind=True)
    renditions.after_submission(dossier.pk, 1)
    assert sorted(Rendition.objects.filter(dossier=dossier).values_list("kind", flat=True)) == [
        "blind",
        "dossier",
        "receipt",
    ]


def test_a_superseded_version_is_not_rendered():
    dossier = make_dossier()
    Dossier.objects.filter(pk=dossier.pk).update(version=2)
    mail.outbox = []
    renditions.after_submission(dossier.pk, 1)
    assert (Rendition.objects.count(), len(mail.outbox)) == (0, 0)


def test_submitting_runs_everything_after_the_commit(django_capture_on_commit_callbacks):
    call = CallFactory()
    dossier = DossierFactory(call=call, filled=True)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        dossier, created = services.submit(dossier.pk, dossier.candidate)
    assert created is True
    assert len(mail.outbox) == 1
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype) == (f"accuse-de-reception-{dossier.number}-v1.pdf", "application/pdf")
    text = lines(content)
    for stored in dossier.files.filter(is_current=True):
        assert text.count(f"SHA-256 {stored.sha256}") == 6  # the factory uploads the same page six times
    assert Rendition.objects.filter(dossier=dossier).count() == 2

    # A replayed submission renders and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.submit(dossier.pk, dossier.candidate)[1] is False
    assert (len(mail.outbox), Rendition.objects.filter(dossier=dossier).count()) == (1, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_render_each_pdf_once_and_send_one_receipt():
    import threading

    from django.db import connection

    dossier = make_dossier()  # committed: its own run already happened after the submission's commit
    Rendition.objects.all().delete()
    EmailLog.objects.all().delete()
    mail.outbox = []
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            renditions.after_submission(dossier.pk, 1)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(Rendition.objects.values_list("kind", "version")) == [("dossier", 1), ("receipt", 1)]
    assert (len(mail.outbox), EmailLog.objects.count()) == (1, 1)
