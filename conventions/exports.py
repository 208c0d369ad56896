"""CSV and XLSX exports of the staff convention list (same filters as the screen).

Every cell goes through ``cifre.spreadsheets.safe_row`` (formula injection).
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cifre.spreadsheets import safe_row

from .queries import missing_summary
from .templatetags.conventions_tags import obligation_label

CHUNK = 2000


def _header() -> list[str]:
    return [
        _("Numéro ANRT"),
        _("Doctorant·e"),
        _("E-mail"),
        _("Direction d'accueil"),
        _("Laboratoire"),
        _("Statut"),
        _("Date d'effet"),
        _("Date de fin"),
        _("Durée (mois)"),
        _("Subvention annuelle (€)"),
        _("Prochaine échéance"),
        _("Documents en retard ou manqués"),
        _("Subvention perdue depuis"),
    ]


def _rows(queryset):
    """Rows in chunks: two queries per chunk of conventions, whatever their number."""
    conventions = list(queryset)
    for start in range(0, len(conventions), CHUNK):
        chunk = conventions[start : start + CHUNK]
        missing = missing_summary([c.pk for c in chunk])
        for c in chunk:
            late = ", ".join(obligation_label(key) for key in missing.get(c.pk, []))
            yield [
                c.anrt_number,
                c.doctoral_student.get_full_name() or c.doctoral_student.email,
                c.doctoral_student.email,
                str(c.host_department),
                str(c.lab),
                str(c.get_status_display()),
                c.effective_date,
                c.end_date,
                c.duration_months,
                c.annual_subsidy,
                c.next_deadline,
                late,
                c.lost_on,
            ]


def _filename(ext: str) -> str:
    return f"conventions-{timezone.localdate().isoformat()}.{ext}"


def _csv_text(value) -> str:
    """A protected cell as CSV text: dates in ISO format, nothing for None."""
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def conventions_csv(queryset) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(safe_row(_header()))
    for row in _rows(queryset):
        writer.writerow([_csv_text(cell) for cell in safe_row(row)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def conventions_xlsx(queryset) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Conventions")[:31])
    sheet.append(safe_row(_header()))
    for row in _rows(queryset):
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
