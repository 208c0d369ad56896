"""Reminders before and after each obligation's deadlines, and the quarterly summary for staff.

For every obligation still awaited: a reminder 30 and 7 days before its due date, 30 and 7 days
before its forfeit date, and one the day after its due date, to staff (``settings.STAFF_EMAIL``
and every staff user), the doctoral student and the tutor, each in their language. Each message
has a dedupe key (obligation, kind, offset, target date, address) stored with a unique constraint
in the e-mail log, so a rerun, a retry or a crash never sends one twice. A reminder whose day was
missed (scheduler down) is still sent within ``GRACE_DAYS``; the key keeps it single.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts import roles
from cifre.money import Cents
from conventions.models import Convention, Obligation
from notifications import services as messenger
from subsidies.domain.invoicing import quarter_bounds, quarter_of
from subsidies.models import Instalment

BEFORE_OFFSETS = (30, 7)
AFTER_OFFSET = 1
GRACE_DAYS = 3
CENT = Decimal("0.01")

DUE_SOON = "obligation_due_soon"
FORFEIT_SOON = "obligation_forfeit_soon"
OVERDUE = "obligation_overdue"
SUMMARY = "quarterly_summary"

# E-mail text is stored per language (EmailTemplate); the names of the documents go with it.
OBLIGATION_LABELS = {
    "employment_contract": ("Contrat de travail", "Employment contract"),
    "hiring_declaration": ("Déclaration préalable à l'embauche (DPAE)", "Pre-hiring declaration (DPAE)"),
    "work_permit": ("Autorisation de travail", "Work permit"),
    "enrolment": (
        "Attestation d'inscription en doctorat {year}/{next}",
        "Doctoral enrolment certificate {year}/{next}",
    ),
    "collaboration_contract": ("Contrat de collaboration", "Collaboration contract"),
    "activity_report": ("Rapport d'activité n° {n}", "Activity report no. {n}"),
    "final_evaluation": ("Évaluation finale", "Final evaluation"),
}


def obligation_label(key: str, language: str) -> str:
    kind, _sep, suffix = key.partition(":")
    french, english = OBLIGATION_LABELS.get(kind, (key, key))
    text = english if language == "en" else french
    if kind == "enrolment" and suffix.isdigit():
        return text.format(year=suffix, next=int(suffix) + 1)
    return text.format(n=suffix)


def quarter_label(year: int, quarter: int, language: str) -> str:
    return f"Q{quarter} {year}" if language == "en" else f"T{quarter} {year}"


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str
    user: object | None = None

    @property
    def target(self):
        return self.user if self.user is not None else self.address


def staff_recipients() -> list[Recipient]:
    """The programme's shared mailbox, then every active staff user, without duplicates."""
    found = {settings.STAFF_EMAIL.lower(): Recipient(settings.STAFF_EMAIL.lower(), settings.LANGUAGE_CODE)}
    users = get_user_model().objects.filter(is_active=True, groups__name=roles.STAFF).distinct().order_by("email")
    for user in users:
        found.setdefault(user.email.lower(), Recipient(user.email.lower(), user.preferred_language or "fr", user))
    return list(found.values())


def convention_recipients(convention: Convention, staff: list[Recipient]) -> list[Recipient]:
    found = {r.address: r for r in staff}
    student = convention.doctoral_student
    if student.is_active and student.email:
        found.setdefault(
            student.email.lower(), Recipient(student.email.lower(), student.preferred_language or "fr", student)
        )
    tutor = convention.tutor
    if tutor.email:
        language = tutor.preferred_language or "fr"
        found.setdefault(tutor.email.lower(), Recipient(tutor.email.lower(), language))
    return list(found.values())


def _url(name: str, language: str, **kwargs) -> str:
    try:
        with translation.override(language):
            return settings.SITE_URL + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return settings.SITE_URL + "/"


@dataclass(frozen=True)
class Due:
    obligation: Obligation
    kind: str
    offset: int
    target: dt.date
    days: int


