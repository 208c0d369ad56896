"""What happens to a dossier: start, save a step (autosave or button), upload, submit, withdraw, screen.

Every state change is one function here: it locks the dossier row, checks the transition, saves,
records who and when in the dossier's history (``DossierEvent``) and queues the e-mail. Views,
tasks and commands call these functions and never set a status by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles

from . import eligibility, steps
from .forms import STEP_FORMS, WorkPeriodFormSet
from .models import (
    MESSAGE_MAX,
    Call,
    Dossier,
    DossierCounter,
    DossierEvent,
    DossierFile,
    MissingItemsRequest,
    WorkPeriod,
)

Status = Dossier.Status


class DossierClosed(ValidationError):
    """The dossier (or this part of it) cannot be changed now."""


class StaleVersion(Exception):
    """Saved elsewhere (another tab or device) since this version was loaded: ``current_version`` is the stored one."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


class StaleStep(StaleVersion):
    """A dossier step was saved elsewhere since this version was loaded."""


class UnknownField(ValidationError):
    pass


def now() -> dt.datetime:
    return timezone.now()


# --- History and notifications --------------------------------------------------------------------


def record(dossier: Dossier, kind: str, actor=None, *, message: str = "", data=None, public: bool = True, notify=True):
    """Add a history entry; a public one is also e-mailed to the candidate (after the commit)."""
    event = DossierEvent.objects.create(
        dossier=dossier, kind=kind, actor=actor, message=message, data=data or {}, public=public
    )
    if public and notify and dossier.candidate_id:
        from .tasks import notify_candidate

        notify_candidate.delay_on_commit(event.pk)
    return event


# --- Starting and editing ---------------------------------------------------------------------------


def start_dossier(call: Call, user, at: dt.datetime | None = None) -> Dossier:
    """The candidate's dossier for ``call``, created (prefilled from the account) on first visit."""
    at = at or now()
    existing = Dossier.objects.filter(call=call, candidate=user).first()
    if existing is not None:
        return existing
    if not call.is_open(at):
        raise DossierClosed(_("Cet appel n'est pas ouvert : il n'est pas possible de commencer un dossier."))
    with transaction.atomic():
        dossier, created = Dossier.objects.get_or_create(
            call=call,
            candidate=user,
            defaults={"first_name": user.first_name, "last_name": user.last_name, "email": user.email},
        )
        if created:
            record(dossier, DossierEvent.Kind.CREATED, user, public=False)
    return dossier


def open_request(dossier: Dossier) -> MissingItemsRequest | None:
    return next((r for r in dossier.requests.all() if r.answered_at is None), None)


def editable_items(dossier: Dossier, at: dt.datetime | None = None) -> set[str]:
    """Steps (``"degree"``) and documents (``"doc:cv"``) the candidate may change now."""
    at = at or now()
    if dossier.status == Status.DRAFT:
        if dossier.call.is_open(at):
            return set(steps.STEP_KEYS) | {f"doc:{kind}" for kind in steps.REQUIRED_DOCUMENTS}
        return set()
    if dossier.status == Status.MISSING_ITEMS and (request := open_request(dossier)):
        items = set(request.items)
        if any(item.startswith("doc:") for item in items):
            items.add("documents")
        return items
    return set()


def _closed_reason(dossier: Dossier, at: dt.datetime) -> str:
    if dossier.status == Status.DRAFT and not dossier.call.is_open(at):
        return _("L'appel est clos depuis le %(date)s : le brouillon ne peut plus être modifié.") % {
            "date": timezone.localtime(dossier.call.closes_at).strftime("%d/%m/%Y %H:%M")
        }
    if dossier.status == Status.MISSING_ITEMS:
        return _("Seuls les éléments demandés par l'équipe peuvent être modifiés.")
    return _("Ce dossier a été déposé : il ne peut plus être modifié.")


