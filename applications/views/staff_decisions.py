"""Staff screens of the committee: decisions, outbox, waiting list, hand-over (issue 11)."""

from __future__ import annotations


def call_context(call) -> dict:
    """The call page's part ( ``applications/staff/staff_decisions/_call_section.html``)."""
    return {}


def dossier_context(dossier, user) -> dict:
    """The dossier page's part (``applications/staff/staff_decisions/_dossier_section.html``)."""
    return {}