def reminders_due(as_of: dt.date) -> list[Due]:
    """The reminders whose day has come on ``as_of`` (before dedupe), in a stable order."""
    windows = Q()
    for offset in BEFORE_OFFSETS:
        low, high = as_of + dt.timedelta(days=offset - GRACE_DAYS + 1), as_of + dt.timedelta(days=offset)
        windows |= Q(due_date__range=(low, high)) | Q(forfeits_on__range=(low, high))
    windows |= Q(due_date__range=(as_of - dt.timedelta(days=GRACE_DAYS), as_of - dt.timedelta(days=AFTER_OFFSET)))
    obligations = (
        Obligation.objects.filter(windows, is_current=True)
        .exclude(convention__status=Convention.Status.DRAFT)
        .filter(Q(received_on__isnull=True) | Q(received_on__gt=as_of))
        .select_related("convention__doctoral_student", "convention__tutor")
        .order_by("due_date", "convention__anrt_number", "key")
    )
    found = []
    for obligation in obligations:
        to_due = (obligation.due_date - as_of).days
        to_forfeit = (obligation.forfeits_on - as_of).days if obligation.forfeits_on else None
        for offset in BEFORE_OFFSETS:
            window = range(offset - GRACE_DAYS + 1, offset + 1)
            # When both dates coincide, the forfeit warning says it all.
            if to_due in window and obligation.forfeits_on != obligation.due_date:
                found.append(Due(obligation, DUE_SOON, offset, obligation.due_date, to_due))
            if to_forfeit is not None and to_forfeit in window:
                found.append(Due(obligation, FORFEIT_SOON, offset, obligation.forfeits_on, to_forfeit))
        still_savable = obligation.forfeits_on is None or obligation.forfeits_on >= as_of
        if -to_due in range(AFTER_OFFSET, GRACE_DAYS + 1) and still_savable:
            found.append(Due(obligation, OVERDUE, AFTER_OFFSET, obligation.due_date, -to_due))
    return found


def amount_at_risk(obligation: Obligation) -> Decimal:
    """What the convention would lose if ``obligation`` were missed: instalments not payable by its forfeit date."""
    qs = Instalment.objects.filter(convention_id=obligation.convention_id).exclude(status=Instalment.Status.FORFEITED)
    qs = qs.filter(Q(payable_on__isnull=True) | Q(payable_on__gt=obligation.forfeits_on))
    return (qs.aggregate(total=Cents(Sum("amount")))["total"] or Decimal("0")).quantize(CENT)


def dedupe_key(due: Due, address: str) -> str:
    return f"reminder:{due.obligation.pk}:{due.kind}:{due.offset}:{due.target.isoformat()}:{address}"


def send_reminders(as_of: dt.date) -> list:
    """Send the reminders of ``as_of``; returns the e-mail log rows created by this run (empty on a rerun)."""
    staff = staff_recipients()
    sent = []
    for due in reminders_due(as_of):
        obligation, convention = due.obligation, due.obligation.convention
        risk = amount_at_risk(obligation) if due.kind == FORFEIT_SOON else None
        for recipient in convention_recipients(convention, staff):
            context = {
                "convention_number": convention.anrt_number,
                "student_name": convention.doctoral_student.get_full_name() or convention.doctoral_student.email,
                "obligation": obligation_label(obligation.key, recipient.language),
                "due_date": obligation.due_date,
                "forfeits_on": obligation.forfeits_on,
                "days": due.days,
                "amount_at_risk": risk,
                "url": _url("conventions:detail", recipient.language, pk=convention.pk),
            }
            log = messenger.send(
                due.kind,
                recipient.target,
                context,
                language=recipient.language,
                dedupe_key=dedupe_key(due, recipient.address),
            )
            if log.just_created:
                sent.append(log)
    return sent


def quarterly_summary(as_of: dt.date) -> list:
    """Tell staff what is ready to invoice for the quarter that ended before ``as_of``'s quarter began."""
    year, quarter = quarter_of(as_of)
    previous_end = quarter_bounds(year, quarter)[0] - dt.timedelta(days=1)
    p_year, p_quarter = quarter_of(previous_end)
    ready = list(
        Instalment.objects.filter(
            status=Instalment.Status.PAYABLE, invoiced_on__isnull=True, due_date__lte=previous_end
        )
        .select_related("convention__doctoral_student")
        .order_by("convention__anrt_number", "number")
    )
    withheld = Instalment.objects.filter(status=Instalment.Status.WITHHELD, due_date__lte=previous_end).aggregate(
        total=Cents(Sum("amount")), count=Count("pk")
    )
    lines = [
        {
            "convention_number": i.convention.anrt_number,
            "student_name": i.convention.doctoral_student.get_full_name() or i.convention.doctoral_student.email,
            "number": i.number,
            "amount": i.amount,
            "due_date": i.due_date,
        }
        for i in ready
    ]
    sent = []
    for recipient in staff_recipients():
        context = {
            "quarter": quarter_label(p_year, p_quarter, recipient.language),
            "ready_count": len(lines),
            "ready_total": sum((line["amount"] for line in lines), Decimal("0.00")),
            "ready_lines": lines,
            "withheld_count": withheld["count"] or 0,
            "withheld_total": (withheld["total"] or Decimal("0")).quantize(CENT),
            "url": _url("subsidies:invoice_issue", recipient.language),
        }
        log = messenger.send(
            SUMMARY,
            recipient.target,
            context,
            language=recipient.language,
            dedupe_key=f"{SUMMARY}:{p_year}-Q{p_quarter}:{recipient.address}",
        )
        if log.just_created:
            sent.append(log)
    return sent