@dataclass
class SaveResult:
    version: int
    saved: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    saved_at: dt.datetime | None = None
    form: object = None
    formset: object = None
    # Work step: the stored id of each period form ("periods-0" → 12), for an autosaving page.
    periods: dict[str, int | None] = field(default_factory=dict)
    # The dossier as saved (its call loaded): what the page's panels are computed from.
    dossier: Dossier | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _lock(dossier_id: int) -> Dossier:
    """The dossier's row, locked for the transaction. Only that row: locking the joined call too would
    serialise every candidate of the call at the closing hour."""
    return Dossier.objects.select_for_update(of=("self",)).select_related("call").get(pk=dossier_id)


def save_step(
    dossier_id: int,
    step_key: str,
    data,
    *,
    version: int | None,
    partial: bool = False,
    at: dt.datetime | None = None,
) -> SaveResult:
    """Save what validates of ``data`` for one step; report the rest field by field.

    ``partial`` (autosave): ``data`` holds only the fields that changed; the others keep their value
    and a field the step does not have is refused. ``version`` is the step version the page was
    loaded with: a stale one raises ``StaleStep`` (``None`` skips the check: overwrite on purpose).
    """
    at = at or now()
    if step_key not in steps.BY_KEY or step_key == "documents":
        raise UnknownField({"step": _("Cette étape n'existe pas.")})
    form_class = STEP_FORMS[step_key]
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if step_key not in editable_items(dossier, at):
            raise DossierClosed(_closed_reason(dossier, at))
        current = int(dossier.step_versions.get(step_key, 0))
        if version is not None and version != current:
            raise StaleStep(current)
        allowed = set(form_class._meta.fields)
        posted = {k for k in data if k not in ("csrfmiddlewaretoken", "step_version", "version")}
        period_keys = {k for k in posted if k.startswith("periods-")} if step_key == "work" else set()
        unknown = posted - allowed - period_keys
        if unknown:
            raise UnknownField({name: _("Ce champ n'existe pas dans cette étape.") for name in sorted(unknown)})
        initial_form = form_class(instance=dossier)
        merged = {}
        for name in allowed:
            if partial and name not in data:
                value = initial_form[name].value()
                merged[name] = "" if value is None else initial_form.fields[name].prepare_value(value)
            else:
                merged[name] = data.get(name, "")
        form = form_class(data=merged, instance=dossier)
        form.is_valid()
        saved = (
            [name for name in (posted & allowed) if name not in form.errors]
            if partial
            else [name for name in allowed if name not in form.errors]
        )
        for name in saved:
            setattr(dossier, name, form.cleaned_data.get(name))
        errors = {name: list(errs) for name, errs in form.errors.items()}
        formset, period_ids = None, {}
        if step_key == "work" and (period_keys or not partial):
            formset = WorkPeriodFormSet(data=data, queryset=dossier.work_periods.all(), prefix="periods")
            if formset.is_valid():
                period_ids = _save_periods(dossier, formset)
                saved.append("periods")
            else:
                for index, form_errors in enumerate(formset.errors):
                    for name, errs in form_errors.items():
                        errors[f"periods-{index}-{name}"] = list(errs)
                for err in formset.non_form_errors():
                    errors.setdefault("periods", []).append(err)
        if saved:
            dossier.step_versions = {**dossier.step_versions, step_key: current + 1}
            dossier.save(update_fields=[*(n for n in saved if n != "periods"), "step_versions", "updated_at"])
            current += 1
    return SaveResult(
        version=current,
        saved=sorted(saved),
        errors=errors,
        saved_at=at,
        form=form,
        formset=formset,
        periods=period_ids,
        dossier=dossier,
    )


