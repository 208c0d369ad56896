"""Who changed what and when: the simple-history records of a convention and of everything under it."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from subsidies.models import Instalment

from .models import Amendment, Convention, Document, Obligation, Suspension
from .templatetags.conventions_tags import obligation_label

ACTIONS = {"+": _("Création"), "~": _("Modification"), "-": _("Suppression")}
IGNORED = {
    "updated_at",
    "created_at",
    "history_id",
    "history_date",
    "history_user",
    "history_type",
    "history_change_reason",
    "id",
}


@dataclass
class Entry:
    when: object
    who: object
    action: str
    subject: str
    changes: list[tuple[str, object, object]]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


@dataclass
class _Ref:
    model: type
    pk: object


def _display(model, name: str, value, pending: list):
    """A readable value: choice labels; foreign keys are resolved afterwards (``pending``), in bulk."""
    if value is None or value == "":
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.many_to_one:
        ref = _Ref(field.related_model, value)
        pending.append(ref)
        return ref
    return value


def _resolve(entries: list[Entry], pending: list) -> None:
    by_model: dict = {}
    for ref in pending:
        by_model.setdefault(ref.model, set()).add(ref.pk)
    names = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
        for model, ids in by_model.items()
    }
    for entry in entries:
        entry.changes = [
            (label, *(names[v.model].get(v.pk, v.pk) if isinstance(v, _Ref) else v for v in (old, new)))
            for label, old, new in entry.changes
        ]


def _entries(model, records, subject, pending: list) -> list[Entry]:
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    entries = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        first = versions[0]
        entries.append(
            Entry(first.history_date, first.history_user, str(ACTIONS[first.history_type]), subject(first), [])
        )
        for old, new in pairwise(versions):
            changes = [
                (
                    _label(model, change.field),
                    _display(model, change.field, change.old, pending),
                    _display(model, change.field, change.new, pending),
                )
                for change in new.diff_against(old).changes
                if change.field not in IGNORED
            ]
            if changes or new.history_type == "-":
                entries.append(
                    Entry(new.history_date, new.history_user, str(ACTIONS[new.history_type]), subject(new), changes)
                )
    return entries


def entries_for(convention: Convention) -> list[Entry]:
    """Every change of the convention, its obligations, instalments, documents, suspensions and amendments,
    newest first, in a fixed number of queries."""
    obligation_ids = list(
        Obligation.history.filter(convention_id=convention.pk).values_list("id", flat=True).distinct()
    )
    sources = [
        (Convention, Convention.history.filter(id=convention.pk), lambda r: _("Convention")),
        (Obligation, Obligation.history.filter(convention_id=convention.pk), lambda r: obligation_label(r.key)),
        (Instalment, Instalment.history.filter(convention_id=convention.pk), lambda r: _("Échéance n° %s") % r.number),
        (
            Document,
            Document.history.filter(obligation_id__in=obligation_ids),
            lambda r: _("Document « %s »") % r.original_name,
        ),
        (
            Suspension,
            Suspension.history.filter(convention_id=convention.pk),
            lambda r: _("Suspension %(start)s – %(end)s") % {"start": r.start, "end": r.end},
        ),
        (
            Amendment,
            Amendment.history.filter(convention_id=convention.pk),
            lambda r: _("Avenant : %s") % r.get_kind_display(),
        ),
    ]
    entries, pending = [], []
    for model, records, subject in sources:
        entries.extend(_entries(model, records.select_related("history_user"), subject, pending))
    _resolve(entries, pending)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
