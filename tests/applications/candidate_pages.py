"""Helpers of the candidate pages' tests: URLs, a signed-in client per role, posting a step."""

from __future__ import annotations

from django.urls import reverse

from applications.forms import STEP_FORMS
from tests.factories import UserFactory

STEP_KEYS = ("candidate", "degree", "enrolment", "work", "project", "lab", "documents")
OWN_ONLY_EDIT = "Vous ne pouvez modifier que votre propre dossier."
OWN_ONLY_VIEW = "Vous ne pouvez consulter que votre propre dossier."
TEAM_MAY_NOT_APPLY = (
    "Les comptes de l'équipe, des évaluateur·rice·s et des directions de la Ville ne peuvent pas déposer de "
    "candidature."
)
DOCTORAL_STUDENT_MAY_NOT_APPLY = (
    "Vous êtes déjà doctorant·e du programme : une nouvelle candidature n'est pas possible."
)


def role_user(role: str):
    """A user of ``role``; the roles that need a second factor get one (``client_for`` passes it)."""
    return UserFactory(role=role, second_factor=role in ("staff", "evaluator", "admin", "department"))


def step_url(dossier, key: str) -> str:
    return reverse("applications:step", args=[dossier.pk, key])


def autosave_url(dossier, key: str) -> str:
    return reverse("applications:autosave", args=[dossier.pk, key])


def step_post(dossier, key: str, **values) -> dict:
    """Every field of the step as its form renders it now, with ``values`` replacing some, and the
    page's step version: what the save button posts."""
    dossier.refresh_from_db()
    form = STEP_FORMS[key](instance=dossier)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        data[name] = "" if value is None else field.prepare_value(value)
    data.update(values)
    data["step_version"] = dossier.step_versions.get(key, 0)
    return data


def periods_post(rows, initial=0, **extra) -> dict:
    """The periods formset as posted: ``rows`` of ``{"start", "end", "description", "id", "DELETE"}``."""
    data = {
        "periods-TOTAL_FORMS": str(len(rows)),
        "periods-INITIAL_FORMS": str(initial),
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"periods-{index}-{name}"] = value
    data.update(extra)
    return data
