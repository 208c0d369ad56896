"""The PDF helper: a template and its context become a PDF whose text reads back."""

import io

import pytest
from pypdf import PdfReader

from cifre.pdf import pdf_response, render_pdf

pytestmark = pytest.mark.pdf


def _text(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_render_pdf_reads_back_title_lines_and_margin_boxes():
    data = render_pdf(
        "pdf/base.html", {"title": "Reçu de dépôt n° 2026-0042", "lines": ["Éloïse Durand", "12 345,67 €"]}
    )

    assert data[:5] == b"%PDF-"
    pages = _text(data)
    assert len(pages) == 1
    # The body, then the @page margin boxes: running header, running title, page counter.
    assert pages == [
        "Reçu de dépôt n° 2026-0042 Éloïse Durand 12 345,67 € "
        "Programme CIFRE · Ville de Paris Reçu de dépôt n° 2026-0042 Page 1 / 1"
    ]


def test_long_document_paginates_with_counter():
    lines = [f"Ligne {i:03d}" for i in range(120)]
    pages = _text(render_pdf("pdf/base.html", {"title": "Registre", "lines": lines}))

    assert len(pages) >= 3
    assert pages[-1].startswith("Ligne ")
    assert pages[-1].endswith(f"Ligne 119 Programme CIFRE · Ville de Paris Registre Page {len(pages)} / {len(pages)}")


def test_network_and_files_outside_static_are_not_fetched(tmp_path, settings):
    from django.template import engines

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    engine = engines["django"]
    # A template cannot reach files outside static/ nor the network: WeasyPrint logs and goes on.
    template = engine.from_string(
        '<link rel="stylesheet" href="{{ path }}"><img src="http://127.0.0.1:9/x.png"><p>Texte lisible</p>'
    )
    from weasyprint import HTML

    from cifre.pdf import STATIC_SOURCE, _fetcher

    fetcher = _fetcher()
    with pytest.raises(ValueError, match="static/"):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://127.0.0.1:9/x.png")
    css = fetcher.fetch((STATIC_SOURCE / "css" / "cifre.css").as_uri())
    assert b"--cifre-accent" in css.read()
    css.close()
    html = template.render({"path": secret.as_uri()})
    assert _text(HTML(string=html, url_fetcher=fetcher).write_pdf()) == ["Texte lisible"]


def test_pdf_response_is_a_download_with_a_safe_name():
    response = pdf_response("pdf/base.html", {"title": "Facture"}, "facture 2026/001.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="facture_2026001.pdf"'
    assert _text(response.content) == ["Facture Programme CIFRE · Ville de Paris Facture Page 1 / 1"]
