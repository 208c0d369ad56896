"""Staff downloads of a call's scores: CSV and XLSX, one row per evaluation (staff only: names included).

**Layout** (decided here): one row per evaluation — per live assignment (waiting for the declaration,
accepted, submitted) of a dossier of the call — in the ranking's order (by mean), with one pair of
columns per criterion of the grid (its score, its comment). So a spreadsheet sorts and filters the
rows without pivoting, and every score of the call is on its evaluator's row. A draft's scores are
exported too, marked "Brouillon" in the evaluation's column; its weighted total and submission time
stay empty (they exist only once submitted). Declined and conflicted assignments have no row: their
record is in the evaluation report (``report``).

Every cell goes through ``cifre.spreadsheets.safe_cell`` (a name or comment typed as ``=1+2`` stays
text), times are in Europe/Paris, the CSV is ``;``-separated UTF-8 with a BOM, as the dossier export
(``applications.exports``) — the same dialect, the same XLSX library (openpyxl, write-only).

Six queries whatever the size of the call: the ranking's five, the dossiers' names, the evaluations
and the scores (the ranking without ``details``: drafts' scores are read here).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cifre.spreadsheets import safe_cell

from ..exports import _paris, _text
from ..models import Dossier
from . import ranking
from .models import ACTIVE_ASSIGNMENT, Assignment, Evaluation, Score

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def candidate_names(call) -> dict[int, str]:
    """Dossier id → the candidate's name as on the dossier (one query)."""
    return {
        pk: f"{first} {last}".strip()
        for pk, first, last in Dossier.objects.filter(call=call).values_list("pk", "first_name", "last_name")
    }


def header(criteria) -> list[str]:
    columns = [
        _("Rang"),
        _("Numéro"),
        _("Candidat·e"),
        _("Thème"),
        _("Évaluateur·rice"),
        _("Affectation"),
        _("Évaluation"),
    ]
    for criterion in criteria:
        label = criterion.localised("label")
        columns.append(
            _("%(label)s : note (%(low)s à %(high)s)")
            % {"label": label, "low": criterion.scale_min, "high": criterion.scale_max}
        )
        columns.append(_("%(label)s : commentaire") % {"label": label})
    columns += [
        _("Appréciation générale"),
        _("Recommandation"),
        _("Note pondérée (sur 20)"),
        _("Transmise le (heure de Paris)"),
    ]
    return columns


def _labels(choices) -> dict[str, str]:
    """Value → label as plain text (a lazy label is no spreadsheet value)."""
    return {value: str(label) for value, label in choices.choices}


def score_table(call) -> tuple[list[str], list[list]]:
    """The header and the rows of the export (values: text, int, ``Decimal``, naive Paris time)."""
    result = ranking.ranking(call)
    criteria = result.criteria
    names = candidate_names(call)
    evaluations = {
        assignment_id: (status, submitted_at, recommendation, comment)
        for assignment_id, status, submitted_at, recommendation, comment in Evaluation.objects.filter(
            assignment__dossier__call=call, assignment__status__in=ACTIVE_ASSIGNMENT
        ).values_list("assignment_id", "status", "submitted_at", "recommendation", "overall_comment")
    }
    scores: dict[int, dict[int, tuple]] = defaultdict(dict)
    for assignment_id, criterion_id, value, comment in Score.objects.filter(
        evaluation__assignment__dossier__call=call, evaluation__assignment__status__in=ACTIVE_ASSIGNMENT
    ).values_list("evaluation__assignment_id", "criterion_id", "value", "comment"):
        scores[assignment_id][criterion_id] = (value, comment)
    assignment_labels = _labels(Assignment.Status)
    evaluation_labels = _labels(Evaluation.Status)
    recommendations = _labels(Evaluation.Recommendation)
    rows = []
    for line in result.dossiers:
        for entry in line.evaluations:
            status, submitted_at, recommendation, comment = evaluations.get(entry.assignment_id, ("", None, "", ""))
            own = scores.get(entry.assignment_id, {})
            row = [
                line.rank,
                line.number,
                names.get(line.dossier_id, ""),
                line.theme_title,
                entry.evaluator_name,
                assignment_labels.get(entry.status, entry.status),
                evaluation_labels.get(status, "") if status else _("Non commencée"),
            ]
            for criterion in criteria:
                value, criterion_comment = own.get(criterion.pk, (None, ""))
                row += [value, criterion_comment]
            row += [
                comment,
                recommendations.get(recommendation, ""),
                entry.total,
                _paris(submitted_at) if status == Evaluation.Status.SUBMITTED else None,
            ]
            rows.append(row)
    return header(criteria), rows


def _filename(call, ext: str) -> str:
    return f"notes-{call.year}-{timezone.localdate().isoformat()}.{ext}"


def scores_csv(call) -> HttpResponse:
    head, rows = score_table(call)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe_cell(v) for v in head])
    for row in rows:
        writer.writerow([safe_cell(_text(v)) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, "csv")}"'
    return response


def scores_xlsx(call) -> HttpResponse:
    from openpyxl import Workbook

    head, rows = score_table(call)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Notes")[:31])
    sheet.append([safe_cell(v) for v in head])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(call, "xlsx")}"'
    return response
