"""State changes of a convention, in one place.

Every change of a fact (the convention's dates, a suspension, a termination, a document received)
goes through a function here that saves it and recomputes the stored obligations and instalments
with the rules engine in the same transaction. The CIFRE arithmetic itself is in ``rules``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cifre.money import format_money

from . import rules
from .models import Amendment, Convention, Document, Obligation, Suspension


def today() -> dt.date:
    return timezone.localdate()


class InvoicedInstalmentChanged(ValidationError):
    """A change would alter an instalment that is already invoiced."""


# --- Facts ---------------------------------------------------------------------------------------


def facts_for(
    convention: Convention,
    *,
    suspensions: list[tuple[dt.date, dt.date]] | None = None,
    received: dict[str, dt.date] | None = None,
) -> rules.Facts:
    """The rules engine's input for ``convention`` (unsaved values included)."""
    if suspensions is None:
        suspensions = [(s.start, s.end) for s in convention.suspensions.all()] if convention.pk else []
    if received is None:
        received = (
            dict(convention.obligations.filter(received_on__isnull=False).values_list("key", "received_on"))
            if convention.pk
            else {}
        )
    return rules.Facts(
        effective_date=convention.effective_date,
        annual_subsidy=Decimal(convention.annual_subsidy),
        duration_months=convention.signed_duration_months or None,
        submission_date=convention.submission_date,
        doctoral_enrolment_date=convention.doctoral_enrolment_date,
        suspensions=tuple(rules.Suspension(start, end) for start, end in sorted(suspensions)),
        termination_date=convention.termination_date,
        work_permit_required=convention.work_permit_required,
        received=received,
    )


def computed_duration(convention: Convention) -> int:
    if convention.signed_duration_months:
        return convention.signed_duration_months
    return rules.default_duration_months(
        convention.effective_date, convention.submission_date, convention.doctoral_enrolment_date
    )


def contract_minimum_end(convention: Convention) -> dt.date:
    """The last day a fixed-term contract must reach: the convention's duration from its effective date."""
    return rules.add_months(convention.effective_date, computed_duration(convention)) - dt.timedelta(days=1)


def contract_too_short(convention: Convention, months: int, contract_end: dt.date | None) -> str | None:
    """Why a fixed-term contract ending on ``contract_end`` does not cover ``months`` of convention, or None.

    RULES.md §2 (contract_duration) / Art. 8: a fixed-term contract lasts at least the convention.
    """
    if convention.contract_type != Convention.ContractType.FIXED_TERM:
        return None
    minimum_end = rules.add_months(convention.effective_date, months) - dt.timedelta(days=1)
    if contract_end is not None and contract_end >= minimum_end:
        return None
    return _(
        "Le CDD se termine le %(end)s : il doit couvrir toute la convention (%(months)s mois), "
        "c'est-à-dire aller au moins jusqu'au %(date)s. Indiquez la nouvelle date de fin du contrat."
    ) % {
        "end": contract_end.strftime("%d/%m/%Y") if contract_end else "?",
        "months": months,
        "date": minimum_end.strftime("%d/%m/%Y"),
    }


def freeze_rates(convention: Convention) -> None:
    """Copy the rates of the effective date's year (RULES.md §4), while the convention is not signed."""
    from subsidies.models import RateYear

    if convention.pk and convention.status != Convention.Status.DRAFT and convention.annual_subsidy:
        return
    rate = RateYear.objects.filter(year=convention.effective_date.year).first()
    if rate is None:
        raise ValidationError(
            {
                "effective_date": _("Aucun barème n'est enregistré pour l'année %(year)s : ajoutez-le d'abord.")
                % {"year": convention.effective_date.year}
            }
        )
    convention.rate_year = rate.year
    convention.annual_subsidy = rate.annual_subsidy
    convention.minimum_salary = rate.minimum_salary


# --- Recomputation -------------------------------------------------------------------------------


def _derived_status(convention: Convention, plan, as_of: dt.date, suspensions) -> str:
    if convention.status == Convention.Status.DRAFT:
        return Convention.Status.DRAFT
    if convention.termination_date:
        return Convention.Status.TERMINATED
    if plan.end_date < as_of:
        return Convention.Status.ENDED
    if any(start <= as_of <= end for start, end in suspensions):
        return Convention.Status.SUSPENDED
    return Convention.Status.ACTIVE


def _describe(inst) -> tuple:
    return (inst.period_start, inst.period_end, inst.due_date, Decimal(inst.amount))


@dataclass
class RecomputeResult:
    plan: object
    created: int = 0
    updated: int = 0
    deleted: int = 0


