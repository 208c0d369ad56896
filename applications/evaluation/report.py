"""The committee's PDF and the evaluation report for ANRT: a call's evaluation as documents (staff only).

``committee_context(call)`` / ``committee_pdf(call)``: one page per dossier, in the ranking's order
(by mean): number, candidate, theme, rank in the call and in the theme, mean, median, spread and
standard deviation, the disagreement flag, the criteria's means, then each evaluator's scores and
comments per criterion, overall comment, recommendation and weighted total.

``report_context(call)`` / ``report_pdf(call)``: the record ANRT may ask for, the City holding an
exemption from scientific review: the process and its dates (call, assignments, deadlines, closing
of the evaluation, committees, decisions), the grid, the evaluators (names, affiliations, load and
mean against the panel's), every conflict-of-interest declaration (kept when its assignment was
removed), each dossier's assignments, scores and ranking, the committees and their decisions
(outcome, waiting rank, applied when and by whom, promotions), and the reopened evaluations with
their reasons (``DossierEvent`` ``EVALUATION_REOPENED``).

Plain rows (``values_list``) and a fixed number of queries whatever the size of the call: the
ranking's six, then one each for the names, the assignments, the declarations, the committees, the
decisions, the reopenings and the people named in them. ``bench/bench_evaluation_report.py``
measures the report of a call of 150 dossiers with 3 evaluations each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cifre.pdf import render_pdf

from ..models import Dossier, DossierEvent
from . import ranking
from .exports import candidate_names
from .models import Assignment, Committee, ConflictDeclaration, Decision, Evaluation

COMMITTEE_TEMPLATE = "applications/pdf/committee.html"
REPORT_TEMPLATE = "applications/pdf/evaluation_report.html"


def _name(first: str, last: str, email: str = "") -> str:
    return f"{first or ''} {last or ''}".strip() or email or ""


@dataclass
class ScoreCell:
    criterion: object
    value: int | None
    comment: str


@dataclass
class EvaluatorEntry:
    name: str
    status: str
    submitted: bool
    total: object
    recommendation: str
    overall_comment: str
    scores: list[ScoreCell] = field(default_factory=list)


@dataclass
class DossierPage:
    line: ranking.DossierLine
    candidate: str
    criterion_means: list[tuple[object, object]]
    entries: list[EvaluatorEntry]
    recommendations: list[tuple[str, int]]


def _label_criteria(criteria) -> list:
    """The grid's criteria, each with ``display_label`` in the current language (templates cannot pass it)."""
    for criterion in criteria:
        criterion.display_label = criterion.localised("label")
    return criteria


def _pages(result: ranking.Ranking, names: dict[int, str]) -> list[DossierPage]:
    _label_criteria(result.criteria)
    assignment_labels = dict(Assignment.Status.choices)
    recommendation_labels = dict(Evaluation.Recommendation.choices)
    pages = []
    for line in result.dossiers:
        entries = [
            EvaluatorEntry(
                name=entry.evaluator_name,
                status=assignment_labels.get(entry.status, entry.status),
                submitted=entry.submitted,
                total=entry.total,
                recommendation=recommendation_labels.get(entry.recommendation, ""),
                overall_comment=entry.overall_comment,
                scores=[ScoreCell(c, entry.scores.get(c.pk), entry.comments.get(c.pk, "")) for c in result.criteria],
            )
            for entry in line.evaluations
        ]
        pages.append(
            DossierPage(
                line=line,
                candidate=names.get(line.dossier_id, ""),
                criterion_means=[(c, line.criterion_means.get(c.pk)) for c in result.criteria],
                entries=entries,
                recommendations=[
                    (recommendation_labels.get(key, key), count) for key, count in sorted(line.recommendations.items())
                ],
            )
        )
    return pages


def _common(call) -> dict:
    return {
        "call": call,
        "call_title": call.localised("title"),
        "lang": (get_language() or "fr")[:2],
        "generated_at": timezone.localtime(),
    }


def committee_context(call) -> dict:
    result = ranking.ranking(call, details=True)
    return {
        **_common(call),
        "title": _("Dossier du comité de sélection – %(call)s") % {"call": call.localised("title")},
        "criteria": result.criteria,
        "threshold": result.threshold,
        "pages": _pages(result, candidate_names(call)),
    }


