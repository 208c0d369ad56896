"""The read side of screening: the lists of dossiers staff and department contacts see, and a dossier
laid out for reading (every step's values, files, pre-check, requests, history).

Lists are built here with their ``select_related``/annotations decided once, so a page makes the
same number of queries whatever its number of rows (tests/applications/test_staff_screening.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from conventions.rules import ELIGIBILITY_CODES

from . import steps
from .models import Dossier, DossierEvent, DossierFile, EligibilityOverride, MissingItemsRequest, Rendition

Status = Dossier.Status

# Short names of the eligibility checks of RULES.md §2 (filters, columns, exports).
CHECK_LABELS = {
    "masters_held": gettext_lazy("Master obtenu à la date d'effet"),
    "masters_recent": gettext_lazy("Master de moins de trois ans"),
    "not_doctor": gettext_lazy("Pas déjà docteur·e"),
    "no_other_thesis": gettext_lazy("Pas d'autre thèse commencée"),
    "enrolment_recent": gettext_lazy("Inscription en doctorat récente"),
    "prior_employment": gettext_lazy("Au plus neuf mois déjà travaillés pour la Ville"),
    "employer_eligible": gettext_lazy("Employeur éligible"),
    "contract_duration": gettext_lazy("Durée du contrat"),
    "lab_doctoral_school": gettext_lazy("Laboratoire rattaché à une école doctorale"),
    "lab_cotutelle": gettext_lazy("Laboratoire en France ou cotutelle"),
}
CHECK_CHOICES = [(code, CHECK_LABELS[code]) for code in ELIGIBILITY_CODES]
SCREENED_STATUSES = [choice for choice in Status.choices if choice[0] != Status.DRAFT]

# Sorting of the list: the ``sort`` parameter's values and their ordering.
SORTS = {
    "number": ("number", "id"),
    "-number": ("-number", "-id"),
    "name": ("last_name", "first_name", "number"),
    "-name": ("-last_name", "-first_name", "-number"),
    "submitted": ("submitted_at", "number"),
    "-submitted": ("-submitted_at", "-number"),
    "status": ("status", "number"),
    "-status": ("-status", "-number"),
    "theme": ("theme__position", "theme__title_fr", "number"),
    "-theme": ("-theme__position", "-theme__title_fr", "-number"),
}
DEFAULT_SORT = "number"
# What a list row and an export line show (the long texts of the project are never read for a list).
LIST_FIELDS = (
    "call_id",
    "number",
    "status",
    "version",
    "first_name",
    "last_name",
    "email",
    "phone",
    "degree_title",
    "degree_institution",
    "degree_date",
    "lab_name",
    "lab_unit_code",
    "director_name",
    "eligibility",
    "submitted_at",
    "theme__title_fr",
    "theme__title_en",
    "theme__position",
    "theme__host_department__name",
    "theme__host_department__acronym",
)


def check_label(code: str) -> str:
    return str(CHECK_LABELS.get(code, code))


def failing_check(code: str) -> Q:
    """Dossiers whose submitted pre-check failed ``code`` and no override lifted it.

    The snapshot is the engine's ten checks in their order (``ELIGIBILITY_CODES``). PostgreSQL tests
    it by containment (``@>``, the JSON read once per row); elsewhere the position is looked up with the
    code checked too, so a snapshot in another order would match nothing, never the wrong check.
    """
    # Not correlated: the database reads the lifted ones once per query, not once per row and code.
    lifted = ~Q(pk__in=EligibilityOverride.objects.filter(code=code).values("dossier_id"))
    if connection.vendor == "postgresql":
        return Q(eligibility__contains=[{"code": code, "ok": False}]) & lifted
    position = ELIGIBILITY_CODES.index(code)
    return Q(**{f"eligibility__{position}__code": code, f"eligibility__{position}__ok": False}) & lifted


def any_failing_check() -> Q:
    condition = Q(pk__in=[])
    for code in ELIGIBILITY_CODES:
        condition |= failing_check(code)
    if connection.vendor == "postgresql":
        # One cheap test first (PostgreSQL orders the conditions by cost): most dossiers fail nothing.
        condition = Q(eligibility__contains=[{"ok": False}]) & condition
    return condition


def screening_list(call=None):
    """Submitted dossiers (drafts are never listed), with what a row shows, in one query per page."""
    # The open request (at most one per dossier) comes with the page's rows, as the overrides do: a join
    # or a subquery would be evaluated for every row the count or an offset goes through.
    open_requests = MissingItemsRequest.objects.filter(answered_at__isnull=True).only("id", "dossier_id", "deadline")
    qs = (
        Dossier.objects.exclude(status=Status.DRAFT)
        .select_related("theme__host_department")
        .only(*LIST_FIELDS)
        .prefetch_related(
            Prefetch("overrides", queryset=EligibilityOverride.objects.only("id", "dossier_id", "code")),
            Prefetch("requests", queryset=open_requests, to_attr="open_requests"),
        )
    )
    if call is not None:
        qs = qs.filter(call=call)
    return qs


def draft_count(call) -> int:
    return Dossier.objects.filter(call=call, status=Status.DRAFT).count()


def sort_key(value: str | None) -> str:
    return value if value in SORTS else DEFAULT_SORT


def failing_codes(dossier: Dossier) -> list[str]:
    """The failing checks of the dossier's submitted pre-check that no override lifted."""
    lifted = {o.code for o in dossier.overrides.all()}
    return [e["code"] for e in dossier.eligibility or () if not e.get("ok") and e.get("code") not in lifted]


