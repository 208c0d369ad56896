"""The world of the staff and department tests: one open call, two themes, a reader for each, dossiers.

``world["dossier"]`` (theme A, read by ``reader``) and ``world["other"]`` (theme B, read by
``other_reader``) are submitted; ``world["draft"]`` is a filled draft, never listed.
"""

from __future__ import annotations

from applications import services
from tests.applications.factories import CallFactory, DossierFactory, ThemeFactory, fill
from tests.factories import UserFactory

ROLES = ("candidate", "doctoral_student", "evaluator", "department", "staff", "admin")
STAFF_ONLY = "Cette page est réservée à l'équipe du programme."
DEPARTMENT_ONLY = "Cette page est réservée aux contacts des directions de la Ville."


def submitted_dossier(call, theme=None, **kwargs):
    dossier = DossierFactory(call=call, **kwargs)
    fill(dossier)
    if theme is not None:
        dossier.theme = theme
        dossier.save(update_fields=["theme"])
    services.submit(dossier.pk, dossier.candidate)
    dossier.refresh_from_db()
    return dossier


def role_user(role: str, **kwargs):
    second = role in ("staff", "admin", "evaluator", "department")
    extra = {"is_staff": True, "is_superuser": True} if role == "admin" else {}
    return UserFactory(role=role, second_factor=second, **extra, **kwargs)


def make_world() -> dict:
    """Each test module declares ``world`` as a fixture returning this."""
    call = CallFactory()
    theme = call.themes.get()
    other_theme = ThemeFactory(call=call, title_fr="Thème B : l'eau", position=2)
    reader = role_user("department")
    other_reader = role_user("department")
    theme.readers.add(reader)
    other_theme.readers.add(other_reader)
    dossier = submitted_dossier(call, theme)
    other = submitted_dossier(call, other_theme)
    draft = DossierFactory(call=call)
    fill(draft)
    return {
        "call": call,
        "theme": theme,
        "other_theme": other_theme,
        "reader": reader,
        "other_reader": other_reader,
        "dossier": dossier,
        "other": other,
        "draft": draft,
    }
