"""The record of every status the daily sweep changed (set-based updates bypass model history)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cifre.bounds import PlausibleDateField


class StatusChange(models.Model):
    class Target(models.TextChoices):
        OBLIGATION = "obligation", _("Obligation")
        INSTALMENT = "instalment", _("Échéance")
        CONVENTION = "convention", _("Convention")

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("convention")
    )
    target = models.CharField(_("objet"), max_length=16, choices=Target.choices)
    object_id = models.PositiveBigIntegerField(_("identifiant"))
    field = models.CharField(_("champ"), max_length=32, default="status")
    old_value = models.CharField(_("ancienne valeur"), max_length=32, blank=True)
    new_value = models.CharField(_("nouvelle valeur"), max_length=32, blank=True)
    as_of = PlausibleDateField(_("à la date du"))
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["target", "object_id"], name="subsidies_statuschange_obj")]

    def __str__(self) -> str:
        return f"{self.target} {self.object_id}: {self.old_value} → {self.new_value}"