def _save_periods(dossier: Dossier, formset) -> dict[str, int | None]:
    """Save the periods of a valid formset; the stored id of each form (``None``: none or deleted).

    An autosaving page does not reload after a new period is stored: it learns its id from the
    answer and posts it again in the same row, which may be an "extra" form for the formset. So a
    form's ``id`` (checked against this dossier's periods by the formset) names the row to update,
    whatever the form's position: saving the same row twice never creates it twice.
    """
    ids: dict[str, int | None] = {}
    for form in formset.forms:
        existing = form.cleaned_data.get("id")
        if existing is not None and existing.dossier_id != dossier.pk:  # the formset refuses it already
            raise UnknownField({f"{form.prefix}-id": _("Cette période n'existe pas.")})
        period = form.instance if form.instance.pk else existing
        if form.cleaned_data.get("DELETE"):
            if period is not None and period.pk:
                period.delete()
            ids[form.prefix] = None
            continue
        if period is None:
            if not form.has_changed():
                ids[form.prefix] = None
                continue
            period = WorkPeriod(dossier=dossier)
        for name in ("start", "end", "description"):
            setattr(period, name, form.cleaned_data.get(name))
        period.dossier = dossier
        period.save()
        ids[form.prefix] = period.pk
    return ids


# --- Files ------------------------------------------------------------------------------------------


# Bidirectional-text controls make "cv\u202efdp.exe" read as "cvexe.pdf": refused with the control characters.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


def _check_filename(name: str) -> str:
    """The name shown back to the candidate (the file is stored under a generated name).

    A path (``/``, ``\\``, ``../``) or a control character is refused: not because it could reach
    the disk (it cannot), but because it is not a name a candidate chose. Two dots inside a name
    ("Lettre...pdf") are fine.
    """
    base = name or ""
    if (
        any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in base)
        or "/" in base
        or "\\" in base
        or base.strip(". ") == ""
        or base.startswith("..")
    ):
        raise ValidationError(
            _(
                "Le nom du fichier contient des caractères non autorisés (/, \\, .. ou caractères de contrôle) : "
                "renommez-le avant de le déposer."
            ),
            code="filename",
        )
    if len(base) > 200:
        raise ValidationError(_("Le nom du fichier est trop long (200 caractères au plus)."), code="filename")
    return base


def _delete_after_commit(storage_name: str) -> None:
    """Remove a stored file once the transaction that stopped using it is committed (never before:
    a rollback would leave a row pointing at nothing)."""
    from django.core.files.storage import default_storage

    transaction.on_commit(lambda: default_storage.delete(storage_name))


def upload_file(dossier_id: int, kind: str, uploaded, user, at: dt.datetime | None = None) -> DossierFile:
    """Store one PDF for ``kind``, replacing the previous one. Raises ``ValidationError`` (nothing stored)."""
    from pypdf import PdfReader

    from conventions.uploads import validate_pdf

    at = at or now()
    if kind not in steps.REQUIRED_DOCUMENTS:
        raise UnknownField({"kind": _("Cette pièce n'existe pas.")})
    name = _check_filename(uploaded.name)
    validate_pdf(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    pages = len(PdfReader(uploaded, strict=False).pages)
    uploaded.seek(0)
    stored = DossierFile(kind=kind, original_name=name, size=uploaded.size, pages=pages, sha256=digest.hexdigest())
    try:
        with transaction.atomic():
            dossier = _lock(dossier_id)
            if f"doc:{kind}" not in editable_items(dossier, at):
                raise DossierClosed(_closed_reason(dossier, at))
            for old in dossier.files.filter(kind=kind, is_current=True):
                if dossier.status == Status.DRAFT:
                    _delete_after_commit(old.file.name)
                    old.delete()
                else:
                    old.is_current = False
                    old.save(update_fields=["is_current"])
            stored.dossier = dossier
            stored.file.save("upload.pdf", uploaded, save=False)
            stored.save()
            _bump(dossier, "documents")
    except BaseException:
        if stored.file.name:  # written to disk, but its row was rolled back
            stored.file.storage.delete(stored.file.name)
        raise
    return stored


def delete_file(dossier_id: int, file_id: int, at: dt.datetime | None = None) -> None:
    at = at or now()
    with transaction.atomic():
        dossier = _lock(dossier_id)
        stored = dossier.files.get(pk=file_id, is_current=True)
        if f"doc:{stored.kind}" not in editable_items(dossier, at) or dossier.status != Status.DRAFT:
            raise DossierClosed(_closed_reason(dossier, at))
        _delete_after_commit(stored.file.name)
        stored.delete()
        _bump(dossier, "documents")


def _bump(dossier: Dossier, step_key: str) -> None:
    dossier.step_versions = {**dossier.step_versions, step_key: int(dossier.step_versions.get(step_key, 0)) + 1}
    dossier.save(update_fields=["step_versions", "updated_at"])


# --- Submission -------------------------------------------------------------------------------------


def incomplete_steps(dossier: Dossier) -> dict[str, list[str]]:
    return {key: needs for key, needs in steps.completeness(dossier).items() if needs}


def _validate_everything(dossier: Dossier) -> None:
    """Run every step's checks again on the stored values: nothing skipped by a crafted request."""
    problems: dict[str, list[str]] = {}
    for key, form_class in STEP_FORMS.items():
        form = form_class(instance=dossier)
        data = {}
        for name in form.fields:
            value = form[name].value()
            data[name] = "" if value is None else form.fields[name].prepare_value(value)
        bound = form_class(data=data, instance=dossier)
        if not bound.is_valid():
            problems[key] = [str(e) for errs in bound.errors.values() for e in errs]
    for key, needs in incomplete_steps(dossier).items():
        problems.setdefault(key, []).extend(_("À compléter : %(what)s") % {"what": what} for what in needs)
    if problems:
        raise ValidationError(problems, code="incomplete")


def _next_number(year: int) -> str:
    DossierCounter.objects.get_or_create(year=year)
    counter = DossierCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:04d}"


