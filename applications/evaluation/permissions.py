"""Who may see what of a dossier under evaluation (checks return ``Decision(allowed, reason)``).

An evaluator sees only their own assignments. Before declaring, only the conflict view
(``blind.conflict_view``) of an assigned dossier; after a "no conflict" declaration, its content
(through ``blind.evaluator_dossier``); after a conflict or a refusal, nothing. Other evaluators'
scores: never, or per call (``Call.scores_visible_after_own``) once their own is submitted. Staff
and admins see everything and manage the evaluation.

Every check refuses ``obj=None`` to an evaluator, so ``accounts.permissions.require`` answers a
guessed id like a forbidden one.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.permissions import ALLOW, Decision, authenticated, deny, is_staff_member, role_check

from .models import CONTENT_OPEN, Assignment

can_manage_evaluation = is_staff_member
is_evaluator = role_check(roles.EVALUATOR, reason=_("Cette page est réservée aux évaluateur·rice·s."))

NOT_ASSIGNED = _("Ce dossier ne vous est pas confié.")
DECLARE_FIRST = _("Déclarez d'abord l'absence de conflit d'intérêts : le dossier s'ouvre ensuite.")
CONFLICTED = _("Vous avez déclaré un conflit d'intérêts pour ce dossier : il ne vous est plus accessible.")
DECLINED = _("Vous avez décliné ce dossier : il ne vous est plus accessible.")


def assignment_of(user, dossier) -> Assignment | None:
    """The user's assignment for ``dossier`` (prefetched ``assignments`` are used when present)."""
    if dossier is None or not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return next((a for a in cache["assignments"] if a.evaluator_id == user.pk), None)
    return Assignment.objects.filter(dossier=dossier, evaluator=user).first()


def _refusal(assignment: Assignment | None) -> Decision:
    if assignment is None:
        return deny(NOT_ASSIGNED)
    if assignment.status == Assignment.Status.ASSIGNED:
        return deny(DECLARE_FIRST)
    if assignment.status == Assignment.Status.CONFLICT:
        return deny(CONFLICTED)
    return deny(DECLINED)


def evaluator_may_see_content(user, dossier=None) -> Decision:
    """The dossier's content (form, documents, one-PDF): staff, or its evaluator after "no conflict"."""
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    if not roles.has_role(user, roles.EVALUATOR):
        return deny(NOT_ASSIGNED)
    assignment = assignment_of(user, dossier)
    if assignment is not None and assignment.status in CONTENT_OPEN:
        return ALLOW
    return _refusal(assignment)


def evaluator_may_see_conflict_view(user, dossier=None) -> Decision:
    """The conflict view (title, theme, lab, thesis director): an evaluator with a live assignment."""
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    assignment = assignment_of(user, dossier) if roles.has_role(user, roles.EVALUATOR) else None
    if assignment is not None and assignment.status in (Assignment.Status.ASSIGNED, *CONTENT_OPEN):
        return ALLOW
    return deny(NOT_ASSIGNED) if assignment is None else _refusal(assignment)


def may_see_other_scores(user, dossier=None) -> Decision:
    """Other evaluators' scores and comments on ``dossier``: staff; an evaluator only when the call
    allows it and their own evaluation is submitted."""
    if not (decision := authenticated(user)):
        return decision
    if roles.has_role(user, roles.STAFF, roles.ADMIN):
        return ALLOW
    assignment = assignment_of(user, dossier) if roles.has_role(user, roles.EVALUATOR) else None
    if assignment is None or assignment.status not in CONTENT_OPEN:
        return _refusal(assignment)
    if not dossier.call.scores_visible_after_own:
        return deny(_("Les notes des autres évaluateur·rice·s ne sont pas communiquées pour cet appel."))
    if assignment.status != Assignment.Status.SUBMITTED:
        return deny(_("Les notes des autres évaluateur·rice·s sont visibles une fois votre évaluation transmise."))
    return ALLOW


def can_score(user, assignment=None) -> Decision:
    """The evaluation form of ``assignment``: its evaluator, once they declared no conflict."""
    if not (decision := authenticated(user)):
        return decision
    if assignment is None or assignment.evaluator_id != user.pk or not roles.has_role(user, roles.EVALUATOR):
        return deny(NOT_ASSIGNED)
    if assignment.status in CONTENT_OPEN:
        return ALLOW
    return _refusal(assignment)
