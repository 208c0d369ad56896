"""Validation of uploaded PDF files, reusable by every app (dossiers, documents, amendments).

The extension is checked, then the content: the file must start with ``%PDF-`` and parse with pypdf,
without encryption, with at least one page; its size is capped by ``settings.MAX_UPLOAD_SIZE``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def validate_pdf(uploaded_file) -> None:
    """Raise ``ValidationError`` (a French message) unless ``uploaded_file`` is a readable, unencrypted PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    name = getattr(uploaded_file, "name", "") or ""
    if not name.lower().endswith(".pdf"):
        raise ValidationError(_("Le fichier doit être un PDF (extension .pdf)."), code="pdf_extension")
    size = getattr(uploaded_file, "size", 0) or 0
    if size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier pèse %(size)s : la taille maximale est %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(settings.MAX_UPLOAD_SIZE)},
            code="pdf_too_large",
        )
    if size == 0:
        raise ValidationError(_("Le fichier est vide."), code="pdf_empty")
    uploaded_file.seek(0)
    head = uploaded_file.read(5)
    uploaded_file.seek(0)
    # At the very start: pypdf (strict=False) would find a PDF after an HTML page, and a browser shown
    # the file would render the HTML.
    if head != b"%PDF-":
        raise ValidationError(_("Ce fichier n'est pas un PDF (son contenu ne correspond pas)."), code="pdf_content")
    try:
        reader = PdfReader(uploaded_file, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("Ce PDF est protégé par un mot de passe : déposez une version non chiffrée."), code="pdf_encrypted"
            )
        if len(reader.pages) < 1:
            raise ValidationError(_("Ce PDF ne contient aucune page."), code="pdf_no_page")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, OSError, RecursionError, AttributeError, IndexError):
        raise ValidationError(_("Ce PDF est illisible ou endommagé."), code="pdf_broken") from None
    finally:
        uploaded_file.seek(0)


class PdfFileField(forms.FileField):
    """A form field that accepts only a valid PDF (see ``validate_pdf``)."""

    default_error_messages = {"required": gettext_lazy("Déposez un fichier PDF.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            validate_pdf(value)
        return value
