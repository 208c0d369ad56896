"""The daily status sweep: bring every stored status up to date as of a date, in set-based queries.

The rules engine (``conventions.rules``) computes obligations and instalments when a fact of a
convention changes. What changes with the mere passing of time is a handful of statuses: an
obligation becomes overdue or missed, a convention's money becomes lost (``lost_on``), an
instalment becomes payable, withheld or forfeited, a convention ends or enters a suspension. The
sweep recomputes exactly those, with the same first-match rules as ``rules.obligation_status``
and ``rules.instalment_status`` written as SQL ``CASE`` expressions over the stored dates (the
tests check both agree day after day). Each step selects the rows whose value differs, records
a ``StatusChange`` for each, then updates them grouped by new value: a constant number of
queries per changed value, whatever the number of conventions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, CharField, Exists, F, Min, OuterRef, Q, Value, When

from conventions.models import Convention, Obligation, Suspension
from subsidies.models import Instalment, StatusChange

CHUNK = 5000


@dataclass
class SweepResult:
    as_of: dt.date
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.changes.values())


def obligation_status_expression(as_of: dt.date) -> Case:
    """RULES.md §6, as ``rules.obligation_status``: missed → received → overdue → upcoming."""
    return Case(
        When(
            Q(forfeits_on__isnull=False, forfeits_on__lt=as_of)
            & (Q(received_on__isnull=True) | Q(received_on__gt=F("forfeits_on"))),
            then=Value(Obligation.Status.MISSED),
        ),
        When(received_on__lte=as_of, then=Value(Obligation.Status.RECEIVED)),
        When(due_date__lt=as_of, then=Value(Obligation.Status.OVERDUE)),
        default=Value(Obligation.Status.UPCOMING),
        output_field=CharField(),
    )


def instalment_status_expression(as_of: dt.date) -> Case:
    """RULES.md §6, as ``rules.instalment_status``: forfeited → upcoming → payable → withheld."""
    lost_on = F("convention__lost_on")
    return Case(
        When(
            Q(convention__lost_on__isnull=False) & (Q(payable_on__isnull=True) | Q(payable_on__gt=lost_on)),
            then=Value(Instalment.Status.FORFEITED),
        ),
        When(due_date__gt=as_of, then=Value(Instalment.Status.UPCOMING)),
        When(payable_on__lte=as_of, then=Value(Instalment.Status.PAYABLE)),
        default=Value(Instalment.Status.WITHHELD),
        output_field=CharField(),
    )


def _apply(model, target: str, field_name: str, rows, as_of: dt.date) -> int:
    """``rows`` = (id, convention_id, old, new): record each change, then update grouped by new value."""
    if not rows:
        return 0
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                convention_id=convention_id,
                target=target,
                object_id=pk,
                field=field_name,
                old_value="" if old is None else str(old),
                new_value="" if new is None else str(new),
                as_of=as_of,
            )
            for pk, convention_id, old, new in rows
        ],
        batch_size=CHUNK,
    )
    by_value = defaultdict(list)
    for pk, _convention_id, _old, new in rows:
        by_value[new].append(pk)
    for value, ids in by_value.items():
        for start in range(0, len(ids), CHUNK):
            model.objects.filter(pk__in=ids[start : start + CHUNK]).update(**{field_name: value})
    return len(rows)


def _changed(qs, field_name: str, expression):
    """Rows of ``qs`` (id, convention id, old, new) whose stored ``field_name`` differs from ``expression``.

    Only for non-null fields computed by a ``CASE`` with a default (never NULL on either side).
    """
    qs = qs.annotate(new_value=expression).exclude(**{field_name: F("new_value")})
    convention = "pk" if qs.model is Convention else "convention_id"
    return list(qs.values_list("pk", convention, field_name, "new_value"))


def _changed_per_convention(field_name: str, computed: dict) -> list:
    """Conventions whose nullable date ``field_name`` differs from ``computed`` (convention id -> date).

    ``computed`` comes from one grouped query over the obligations; comparing here, against one scan
    of the conventions, keeps the cost linear (a correlated subquery per convention does not).
    """
    rows = []
    for pk, stored in Convention.objects.values_list("pk", field_name).iterator(chunk_size=CHUNK):
        new = computed.get(pk)
        if new != stored:
            rows.append((pk, pk, stored, new))
    return rows


def sweep(as_of: dt.date) -> SweepResult:
    """Bring stored statuses up to date as of ``as_of``; returns how many values changed, per kind."""
    result = SweepResult(as_of=as_of)
    with transaction.atomic():
        # 1. Obligations (current ones: those of the convention's present plan).
        rows = _changed(Obligation.objects.filter(is_current=True), "status", obligation_status_expression(as_of))
        result.changes["obligation.status"] = _apply(Obligation, "obligation", "status", rows, as_of)

        # 2. The date from which a convention's money is lost: earliest forfeit date of a missed obligation.
        lost = (
            Obligation.objects.filter(is_current=True, status=Obligation.Status.MISSED, forfeits_on__isnull=False)
            .values("convention_id")
            .annotate(first=Min("forfeits_on"))
            .values_list("convention_id", "first")
        )
        rows = _changed_per_convention("lost_on", dict(lost))
        result.changes["convention.lost_on"] = _apply(Convention, "convention", "lost_on", rows, as_of)

        # 3. Instalments.
        rows = _changed(Instalment.objects.all(), "status", instalment_status_expression(as_of))
        result.changes["instalment.status"] = _apply(Instalment, "instalment", "status", rows, as_of)

        # 4. The next deadline: earliest due date of a current obligation still awaited.
        waiting = (
            Obligation.objects.filter(
                is_current=True,
                received_on__isnull=True,
                status__in=(Obligation.Status.UPCOMING, Obligation.Status.OVERDUE),
            )
            .values("convention_id")
            .annotate(first=Min("due_date"))
            .values_list("convention_id", "first")
        )
        rows = _changed_per_convention("next_deadline", dict(waiting))
        result.changes["convention.next_deadline"] = _apply(Convention, "convention", "next_deadline", rows, as_of)

        # 5. The convention's own status: active, suspended or ended (draft and terminated are set by people).
        suspended = Suspension.objects.filter(convention=OuterRef("pk"), start__lte=as_of, end__gte=as_of)
        status = Case(
            When(end_date__lt=as_of, then=Value(Convention.Status.ENDED)),
            When(Exists(suspended), then=Value(Convention.Status.SUSPENDED)),
            default=Value(Convention.Status.ACTIVE),
            output_field=CharField(),
        )
        live = Convention.objects.exclude(status=Convention.Status.DRAFT).filter(termination_date__isnull=True)
        rows = _changed(live, "status", status)
        result.changes["convention.status"] = _apply(Convention, "convention", "status", rows, as_of)
    return result
