"""What a candidate may take away: every personal field of their dossiers, as JSON and as a ZIP with
their files (the right of access), and the names their files are downloaded under.

Values are written as stored (dates in ISO format, times in Europe/Paris with their offset), in the
language of the request for the labels.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zipfile
from pathlib import PurePath

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import steps
from .forms import STEP_FORMS
from .models import Dossier, DossierFile, Rendition

# Every field the candidate gives, step by step (the steps' own forms list them).
DOSSIER_FIELDS = tuple(name for key in steps.STEP_KEYS if key in STEP_FORMS for name in STEP_FORMS[key]._meta.fields)


def _value(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def display(dossier: Dossier, name: str) -> str:
    """A stored value as the candidate reads it on the review page ("—" when not given)."""
    value = getattr(dossier, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if name == "degree_status":
        return dossier.get_degree_status_display()
    return str(value)


def safe_filename(dossier: Dossier, stored: DossierFile) -> str:
    """``2027-0042_cv_mon-cv.pdf``: ASCII letters, digits and dashes only, whatever the name uploaded."""
    prefix = dossier.number or f"brouillon-{dossier.pk}"
    stem = slugify(PurePath(stored.original_name).stem)[:60] or stored.kind
    return f"{prefix}_{stored.kind}_{stem}.pdf"


def _dossier_data(dossier: Dossier) -> dict:
    fields = {}
    for name in DOSSIER_FIELDS:
        if name == "theme":
            fields[name] = str(dossier.theme) if dossier.theme_id else None
        elif name == "lab_doctoral_school":
            fields[name] = str(dossier.lab_doctoral_school) if dossier.lab_doctoral_school_id else None
        else:
            fields[name] = _value(getattr(dossier, name))
    kinds = dict(DossierFile.Kind.choices)
    return {
        "call": {"year": dossier.call.year, "title": dossier.call.localised("title")},
        "number": dossier.number,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "version": dossier.version,
        "created_at": _value(dossier.created_at),
        "submitted_at": _value(dossier.submitted_at),
        "fields": fields,
        "work_periods": [
            {"start": _value(p.start), "end": _value(p.end), "description": p.description}
            for p in dossier.work_periods.all()
        ],
        "files": [
            {
                "kind": f.kind,
                "kind_label": str(kinds.get(f.kind, f.kind)),
                "name": f.original_name,
                "size": f.size,
                "pages": f.pages,
                "sha256": f.sha256,
                "uploaded_at": _value(f.uploaded_at),
                "current": f.is_current,
                "archive_path": _archive_path(dossier, f),
            }
            for f in dossier.files.all()
        ],
        "eligibility_at_submission": dossier.eligibility,
        "screening_reasons": dossier.screening_reasons,
        "requests_for_missing_items": [
            {
                "items": r.items,
                "message": r.message,
                "deadline": _value(r.deadline),
                "created_at": _value(r.created_at),
                "answered_at": _value(r.answered_at),
            }
            for r in dossier.requests.all()
        ],
        "history": [
            {"at": _value(e.at), "event": e.kind, "label": e.get_kind_display(), "message": e.message}
            for e in dossier.events.all()
            if e.public
        ],
    }


def _dossiers(user):
    return (
        Dossier.objects.filter(candidate=user)
        .select_related("call", "theme", "lab_doctoral_school")
        .prefetch_related("work_periods", "files", "requests", "events")
        .order_by("call__year", "id")
    )


def export(user) -> dict:
    """Everything stored about ``user`` as a candidate (one query per kind of row, whatever the number)."""
    return {
        "generated_at": _value(timezone.now()),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": getattr(user, "preferred_language", ""),
            "date_joined": _value(user.date_joined),
        },
        "dossiers": [_dossier_data(dossier) for dossier in _dossiers(user)],
    }


def _folder(dossier: Dossier) -> str:
    return dossier.number or f"brouillon-{dossier.pk}"


def _archive_path(dossier: Dossier, stored: DossierFile) -> str:
    suffix = "" if stored.is_current else f"_{stored.uploaded_at:%Y%m%d-%H%M%S}"
    return f"{_folder(dossier)}/{safe_filename(dossier, stored)[:-4]}{suffix}.pdf"


def archive(user):
    """A ZIP of the JSON export, every file of the candidate's dossiers and their receipts.

    Written to a temporary file (spooled in memory up to 8 MB): six PDFs of 10 MB per version fit.
    """
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    data = export(user)
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mes-donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for dossier in _dossiers(user):
            for stored in dossier.files.all():
                try:
                    with stored.file.open("rb") as source:
                        zf.writestr(_archive_path(dossier, stored), source.read(), compress_type=zipfile.ZIP_STORED)
                except FileNotFoundError:
                    continue
            receipts = Rendition.objects.filter(dossier=dossier, kind=Rendition.Kind.RECEIPT).order_by("version")
            for receipt in receipts:
                try:
                    with receipt.file.open("rb") as source:
                        zf.writestr(
                            f"{_folder(dossier)}/accuse-de-reception_v{receipt.version}.pdf",
                            source.read(),
                            compress_type=zipfile.ZIP_STORED,
                        )
                except FileNotFoundError:
                    continue
    handle.seek(0)
    return handle
