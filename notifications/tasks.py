"""Celery tasks of the messenger: thin, they take ids and call the services."""

from celery import shared_task

from . import services


@shared_task(name="notifications.retry_failed_emails")
def retry_failed_emails() -> int:
    return len(services.retry_failed())
