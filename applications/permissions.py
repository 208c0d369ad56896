"""Who may see and change what in ``applications`` (checks return ``Decision(allowed, reason)``).

Candidates see and edit only their own dossiers; staff and admins see every dossier and screen
them; a department contact (role ``department``) reads the dossiers of the themes they were
given; evaluators get nothing here (their access comes with the evaluation, per assignment).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.permissions import ALLOW, Decision, authenticated, deny, is_staff_member

can_manage_calls = is_staff_member
can_screen_dossiers = is_staff_member


def can_apply(user, obj=None) -> Decision:
    """Any signed-in account may apply, except those whose role rules it out: the programme's team and
    the evaluators (they judge the dossiers), the departments' contacts (they read them) and doctoral
    students (they already hold a CIFRE: a second one is not possible)."""
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN, roles.EVALUATOR, roles.DEPARTMENT):
        return deny(
            _(
                "Les comptes de l'équipe, des évaluateur·rice·s et des directions de la Ville ne peuvent pas "
                "déposer de candidature."
            )
        )
    if roles.has_role(user, roles.DOCTORAL_STUDENT):
        return deny(_("Vous êtes déjà doctorant·e du programme : une nouvelle candidature n'est pas possible."))
    return ALLOW


def owns(user, dossier) -> bool:
    return dossier is not None and dossier.candidate_id is not None and dossier.candidate_id == user.pk


def can_edit_dossier(user, dossier=None) -> Decision:
    if not (decision := authenticated(user)):
        return decision
    if owns(user, dossier):
        return ALLOW
    return deny(_("Vous ne pouvez modifier que votre propre dossier."))


def can_follow_dossier(user, dossier=None) -> Decision:
    """The candidate's own pages of a dossier (status, history, downloads): its candidate only."""
    if not (decision := authenticated(user)):
        return decision
    if owns(user, dossier):
        return ALLOW
    return deny(_("Vous ne pouvez consulter que votre propre dossier."))


def can_view_dossier(user, dossier=None) -> Decision:
    """The candidate, staff and admins, and a department contact for the dossiers of their themes."""
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    if owns(user, dossier):
        return ALLOW
    if dossier is not None and is_theme_reader(user, dossier):
        return ALLOW
    return deny(_("Vous ne pouvez consulter que votre propre dossier."))


def is_theme_reader(user, dossier) -> bool:
    if not roles.has_role(user, roles.DEPARTMENT) or dossier.theme_id is None or dossier.is_draft:
        return False
    return dossier.theme.readers.filter(pk=user.pk).exists()


def can_read_department_dossiers(user, obj=None) -> Decision:
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.DEPARTMENT, roles.STAFF, roles.ADMIN):
        return ALLOW
    return deny(_("Cette page est réservée aux contacts des directions de la Ville."))