def submit(dossier_id: int, user, at: dt.datetime | None = None) -> tuple[Dossier, bool]:
    """Submit the draft: ``(dossier, True)``, or ``(dossier, False)`` when it was already submitted
    (a double click or a replayed request submits once). Refused after the closing time, by the
    server's clock, with the draft kept."""
    at = at or now()
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.candidate_id != getattr(user, "pk", None):
            raise DossierClosed(_("Seul·e le ou la candidat·e peut déposer son dossier."))
        if dossier.status != Status.DRAFT:
            if dossier.submitted_at is not None:
                return dossier, False
            raise DossierClosed(_closed_reason(dossier, at))
        call = dossier.call
        if not call.is_open(at):
            raise DossierClosed(
                _(
                    "L'appel a été clos le %(date)s (heure de Paris) : le dépôt n'est plus possible. "
                    "Votre brouillon est conservé."
                )
                % {"date": timezone.localtime(call.closes_at).strftime("%d/%m/%Y à %H:%M")}
            )
        _validate_everything(dossier)
        dossier.eligibility = eligibility.snapshot(dossier)
        dossier.number = _next_number(call.year)
        dossier.status = Status.SUBMITTED
        dossier.version = 1
        dossier.submitted_at = at
        dossier.save()
        record(dossier, DossierEvent.Kind.SUBMITTED, user, data={"version": 1, "number": dossier.number})
        from .tasks import after_submission

        after_submission.delay_on_commit(dossier.pk, 1)
    return dossier, True


def withdraw(dossier_id: int, user, reason: str = "", at: dt.datetime | None = None) -> Dossier:
    at = at or now()
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.candidate_id != getattr(user, "pk", None):
            raise DossierClosed(_("Seul·e le ou la candidat·e peut retirer son dossier."))
        if dossier.status == Status.WITHDRAWN:
            return dossier
        if dossier.status == Status.DRAFT and dossier.submitted_at is None:
            raise DossierClosed(_("Un brouillon n'a pas besoin d'être retiré : il n'est pas transmis."))
        if dossier.status not in WITHDRAWABLE or dossier.convention_id is not None:
            raise DossierClosed(_("Ce dossier ne peut plus être retiré."))
        for request in dossier.requests.filter(answered_at__isnull=True):
            request.answered_at = at
            request.save(update_fields=["answered_at"])
        dossier.status = Status.WITHDRAWN
        dossier.save(update_fields=["status", "updated_at"])
        record(dossier, DossierEvent.Kind.WITHDRAWN, user, message=reason[:2000])
    return dossier


