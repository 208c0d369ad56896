"""Scheduled jobs of the public site (thin: call a service)."""

from celery import shared_task

from .services import purge_registrations


@shared_task(name="events.purge_registrations")
def purge_registrations_task() -> int:
    """Data retention: registrations are deleted three months after their event (privacy page)."""
    return purge_registrations()
