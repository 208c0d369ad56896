"""The selection committee: decisions held as pending, applied together, and the letters' outbox.

- ``create_committee``, then ``set_decision`` per dossier (selected, waiting list with its rank,
  rejected): pending, changeable, nothing visible to candidates;
- ``apply_decisions(call, by)`` applies every pending decision of the call at once: the dossiers'
  statuses change, the call's ``decisions_on`` is set (the retention delay starts), and one
  ``Letter`` per candidate is rendered into the outbox from the editable templates
  (``decision_selected`` / ``decision_waiting_list`` / ``decision_rejected``, in the candidate's
  language). With nothing pending, it is refused and says when the decisions were applied;
- in the outbox staff read, ``edit_letter``, ``hold`` / ``release``, then ``send_letters`` (some or
  all): each letter is sent once, through the messenger (in the e-mail log), its PDF kept as sent,
  and the decision appears on the candidate's dossier page (``published_decision``);
- ``promote_from_waiting_list(call, by)``: when a selected candidate withdrew
  (``record_withdrawal``, or the candidate's own ``services.withdraw``), the first on the waiting
  list becomes selected, with a letter of its own (``decision_promoted``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Call, Dossier, DossierEvent
from ..services import record
from .models import LETTER_MAX, REASON_MAX, Committee, Decision, Letter
from .services import EvaluationRefused, _check_length, _require_staff, site_url, spelled_date

Outcome = Decision.Outcome
Kind = DossierEvent.Kind
# Dossiers a committee may decide on: those evaluated (or eligible ones it decides on without evaluation).
DECIDABLE = (Dossier.Status.IN_EVALUATION, Dossier.Status.ELIGIBLE)
TEMPLATES = {
    Outcome.SELECTED: "decision_selected",
    Outcome.WAITING_LIST: "decision_waiting_list",
    Outcome.REJECTED: "decision_rejected",
}
PROMOTED_TEMPLATE = "decision_promoted"


def now() -> dt.datetime:
    return timezone.now()


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- The committee and its decisions ------------------------------------------------------------------


def create_committee(call: Call, date: dt.date, members_present: str, by) -> Committee:
    _require_staff(by)
    members_present = (members_present or "").strip()
    errors = {}
    if date is None:
        errors["date"] = _("Indiquez la date du comité.")
    if not members_present:
        errors["members_present"] = _("Indiquez les membres présents : ils figurent au rapport d'évaluation.")
    elif len(members_present) > REASON_MAX:
        errors["members_present"] = _("%(limit)s caractères au plus.") % {"limit": REASON_MAX}
    if errors:
        raise ValidationError(errors)
    return Committee.objects.create(call=call, date=date, members_present=members_present, created_by=by)


def set_decision(
    dossier: Dossier, committee: Committee, outcome: str, by, *, waiting_rank: int | None = None, note: str = ""
) -> Decision:
    """Record (or change) the committee's decision on ``dossier``, pending until ``apply_decisions``."""
    _require_staff(by)
    note = (note or "").strip()
    _check_length("note", note, REASON_MAX)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choisissez une décision : retenu, liste d'attente ou non retenu.")})
    if outcome == Outcome.WAITING_LIST and (waiting_rank is None or waiting_rank < 1):
        raise ValidationError({"waiting_rank": _("Indiquez le rang du dossier sur la liste d'attente (1, 2, …).")})
    if outcome != Outcome.WAITING_LIST and waiting_rank is not None:
        raise ValidationError({"waiting_rank": _("Un rang ne se donne qu'aux dossiers sur liste d'attente.")})
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("call").get(pk=dossier.pk)
        if committee.call_id != dossier.call_id:
            raise EvaluationRefused(_("Ce comité ne siège pas pour l'appel de ce dossier."))
        existing = Decision.objects.select_for_update().filter(dossier=dossier).first()
        if existing is not None and existing.status == Decision.Status.APPLIED:
            raise EvaluationRefused(
                _("La décision sur ce dossier a été appliquée le %(date)s : elle ne peut plus changer.")
                % {"date": _date(timezone.localtime(existing.applied_at))}
            )
        if dossier.status not in DECIDABLE:
            raise EvaluationRefused(
                _(
                    "Le comité ne peut décider que d'un dossier éligible ou en cours d'évaluation "
                    "(celui-ci : %(status)s)."
                )
                % {"status": dossier.get_status_display()}
            )
        if waiting_rank is not None:
            clash = (
                Decision.objects.filter(
                    dossier__call=dossier.call, outcome=Outcome.WAITING_LIST, waiting_rank=waiting_rank
                )
                .exclude(dossier=dossier)
                .select_related("dossier")
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    {
                        "waiting_rank": _("Le rang %(rank)s est déjà donné au dossier %(number)s.")
                        % {"rank": waiting_rank, "number": clash.dossier.number}
                    }
                )
        decision, _created = Decision.objects.update_or_create(
            dossier=dossier,
            defaults={
                "committee": committee,
                "outcome": outcome,
                "waiting_rank": waiting_rank,
                "note": note,
                "decided_by": by,
                "decided_at": now(),
                "status": Decision.Status.PENDING,
            },
        )
        record(
            dossier,
            Kind.DECISION_SET,
            by,
            public=False,
            message=note,
            data={"decision": decision.pk, "outcome": outcome, "waiting_rank": waiting_rank, "committee": committee.pk},
        )
    return decision


