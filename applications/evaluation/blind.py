"""What of a dossier an evaluator may read: the rule every evaluator-facing screen, file and e-mail uses.

``evaluator_dossier(dossier)`` is the only object a template for evaluators should receive. In a
blind call it reads as the dossier with every personal field (``steps.PERSONAL_FIELDS``) blank,
and it refuses the ways to the candidate's identity whatever the call (``candidate``, ``full_name``,
``events``, the uploaded files' own names): a template that tries gets an error in tests instead of
a leak in production. ``evaluator_file_name`` names a file by the dossier's number and its kind.
``conflict_view`` is what an evaluator sees before declaring: title, theme, lab, thesis director.
"""

from __future__ import annotations

from .. import steps
from ..models import Dossier, DossierFile

# Never reachable from an evaluator's view of a dossier, blind call or not: the account, the
# history (staff's notes, the candidate's actions), the files with their original names, the
# screening's and the committee's internals.
CLOSED_ATTRIBUTES = frozenset(
    {
        "candidate",
        "candidate_id",
        "events",
        "files",
        "renditions",
        "requests",
        "overrides",
        "screening_reasons",
        "eligibility",
        "assignments",
        "conflict_declarations",
        "decision",
        "convention",
        "convention_id",
        "save",
        "delete",
        "refresh_from_db",
    }
)
NAME_ATTRIBUTES = frozenset({"full_name"})


class IdentityHidden(AttributeError):
    """An evaluator's view of a dossier was asked for something that could reveal the candidate."""


class EvaluatorDossier:
    """A read-only view of a dossier for an evaluator (see the module's docstring)."""

    __slots__ = ("_dossier", "blind")

    def __init__(self, dossier: Dossier):
        object.__setattr__(self, "_dossier", dossier)
        object.__setattr__(self, "blind", bool(dossier.call.blind_evaluation))

    def __getattr__(self, name: str):
        if name in CLOSED_ATTRIBUTES:
            raise IdentityHidden(f"an evaluator's view of a dossier has no {name!r}")
        if self.blind and (name in steps.PERSONAL_FIELDS or name in NAME_ATTRIBUTES):
            return ""
        return getattr(self._dossier, name)

    def __setattr__(self, name, value):
        raise IdentityHidden("an evaluator's view of a dossier is read-only")

    def __str__(self) -> str:
        return str(self._dossier)

    @property
    def pk(self):
        return self._dossier.pk


def evaluator_dossier(dossier: Dossier) -> EvaluatorDossier:
    return EvaluatorDossier(dossier)


def blind_safe_dossier(dossier: Dossier) -> EvaluatorDossier:
    """Alias of ``evaluator_dossier``: the same rule for every screen."""
    return EvaluatorDossier(dossier)


def evaluator_file_name(stored: DossierFile) -> str:
    """``2027-0042-cv.pdf``: never the name the candidate gave the file (it often holds their name)."""
    return f"{stored.dossier.number or stored.dossier_id}-{stored.kind}.pdf"


def conflict_view(dossier: Dossier) -> dict:
    """Only what is needed to judge a conflict of interest: never a document, never the candidate."""
    theme = dossier.theme
    return {
        "number": dossier.number,
        "call_title": dossier.call.localised("title"),
        "thesis_title": dossier.thesis_title,
        "theme_title": theme.localised("title") if theme else "",
        "host_department": str(theme.host_department) if theme else "",
        "lab_name": dossier.lab_name,
        "lab_unit_code": dossier.lab_unit_code,
        "lab_institution": dossier.lab_institution,
        "director_name": dossier.director_name,
        "director_lab": dossier.director_lab,
    }