WITHDRAWABLE = (
    Status.SUBMITTED,
    Status.MISSING_ITEMS,
    Status.COMPLETE,
    Status.ELIGIBLE,
    Status.INELIGIBLE,
    # During the evaluation and after the committee: a selected candidate who withdraws frees a place
    # for the waiting list (applications.evaluation.decisions.promote_from_waiting_list).
    Status.IN_EVALUATION,
    Status.WAITING_LIST,
    Status.SELECTED,
)


# --- Screening (staff) ------------------------------------------------------------------------------

SCREENABLE = (Status.SUBMITTED, Status.MISSING_ITEMS, Status.COMPLETE, Status.ELIGIBLE, Status.INELIGIBLE)


def _too_long(limit: int) -> str:
    return _("%(limit)s caractères au plus.") % {"limit": limit}


def _check_length(name: str, text: str, limit: int = MESSAGE_MAX) -> None:
    """The database does not bound a text column: a text over its limit is refused here, not truncated."""
    if len(text) > limit:
        raise ValidationError({name: _too_long(limit)})


def _unlifted_failures(dossier: Dossier) -> list[str]:
    lifted = set(dossier.overrides.values_list("code", flat=True))
    return [code for code in eligibility.failing_codes(dossier) if code not in lifted]


def _require_staff(user) -> None:
    if not roles.has_role(user, roles.STAFF, roles.ADMIN):
        raise DossierClosed(_("Cette action est réservée à l'équipe du programme."))


def mark_complete(dossier_id: int, user) -> Dossier:
    _require_staff(user)
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.status not in (Status.SUBMITTED,):
            raise DossierClosed(_("Seul un dossier déposé, sans demande en cours, peut être déclaré complet."))
        dossier.status = Status.COMPLETE
        dossier.save(update_fields=["status", "updated_at"])
        record(dossier, DossierEvent.Kind.COMPLETE, user)
    return dossier


REQUESTABLE_ITEMS = tuple(k for k in steps.STEP_KEYS if k != "documents") + tuple(
    f"doc:{kind}" for kind in steps.REQUIRED_DOCUMENTS
)