def clear_decision(decision: Decision, by) -> None:
    """Remove a pending decision (an applied one stays)."""
    _require_staff(by)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("dossier").get(pk=decision.pk)
        if decision.status == Decision.Status.APPLIED:
            raise EvaluationRefused(_("Une décision appliquée ne peut plus être retirée."))
        record(decision.dossier, Kind.DECISION_SET, by, public=False, data={"decision": None, "cleared": decision.pk})
        decision.delete()


@dataclass
class Applied:
    decisions: list[Decision] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)


def apply_decisions(call: Call, by, at: dt.datetime | None = None) -> Applied:
    """Apply every pending decision of ``call`` together (see the module's docstring). Refused, and nothing
    changes, when none is pending, when a dossier changed status since its decision, or when more dossiers
    are selected than the call has positions."""
    _require_staff(by)
    at = at or now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        pending = list(
            Decision.objects.select_for_update(of=("self",))
            .filter(dossier__call=call, status=Decision.Status.PENDING)
            .select_related("dossier__candidate", "dossier__theme", "committee")
            .order_by("dossier__number", "pk")
        )
        if not pending:
            last = (
                Decision.objects.filter(dossier__call=call, status=Decision.Status.APPLIED)
                .order_by("-applied_at")
                .first()
            )
            if last is not None:
                raise EvaluationRefused(
                    _(
                        "Les décisions de cet appel ont déjà été appliquées le %(date)s et aucune autre n'est en "
                        "attente : rien n'a changé."
                    )
                    % {"date": _date(timezone.localtime(last.applied_at))}
                )
            raise EvaluationRefused(_("Aucune décision n'est en attente pour cet appel : rien n'a changé."))
        dossiers = {
            d.pk: d
            for d in Dossier.objects.select_for_update().filter(pk__in=[x.dossier_id for x in pending]).order_by("pk")
        }
        moved = [dossiers[x.dossier_id].number for x in pending if dossiers[x.dossier_id].status not in DECIDABLE]
        if moved:
            raise EvaluationRefused(
                _(
                    "Ces dossiers ont changé de statut depuis leur décision (retrait, par exemple) : %(numbers)s. "
                    "Retirez ou revoyez leur décision, puis appliquez à nouveau. Rien n'a changé."
                )
                % {"numbers": ", ".join(moved)}
            )
        selected = (
            sum(1 for x in pending if x.outcome == Outcome.SELECTED)
            + Dossier.objects.filter(call=call, status=Dossier.Status.SELECTED).count()
        )
        if selected > call.positions:
            raise EvaluationRefused(
                _(
                    "%(count)s dossiers seraient retenus pour %(positions)s postes : revoyez les décisions. "
                    "Rien n'a changé."
                )
                % {"count": selected, "positions": call.positions}
            )
        result = Applied()
        for decision in pending:
            dossier = dossiers[decision.dossier_id]
            dossier.status = decision.outcome
            dossier.save(update_fields=["status", "updated_at"])
            decision.dossier = dossier
            decision.status = Decision.Status.APPLIED
            decision.applied_at = at
            decision.applied_by = by
            decision.save(update_fields=["status", "applied_at", "applied_by"])
            record(
                dossier,
                Kind.DECISION_APPLIED,
                by,
                public=False,
                data={"decision": decision.pk, "outcome": decision.outcome, "waiting_rank": decision.waiting_rank},
            )
            result.decisions.append(decision)
            result.letters.append(_new_letter(decision, Letter.Kind.DECISION, TEMPLATES[decision.outcome]))
        day = timezone.localdate(at)
        if call.decisions_on is None or call.decisions_on < day:
            call.decisions_on = day
            call.save(update_fields=["decisions_on", "updated_at"])
    return result


