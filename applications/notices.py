"""E-mails about a dossier: each public history entry to the candidate, lapsed requests to staff.

``notify_candidate`` runs after the commit of the entry (a Celery task): it sends the entry's
template (``applications.emails``) in the candidate's language, once per entry
(``dossier-event:<pk>``). A submission and an answer to a request are told by the receipt e-mail
that ``renditions.after_submission`` sends with the receipt PDF, so those entries send nothing
here. ``notify_staff_lapsed`` sends the team one summary a day of the requests left unanswered.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from . import steps
from .models import Dossier, DossierEvent, DossierFile, MissingItemsRequest
from .renditions import dossier_url, paris_time

logger = logging.getLogger(__name__)

Kind = DossierEvent.Kind
# The template of each kind of entry the candidate is e-mailed about.
TEMPLATES = {
    Kind.MISSING_ITEMS: "dossier_missing_items",
    Kind.COMPLETE: "dossier_complete",
    Kind.ELIGIBLE: "dossier_eligible",
    Kind.INELIGIBLE: "dossier_ineligible",
    Kind.WITHDRAWN: "dossier_withdrawn",
}
# Told by the receipt e-mail (renditions.after_submission), with the receipt attached.
TOLD_BY_RECEIPT = (Kind.SUBMITTED, Kind.ANSWERED)
LAPSED_KEY = "dossier_requests_lapsed"


def event_dedupe_key(event: DossierEvent) -> str:
    return f"dossier-event:{event.pk}"


def item_labels(items) -> list[str]:
    """The words for requested items (``"degree"``, ``"doc:cv"``), in the active language."""
    documents = dict(DossierFile.Kind.choices)
    labels = []
    for item in items:
        if item.startswith("doc:"):
            labels.append(str(documents.get(item[4:], item)))
        elif item in steps.BY_KEY:
            labels.append(str(steps.BY_KEY[item].label))
        else:
            labels.append(item)
    return labels


def _request_of(event: DossierEvent) -> MissingItemsRequest | None:
    request_id = event.data.get("request")
    if request_id is None:
        return None
    return MissingItemsRequest.objects.filter(pk=request_id, dossier_id=event.dossier_id).first()


def context_for(event: DossierEvent, language: str) -> dict:
    """The variables of the entry's template, in ``language`` (see ``emails.SAMPLE_CONTEXT``)."""
    dossier = event.dossier
    with translation.override(language):
        context = {
            "candidate_name": dossier.full_name or dossier.candidate.get_full_name(),
            "call_title": dossier.call.localised("title"),
            "number": dossier.number or "",
            "status": str(dossier.get_status_display()),
            "url": dossier_url(dossier, language),
            "at": paris_time(event.at, language),
            "message": event.message,
            "reasons": event.message,
        }
        if event.kind == Kind.MISSING_ITEMS:
            request = _request_of(event)
            items = request.items if request else event.data.get("items", [])
            deadline = request.deadline if request else parse_datetime(event.data.get("deadline", ""))
            context["items"] = item_labels(items)
            context["message"] = request.message if request else event.message
            context["deadline"] = paris_time(deadline, language) if deadline else ""
    return context


def notify_candidate(event_id: int):
    """E-mail one public history entry to the candidate, once. Returns the log row, or None."""
    from notifications import services as messenger

    event = DossierEvent.objects.select_related("dossier__call", "dossier__candidate").filter(pk=event_id).first()
    if event is None or not event.public:
        return None
    dossier = event.dossier
    candidate = dossier.candidate
    if candidate is None or not candidate.email or dossier.anonymised_at is not None:
        return None
    key = TEMPLATES.get(event.kind)
    if key is None:
        if event.kind not in TOLD_BY_RECEIPT:
            logger.info("dossier %s: no e-mail for a %s entry", dossier.pk, event.kind)
        return None
    language = (candidate.preferred_language or settings.LANGUAGE_CODE)[:2]
    return messenger.send(
        key, candidate, context_for(event, language), language=language, dedupe_key=event_dedupe_key(event)
    )


def staff_dossier_url(dossier: Dossier) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return settings.SITE_URL + reverse("applications:staff_dossier", kwargs={"pk": dossier.pk})
        except NoReverseMatch:
            return settings.SITE_URL + "/"


def lapsed_requests():
    """Every request whose deadline passed without an answer, flagged by the daily job, by deadline."""
    return (
        MissingItemsRequest.objects.filter(
            answered_at__isnull=True,
            lapsed_notified_at__isnull=False,
            dossier__status=Dossier.Status.MISSING_ITEMS,
        )
        .select_related("dossier")
        .order_by("deadline", "id")
    )


def notify_staff_lapsed(day: str):
    """One summary to ``settings.STAFF_EMAIL`` of the unanswered requests, at most once per ``day``
    (an ISO date, Europe/Paris). Nothing is sent when no request is waiting."""
    from notifications import services as messenger

    requests = list(lapsed_requests())
    if not requests:
        return None
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        rows = [
            {
                "number": request.dossier.number,
                "candidate_name": request.dossier.full_name,
                "deadline": paris_time(request.deadline, language),
                "items": item_labels(request.items),
                "url": staff_dossier_url(request.dossier),
            }
            for request in requests
        ]
        date = dt.date.fromisoformat(day)
        context = {"day": date_format(date, "j F Y"), "count": len(rows), "requests": rows}
    return messenger.send(
        LAPSED_KEY, settings.STAFF_EMAIL, context, language=language, dedupe_key=f"dossier-requests-lapsed:{day}"
    )
