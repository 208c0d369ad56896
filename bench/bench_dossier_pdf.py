"""The one-PDF of a dossier: the form rendered by WeasyPrint, then six uploaded PDFs of 40 pages in all.

Usage: `.venv/bin/python bench/bench_dossier_pdf.py` (SQLite in a temporary file; with
DATABASE_URL=postgres://… a database ``bench_dossier_pdf_<pid>`` of its own, dropped at the end:
``bench/_database.py``). Uploaded files go to a temporary folder, removed at the end.

It builds a submitted dossier whose six documents (3 + 2 + 5 + 4 + 6 + 20 pages, one landscape, one
page rotated) are rendered by WeasyPrint, then times ``renditions.dossier_pdf`` from the dossier's id:
loading the dossier, rendering the form and the cover with its table of contents, checking and
appending the six files, the outline and the "Page N / M" stamp on the 40 + pages. It prints the
first run (WeasyPrint loads Pango), then the median and p95 of 15 runs, the receipt's median, and a
one-page PDF's median as a measure of how busy the machine was.
Exit status 1 when the median misses the goal: under 1.5 s.
"""

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench._database import own_database  # noqa: E402

RUNS = 15
GOAL_S = 1.5


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    setup_test_environment()
    media = tempfile.mkdtemp(prefix="bench-dossier-pdf-")
    settings.MEDIA_ROOT = media
    try:
        with own_database("dossier_pdf"):
            return measure()
    finally:
        shutil.rmtree(media, ignore_errors=True)


def submitted_dossier():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications import services
    from tests.applications.factories import DossierFactory
    from tests.applications.pdfs import six_documents

    dossier = DossierFactory(filled=True)
    for kind, content in six_documents().items():
        upload = SimpleUploadedFile(f"{kind}.pdf", content, content_type="application/pdf")
        services.upload_file(dossier.pk, kind, upload, dossier.candidate)
    dossier, _created = services.submit(dossier.pk, dossier.candidate)
    return dossier


def measure() -> int:
    from django.db import connection
    from pypdf import PdfReader

    from applications import renditions

    start = time.perf_counter()
    dossier = submitted_dossier()
    print(f"six documents of 40 pages rendered and uploaded: {time.perf_counter() - start:.2f} s")

    def once() -> bytes:
        return renditions.dossier_pdf(renditions._load(dossier.pk), dossier.version)

    start = time.perf_counter()
    data = once()
    first = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(f"first one-PDF (WeasyPrint loads Pango): {first:.2f} s, {pages} pages, {len(data) / 1024:.0f} KiB")

    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        once()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(
        f"one-PDF ({pages} pages, {connection.vendor}): median {median:.3f} s, p95 {p95(samples):.3f} s, "
        f"best {min(samples):.3f} s over {RUNS} runs (goal: under {GOAL_S} s)"
    )

    # The machine's speed at the time, to read the figures against bench_foundation's (22 ms when quiet).
    from cifre.pdf import render_pdf

    one_page = []
    for _ in range(10):
        start = time.perf_counter()
        render_pdf("pdf/base.html", {"title": "Reçu", "lines": ["a"]})
        one_page.append(time.perf_counter() - start)
    print(f"reference: one-page PDF median {statistics.median(one_page) * 1000:.0f} ms")

    receipt = []
    for _ in range(5):
        start = time.perf_counter()
        renditions.receipt_pdf(renditions._load(dossier.pk), dossier.version)
        receipt.append(time.perf_counter() - start)
    print(f"receipt PDF: median {statistics.median(receipt):.3f} s over 5 runs")
    return 0 if median < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