def record_withdrawal(dossier: Dossier, by, reason: str, at: dt.datetime | None = None) -> Dossier:
    """Staff record that a selected (or waiting) candidate withdrew, with how they said so."""
    _require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez comment le ou la candidat·e a fait part de son retrait.")})
    _check_length("reason", reason, REASON_MAX)
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.status not in (Dossier.Status.SELECTED, Dossier.Status.WAITING_LIST):
            raise EvaluationRefused(_("Seul le retrait d'un dossier retenu ou sur liste d'attente s'enregistre ici."))
        if dossier.convention_id is not None:
            raise EvaluationRefused(
                _("Ce dossier a déjà sa convention : une rupture se traite sur la convention elle-même.")
            )
        dossier.status = Dossier.Status.WITHDRAWN
        dossier.save(update_fields=["status", "updated_at"])
        # Public and e-mailed, like the candidate's own withdrawal ("if you did not withdraw, reply").
        record(dossier, Kind.WITHDRAWN, by, message=reason, data={"by_staff": True})
    return dossier


def vacancies(call: Call) -> int:
    """Places left by selected candidates who withdrew, not yet given to the waiting list."""
    withdrawn = Decision.objects.filter(
        dossier__call=call,
        status=Decision.Status.APPLIED,
        outcome=Outcome.SELECTED,
        dossier__status=Dossier.Status.WITHDRAWN,
    ).count()
    promoted = Decision.objects.filter(dossier__call=call, promoted_at__isnull=False).count()
    return max(withdrawn - promoted, 0)


def promote_from_waiting_list(call: Call, by, at: dt.datetime | None = None) -> Decision:
    """Give a place left by a withdrawn candidate to the first on the waiting list (a letter too)."""
    _require_staff(by)
    at = at or now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if vacancies(call) <= 0:
            raise EvaluationRefused(
                _("Aucun·e candidat·e retenu·e ne s'est désisté·e : il n'y a pas de place à pourvoir.")
            )
        first = (
            Decision.objects.select_for_update(of=("self",))
            .filter(
                dossier__call=call,
                status=Decision.Status.APPLIED,
                outcome=Outcome.WAITING_LIST,
                dossier__status=Dossier.Status.WAITING_LIST,
            )
            .select_related("dossier__candidate", "dossier__theme", "committee")
            .order_by("waiting_rank", "pk")
            .first()
        )
        if first is None:
            raise EvaluationRefused(_("La liste d'attente est épuisée : aucun dossier ne peut être repêché."))
        dossier = first.dossier
        dossier.status = Dossier.Status.SELECTED
        dossier.save(update_fields=["status", "updated_at"])
        first.outcome = Outcome.SELECTED
        first.promoted_at = at
        first.promoted_by = by
        first.save(update_fields=["outcome", "promoted_at", "promoted_by"])
        record(
            dossier,
            Kind.PROMOTED,
            by,
            public=False,
            data={"decision": first.pk, "waiting_rank": first.waiting_rank},
        )
        _new_letter(first, Letter.Kind.PROMOTION, PROMOTED_TEMPLATE)
    return first


# --- Letters and the outbox ----------------------------------------------------------------------------


def candidate_language(dossier: Dossier) -> str:
    language = getattr(dossier.candidate, "preferred_language", "") or settings.LANGUAGE_CODE
    return "en" if language.startswith("en") else "fr"


