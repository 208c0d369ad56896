"""E-mail templates staff can edit, and the log of every message (which is also the send-once record)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cifre.bounds import BoundedTextField


class EmailTemplate(models.Model):
    """One message in one language. Subject and body use the Django template language (plain text)."""

    key = models.CharField(_("message"), max_length=64)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("objet"), max_length=255)
    body = BoundedTextField(_("texte"), max_length=20_000)
    help_text = BoundedTextField(_("variables disponibles"), max_length=2_000, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("modèle de courriel")
        verbose_name_plural = _("modèles de courriel")
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="notifications_template_key_lang")]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class EmailLog(models.Model):
    """A message to one recipient. ``dedupe_key`` is unique: the row is written (and committed)
    before the message leaves, so a rerun, a retry or a concurrent run never sends it twice.

    pending: never tried (retried automatically); sending: handed to the mail server, outcome
    unknown if the process died there (never retried automatically: at most once); sent; failed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    dedupe_key = models.CharField(_("clé d'unicité"), max_length=255, unique=True)
    template_key = models.CharField(_("message"), max_length=64)
    language = models.CharField(_("langue"), max_length=8)
    to = models.EmailField(_("destinataire"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("objet"), max_length=255)
    body = BoundedTextField(_("texte"), max_length=100_000)
    # Stored private files sent with the message ({name, filename, mimetype}), read again at each attempt.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    status = models.CharField(_("état"), max_length=16, choices=Status.choices, default=Status.PENDING)
    error = BoundedTextField(_("erreur"), max_length=2_000, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel envoyé")
        verbose_name_plural = _("journal des courriels")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_log_retry_idx")]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.to} ({self.status})"
