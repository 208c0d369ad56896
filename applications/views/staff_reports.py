"""Staff downloads of the evaluation: scores CSV/XLSX, committee PDF, evaluation report (issue 11).

Thin views: the check is ``evaluation.permissions.can_manage_evaluation`` (staff and admins; anyone
else is refused alike whether the call exists or not, staff get 404 for a guessed call), the
documents are built by ``evaluation.exports`` and ``evaluation.report``.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import require

from ..evaluation import exports, report
from ..evaluation.permissions import can_manage_evaluation
from ..models import Call

FORMATS = ("csv", "xlsx")


def _call(request, pk, **kwargs):
    cache = request.__dict__.setdefault("_applications_objects", {})
    if ("call", pk) not in cache:
        cache[("call", pk)] = get_object_or_404(Call, pk=pk)
    return cache[("call", pk)]


def call_context(call) -> dict:
    """The call page's part (``applications/staff/staff_reports/_call_section.html``): the download links."""
    return {
        "report_links": {
            "scores_csv": reverse("applications:staff_scores_export", args=[call.pk, "csv"]),
            "scores_xlsx": reverse("applications:staff_scores_export", args=[call.pk, "xlsx"]),
            "committee_pdf": reverse("applications:staff_committee_pdf", args=[call.pk]),
            "evaluation_report": reverse("applications:staff_evaluation_report", args=[call.pk]),
        }
    }


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@require(can_manage_evaluation, _call)
def scores_export(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404
    call = _call(request, pk)
    return exports.scores_csv(call) if fmt == "csv" else exports.scores_xlsx(call)


@require_GET
@require(can_manage_evaluation, _call)
def committee_pdf(request, pk):
    call = _call(request, pk)
    return _pdf(report.committee_pdf(call), f"comite-{call.year}-{timezone.localdate().isoformat()}.pdf")


@require_GET
@require(can_manage_evaluation, _call)
def evaluation_report(request, pk):
    call = _call(request, pk)
    return _pdf(report.report_pdf(call), f"rapport-evaluation-{call.year}-{timezone.localdate().isoformat()}.pdf")
