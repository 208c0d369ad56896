"""Celery tasks of the applications app: thin, they take ids and call the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="applications.after_submission", autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def after_submission(dossier_id: int, version: int) -> None:
    """Render the receipt and the one-PDF of this version once, then e-mail the receipt (once)."""
    from . import renditions

    renditions.after_submission(dossier_id, version)


@shared_task(name="applications.notify_candidate", autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def notify_candidate(event_id: int) -> None:
    from . import notices

    notices.notify_candidate(event_id)


@shared_task(name="applications.notify_staff_lapsed")
def notify_staff_lapsed(day: str) -> None:
    from . import notices

    notices.notify_staff_lapsed(day)


@shared_task(name="applications.daily")
def daily() -> dict:
    """Once a day: flag lapsed requests for missing items, remind evaluators of their deadlines (and
    staff of the late evaluations), then apply data retention."""
    from . import retention, services
    from .evaluation import reminders

    return {"lapsed": services.flag_lapsed_requests(), **reminders.send_reminders(), **retention.apply()}