def letter_context(decision: Decision, language: str) -> dict:
    """The variables of the decision templates (see ``emails.SAMPLE_CONTEXT``)."""
    dossier = decision.dossier
    with translation.override(language):
        return {
            "candidate_name": dossier.full_name or (dossier.candidate.get_full_name() if dossier.candidate else ""),
            "call_title": dossier.call.localised("title"),
            "number": dossier.number,
            "thesis_title": dossier.thesis_title,
            "theme_title": dossier.theme.localised("title") if dossier.theme_id else "",
            "committee_date": spelled_date(decision.committee.date, language),
            "waiting_rank": decision.waiting_rank or "",
            "url": site_url("applications:dossier", language, pk=dossier.pk),
        }


def _new_letter(decision: Decision, kind: str, key: str) -> Letter:
    from notifications import services as messenger

    language = candidate_language(decision.dossier)
    context = letter_context(decision, language)
    to = decision.dossier.candidate.email if decision.dossier.candidate else decision.dossier.email
    rendered = messenger.render(key, language, {**context, "recipient_email": to})
    return Letter.objects.create(
        decision=decision,
        kind=kind,
        template_key=key,
        language=language,
        subject=rendered.subject,
        body=rendered.body,
        status=Letter.Status.READY,
    )


def outbox(call: Call):
    """The call's letters, for the outbox page (one query)."""
    return (
        Letter.objects.filter(decision__dossier__call=call)
        .select_related("decision__dossier", "decision__committee", "email_log")
        .order_by("status", "decision__dossier__number", "kind")
    )


def _lock_letter(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("decision__dossier__candidate", "decision__dossier__call")
        .get(pk=letter.pk if isinstance(letter, Letter) else letter)
    )


def _not_sent(letter: Letter) -> None:
    if letter.status == Letter.Status.SENT:
        raise EvaluationRefused(
            _("Cette lettre a été envoyée le %(date)s : elle ne peut plus être modifiée.")
            % {"date": _date(timezone.localtime(letter.sent_at))}
        )


