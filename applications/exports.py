"""CSV and XLSX exports of a call's screening list (the same filters as the screen).

Every cell goes through ``cifre.spreadsheets.safe_cell``: a candidate's name or e-mail typed as
``=1+2@x.org`` is written as text, never run as a formula. Times are in Europe/Paris.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cifre.spreadsheets import safe_cell

from . import screening

CHUNK = 2000


def header() -> list[str]:
    return [
        _("Numéro"),
        _("Statut"),
        _("Nom"),
        _("Prénom"),
        _("E-mail"),
        _("Téléphone"),
        _("Thème"),
        _("Direction d'accueil"),
        _("Diplôme"),
        _("Établissement du diplôme"),
        _("Date du diplôme"),
        _("Laboratoire"),
        _("Code d'unité"),
        _("Directeur·rice de thèse"),
        _("Contrôles en échec"),
        _("Contrôles levés"),
        _("Demande en cours : date limite"),
        _("Déposé le (heure de Paris)"),
        _("Version"),
    ]


def rows(queryset):
    """One list per dossier, in the list's order; the queryset is read in chunks (few queries)."""
    for start in range(0, queryset.count(), CHUNK):
        for dossier in screening.decorate(queryset[start : start + CHUNK]):
            yield [
                dossier.number,
                dossier.status_label,
                dossier.last_name,
                dossier.first_name,
                dossier.email,
                dossier.phone,
                dossier.theme.localised("title") if dossier.theme else "",
                str(dossier.theme.host_department) if dossier.theme else "",
                dossier.degree_title,
                dossier.degree_institution,
                dossier.degree_date,
                dossier.lab_name,
                dossier.lab_unit_code,
                dossier.director_name,
                ", ".join(label for _code, label in dossier.failing),
                ", ".join(screening.check_label(code) for code in screening.lifted_codes(dossier)),
                _paris(dossier.open_deadline),
                _paris(dossier.submitted_at),
                dossier.version,
            ]


def _paris(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as the naive Paris time a spreadsheet shows (XLSX has no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _filename(call, ext: str) -> str:
    return f"dossiers-{call.year}-{timezone.localdate().isoformat()}.{ext}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def dossiers_csv(call, queryset) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(v) for v in header()])
    for row in rows(queryset):
        writer.writerow([safe_cell(_text(v)) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, "csv")}"'
    return response


def dossiers_xlsx(call, queryset) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Dossiers")[:31])
    sheet.append([safe_cell(v) for v in header()])
    for row in rows(queryset):
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, "xlsx")}"'
    return response