def committee_pdf(call) -> bytes:
    return render_pdf(COMMITTEE_TEMPLATE, committee_context(call))


# --- The evaluation report --------------------------------------------------------------------------------


def _data(data) -> dict:
    return data if isinstance(data, dict) else {}


def _people(ids) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return {
        pk: _name(first, last, email)
        for pk, first, last, email in get_user_model()
        .objects.filter(pk__in=ids)
        .values_list("pk", "first_name", "last_name", "email")
    }


def _process(call, assignments_span: dict, committees: list[dict]) -> list[tuple[str, str]]:
    """The process's dates, in order, as Paris text ("—" when the step has not happened)."""
    steps = [
        (_("Ouverture de l'appel"), call.opens_at),
        (_("Clôture de l'appel"), call.closes_at),
        (_("Premières affectations"), assignments_span["first"]),
        (_("Dernières affectations"), assignments_span["last"]),
        (_("Date limite d'évaluation la plus proche"), assignments_span["first_deadline"]),
        (_("Date limite d'évaluation la plus lointaine"), assignments_span["last_deadline"]),
        (_("Évaluation close le"), call.evaluation_closed_at),
        *((_("Comité de sélection"), c["date"]) for c in committees),
        (_("Décisions rendues le"), call.decisions_on),
        (_("Date prévue des résultats"), call.results_date),
    ]
    return [(label, _when(value)) for label, value in steps]