def recompute(convention: Convention, as_of: dt.date | None = None) -> RecomputeResult:
    """Recompute and store the obligations and instalments of ``convention`` (already saved).

    Rows are updated in place by key and by number, so their ids (and invoices pointing at them)
    survive. Raises ``InvoicedInstalmentChanged`` (and changes nothing, the caller's transaction
    being rolled back) when an invoiced instalment would change its period, due date or amount, or
    disappear.
    """
    from subsidies.models import Instalment

    as_of = as_of or today()
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        suspensions = [(s.start, s.end) for s in convention.suspensions.all()]
        obligations = {o.key: o for o in convention.obligations.all()}
        received = {key: o.received_on for key, o in obligations.items() if o.received_on}
        # Receipts of obligations that no longer exist (e.g. after a termination) are kept but not planned.
        facts = facts_for(convention, suspensions=suspensions, received=received)
        try:
            plan = rules.plan_convention(facts, as_of, check_received=False)
        except rules.RuleError as error:
            # The forms check the facts first; this catches a change they cannot see (e.g. deleting the
            # suspension that made room for a termination date).
            language = "en" if (get_language() or "fr").startswith("en") else "fr"
            text = error.message(language)
            raise ValidationError(text[:1].upper() + text[1:] + ".", code=f"rules_{error.code}") from error
        result = RecomputeResult(plan=plan)

        # Obligations: update in place, create new ones, keep vanished ones as not current.
        planned_keys = set()
        for line in plan.obligations:
            planned_keys.add(line.key)
            values = {
                "kind": line.kind,
                "due_date": line.due,
                "forfeits_on": line.forfeits_on,
                "status": line.status,
                "gates": list(line.gates),
                "is_current": True,
            }
            existing = obligations.get(line.key)
            if existing is None:
                Obligation.objects.create(convention=convention, key=line.key, **values)
                result.created += 1
            elif any(getattr(existing, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(existing, f, v)
                existing.save()
                result.updated += 1
        for key, obligation in obligations.items():
            if key not in planned_keys and obligation.is_current:
                obligation.is_current = False
                obligation.save(update_fields=["is_current"])

        # Instalments: same, but an invoiced one must not change.
        stored = {i.number: i for i in Instalment.objects.select_for_update().filter(convention=convention)}
        planned_numbers = set()
        for line in plan.instalments:
            planned_numbers.add(line.number)
            values = {
                "period_start": line.period_start,
                "period_end": line.period_end,
                "due_date": line.due_date,
                "amount": line.amount,
                "status": line.status,
                "payable_on": line.payable_on,
                "gated_by": list(line.gated_by),
            }
            existing = stored.get(line.number)
            if existing is None:
                Instalment.objects.create(convention=convention, number=line.number, **values)
                result.created += 1
                continue
            if existing.invoiced_on and _describe(existing) != (
                line.period_start,
                line.period_end,
                line.due_date,
                line.amount,
            ):
                raise InvoicedInstalmentChanged(
                    _(
                        "Refusé : l'échéance n° %(number)s (%(start)s – %(end)s, %(amount)s) est déjà facturée "
                        "depuis le %(invoiced)s et ce changement la modifierait. "
                        "Annulez d'abord sa facture par un avoir."
                    )
                    % {
                        "number": existing.number,
                        "start": existing.period_start.strftime("%d/%m/%Y"),
                        "end": existing.period_end.strftime("%d/%m/%Y"),
                        "amount": format_money(existing.amount),
                        "invoiced": existing.invoiced_on.strftime("%d/%m/%Y"),
                    },
                    code="invoiced_instalment",
                )
            if any(getattr(existing, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(existing, f, v)
                existing.save()
                result.updated += 1
        for number, instalment in stored.items():
            if number in planned_numbers:
                continue
            if instalment.invoiced_on:
                raise InvoicedInstalmentChanged(
                    _(
                        "Refusé : l'échéance n° %(number)s est déjà facturée depuis le %(invoiced)s et ce changement "
                        "la supprimerait. Annulez d'abord sa facture par un avoir."
                    )
                    % {"number": number, "invoiced": instalment.invoiced_on.strftime("%d/%m/%Y")},
                    code="invoiced_instalment",
                )
            instalment.delete()
            result.deleted += 1

        pending = [
            line.due for line in plan.obligations if line.status in ("upcoming", "overdue") and line.received is None
        ]
        fields = {
            "duration_months": plan.duration_months,
            "end_date": plan.end_date,
            "lost_on": plan.lost_on,
            "next_deadline": min(pending) if pending else None,
            "status": _derived_status(convention, plan, as_of, suspensions),
        }
        if any(getattr(convention, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(convention, f, v)
            convention.save(update_fields=[*fields, "updated_at"])
        return result


def refresh_all(as_of: dt.date | None = None) -> int:
    """Bring every stored status up to date (the daily sweep calls this); returns how many were refreshed.

    A convention whose recomputation is refused (an invoiced instalment would change) is skipped: the
    refusal is for a human to resolve, and the other conventions must still be refreshed.
    """
    count = 0
    for pk in Convention.objects.values_list("pk", flat=True).iterator():
        try:
            recompute(Convention(pk=pk), as_of)
        except ValidationError:  # an invoiced instalment would change, or the facts broke a rule
            continue
        count += 1
    return count


# --- Convention, suspension, termination, amendment ------------------------------------------------


@transaction.atomic
def save_convention(convention: Convention, as_of: dt.date | None = None) -> Convention:
    """Save the convention (validated by its form) and recompute what follows from it."""
    freeze_rates(convention)
    convention.duration_months = computed_duration(convention)
    convention.save()
    recompute(convention, as_of)
    convention.refresh_from_db()
    return convention


@transaction.atomic
def add_suspension(convention: Convention, start: dt.date, end: dt.date, reason: str = "", as_of=None) -> Suspension:
    suspension = Suspension.objects.create(convention=convention, start=start, end=end, reason=reason)
    recompute(convention, as_of)
    return suspension


@transaction.atomic
def delete_suspension(suspension: Suspension, as_of=None) -> None:
    convention = suspension.convention
    suspension.delete()
    recompute(convention, as_of)


@transaction.atomic
def terminate(convention: Convention, termination_date: dt.date, reason: str, as_of=None) -> Convention:
    convention.termination_date = termination_date
    convention.termination_reason = reason
    convention.save(update_fields=["termination_date", "termination_reason", "updated_at"])
    recompute(convention, as_of)
    convention.refresh_from_db()
    return convention


@transaction.atomic
def add_amendment(convention: Convention, amendment: Amendment, changes: dict, user, as_of=None) -> Amendment:
    """Record an amendment and apply what it changes (tutor, director, signed duration, contract end) to the
    convention. An extension that a fixed-term contract would no longer cover is refused (``ValidationError``
    on ``contract_end_date``); if anything fails, nothing is saved and the stored file is removed."""
    amendment.convention = convention
    amendment.created_by = user
    stored = False
    try:
        with transaction.atomic():
            if changes:
                for field, value in changes.items():
                    setattr(convention, field, value)
                if "signed_duration_months" in changes or "contract_end_date" in changes:
                    convention.duration_months = computed_duration(convention)
                    message = contract_too_short(convention, convention.duration_months, convention.contract_end_date)
                    if message:
                        raise ValidationError({"contract_end_date": message})
            amendment.save()
            stored = bool(amendment.file)
            if changes:
                convention.save()
                recompute(convention, as_of)
    except Exception:
        if stored:
            amendment.file.storage.delete(amendment.file.name)
        amendment.pk = None
        convention.refresh_from_db()
        raise
    return amendment


# --- Documents and receipts ----------------------------------------------------------------------


def _apply_receipt(obligation: Obligation, received_on: dt.date, user) -> None:
    if obligation.received_on is None or received_on < obligation.received_on:
        obligation.received_on = received_on
        obligation.received_recorded_by = user
        obligation.save(update_fields=["received_on", "received_recorded_by"])


def add_document(
    obligation: Obligation, uploaded_file, user, *, received_on: dt.date | None, confirm: bool, as_of=None
) -> Document:
    """Store an uploaded PDF for ``obligation``. Staff (``confirm``) record at once the date ANRT received it;
    a doctoral student's upload waits for a staff member's confirmation. If anything fails (an invoiced
    instalment would change), the rows are rolled back and the stored file removed: nothing half-saved."""
    document = Document(obligation=obligation, uploaded_by=user)
    try:
        with transaction.atomic():
            if uploaded_file is not None:
                document.original_name = uploaded_file.name[-255:]
                document.size = uploaded_file.size
                document.file.save(uploaded_file.name, uploaded_file, save=False)
            if confirm:
                document.received_on = received_on or today()
                document.confirmed_by = user
                document.confirmed_at = timezone.now()
            document.save()
            if confirm:
                _apply_receipt(obligation, document.received_on, user)
                recompute(obligation.convention, as_of)
    except Exception:
        if document.file:
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def confirm_document(document: Document, received_on: dt.date, user, as_of=None) -> Document:
    document.received_on = received_on
    document.confirmed_by = user
    document.confirmed_at = timezone.now()
    document.save(update_fields=["received_on", "confirmed_by", "confirmed_at"])
    _apply_receipt(document.obligation, received_on, user)
    recompute(document.obligation.convention, as_of)
    return document


def time_bar_cutoff(as_of: dt.date) -> dt.date:
    """The latest due date whose instalment is in the time-bar warning window on ``as_of`` (RULES.md §6)."""
    candidate = rules.add_months(as_of, -rules.TIME_BAR_WARNING_MONTHS)
    while rules.time_bar_warning_date(candidate) > as_of:
        candidate -= dt.timedelta(days=1)
    while rules.time_bar_warning_date(candidate + dt.timedelta(days=1)) <= as_of:
        candidate += dt.timedelta(days=1)
    return candidate


def next_action(obligations) -> Obligation | None:
    """The next thing to do: the earliest-due current obligation that is neither received nor missed."""
    waiting = [o for o in obligations if o.is_current and o.received_on is None and o.status != "missed"]
    return min(waiting, key=lambda o: (o.due_date, o.key), default=None)
