"""Data retention of dossiers (DESIGN.md: nothing kept beyond need; the privacy page says the same).

Once a day (``applications.daily``, or ``manage.py apply_retention`` by hand):

- a dossier that was **not selected** is anonymised ``RETENTION_MONTHS`` after its call's
  decisions (``Call.decisions_on``; calendar months, RULES.md §1): its files and PDFs are deleted
  from storage with their rows, every field that could identify the candidate is blanked, its
  link to the candidate's account is cut, and an ``anonymised`` entry is added to its history
  (not e-mailed). What is kept is what statistics need: the call, the number, the status, the
  theme, the discipline, the degree's status and year, the lab's unit code, the eligibility
  codes (pass or fail) and the dates of the history; of the evaluation, the figures (scores,
  totals, recommendations, declarations, decisions) without their free texts, and the decision
  letters without their text or PDF;
- a **draft never submitted** is deleted ``RETENTION_MONTHS`` after its call closed.

Idempotent: a second run finds nothing to do and reports zeros. Set-based: dossiers are
anonymised by batches, each batch in one transaction of a few UPDATEs. Files are deleted after
that transaction, one by one: a storage error on one file is logged and does not stop the others;
the file's row stays, so the next run tries again (``files_left``); a draft whose file could not
be deleted stays until its files are gone.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import TruncYear
from django.utils import timezone

from conventions.rules import add_months

from .models import (
    Call,
    Dossier,
    DossierEvent,
    DossierFile,
    EligibilityOverride,
    MissingItemsRequest,
    Rendition,
    WorkPeriod,
)

logger = logging.getLogger(__name__)

Status = Dossier.Status
# Dossiers that were not selected: every status of the screening and of the evaluation, a rejected
# dossier and an unused waiting list included; a selected one (handed over to a convention) never is.
NOT_SELECTED = (
    Status.SUBMITTED,
    Status.MISSING_ITEMS,
    Status.COMPLETE,
    Status.ELIGIBLE,
    Status.INELIGIBLE,
    Status.WITHDRAWN,
    Status.IN_EVALUATION,
    Status.WAITING_LIST,
    Status.REJECTED,
)
BATCH = 200

# Blanked by anonymisation: the candidate (steps.PERSONAL_FIELDS and the rest of the contact step),
# the degree's title and institution, the enrolment and the work for the City, the project's
# texts, the lab's name and the thesis director, the screening's reasons. Kept: see the docstring.
BLANKED = {
    "first_name": "",
    "last_name": "",
    "email": "",
    "phone": "",
    "address": "",
    "needs_work_permit": None,
    "degree_title": "",
    "degree_institution": "",
    "holds_doctorate": None,
    "already_enrolled": None,
    "first_enrolment_date": None,
    "enrolment_doctoral_school": "",
    "other_thesis_started": None,
    "worked_for_city": None,
    "thesis_title": "",
    "summary": "",
    "research_description": "",
    "methods": "",
    "timetable": "",
    "keywords": "",
    "lab_name": "",
    "lab_institution": "",
    "lab_doctoral_school": None,
    "lab_abroad": None,
    "lab_cotutelle": None,
    "director_name": "",
    "director_email": "",
    "director_lab": "",
    "screening_reasons": "",
    "candidate": None,
}


def months() -> int:
    return settings.RETENTION_MONTHS


def anonymise_on(call: Call) -> dt.date | None:
    """The day a call's dossiers that were not selected are anonymised (None before the decisions)."""
    return add_months(call.decisions_on, months()) if call.decisions_on else None


def drafts_deleted_on(call: Call) -> dt.date:
    """The day a call's drafts never submitted are deleted."""
    return add_months(timezone.localdate(call.closes_at), months())


def _due_calls(today: dt.date) -> tuple[list[int], list[int]]:
    """Calls whose unselected dossiers are due for anonymisation, calls whose drafts are due for deletion.

    Per call, in Python: ``d + N months`` is clamped to the month's end, so it cannot be turned into
    one comparison on the column (a few calls a year)."""
    anonymise, drafts = [], []
    for call in Call.objects.only("pk", "decisions_on", "closes_at"):
        if (day := anonymise_on(call)) is not None and day <= today:
            anonymise.append(call.pk)
        if drafts_deleted_on(call) <= today:
            drafts.append(call.pk)
    return anonymise, drafts


def _due_dossiers(call_ids):
    return Dossier.objects.filter(call_id__in=call_ids, status__in=NOT_SELECTED, anonymised_at__isnull=True)


def _due_drafts(call_ids):
    return Dossier.objects.filter(call_id__in=call_ids, status=Status.DRAFT, submitted_at__isnull=True)


