"""Who may see and change what in ``conventions`` (checks return ``Decision(allowed, reason)``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.permissions import ALLOW, Decision, authenticated, deny, is_staff_member

# Obligations whose document the doctoral student uploads themself (enrolment certificates and reports).
STUDENT_UPLOAD_KINDS = ("enrolment", "activity_report", "final_evaluation")

__all__ = [
    "can_confirm_documents",
    "can_manage_conventions",
    "can_manage_reference_data",
    "can_view_convention",
    "can_upload_document",
    "can_view_document",
    "is_doctoral_student",
]

can_manage_conventions = is_staff_member
# Employers, host departments, labs, doctoral schools, tutors, thesis directors: City staff and admins.
can_manage_reference_data = is_staff_member
# The list of doctoral students' uploads waiting for a staff confirmation, and the confirmation itself.
can_confirm_documents = is_staff_member


def is_doctoral_student(user, obj=None) -> Decision:
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.DOCTORAL_STUDENT):
        return ALLOW
    return deny(_("Cette page est réservée aux doctorant·e·s."))


def _owns(user, convention) -> bool:
    return convention is not None and convention.doctoral_student_id == user.pk


def can_view_convention(user, convention=None) -> Decision:
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    if roles.has_role(user, roles.DOCTORAL_STUDENT) and _owns(user, convention):
        return ALLOW
    return deny(_("Vous ne pouvez consulter que votre propre convention."))


def can_upload_document(user, obligation=None) -> Decision:
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    if roles.has_role(user, roles.DOCTORAL_STUDENT) and obligation is not None and _owns(user, obligation.convention):
        if obligation.kind in STUDENT_UPLOAD_KINDS:
            return ALLOW
        return deny(_("Ce document est transmis par l'équipe du programme, pas par le ou la doctorant·e."))
    return deny(_("Vous ne pouvez déposer des documents que pour votre propre convention."))


def can_view_document(user, document=None) -> Decision:
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    if (
        roles.has_role(user, roles.DOCTORAL_STUDENT)
        and document is not None
        and _owns(user, document.obligation.convention)
    ):
        return ALLOW
    return deny(_("Vous ne pouvez télécharger que les documents de votre propre convention."))