def edit_letter(letter: Letter, by, subject: str, body: str, at: dt.datetime | None = None) -> Letter:
    _require_staff(by)
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = _("L'objet de la lettre ne peut pas être vide.")
    elif len(subject) > 255:
        errors["subject"] = _("%(limit)s caractères au plus.") % {"limit": 255}
    if not body:
        errors["body"] = _("Le texte de la lettre ne peut pas être vide.")
    elif len(body) > LETTER_MAX:
        errors["body"] = _("%(limit)s caractères au plus.") % {"limit": LETTER_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        letter = _lock_letter(letter)
        _not_sent(letter)
        letter.subject, letter.body = subject, body + "\n"
        letter.edited_by, letter.edited_at = by, at or now()
        letter.save(update_fields=["subject", "body", "edited_by", "edited_at"])
    return letter


def _set_status(letter: Letter, by, status: str) -> Letter:
    _require_staff(by)
    with transaction.atomic():
        letter = _lock_letter(letter)
        _not_sent(letter)
        letter.status = status
        letter.save(update_fields=["status"])
    return letter


def hold(letter: Letter, by) -> Letter:
    """Keep a letter in the outbox: "send all" leaves it."""
    return _set_status(letter, by, Letter.Status.HELD)


def release(letter: Letter, by) -> Letter:
    return _set_status(letter, by, Letter.Status.READY)


def letter_pdf(letter: Letter) -> bytes:
    """The letter as a PDF, in its language (the stored ``pdf`` is the one as sent)."""
    from cifre.pdf import render_pdf

    dossier = letter.decision.dossier
    with translation.override(letter.language):
        day = timezone.localdate(letter.sent_at or now())
        dateline = _("Paris, le %(date)s — dossier n° %(number)s") % {
            "date": spelled_date(day, letter.language),
            "number": dossier.number,
        }
        return render_pdf(
            "applications/evaluation/letter_pdf.html",
            {
                "lang": letter.language,
                "title": letter.subject,
                "letter": letter,
                "recipient_name": dossier.full_name,
                "recipient_address": dossier.address,
                "dateline": dateline,
            },
        )


def letter_filename(letter: Letter) -> str:
    """The PDF's name as the candidate sees it (the dossier's number, the kind of letter, no personal data)."""
    return f"CIFRE_{letter.decision.dossier.number}_{letter.kind}.pdf"


@dataclass
class Sent:
    sent: list[Letter] = field(default_factory=list)
    held: list[Letter] = field(default_factory=list)
    already: list[Letter] = field(default_factory=list)


def send_letters(letters, by, at: dt.datetime | None = None) -> Sent:
    """Send ``letters`` (rows or ids) that are ready: each at most once (row lock, status and the messenger's
    ``decision-letter:<id>`` key). Held ones stay in the outbox, sent ones are not sent again; the result
    says which is which. The e-mail leaves after the commit; its log row is linked to the letter."""
    _require_staff(by)
    at = at or now()
    result = Sent()
    ids = sorted({x.pk if isinstance(x, Letter) else int(x) for x in letters})
    for letter_id in ids:
        stored_name = None
        try:
            with transaction.atomic():
                letter = _lock_letter(letter_id)
                if letter.status == Letter.Status.SENT:
                    result.already.append(letter)
                    continue
                if letter.status == Letter.Status.HELD:
                    result.held.append(letter)
                    continue
                letter.status, letter.sent_at, letter.sent_by = Letter.Status.SENT, at, by
                letter.pdf.save("letter.pdf", ContentFile(letter_pdf(letter)), save=False)
                stored_name = letter.pdf.name
                letter.save(update_fields=["status", "sent_at", "sent_by", "pdf"])
                record(
                    letter.decision.dossier,
                    Kind.DECISION_SENT,
                    by,
                    public=True,
                    notify=False,
                    data={"letter": letter.pk, "outcome": letter.decision.outcome, "kind": letter.kind},
                )
                transaction.on_commit(lambda letter=letter: _deliver(letter))
        except BaseException:
            if stored_name:
                letter.pdf.storage.delete(stored_name)
            raise
        result.sent.append(letter)
    return result


def _deliver(letter: Letter) -> None:
    from notifications import services as messenger

    dossier = letter.decision.dossier
    to = dossier.candidate if dossier.candidate_id else dossier.email
    # The PDF as sent goes with the e-mail (read from storage at each delivery, a retry included).
    attachments = (
        [messenger.Attachment(letter.pdf.name, letter_filename(letter), "application/pdf")] if letter.pdf else []
    )
    log = messenger.send_text(
        letter.template_key,
        to,
        letter.subject,
        letter.body,
        language=letter.language,
        dedupe_key=f"decision-letter:{letter.pk}",
        attachments=attachments,
    )
    Letter.objects.filter(pk=letter.pk).update(email_log=log)


@dataclass(frozen=True)
class PublishedDecision:
    outcome: str
    label: str
    waiting_rank: int | None
    committee_date: dt.date
    sent_at: dt.datetime


def published_decision(dossier: Dossier) -> PublishedDecision | None:
    """The committee's decision as the candidate may see it: the one of the last letter sent to them
    (a waiting list, then the promotion once its letter is sent), or None before any letter left."""
    letter = (
        Letter.objects.filter(decision__dossier=dossier, status=Letter.Status.SENT)
        .select_related("decision__committee")
        .order_by("-sent_at", "-pk")
        .first()
    )
    if letter is None:
        return None
    decision = letter.decision
    outcome = Outcome.SELECTED if letter.kind == Letter.Kind.PROMOTION else _outcome_of(letter.template_key)
    return PublishedDecision(
        outcome=outcome,
        label=str(Outcome(outcome).label),
        waiting_rank=decision.waiting_rank if outcome == Outcome.WAITING_LIST else None,
        committee_date=decision.committee.date,
        sent_at=letter.sent_at,
    )


def _outcome_of(template_key: str) -> str:
    return next((outcome for outcome, key in TEMPLATES.items() if key == template_key), Outcome.REJECTED)


def candidate_status(dossier: Dossier) -> tuple[str, str]:
    """The status a candidate reads, as (key, label): a decision only once its letter was sent ("in
    evaluation" before), so neither the label nor a page's markup tells it early."""
    if dossier.status in (Dossier.Status.SELECTED, Dossier.Status.WAITING_LIST, Dossier.Status.REJECTED):
        published = published_decision(dossier)
        status = Dossier.Status.IN_EVALUATION if published is None else Dossier.Status(published.outcome)
        return str(status.value), str(status.label)
    return str(dossier.status), str(dossier.get_status_display())


def candidate_status_label(dossier: Dossier) -> str:
    """The label of ``candidate_status``."""
    return candidate_status(dossier)[1]