def lifted_codes(dossier: Dossier) -> list[str]:
    return [o.code for o in dossier.overrides.all()]


def is_lapsed(deadline: dt.datetime | None, at: dt.datetime | None = None) -> bool:
    return deadline is not None and deadline < (at or timezone.now())


def decorate(rows, at: dt.datetime | None = None):
    """Attach what the template shows to each row of a list page (no query: overrides are prefetched)."""
    at = at or timezone.now()
    rows = list(rows)
    statuses = {value: str(label) for value, label in Status.choices}  # once, not per row
    for dossier in rows:
        dossier.status_label = statuses.get(dossier.status, dossier.status)
        dossier.failing = [(code, check_label(code)) for code in failing_codes(dossier)]
        open_requests = getattr(dossier, "open_requests", None) or ()
        dossier.open_deadline = open_requests[0].deadline if open_requests else None
        dossier.lapsed = is_lapsed(dossier.open_deadline, at)
        dossier.theme_title = dossier.theme.localised("title") if dossier.theme_id else ""
    return rows


# --- One dossier, laid out ----------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: str


def _display(dossier: Dossier, name: str) -> str:
    field = Dossier._meta.get_field(name)
    value = getattr(dossier, name)
    if value is None or value == "":
        return "—"
    if name == "theme":
        return value.localised("title")
    if field.choices:
        return str(getattr(dossier, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if (get_language() or "fr").startswith("fr") else value.isoformat()
    return str(value)


def sections(dossier: Dossier) -> list[tuple[str, str, list[Row]]]:
    """Every step's fields with their labels and values (the documents step is shown as files)."""
    result = []
    for step in steps.STEPS:
        if step.key == "documents":
            continue
        rows = [
            Row(capfirst(str(Dossier._meta.get_field(name).verbose_name)), _display(dossier, name))
            for name in step.fields
        ]
        result.append((step.key, str(step.label), rows))
    return result


def detail_queryset():
    return Dossier.objects.select_related("call", "candidate", "theme__host_department", "lab_doctoral_school").exclude(
        status=Status.DRAFT
    )


def dossier_context(dossier: Dossier, *, internal: bool) -> dict:
    """What the dossier page shows; ``internal`` (staff) adds overrides and the non-public history."""
    at = timezone.now()
    order = {kind: index for index, kind in enumerate(steps.REQUIRED_DOCUMENTS)}
    files = sorted(
        dossier.files.order_by("-is_current", "-uploaded_at"), key=lambda f: (order.get(f.kind, 99), not f.is_current)
    )
    kinds = dict(DossierFile.Kind.choices)
    for stored in files:
        stored.kind_label = kinds.get(stored.kind, stored.kind)
    overrides = list(dossier.overrides.select_related("created_by").order_by("created_at"))
    lifted = {o.code: o for o in overrides}
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    checks = [
        {
            "code": entry.get("code"),
            "label": check_label(entry.get("code")),
            "ok": bool(entry.get("ok")),
            "message": entry.get(f"message_{language}") or entry.get("message_fr", ""),
            "override": lifted.get(entry.get("code")),
        }
        for entry in dossier.eligibility or ()
    ]
    requests = list(dossier.requests.select_related("created_by"))
    from .staff_forms import item_label

    for request in requests:
        request.item_labels = [item_label(item) for item in request.items]
        request.lapsed = request.answered_at is None and is_lapsed(request.deadline, at)
    events = dossier.events.select_related("actor")
    if not internal:
        events = events.filter(public=True)
    events = list(events)
    kinds_of_event = dict(DossierEvent.Kind.choices)
    for event in events:
        event.kind_label = kinds_of_event.get(event.kind, event.kind)
        event.item_labels = [item_label(item) for item in event.data.get("items", ())]
    rendition = (
        Rendition.objects.filter(dossier=dossier, kind=Rendition.Kind.DOSSIER, version=dossier.version)
        .only("id", "created_at", "version")
        .first()
    )
    open_request = next((r for r in requests if r.answered_at is None), None)
    return {
        "dossier": dossier,
        "sections": sections(dossier),
        "periods": list(dossier.work_periods.all()) if dossier.worked_for_city else [],
        "files": files,
        "checks": checks,
        "failing": [c for c in checks if not c["ok"] and c["override"] is None],
        "overrides": overrides if internal else [],
        "requests": requests,
        "open_request": open_request,
        "lapsed": bool(open_request and open_request.lapsed),
        "events": events,
        "rendition": rendition,
        "internal": internal,
    }
