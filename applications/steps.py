"""The steps of the dossier: their order, their fields and what each needs to be complete.

A step is complete when every field it requires is filled (conditional ones included); field
formats and limits are the forms' job (``applications.forms``), checked at every save. The
candidate sees both: what is wrong next to the field, what is missing in the step's status.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Dossier, DossierFile


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    fields: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        "candidate",
        gettext_lazy("Vos coordonnées"),
        ("first_name", "last_name", "email", "phone", "address", "needs_work_permit"),
    ),
    Step(
        "degree",
        gettext_lazy("Diplôme"),
        ("degree_title", "degree_institution", "degree_status", "degree_date", "holds_doctorate"),
    ),
    Step(
        "enrolment",
        gettext_lazy("Inscription en doctorat"),
        ("already_enrolled", "first_enrolment_date", "enrolment_doctoral_school", "other_thesis_started"),
    ),
    Step("work", gettext_lazy("Travail pour la Ville"), ("worked_for_city",)),
    Step(
        "project",
        gettext_lazy("Projet de thèse"),
        ("theme", "thesis_title", "summary", "research_description", "methods", "timetable", "keywords", "discipline"),
    ),
    Step(
        "lab",
        gettext_lazy("Laboratoire et direction"),
        (
            "lab_name",
            "lab_unit_code",
            "lab_institution",
            "lab_doctoral_school",
            "lab_abroad",
            "lab_cotutelle",
            "director_name",
            "director_email",
            "director_lab",
        ),
    ),
    Step("documents", gettext_lazy("Pièces justificatives"), ()),
)
STEP_KEYS = tuple(step.key for step in STEPS)
REVIEW = "review"
BY_KEY = {step.key: step for step in STEPS}
# Personal fields: blanked by anonymisation, never shown to evaluators of a blind call.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "address", "director_email")
# Every document is required (DESIGN.md, issue 10).
REQUIRED_DOCUMENTS = tuple(kind for kind, _label in DossierFile.Kind.choices)

_ALWAYS_REQUIRED = {
    "candidate": ("first_name", "last_name", "email", "address", "needs_work_permit"),
    "degree": ("degree_title", "degree_institution", "degree_status", "degree_date", "holds_doctorate"),
    "enrolment": ("already_enrolled", "other_thesis_started"),
    "work": ("worked_for_city",),
    "project": (
        "theme",
        "thesis_title",
        "summary",
        "research_description",
        "methods",
        "timetable",
        "keywords",
        "discipline",
    ),
    "lab": ("lab_name", "lab_institution", "lab_abroad", "director_name", "director_email", "director_lab"),
}


def _blank(value) -> bool:
    return value is None or value == ""


def missing(dossier: Dossier, step_key: str, *, files: dict | None = None, periods: list | None = None) -> list[str]:
    """The labels of what ``step_key`` still needs, in the active language (empty when complete).

    ``files`` (kind → DossierFile) and ``periods`` may be passed to avoid queries when they are known.
    """
    model_fields = {f.name: f for f in Dossier._meta.get_fields() if hasattr(f, "verbose_name")}
    needed: list[str] = []
    if step_key == "documents":
        if files is None:
            files = {f.kind: f for f in dossier.files.all() if f.is_current}
        labels = dict(DossierFile.Kind.choices)
        return [str(labels[kind]) for kind in REQUIRED_DOCUMENTS if kind not in files]
    required = list(_ALWAYS_REQUIRED.get(step_key, ()))
    if step_key == "enrolment" and dossier.already_enrolled:
        required += ["first_enrolment_date", "enrolment_doctoral_school"]
    if step_key == "lab":
        if dossier.lab_abroad:
            required.append("lab_cotutelle")
        else:
            required.append("lab_unit_code")
    for name in required:
        if _blank(getattr(dossier, name if name != "theme" else "theme_id")):
            needed.append(str(model_fields[name].verbose_name))
    if step_key == "work" and dossier.worked_for_city:
        if periods is None:
            periods = list(dossier.work_periods.all())
        if not periods:
            needed.append(_("au moins une période de travail"))
    return needed


def completeness(dossier: Dossier) -> dict[str, list[str]]:
    """Step key → what is missing, for every step (one query for files, one for periods)."""
    files = {f.kind: f for f in dossier.files.all() if f.is_current}
    periods = list(dossier.work_periods.all())
    return {step.key: missing(dossier, step.key, files=files, periods=periods) for step in STEPS}
