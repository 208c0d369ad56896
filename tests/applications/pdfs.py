"""Multi-page PDFs with readable text, for the one-PDF tests and its benchmark.

Each page says which document it belongs to (``"CV page 2 of 3"``), so a test can check where a
part begins in the assembled PDF. Rendered with WeasyPrint once per process.
"""

from __future__ import annotations

import functools
import io

# Six documents of 40 pages in all, in the one-PDF's order.
PAGES = {"cv": 3, "diploma": 2, "transcripts": 5, "cover_letter": 4, "support_letter": 6, "project": 20}
MARKERS = {
    "cv": "CV",
    "diploma": "DIPLOMA",
    "transcripts": "TRANSCRIPTS",
    "cover_letter": "COVERLETTER",
    "support_letter": "SUPPORTLETTER",
    "project": "PROJECT",
}


def page_text(kind: str, number: int) -> str:
    return f"{MARKERS[kind]} page {number} of {PAGES[kind]}"


def document(kind: str, pages: int | None = None, *, extra: str = "", landscape: bool = False) -> bytes:
    """``pages`` pages (``PAGES[kind]`` by default), each naming itself; ``extra`` on the first one."""
    from weasyprint import HTML

    pages = pages or PAGES[kind]
    size = "A4 landscape" if landscape else "A4"
    body = "".join(
        f"<section><h1>{page_text(kind, n)}</h1>{'<p>' + extra + '</p>' if n == 1 and extra else ''}"
        f"<p>{'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ' * 30}</p></section>"
        for n in range(1, pages + 1)
    )
    html = f"<style>@page {{ size: {size}; margin: 2cm }} section {{ page-break-after: always }}</style>{body}"
    return HTML(string=html).write_pdf()


def rotated(data: bytes, page_index: int = 0) -> bytes:
    """The same PDF with one page turned a quarter (``/Rotate 90``), as scanners leave them."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.pages[page_index].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def six_documents() -> dict[str, bytes]:
    """The six documents of a dossier, 40 pages in all: transcripts in landscape, a letter page rotated."""
    docs = {kind: document(kind) for kind in PAGES}
    docs["transcripts"] = document("transcripts", landscape=True)
    docs["support_letter"] = rotated(docs["support_letter"], 1)
    return docs