def request_missing_items(dossier_id: int, user, items, message: str, deadline: dt.datetime) -> MissingItemsRequest:
    _require_staff(user)
    items = list(dict.fromkeys(items))
    errors = {}
    if not items:
        errors["items"] = _("Choisissez au moins un élément à compléter.")
    elif unknown := [i for i in items if i not in REQUESTABLE_ITEMS]:
        errors["items"] = _("Élément inconnu : %(items)s.") % {"items": ", ".join(unknown)}
    if not (message or "").strip():
        errors["message"] = _("Expliquez au ou à la candidat·e ce qui manque.")
    elif len(message.strip()) > MESSAGE_MAX:
        errors["message"] = _too_long(MESSAGE_MAX)
    if deadline is None or deadline <= now():
        errors["deadline"] = _("La date limite doit être dans le futur.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.status not in (Status.SUBMITTED, Status.COMPLETE):
            raise DossierClosed(
                _("Des pièces ne peuvent être demandées que pour un dossier déposé, en cours d'examen.")
            )
        request = MissingItemsRequest.objects.create(
            dossier=dossier, items=items, message=message.strip(), deadline=deadline, created_by=user
        )
        dossier.status = Status.MISSING_ITEMS
        dossier.save(update_fields=["status", "updated_at"])
        record(
            dossier,
            DossierEvent.Kind.MISSING_ITEMS,
            user,
            message=message.strip(),
            data={"items": items, "deadline": deadline.isoformat(), "request": request.pk},
        )
    return request


def answer_request(dossier_id: int, user, at: dt.datetime | None = None) -> Dossier:
    """The candidate sends the requested items: a new submitted version (receipt and one-PDF again)."""
    at = at or now()
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.candidate_id != getattr(user, "pk", None):
            raise DossierClosed(_("Seul·e le ou la candidat·e peut répondre à cette demande."))
        request = open_request(dossier)
        if dossier.status != Status.MISSING_ITEMS or request is None:
            raise DossierClosed(_("Aucune demande de pièces n'est en cours pour ce dossier."))
        _validate_everything(dossier)
        request.answered_at = at
        request.save(update_fields=["answered_at"])
        dossier.version += 1
        dossier.status = Status.SUBMITTED
        dossier.eligibility = eligibility.snapshot(dossier)
        dossier.save(update_fields=["version", "status", "eligibility", "updated_at"])
        record(dossier, DossierEvent.Kind.ANSWERED, user, data={"version": dossier.version, "request": request.pk})
        from .tasks import after_submission

        after_submission.delay_on_commit(dossier.pk, dossier.version)
    return dossier


def flag_lapsed_requests(at: dt.datetime | None = None) -> int:
    """Flag to staff, once, every request whose deadline passed without an answer (idempotent)."""
    at = at or now()
    count = 0
    with transaction.atomic():
        lapsed = (
            MissingItemsRequest.objects.select_for_update(of=("self",))
            .filter(answered_at__isnull=True, lapsed_notified_at__isnull=True, deadline__lt=at)
            .select_related("dossier")
        )
        for request in lapsed:
            request.lapsed_notified_at = at
            request.save(update_fields=["lapsed_notified_at"])
            record(request.dossier, DossierEvent.Kind.REQUEST_LAPSED, None, public=False, data={"request": request.pk})
            count += 1
    if count:
        from .tasks import notify_staff_lapsed

        notify_staff_lapsed.delay_on_commit(timezone.localdate(at).isoformat())
    return count


def declare_eligibility(dossier_id: int, user, eligible: bool, reasons: str) -> Dossier:
    """Staff decide: eligible or not, with the reasons shown to the candidate (required when not eligible)."""
    _require_staff(user)
    reasons = (reasons or "").strip()
    if not eligible and not reasons:
        raise ValidationError({"reasons": _("Indiquez les motifs de non-éligibilité : ils sont communiqués.")})
    _check_length("reasons", reasons)
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.status not in (Status.SUBMITTED, Status.COMPLETE, Status.ELIGIBLE, Status.INELIGIBLE):
            raise DossierClosed(
                _("L'éligibilité ne peut être déclarée que pour un dossier déposé et sans demande en cours.")
            )
        if eligible and (unlifted := _unlifted_failures(dossier)):
            # An eligible dossier whose pre-check failed carries a written reason for each failure.
            raise ValidationError(
                {
                    "eligible": _(
                        "Des contrôles d'éligibilité sont en échec (%(codes)s) : levez chacun avec un motif écrit "
                        "avant de déclarer le dossier éligible."
                    )
                    % {"codes": ", ".join(unlifted)}
                }
            )
        dossier.status = Status.ELIGIBLE if eligible else Status.INELIGIBLE
        dossier.screening_reasons = reasons
        dossier.save(update_fields=["status", "screening_reasons", "updated_at"])
        record(
            dossier,
            DossierEvent.Kind.ELIGIBLE if eligible else DossierEvent.Kind.INELIGIBLE,
            user,
            message=reasons,
        )
    return dossier


def override_check(dossier_id: int, user, code: str, reason: str):
    """Lift one failing eligibility check with a written reason (recorded, not shown to the candidate)."""
    from .models import EligibilityOverride

    _require_staff(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Une levée de contrôle doit être motivée par écrit.")})
    _check_length("reason", reason)
    with transaction.atomic():
        dossier = _lock(dossier_id)
        if dossier.status not in SCREENABLE:
            raise DossierClosed(_("Un contrôle ne peut être levé que sur un dossier déposé, en cours d'examen."))
        if code not in eligibility.failing_codes(dossier):
            raise ValidationError({"code": _("Ce contrôle n'est pas en échec pour ce dossier.")})
        override, _created = EligibilityOverride.objects.update_or_create(
            dossier=dossier, code=code, defaults={"reason": reason, "created_by": user}
        )
        record(dossier, DossierEvent.Kind.OVERRIDE, user, message=reason, data={"code": code}, public=False)
    return override


def work_periods(dossier: Dossier) -> list[WorkPeriod]:
    return list(dossier.work_periods.all())
