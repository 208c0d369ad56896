"""Invoices to ANRT, credit notes, the yearly numbering and the payments received (RULES.md §4, §6).

One invoice per instalment: the City (employer) invoices ANRT each quarter for each convention's
payable instalment. Invoices and credit notes share one gap-free sequence per year
(``InvoiceSequence``, one row per year locked while a number is taken). An invoice is never
deleted or edited: it is cancelled by a credit note of the opposite amount, which keeps the
numbering whole.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cifre.bounds import BoundedTextField, PlausibleDateField


def invoice_pdf_upload_to(instance, filename: str) -> str:
    import uuid

    return f"subsidies/invoices/{instance.year}/{uuid.uuid4().hex}.pdf"


class InvoiceSequence(models.Model):
    """The last number used in a year; locked with SELECT ... FOR UPDATE while a number is taken."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    last_number = models.PositiveIntegerField(_("dernier numéro"), default=0)

    class Meta:
        verbose_name = _("séquence de numérotation")
        verbose_name_plural = _("séquences de numérotation")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Facture")
        CREDIT_NOTE = "credit_note", _("Avoir")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Émise")
        PARTIALLY_PAID = "partially_paid", _("Payée en partie")
        PAID = "paid", _("Payée")
        CANCELLED = "cancelled", _("Annulée par avoir")

    number = models.CharField(_("numéro"), max_length=16, unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    sequence = models.PositiveIntegerField(_("rang dans l'année"))
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(_("état"), max_length=16, choices=Status.choices, default=Status.ISSUED, db_index=True)
    issued_on = PlausibleDateField(_("date d'émission"))
    instalment = models.ForeignKey(
        "subsidies.Instalment", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("échéance")
    )
    convention = models.ForeignKey(
        "conventions.Convention", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("convention")
    )
    cancels = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name=_("facture annulée"),
    )
    reason = models.CharField(_("motif de l'avoir"), max_length=500, blank=True)
    # Snapshot at issue: the invoice must read the same forever, whatever later edits.
    employer_name = models.CharField(_("employeur"), max_length=255)
    employer_siret = models.CharField(_("SIRET"), max_length=14)
    employer_address = BoundedTextField(_("adresse de l'employeur"), max_length=500)
    convention_number = models.CharField(_("numéro ANRT"), max_length=9)
    student_name = models.CharField(_("doctorant·e"), max_length=255)
    instalment_number = models.PositiveSmallIntegerField(_("numéro d'échéance"))
    period_start = PlausibleDateField(_("début de période"))
    period_end = PlausibleDateField(_("fin de période"))
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    # Every invoice of one "issue invoices" run shares a batch id (the batch ZIP downloads them together).
    batch = models.CharField(_("lot"), max_length=32, blank=True, db_index=True)
    pdf = models.FileField(_("PDF"), upload_to=invoice_pdf_upload_to, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="subsidies_invoice_unique_sequence"),
            # At most one invoice in force per instalment.
            models.UniqueConstraint(
                fields=["instalment"],
                condition=Q(kind="invoice") & ~Q(status="cancelled"),
                name="subsidies_invoice_one_open_per_instalment",
            ),
            models.CheckConstraint(
                condition=(Q(kind="invoice", amount__gt=0, cancels__isnull=True))
                | Q(kind="credit_note", amount__lt=0, cancels__isnull=False),
                name="subsidies_invoice_kind_amount",
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="subsidies_invoice_sequence_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE


class Payment(models.Model):
    """Money received from ANRT against an invoice; a partial payment leaves the rest due."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("facture"))
    received_on = PlausibleDateField(_("date de réception"))
    amount = models.DecimalField(_("montant (€)"), max_digits=10, decimal_places=2)
    note = models.CharField(_("référence"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paiement reçu")
        verbose_name_plural = _("paiements reçus")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="subsidies_payment_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.invoice.number}: {self.amount}"
