"""Registrations to events: capacity, waiting list, cancellation with promotion, e-mails.

Every change happens in one transaction holding a lock on the event row
(``select_for_update``), so the capacity holds when requests arrive together. E-mails go through
the messenger (``notifications.services``), so each one is in the e-mail log with its state.
"""

from __future__ import annotations

import csv
import io
import uuid

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cifre.spreadsheets import safe_row
from notifications import services as messenger

from .models import Event, Registration

CANCEL_SALT = "events.registration.cancel"


class RegistrationError(Exception):
    """A refusal with a message for the visitor; nothing was changed."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


def has_ended(event: Event, now=None) -> bool:
    """Over: its end is past; without an end, once the day it started on (Paris time) is past."""
    now = now or timezone.now()
    if event.end is not None:
        return event.end <= now
    return event.start is not None and timezone.localdate(event.start) < timezone.localdate(now)


def registration_refusal(event: Event, now=None) -> str:
    """Why nobody can register to ``event`` right now, or "" when registration is possible."""
    now = now or timezone.now()
    if event.cancelled:
        return _("Cet événement est annulé : les inscriptions sont fermées.")
    if event.start is None:
        return _("La date de cet événement n'est pas encore fixée : les inscriptions ne sont pas ouvertes.")
    if has_ended(event, now):
        return _("Cet événement est terminé : les inscriptions sont closes.")
    if event.start <= now:
        return _("Cet événement a déjà commencé : les inscriptions sont closes.")
    if not event.registration_open:
        return _("Les inscriptions à cet événement sont fermées.")
    return ""


def places_left(event: Event, confirmed: int) -> int | None:
    return None if event.capacity is None else max(event.capacity - confirmed, 0)


def register(
    event_id: int, *, name: str, email: str, consent: bool, language: str = "fr", waiting_list: bool = False
) -> Registration:
    """Register a visitor: confirmed while places remain; once the event is full, on the waiting
    list only if they asked for it (``waiting_list``), otherwise refused with nothing changed."""
    email = email.strip().lower()
    if not consent:
        raise RegistrationError(_("Vous devez accepter l'utilisation de vos données pour vous inscrire."), "consent")
    try:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            if refusal := registration_refusal(event):
                raise RegistrationError(refusal)
            active = Registration.objects.filter(event=event).exclude(status=Registration.Status.CANCELLED)
            if active.filter(email=email).exists():
                raise RegistrationError(_("Cette adresse e-mail est déjà inscrite à cet événement."), "email")
            confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
            full = event.capacity is not None and confirmed >= event.capacity
            if full and not waiting_list:
                raise RegistrationError(
                    _("L'événement est complet. Vous pouvez vous inscrire sur la liste d'attente ci-dessous.")
                )
            registration = Registration.objects.create(
                event=event,
                name=name.strip(),
                email=email,
                consent=True,
                language=language[:2] if language[:2] in {"fr", "en"} else "fr",
                status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
            )
            transaction.on_commit(lambda: send_registration_email(registration, "waiting" if full else "confirmed"))
    except IntegrityError:
        # Two requests with the same address at the same moment: the database constraint decides.
        raise RegistrationError(_("Cette adresse e-mail est déjà inscrite à cet événement."), "email")
    return registration


def cancel_token(registration: Registration) -> str:
    return signing.TimestampSigner(salt=CANCEL_SALT).sign_object({"r": registration.pk, "e": registration.email})


DONE_SALT = "events.registration.done"
DONE_MAX_AGE = 24 * 3600  # the confirmation page's link is for the browser that registered, not for sharing


def done_token(registration: Registration) -> str:
    return signing.TimestampSigner(salt=DONE_SALT).sign_object({"r": registration.pk, "e": registration.email})


def registration_from_done_token(token: str) -> Registration:
    """The registration the confirmation page shows; a forged, altered or day-old link is refused."""
    try:
        data = signing.TimestampSigner(salt=DONE_SALT).unsign_object(token, max_age=DONE_MAX_AGE)
        return Registration.objects.select_related("event").get(pk=data["r"], email=data["e"])
    except (signing.BadSignature, Registration.DoesNotExist, KeyError, TypeError, ValueError):
        raise RegistrationError(
            _("Ce lien de confirmation n'est plus valide. Votre inscription figure dans l'e-mail reçu.")
        )


def registration_from_token(token: str) -> Registration:
    """The registration a cancel link points to; a forged or altered link is refused."""
    try:
        data = signing.TimestampSigner(salt=CANCEL_SALT).unsign_object(token)
        return Registration.objects.select_related("event").get(pk=data["r"], email=data["e"])
    except (signing.BadSignature, Registration.DoesNotExist, KeyError, TypeError, ValueError):
        raise RegistrationError(_("Ce lien d'annulation n'est pas valide. Utilisez le lien reçu par e-mail."))


def cancel(registration_id: int) -> Registration | None:
    """Cancel a registration; a freed place goes to the first person waiting, who is told by e-mail.

    Returns the promoted registration, if any.
    """
    with transaction.atomic():
        registration = Registration.objects.select_related("event").get(pk=registration_id)
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status == Registration.Status.CANCELLED:
            raise RegistrationError(_("Cette inscription est déjà annulée."))
        if event.has_started():
            raise RegistrationError(_("L'événement a déjà commencé : l'inscription ne peut plus être annulée."))
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        now = timezone.now()
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        promoted = None
        if was_confirmed and not event.cancelled:
            confirmed = event.registrations.filter(status=Registration.Status.CONFIRMED).count()
            if event.capacity is None or confirmed < event.capacity:
                promoted = (
                    event.registrations.select_for_update()
                    .filter(status=Registration.Status.WAITING)
                    .order_by("created_at", "id")
                    .first()
                )
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.promoted_at = now
                promoted.save(update_fields=["status", "promoted_at"])
                transaction.on_commit(lambda: send_registration_email(promoted, "promoted"))
        transaction.on_commit(lambda: send_registration_email(registration, "cancelled"))
    return promoted


def cancel_url(registration: Registration) -> str:
    with translation.override(registration.language):
        path = reverse("events:registration_cancel", kwargs={"token": cancel_token(registration)})
    return settings.SITE_URL + path


REGISTRATION_EMAIL_KEY = "event_registration_{kind}"
REGISTRANTS_MESSAGE_KEY = "event_registrants_message"


def send_registration_email(registration: Registration, kind: str):
    """``kind``: confirmed, waiting, promoted or cancelled; in the registrant's language.

    Once per registration and kind (each happens once in a registration's life): two registrations,
    even of the same address, are two messages; the same one told twice is one.
    """
    registration.refresh_from_db()
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": registration.event,
            "event_url": settings.SITE_URL + registration.event.get_absolute_url(),
            "cancel_url": cancel_url(registration),
        }
        subject = render_to_string(f"events/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"events/email/{kind}_body.txt", context)
    return messenger.send_text(
        REGISTRATION_EMAIL_KEY.format(kind=kind),
        registration.email,
        subject,
        body,
        language=registration.language,
        dedupe_key=f"events.registration:{registration.pk}:{kind}",
    )


def registrations_csv(event: Event) -> str:
    """Every cell through ``safe_row``: a name or an address such as ``=1+2@…`` is not a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row([_("Nom"), _("E-mail"), _("Statut"), _("Inscrit·e le"), _("Langue")]))
    for reg in event.registrations.exclude(status=Registration.Status.CANCELLED).order_by("status", "created_at"):
        created = timezone.localtime(reg.created_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow(safe_row([reg.name, reg.email, reg.get_status_display(), created, reg.language]))
    return out.getvalue()


def email_registrants(event: Event, *, subject: str, body: str, include_waiting: bool) -> int:
    """Send one message to each registrant (one e-mail each: addresses are not disclosed).

    Each sending is a new batch: staff who send the same text twice mean it, and it goes twice;
    within a batch each registration gets it once.
    """
    statuses = [Registration.Status.CONFIRMED] + ([Registration.Status.WAITING] if include_waiting else [])
    registrations = list(event.registrations.filter(status__in=statuses).order_by("created_at", "id"))
    batch = uuid.uuid4().hex
    language = translation.get_language() or settings.LANGUAGE_CODE
    for registration in registrations:
        messenger.send_text(
            REGISTRANTS_MESSAGE_KEY,
            registration.email,
            subject,
            body,
            language=language,
            dedupe_key=f"events.registrants_message:{event.pk}:{batch}:{registration.pk}",
        )
    return len(registrations)


REGISTRATION_RETENTION_DAYS = 90


def purge_registrations(now=None) -> int:
    """Delete registrations three months after their event (the privacy page promises it)."""
    import datetime as dt

    limit = (now or timezone.now()) - dt.timedelta(days=REGISTRATION_RETENTION_DAYS)
    finished = Q(event__end__lt=limit) | Q(event__end__isnull=True, event__start__lt=limit)
    deleted, _details = Registration.objects.filter(finished).delete()
    return deleted
