"""Staff screens of the evaluation: evaluators, assignments, ranking, reopening (issue 11)."""

from __future__ import annotations


def call_context(call) -> dict:
    """The call page's part ( ``applications/staff/staff_evaluation/_call_section.html``)."""
    return {}


def dossier_context(dossier, user) -> dict:
    """The dossier page's part (``applications/staff/staff_evaluation/_dossier_section.html``)."""
    return {}