def _when(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def report_context(call) -> dict:
    result = ranking.ranking(call, details=True)
    names = candidate_names(call)
    numbers = dict(Dossier.objects.filter(call=call).values_list("pk", "number"))

    # Every assignment of the call, removed ones aside (they are in the declarations and the history).
    assignments = list(
        Assignment.objects.filter(dossier__call=call)
        .order_by("evaluator_id", "dossier_id")
        .values_list(
            "evaluator_id",
            "status",
            "created_at",
            "deadline",
            "evaluator__first_name",
            "evaluator__last_name",
            "evaluator__email",
            "evaluator__evaluator_profile__affiliation",
        )
    )
    span = {"first": None, "last": None, "first_deadline": None, "last_deadline": None}
    if assignments:
        span = {
            "first": min(a[2] for a in assignments),
            "last": max(a[2] for a in assignments),
            "first_deadline": min(a[3] for a in assignments),
            "last_deadline": max(a[3] for a in assignments),
        }

    declarations = list(
        ConflictDeclaration.objects.filter(dossier__call=call)
        .order_by("declared_at", "pk")
        .values_list(
            "evaluator_id",
            "evaluator__first_name",
            "evaluator__last_name",
            "evaluator__email",
            "evaluator__evaluator_profile__affiliation",
            "dossier_id",
            "declared_at",
            "has_conflict",
            "statement",
            "nature",
            "assignment_id",
        )
    )

    # The evaluators: everyone assigned a dossier of the call, or who declared on one.
    counts: dict[int, dict] = {}
    for evaluator_id, status, _at, _deadline, first, last, email, affiliation in assignments:
        row = counts.setdefault(
            evaluator_id,
            {"name": _name(first, last, email), "affiliation": affiliation or "", "assigned": 0, "statuses": {}},
        )
        row["assigned"] += 1
        row["statuses"][status] = row["statuses"].get(status, 0) + 1
    for evaluator_id, first, last, email, affiliation, *_rest in declarations:
        counts.setdefault(
            evaluator_id,
            {"name": _name(first, last, email), "affiliation": affiliation or "", "assigned": 0, "statuses": {}},
        )
    panel = {line.evaluator_id: line for line in result.evaluators}
    evaluators = []
    for evaluator_id, row in sorted(counts.items(), key=lambda item: (item[1]["name"], item[0])):
        own = panel.get(evaluator_id)
        evaluators.append(
            {
                **row,
                "submitted": row["statuses"].get(Assignment.Status.SUBMITTED, 0),
                "conflicts": row["statuses"].get(Assignment.Status.CONFLICT, 0),
                "declined": row["statuses"].get(Assignment.Status.DECLINED, 0),
                "mean": own.mean if own else None,
                "others_mean": own.others_mean if own else None,
                "marker": own.marker if own else "",
            }
        )

    declaration_rows = [
        {
            "evaluator": _name(first, last, email),
            "number": numbers.get(dossier_id) or "",
            "at": declared_at,
            "has_conflict": has_conflict,
            "text": nature if has_conflict else statement,
            "removed": assignment_id is None,
        }
        for _e, first, last, email, _aff, dossier_id, declared_at, has_conflict, statement, nature, assignment_id in (
            declarations
        )
    ]

    committees = list(
        Committee.objects.filter(call=call).order_by("date", "pk").values("pk", "date", "members_present")
    )
    decisions = list(
        Decision.objects.filter(dossier__call=call)
        .order_by("committee_id", "outcome", "waiting_rank", "dossier__number")
        .values_list(
            "committee_id",
            "dossier_id",
            "outcome",
            "waiting_rank",
            "status",
            "decided_at",
            "decided_by_id",
            "applied_at",
            "applied_by_id",
            "promoted_at",
            "promoted_by_id",
        )
    )
    reopenings = list(
        DossierEvent.objects.filter(dossier__call=call, kind=DossierEvent.Kind.EVALUATION_REOPENED)
        .order_by("at", "pk")
        .values_list("dossier_id", "at", "actor_id", "message", "data")
    )
    people = _people(
        [d[6] for d in decisions]
        + [d[8] for d in decisions]
        + [d[10] for d in decisions]
        + [r[2] for r in reopenings]
        + [_data(r[4]).get("evaluator") for r in reopenings]
    )
    outcome_labels = dict(Decision.Outcome.choices)
    status_labels = dict(Decision.Status.choices)
    ranks = {line.dossier_id: line for line in result.dossiers}
    by_committee: dict[int, list[dict]] = defaultdict(list)
    for (
        committee_id,
        dossier_id,
        outcome,
        rank,
        status,
        decided_at,
        decided_by,
        applied_at,
        applied_by,
        p_at,
        p_by,
    ) in decisions:
        line = ranks.get(dossier_id)
        by_committee[committee_id].append(
            {
                "number": numbers.get(dossier_id) or "",
                "candidate": names.get(dossier_id, ""),
                "rank": line.rank if line else None,
                "mean": line.mean if line else None,
                "outcome": outcome_labels.get(outcome, outcome),
                "waiting_rank": rank,
                "status": status_labels.get(status, status),
                "decided_at": decided_at,
                "decided_by": people.get(decided_by, ""),
                "applied_at": applied_at,
                "applied_by": people.get(applied_by, ""),
                "promoted_at": p_at,
                "promoted_by": people.get(p_by, ""),
            }
        )
    for committee in committees:
        committee["decisions"] = by_committee.get(committee["pk"], [])

    reopening_rows = [
        {
            "number": numbers.get(dossier_id) or "",
            "at": at,
            "by": people.get(actor_id, ""),
            "evaluator": people.get(_data(data).get("evaluator"), ""),
            "previous_total": _data(data).get("total", ""),
            "reason": message,
        }
        for dossier_id, at, actor_id, message, data in reopenings
    ]

    found = _count_by_status(call)
    dossier_counts = [(label, found[status]) for status, label in Dossier.Status.choices if status in found]
    return {
        **_common(call),
        "title": _("Rapport d'évaluation – %(call)s") % {"call": call.localised("title")},
        "process": _process(call, span, committees),
        "dossier_counts": dossier_counts,
        "criteria": result.criteria,
        "threshold": result.threshold,
        "evaluators": evaluators,
        "declarations": declaration_rows,
        "statement_example": next((d["text"] for d in declaration_rows if not d["has_conflict"] and d["text"]), ""),
        "pages": _pages(result, names),
        "committees": committees,
        "reopenings": reopening_rows,
    }


def _count_by_status(call) -> dict[str, int]:
    return dict(
        Dossier.objects.filter(call=call)
        .exclude(status=Dossier.Status.DRAFT)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def report_pdf(call) -> bytes:
    return render_pdf(REPORT_TEMPLATE, report_context(call))