def due(today: dt.date | None = None):
    """``(dossiers to anonymise, drafts to delete)`` on ``today``, as querysets (for ``--dry-run``)."""
    anonymise_calls, draft_calls = _due_calls(today or timezone.localdate())
    return _due_dossiers(anonymise_calls), _due_drafts(draft_calls)


def _files_of_anonymised():
    return (
        DossierFile.objects.filter(dossier__anonymised_at__isnull=False),
        Rendition.objects.filter(dossier__anonymised_at__isnull=False),
    )


def _purge_letters() -> tuple[int, int]:
    """Delete the PDFs of the decision letters of anonymised dossiers (the rows stay, without text)."""
    from .evaluation.models import Letter

    done, failed = [], 0
    for letter in _letters_of_anonymised().only("pk", "pdf").order_by("pk").iterator():
        try:
            letter.pdf.storage.delete(letter.pdf.name)
        except Exception:
            failed += 1
            logger.exception("retention: could not delete %s (Letter %s): will try again", letter.pdf.name, letter.pk)
        else:
            done.append(letter.pk)
    Letter.objects.filter(pk__in=done).update(pdf="")
    return len(done), failed


def _letters_of_anonymised():
    from .evaluation.models import Letter

    return Letter.objects.filter(decision__dossier__anonymised_at__isnull=False).exclude(pdf="")


def apply(today: dt.date | None = None, *, dry_run: bool = False) -> dict:
    """Anonymise and delete what is due ``today`` (Paris date); return the counts.

    ``anonymised``: dossiers anonymised now; ``drafts_deleted``: drafts deleted; ``files_deleted``:
    files and PDFs deleted from storage; ``files_left``: those whose deletion failed (tried again
    next run). With ``dry_run``, nothing changes and the counts say what would happen.
    """
    today = today or timezone.localdate()
    anonymise_calls, draft_calls = _due_calls(today)
    if dry_run:
        files, renditions = _files_of_anonymised()
        dossiers, drafts = _due_dossiers(anonymise_calls), _due_drafts(draft_calls)
        counts = {
            "anonymised": dossiers.count(),
            "drafts_deleted": drafts.count(),
            "files_deleted": files.count()
            + renditions.count()
            + _letters_of_anonymised().count()
            + DossierFile.objects.filter(dossier__in=dossiers).count()
            + Rendition.objects.filter(dossier__in=dossiers).count()
            + DossierFile.objects.filter(dossier__in=drafts).count(),
            "files_left": 0,
        }
        logger.info("retention (dry run) on %s: %s", today, counts)
        return counts

    anonymised = 0
    ids = list(_due_dossiers(anonymise_calls).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        anonymised += _anonymise(ids[start : start + BATCH])
    deleted, left = _purge_files()
    letters_deleted, letters_left = _purge_letters()
    deleted, left = deleted + letters_deleted, left + letters_left
    drafts_deleted, draft_files, draft_left = _delete_drafts(draft_calls)
    counts = {
        "anonymised": anonymised,
        "drafts_deleted": drafts_deleted,
        "files_deleted": deleted + draft_files,
        "files_left": left + draft_left,
    }
    logger.info("retention on %s (%s months): %s", today, months(), counts)
    return counts


def _anonymise(ids: list[int]) -> int:
    """Blank one batch of dossiers in one transaction; their files are deleted afterwards."""
    at = timezone.now()
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.select_for_update()
            .filter(pk__in=ids, status__in=NOT_SELECTED, anonymised_at__isnull=True)
            .only("pk", "candidate_id", "eligibility")
        )
        if not dossiers:
            return 0
        locked = [d.pk for d in dossiers]
        # The eligibility snapshot keeps each check's code and result, not its messages (they quote dates).
        for dossier in dossiers:
            dossier.eligibility = [{"code": e.get("code"), "ok": e.get("ok")} for e in dossier.eligibility or ()]
        Dossier.objects.bulk_update(dossiers, ["eligibility"])
        # The history keeps what happened and when: its free texts go, and the candidate's own actions
        # no longer point to their account (staff's still say who screened).
        DossierEvent.objects.filter(dossier_id__in=locked, actor_id=F("dossier__candidate_id")).update(actor=None)
        DossierEvent.objects.filter(dossier_id__in=locked).update(message="")
        MissingItemsRequest.objects.filter(dossier_id__in=locked).update(message="")
        EligibilityOverride.objects.filter(dossier_id__in=locked).update(reason="")
        DossierFile.objects.filter(dossier_id__in=locked).update(original_name="")
        _forget_evaluation_texts(locked)
        _forget_emails(locked)
        WorkPeriod.objects.filter(dossier_id__in=locked).delete()
        Dossier.objects.filter(pk__in=locked).update(
            **BLANKED, degree_date=TruncYear("degree_date"), anonymised_at=at, updated_at=at
        )
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier_id=pk,
                kind=DossierEvent.Kind.ANONYMISED,
                at=at,
                public=False,
                data={"retention_months": months()},
            )
            for pk in locked
        )
    logger.info("retention: %s dossier(s) anonymised", len(locked))
    return len(locked)


