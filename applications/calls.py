"""The rules of a call, its themes and its evaluation grid, checked before anything is saved.

Staff edit calls on their own screens (``applications.views.staff``); every refusal comes back as a
``ValidationError`` whose keys are the form's field names, so the reason is shown next to the field:

- a call is published (and so opens at its opening time) only with at least one theme and a grid of
  at least one criterion whose weights are all positive;
- it closes after it opens; the planned effective date follows the planned ANRT filing date;
- once the first dossier is submitted, the dates (opening, closing, filing, effective), the year
  (it prefixes the dossiers' numbers) and the grid's shape (criteria added or removed, weights,
  scales) are frozen: candidates applied on those terms and evaluators will score on that grid.
  Texts (titles, presentation, criteria's labels, themes' descriptions) may still be corrected;
- a theme chosen by a dossier (a draft included) is never deleted, nor the last theme of a
  published call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles

from .models import Call, Criterion, Dossier, Theme

# Fields frozen once a dossier was submitted (the grid's own are GRID_LOCKED_FIELDS).
CALL_LOCKED_FIELDS = ("year", "opens_at", "closes_at", "planned_filing_date", "planned_effective_date")
GRID_LOCKED_FIELDS = ("weight", "scale_min", "scale_max")


def first_submission_at(call: Call | None) -> dt.datetime | None:
    """When the call's first dossier was submitted (``None``: none yet)."""
    if call is None or call.pk is None:
        return None
    return (
        Dossier.objects.filter(call=call, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )


def locked_reason(call: Call | None, at: dt.datetime | None = None) -> str:
    """Why the call's dates and grid can no longer change ("" while no dossier was submitted)."""
    at = at if at is not None else first_submission_at(call)
    if at is None:
        return ""
    return _(
        "Un premier dossier a été déposé le %(date)s (heure de Paris) : les candidat·e·s ont postulé sur ces "
        "dates et cette grille, qui ne peuvent plus changer. Les textes peuvent encore être corrigés."
    ) % {"date": timezone.localtime(at).strftime("%d/%m/%Y %H:%M")}  # no French "à" in an English sentence


def publication_problems(themes: int, weights: list[Decimal]) -> list[str]:
    """What keeps a call from being published (and so from opening), one sentence each."""
    problems = []
    if themes < 1:
        problems.append(_("Ajoutez au moins un thème : un appel ne peut être publié ni ouvert sans thème."))
    if not weights:
        problems.append(
            _(
                "Définissez la grille d'évaluation (au moins un critère) : un appel ne peut être publié ni ouvert "
                "sans grille."
            )
        )
    elif any(weight is None or weight <= 0 for weight in weights):
        problems.append(_("Toutes les pondérations de la grille doivent être strictement positives."))
    return problems


def _grid_weights(call: Call | None) -> list[Decimal]:
    if call is None or call.pk is None:
        return []
    return list(Criterion.objects.filter(call=call).values_list("weight", flat=True))


def _theme_count(call: Call | None) -> int:
    if call is None or call.pk is None:
        return 0
    return Theme.objects.filter(call=call).count()


def call_errors(previous: Call | None, values: dict) -> dict[str, list[str]]:
    """The refusals of the call's new ``values`` (field name → reason); ``previous`` is the stored call.

    ``values`` holds the fields that validated; a field missing from it is not judged again.
    """
    errors: dict[str, list[str]] = {}
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if opens and closes and closes <= opens:
        errors["closes_at"] = [_("La clôture doit suivre l'ouverture de l'appel.")]
    filing, effective = values.get("planned_filing_date"), values.get("planned_effective_date")
    if filing and effective and effective <= filing:
        errors["planned_effective_date"] = [
            _("La date d'effet prévue des conventions doit suivre la date prévue de dépôt à l'ANRT.")
        ]
    results = values.get("results_date")
    if results and closes and results < timezone.localtime(closes).date():
        errors["results_date"] = [_("Les résultats ne peuvent pas être annoncés avant la clôture de l'appel.")]
    if values.get("is_published") and (
        problems := publication_problems(_theme_count(previous), _grid_weights(previous))
    ):
        errors["is_published"] = problems
    if previous is not None and previous.pk is not None and (at := first_submission_at(previous)):
        reason = locked_reason(previous, at)
        for name in CALL_LOCKED_FIELDS:
            if name in values and values[name] != getattr(previous, name):
                errors[name] = [reason]
        if previous.is_published and "is_published" in values and not values["is_published"]:
            errors["is_published"] = [
                _("Des dossiers ont été déposés sur cet appel : il ne peut plus être retiré de la publication.")
            ]
    return errors


def save_call(call: Call, user=None) -> Call:
    """Check the call's rules again under a lock on the stored call, then save it."""
    with transaction.atomic():
        previous = Call.objects.select_for_update().get(pk=call.pk) if call.pk else None
        values = {f.name: getattr(call, f.name) for f in Call._meta.concrete_fields}
        if errors := call_errors(previous, values):
            raise ValidationError(errors)
        call.save()
    return call


# --- Themes ---------------------------------------------------------------------------------------


def readers_errors(readers) -> dict[str, str]:
    wrong = [user for user in readers if not roles.has_role(user, roles.DEPARTMENT)]
    if wrong:
        return {
            "readers": _("Seuls les comptes de rôle « Contact de direction » peuvent lire les dossiers : %(who)s.")
            % {"who": ", ".join(user.email for user in wrong)}
        }
    return {}


def save_theme(theme: Theme, readers=None) -> Theme:
    """Save a theme (a new one or a corrected one) and, when given, the department contacts who read it."""
    readers = list(readers) if readers is not None else None
    if readers is not None and (errors := readers_errors(readers)):
        raise ValidationError(errors)
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=theme.call_id)
        theme.save()
        if readers is not None:
            theme.readers.set(readers)
    return theme


