"""The scientific evaluation of dossiers: evaluators, assignments, declarations, scores, committee, letters.

Thin models, as in ``applications.models`` (which imports these at its end, so Django and the
migrations of ``applications`` see them). What happens to them is in the services of this package:
``services`` (invitation, assignment by hand, declaration, scoring), ``assignment`` (the automatic
assignment), ``ranking``, ``decisions`` (committee, letters, outbox), ``handover`` and ``reminders``.

The record for ANRT: every change of state is also a ``DossierEvent`` (``public=False`` for the
evaluation's entries), and ``Evaluation`` and ``Score`` keep their full history (simple-history).
A ``ConflictDeclaration`` is kept even when its assignment is removed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

__all__ = [
    "Assignment",
    "Committee",
    "ConflictDeclaration",
    "Decision",
    "Evaluation",
    "EvaluatorProfile",
    "Letter",
    "Score",
]

COMMENT_MAX = 4000
OVERALL_COMMENT_MAX = 8000
REASON_MAX = 2000
LETTER_MAX = 20000


def _text(verbose_name, limit: int, **kwargs) -> models.TextField:
    """A text column whose limit the model enforces too (``full_clean``), not only the forms."""
    return models.TextField(verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs)


class EvaluatorProfile(models.Model):
    """What the automatic assignment needs to know about an IEA expert (filled by the expert).

    ``disciplines``, ``keywords`` and ``languages`` are comma-separated lists. ``lab_unit_code`` and
    ``email_domain`` (the institution's, e.g. ``ehess.fr``) detect obvious conflicts of interest.
    ``capacity``: how many dossiers of a call the expert accepts (0: not available).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluator_profile")
    affiliation = models.CharField(_("établissement ou institution"), max_length=255, blank=True)
    lab_unit_code = models.CharField(
        _("code d'unité du laboratoire"), max_length=32, blank=True, help_text=_("Par exemple UMR 8097.")
    )
    email_domain = models.CharField(
        _("domaine de messagerie de l'institution"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple ehess.fr : sert à détecter les conflits d'intérêts évidents."),
    )
    disciplines = models.CharField(_("disciplines"), max_length=500, blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=500, blank=True)
    languages = models.CharField(_("langues de lecture"), max_length=64, blank=True, default="fr")
    capacity = models.PositiveSmallIntegerField(
        _("nombre de dossiers acceptés"), default=5, validators=[MaxValueValidator(200)]
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    invited_at = models.DateTimeField(_("invité·e le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil d'évaluateur·rice")
        verbose_name_plural = _("profils d'évaluateur·rice·s")

    def __str__(self) -> str:
        return str(self.user)


class Assignment(models.Model):
    """One dossier given to one evaluator, with the last day to submit (``deadline``, Europe/Paris).

    ``assigned``: waiting for the conflict-of-interest declaration (the evaluator sees only what is
    needed to judge a conflict); ``accepted``: no conflict declared, the dossier's content is open to
    them; ``conflict``: a conflict declared (kept, never counted as load again); ``declined``;
    ``submitted``: the evaluation is in.
    """

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("En attente de la déclaration d'intérêts")
        ACCEPTED = "accepted", _("Aucun conflit déclaré, évaluation en cours")
        CONFLICT = "conflict", _("Conflit d'intérêts déclaré")
        DECLINED = "declined", _("Décliné")
        SUBMITTED = "submitted", _("Évaluation rendue")

    dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.CASCADE, related_name="assignments", verbose_name=_("dossier")
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("évaluateur·rice"),
    )
    deadline = models.DateField(_("date limite de l'évaluation"))
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    automatic = models.BooleanField(_("affectation automatique"), default=False)
    declined_reason = _text(_("motif du refus"), REASON_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("affecté le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        ordering = ["dossier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "evaluator"], name="applications_assignment_unique"),
        ]
        indexes = [
            models.Index(fields=["evaluator", "status"], name="applications_assign_eval_idx"),
            models.Index(fields=["status", "deadline"], name="applications_assign_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.evaluator}"


# Statuses that count towards an evaluator's load (and towards a dossier's evaluators).
ACTIVE_ASSIGNMENT = (Assignment.Status.ASSIGNED, Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED)
# Statuses that open the dossier's content to the evaluator.
CONTENT_OPEN = (Assignment.Status.ACCEPTED, Assignment.Status.SUBMITTED)


class ConflictDeclaration(models.Model):
    """An evaluator's declaration for one dossier: no conflict (the signed ``statement``) or a conflict
    (its ``nature``). Kept when the assignment is removed: ``dossier`` and ``evaluator`` are stored."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations"
    )
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.CASCADE, related_name="conflict_declarations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField(_("conflit d'intérêts"))
    nature = _text(_("nature du conflit"), REASON_MAX, blank=True)
    statement = _text(_("déclaration signée"), REASON_MAX, blank=True)
    declared_at = models.DateTimeField(_("déclaré le"), default=timezone.now)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("déclaration d'intérêts")
        verbose_name_plural = _("déclarations d'intérêts")
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(assignment__isnull=False), name="applications_one_declaration"
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(nature=""), name="applications_conflict_has_nature"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} / {self.evaluator}: {'conflict' if self.has_conflict else 'none'}"


class Evaluation(models.Model):
    """One evaluator's evaluation of one dossier: a draft saved as they type, then submitted (locked).

    ``version`` counts the saves (a stale autosave is refused). ``total`` is the weighted total on 20
    (``ranking.weighted_total``), stored at submission; ``None`` while a draft.
    """

    class Recommendation(models.TextChoices):
        FUND = "fund", _("Financer")
        FUND_WITH_RESERVATIONS = "fund_with_reservations", _("Financer avec réserves")
        DO_NOT_FUND = "do_not_fund", _("Ne pas financer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Transmise")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="evaluation")
    overall_comment = _text(_("appréciation générale"), OVERALL_COMMENT_MAX, blank=True)
    recommendation = models.CharField(_("recommandation"), max_length=32, choices=Recommendation.choices, blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)
    total = models.DecimalField(_("note pondérée (sur 20)"), max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, total__isnull=False),
                name="applications_submitted_evaluation_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} ({self.status})"


class Score(models.Model):
    """The score of one criterion of the call's grid (``None`` while the draft has none yet)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("applications.Criterion", on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    comment = _text(_("commentaire"), COMMENT_MAX, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["evaluation", "criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="applications_score_unique")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Committee(models.Model):
    """A meeting of the selection committee for one call."""

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="committees")
    date = models.DateField(_("date du comité"))
    members_present = _text(_("membres présents"), REASON_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comité de sélection")
        verbose_name_plural = _("comités de sélection")
        ordering = ["call", "date", "id"]

    def __str__(self) -> str:
        return f"{self.call} – {self.date:%d/%m/%Y}"


class Decision(models.Model):
    """The committee's decision on one dossier: pending until staff apply the call's decisions together.

    A dossier promoted from the waiting list keeps its ``waiting_rank`` (the record of its place) and
    becomes ``selected``, with ``promoted_at``.
    """

    class Outcome(models.TextChoices):
        SELECTED = "selected", _("Retenu")
        WAITING_LIST = "waiting_list", _("Liste d'attente")
        REJECTED = "rejected", _("Non retenu")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente d'application")
        APPLIED = "applied", _("Appliquée")

    dossier = models.OneToOneField("applications.Dossier", on_delete=models.CASCADE, related_name="decision")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("décision"), max_length=16, choices=Outcome.choices)
    waiting_rank = models.PositiveSmallIntegerField(
        _("rang sur la liste d'attente"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    note = _text(_("motivation (interne)"), REASON_MAX, blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("saisie le"), default=timezone.now)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    applied_at = models.DateTimeField(_("appliquée le"), null=True, blank=True)
    promoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    promoted_at = models.DateTimeField(_("repêché le"), null=True, blank=True)

    class Meta:
        verbose_name = _("décision du comité")
        verbose_name_plural = _("décisions du comité")
        ordering = ["committee", "outcome", "waiting_rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="waiting_list", waiting_rank__isnull=False)
                | Q(outcome="selected")
                | Q(outcome="rejected", waiting_rank__isnull=True),
                name="applications_decision_rank",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(applied_at__isnull=False), name="applications_decision_applied_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.outcome} ({self.status})"


def letter_upload_to(instance, filename: str) -> str:
    import uuid

    return f"applications/letters/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """A decision letter in the outbox: rendered from the editable templates when the decisions are
    applied (``ready``), read and edited by staff, ``held`` or sent (once; the e-mail is in the log).
    ``pdf`` is the letter as sent."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Décision du comité")
        PROMOTION = "promotion", _("Repêchage sur la liste d'attente")

    class Status(models.TextChoices):
        HELD = "held", pgettext_lazy("lettre de décision", "Retenue")
        READY = "ready", _("Prête à l'envoi")
        SENT = "sent", _("Envoyée")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DECISION)
    template_key = models.CharField(max_length=64)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    subject = models.CharField(_("objet"), max_length=255)
    body = _text(_("texte"), LETTER_MAX)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.READY)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    edited_at = models.DateTimeField(_("modifiée le"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    email_log = models.ForeignKey(
        "notifications.EmailLog", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to=letter_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lettre de décision")
        verbose_name_plural = _("lettres de décision")
        ordering = ["decision", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="applications_one_letter_per_kind"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="applications_sent_letter_dated"
            ),
        ]

    def __str__(self) -> str:
        return self.subject
