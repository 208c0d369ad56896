"""Instalments (RULES.md §4, §6) as computed by the rules engine and stored per convention.

Rows are updated in place by number when the convention changes (``conventions.services``), so
invoices that point at them stay valid. ``invoiced_on`` is set by the invoicing service when an
invoice is issued and cleared when a credit note cancels it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cifre.bounds import PlausibleDateField


class Instalment(models.Model):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("À venir")
        PAYABLE = "payable", _("Exigible")
        WITHHELD = "withheld", _("Retenue")
        FORFEITED = "forfeited", _("Perdue")

    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.CASCADE, related_name="instalments", verbose_name=_("convention")
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    period_start = PlausibleDateField(_("début de période"))
    period_end = PlausibleDateField(_("fin de période"))
    due_date = PlausibleDateField(_("échéance"), db_index=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, db_index=True)
    payable_on = PlausibleDateField(_("exigible le"), null=True, blank=True)
    # Sorted obligation keys (``Obligation.key`` of the same convention) that must be received first.
    gated_by = models.JSONField(_("conditionnée par"), default=list, blank=True)
    invoiced_on = PlausibleDateField(_("facturée le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("échéance de subvention")
        verbose_name_plural = _("échéances de subvention")
        ordering = ["convention_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="subsidies_instalment_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="subsidies_instalment_number_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="subsidies_instalment_period"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidies_instalment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="subsidies_inst_status_due")]

    def __str__(self) -> str:
        return f"{self.convention_id} #{self.number}"

    @property
    def is_invoiced(self) -> bool:
        return self.invoiced_on is not None