def theme_delete_refusal(theme: Theme) -> str:
    """Why the theme cannot be deleted ("" when it can)."""
    chosen = Dossier.objects.filter(theme=theme).count()
    if chosen:
        return ngettext(
            "Ce thème a été choisi par %(n)s dossier : il ne peut pas être supprimé (corrigez plutôt son texte).",
            "Ce thème a été choisi par %(n)s dossiers : il ne peut pas être supprimé (corrigez plutôt son texte).",
            chosen,
        ) % {"n": chosen}
    if theme.call.is_published and Theme.objects.filter(call_id=theme.call_id).count() <= 1:
        return _("C'est le seul thème d'un appel publié : un appel publié doit garder au moins un thème.")
    return ""


def delete_theme(theme: Theme) -> None:
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=theme.call_id)
        if reason := theme_delete_refusal(theme):
            raise ValidationError(reason, code="theme_in_use")
        theme.delete()


# --- The evaluation grid --------------------------------------------------------------------------


def grid_errors(call: Call, rows: list[tuple[Criterion, bool]]) -> tuple[dict[int, dict[str, str]], list[str]]:
    """The refusals of a new grid: per row (index → field → reason) and for the whole grid.

    ``rows`` are the formset's criteria in order, each with ``True`` when it is to be deleted; a
    criterion without ``pk`` is a new one. The stored criteria are read again here.
    """
    per_row: dict[int, dict[str, str]] = {}
    general: list[str] = []
    stored = {c.pk: c for c in Criterion.objects.filter(call=call)}
    reason = locked_reason(call)
    for index, (criterion, deleted) in enumerate(rows):
        if not reason:
            break
        if criterion.pk is None:
            if not deleted:
                per_row.setdefault(index, {})["__all__"] = reason
            continue
        if deleted:
            per_row.setdefault(index, {})["DELETE"] = reason
            continue
        before = stored.get(criterion.pk)
        for name in GRID_LOCKED_FIELDS:
            if before is not None and getattr(criterion, name) != getattr(before, name):
                per_row.setdefault(index, {})[name] = reason
    remaining = [c for c, deleted in rows if not deleted]
    if call.is_published and not remaining:
        general.append(_("Un appel publié doit garder une grille d'au moins un critère."))
    return per_row, general


def save_grid(call: Call, rows: list[tuple[Criterion, bool]]) -> None:
    """Apply a grid (rows as in ``grid_errors``) under a lock on the call, or refuse it whole."""
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        per_row, general = grid_errors(call, rows)
        if per_row or general:
            raise GridRefused(per_row, general)
        for criterion, deleted in rows:
            if deleted:
                if criterion.pk:
                    criterion.delete()
                continue
            criterion.call = call
            criterion.save()


class GridRefused(Exception):
    def __init__(self, per_row: dict[int, dict[str, str]], general: list[str]):
        super().__init__(general or per_row)
        self.per_row = per_row
        self.general = general