def _forget_evaluation_texts(dossier_ids: list[int]) -> None:
    """The evaluation keeps its figures (scores, totals, recommendations, declarations' dates and outcomes,
    decisions): its free texts go (they may quote the candidate), their histories' copies included, and so
    do the decision letters' texts (they name the candidate; their PDFs are deleted with the files)."""
    from .evaluation.models import Assignment, ConflictDeclaration, Decision, Evaluation, Letter, Score

    evaluations = Evaluation.objects.filter(assignment__dossier_id__in=dossier_ids)
    evaluation_ids = list(evaluations.values_list("pk", flat=True))
    evaluations.update(overall_comment="")
    Evaluation.history.filter(id__in=evaluation_ids).update(overall_comment="")
    Score.objects.filter(evaluation_id__in=evaluation_ids).update(comment="")
    Score.history.filter(evaluation_id__in=evaluation_ids).update(comment="")
    Assignment.objects.filter(dossier_id__in=dossier_ids).update(declined_reason="")
    ConflictDeclaration.objects.filter(dossier_id__in=dossier_ids).update(statement="")
    ConflictDeclaration.objects.filter(dossier_id__in=dossier_ids, has_conflict=True).update(nature="-")
    Decision.objects.filter(dossier_id__in=dossier_ids).update(note="")
    Letter.objects.filter(decision__dossier_id__in=dossier_ids).update(subject="", body="")


def _forget_emails(dossier_ids: list[int]) -> None:
    """The e-mail log keeps each message sent about a dossier (address, name, texts): blank them, keep
    the row (its unique key stops a replayed task from sending again)."""
    from notifications.models import EmailLog

    from .evaluation.models import Letter
    from .notices import event_dedupe_key
    from .renditions import receipt_dedupe_key

    events = DossierEvent.objects.filter(dossier_id__in=dossier_ids).only("pk")
    keys = [event_dedupe_key(event) for event in events]
    letters = Letter.objects.filter(decision__dossier_id__in=dossier_ids).values_list("pk", flat=True)
    keys += [f"decision-letter:{pk}" for pk in letters]
    for dossier in Dossier.objects.filter(pk__in=dossier_ids).only("pk", "version"):
        keys += [receipt_dedupe_key(dossier, version) for version in range(1, dossier.version + 1)]
    for start in range(0, len(keys), 500):
        EmailLog.objects.filter(dedupe_key__in=keys[start : start + 500]).update(
            to="", user=None, subject="", body="", attachments=[]
        )


def _delete_stored(rows) -> tuple[list[int], int]:
    """Delete each row's file from storage; the ids whose file is gone, and how many failed."""
    done, failed = [], 0
    for row in rows:
        name = row.file.name
        try:
            if name:
                row.file.storage.delete(name)
        except Exception:
            failed += 1
            logger.exception("retention: could not delete %s (%s %s): will try again", name, type(row).__name__, row.pk)
        else:
            done.append(row.pk)
    return done, failed


def _purge_files() -> tuple[int, int]:
    """Delete the files and PDFs of anonymised dossiers, those left by an earlier run included."""
    deleted = left = 0
    for queryset in _files_of_anonymised():
        done, failed = _delete_stored(queryset.only("pk", "file").order_by("pk").iterator())
        queryset.model.objects.filter(pk__in=done).delete()
        deleted, left = deleted + len(done), left + failed
    return deleted, left


def _delete_drafts(call_ids: list[int]) -> tuple[int, int, int]:
    """Delete the drafts due, their files first; a draft keeps its row while one of its files remains."""
    drafts = list(_due_drafts(call_ids).order_by("pk").values_list("pk", flat=True))
    if not drafts:
        return 0, 0, 0
    files = DossierFile.objects.filter(dossier_id__in=drafts).only("pk", "file", "dossier_id").order_by("pk")
    kept, done_files, failed = set(), [], 0
    for row in files.iterator():
        done, missed = _delete_stored([row])
        done_files += done
        if missed:
            failed += missed
            kept.add(row.dossier_id)
    DossierFile.objects.filter(pk__in=done_files).delete()
    gone = [pk for pk in drafts if pk not in kept]
    with transaction.atomic():
        Dossier.objects.filter(pk__in=gone, status=Status.DRAFT, submitted_at__isnull=True).delete()
    if gone:
        logger.info("retention: %s draft(s) deleted", len(gone))
    return len(gone), len(done_files), failed
