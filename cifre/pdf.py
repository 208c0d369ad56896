"""Turn a template and its context into a PDF with WeasyPrint.

One helper for every document of the application (receipts, decision letters, invoices).
WeasyPrint loads Pango when imported, so it is imported inside the function. Documents may
use ``data:`` URIs and files of the project's ``static/`` folder, never the network: a
template cannot make the server fetch a URL.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import get_valid_filename

STATIC_SOURCE = Path(settings.BASE_DIR) / "static"


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        """``data:`` URIs and files under ``static/``; anything else is refused."""

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not path.is_relative_to(STATIC_SOURCE.resolve()):
                    raise ValueError(f"PDF resources must come from static/: {url}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"data", "file"}, timeout=5)


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    """Render ``template_name`` with ``context`` to HTML, then to PDF bytes.

    Relative URLs in the template resolve against ``static/`` (``<img src="img/logo.svg">``).
    """
    from weasyprint import HTML

    html = render_to_string(template_name, context or {}, request=request)
    document = HTML(string=html, base_url=STATIC_SOURCE.as_uri() + "/", url_fetcher=_fetcher())
    return document.write_pdf()


def pdf_response(template_name: str, context: dict | None, filename: str, *, request=None) -> HttpResponse:
    """A download of the rendered PDF under a safe file name."""
    name = get_valid_filename(filename.removesuffix(".pdf")) + ".pdf"
    response = HttpResponse(render_pdf(template_name, context, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
