"""Issuing invoices, cancelling them by credit note, recording payments, PDFs and the batch ZIP.

Numbers come from one gap-free sequence per year shared by invoices and credit notes: the
year's ``InvoiceSequence`` row is locked (SELECT ... FOR UPDATE) for the rest of the issuing
transaction, so two people issuing at once are serialised and a failed run gives its numbers
back by rolling back. The PDF is a rendering of the invoice's frozen snapshot, produced after
the commit and regenerated on demand if it is missing.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from cifre.money import Cents, format_money
from subsidies.domain.payee import payee_for
from subsidies.models import Instalment, Invoice, InvoiceSequence, Payment

ANRT_NAME = "Association nationale de la recherche et de la technologie (ANRT)"
ANRT_ADDRESS = "33, rue Rennequin\n75017 Paris"
VAT_MENTION = "TVA non applicable, art. 293 B du CGI"
ZERO = Decimal("0.00")


def today() -> dt.date:
    return timezone.localdate()


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def format_eur(amount: Decimal) -> str:
    """The amount as the active language writes it (``cifre.money.format_money``): 3\u202f500,00\u00a0€ in French."""
    return format_money(amount)


# --- Numbering -------------------------------------------------------------------------------------


def next_number(year: int) -> tuple[int, str]:
    """Take the next number of ``year``; must run inside the caller's transaction (the lock lasts until commit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside a transaction")
    InvoiceSequence.objects.get_or_create(year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number, f"{year}-{sequence.last_number:04d}"


# --- Issuing ---------------------------------------------------------------------------------------


def invoiceable(start: dt.date | None = None, end: dt.date | None = None):
    """Payable instalments not invoiced yet (due between ``start`` and ``end`` when given). A draft convention
    (handed over from a dossier, not signed yet) has no ANRT number: nothing of it is invoiced."""
    qs = Instalment.objects.filter(status=Instalment.Status.PAYABLE, invoiced_on__isnull=True).exclude(
        convention__status="draft"
    )
    if start:
        qs = qs.filter(due_date__gte=start)
    if end:
        qs = qs.filter(due_date__lte=end)
    return qs.select_related("convention__employer", "convention__doctoral_student").order_by(
        "due_date", "convention__anrt_number", "number"
    )


def _snapshot(instalment: Instalment) -> dict:
    convention = instalment.convention
    employer = convention.employer
    return {
        "instalment": instalment,
        "convention": convention,
        "employer_name": employer.name,
        "employer_siret": employer.siret,
        "employer_address": employer.address,
        "convention_number": convention.anrt_number,
        "student_name": convention.doctoral_student.get_full_name() or convention.doctoral_student.email,
        "instalment_number": instalment.number,
        "period_start": instalment.period_start,
        "period_end": instalment.period_end,
    }


def issue_invoices(instalment_ids: Iterable[int], user=None, issued_on: dt.date | None = None) -> list[Invoice]:
    """Issue one invoice per instalment, all or nothing; returns them in number order.

    Raises ``ValidationError`` naming the instalment when one is not payable or already invoiced
    (for example because someone else invoiced it a moment ago).
    """
    ids = sorted(set(instalment_ids))
    if not ids:
        raise ValidationError(_("Choisissez au moins une échéance à facturer."), code="empty")
    issued_on = issued_on or today()
    batch = uuid.uuid4().hex
    with transaction.atomic():
        instalments = list(
            Instalment.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("convention__employer", "convention__doctoral_student")
            .order_by("convention__anrt_number", "number")
        )
        if len(instalments) != len(ids):
            raise ValidationError(_("Une des échéances choisies n'existe plus."), code="missing")
        for instalment in instalments:
            label = f"{instalment.convention.anrt_number} n° {instalment.number}"
            if instalment.convention.status == "draft":
                raise ValidationError(
                    _("La convention de l'échéance n° %(number)s est un brouillon : elle n'est pas facturable.")
                    % {"number": instalment.number},
                    code="draft",
                )
            if instalment.invoiced_on is not None:
                raise ValidationError(
                    _("L'échéance %(label)s est déjà facturée (le %(date)s).")
                    % {"label": label, "date": instalment.invoiced_on.strftime("%d/%m/%Y")},
                    code="already_invoiced",
                )
            if instalment.status != Instalment.Status.PAYABLE or instalment.amount <= 0:
                raise ValidationError(
                    _("L'échéance %(label)s n'est pas exigible : elle ne peut pas être facturée.") % {"label": label},
                    code="not_payable",
                )
        invoices = []
        for instalment in instalments:
            sequence, number = next_number(issued_on.year)
            invoices.append(
                Invoice.objects.create(
                    number=number,
                    year=issued_on.year,
                    sequence=sequence,
                    kind=Invoice.Kind.INVOICE,
                    issued_on=issued_on,
                    amount=instalment.amount,
                    issued_by=user,
                    batch=batch,
                    **_snapshot(instalment),
                )
            )
            instalment.invoiced_on = issued_on
            instalment.save(update_fields=["invoiced_on", "updated_at"])
    for invoice in invoices:
        _store_pdf_quietly(invoice)
    return invoices


def cancel_invoice(invoice_id: int, user=None, reason: str = "", issued_on: dt.date | None = None) -> Invoice:
    """Cancel an invoice by a credit note of the opposite amount; the instalment can be invoiced again."""
    issued_on = issued_on or today()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de l'avoir.")})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.kind != Invoice.Kind.INVOICE:
            raise ValidationError(_("Un avoir ne peut pas être annulé."), code="credit_note")
        if invoice.status == Invoice.Status.CANCELLED:
            raise ValidationError(_("Cette facture est déjà annulée par un avoir."), code="cancelled")
        if invoice.payments.exists():
            raise ValidationError(
                _("Des paiements sont enregistrés sur cette facture : elle ne peut pas être annulée."), code="paid"
            )
        invoice.status = Invoice.Status.CANCELLED
        invoice.save(update_fields=["status"])
        sequence, number = next_number(issued_on.year)
        credit_note = Invoice.objects.create(
            number=number,
            year=issued_on.year,
            sequence=sequence,
            kind=Invoice.Kind.CREDIT_NOTE,
            issued_on=issued_on,
            cancels=invoice,
            reason=reason[:500],
            amount=-invoice.amount,
            issued_by=user,
            batch=uuid.uuid4().hex,
            instalment_id=invoice.instalment_id,
            convention_id=invoice.convention_id,
            employer_name=invoice.employer_name,
            employer_siret=invoice.employer_siret,
            employer_address=invoice.employer_address,
            convention_number=invoice.convention_number,
            student_name=invoice.student_name,
            instalment_number=invoice.instalment_number,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
        )
        instalment = Instalment.objects.select_for_update().get(pk=invoice.instalment_id)
        instalment.invoiced_on = None
        instalment.save(update_fields=["invoiced_on", "updated_at"])
    _store_pdf_quietly(credit_note)
    return credit_note


# --- Payments --------------------------------------------------------------------------------------


def paid_amount(invoice: Invoice) -> Decimal:
    return invoice.payments.aggregate(total=Cents(Sum("amount")))["total"] or ZERO


def record_payment(
    invoice_id: int, amount: Decimal, received_on: dt.date, user=None, note: str = "", *, as_of: dt.date | None = None
) -> Payment:
    """Record money received against an invoice. A partial payment leaves the rest due."""
    as_of = as_of or today()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.kind != Invoice.Kind.INVOICE or invoice.status == Invoice.Status.CANCELLED:
            raise ValidationError(_("On n'enregistre un paiement que sur une facture en vigueur."), code="not_open")
        due = invoice.amount - paid_amount(invoice)
        errors = {}
        if amount is None or amount <= 0:
            errors["amount"] = _("Le montant doit être supérieur à zéro.")
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = _("Le montant s'exprime en euros et centimes (deux décimales au plus).")
        elif amount > due:
            errors["amount"] = _("Le montant dépasse le reste dû sur cette facture (%(due)s).") % {
                "due": format_eur(due)
            }
        if received_on is None:
            errors["received_on"] = _("Indiquez la date de réception.")
        elif received_on > as_of:
            errors["received_on"] = _("La date de réception ne peut pas être dans le futur.")
        elif received_on < invoice.issued_on:
            errors["received_on"] = _("La date de réception précède l'émission de la facture (%(date)s).") % {
                "date": invoice.issued_on.strftime("%d/%m/%Y")
            }
        if errors:
            raise ValidationError(errors)
        payment = Payment.objects.create(
            invoice=invoice, amount=amount, received_on=received_on, recorded_by=user, note=(note or "")[:255]
        )
        invoice.status = Invoice.Status.PAID if amount == due else Invoice.Status.PARTIALLY_PAID
        invoice.save(update_fields=["status"])
    return payment


@dataclass(frozen=True)
class PaymentState:
    invoice_number: str
    amount: Decimal
    paid: Decimal

    @property
    def due(self) -> Decimal:
        return self.amount - self.paid

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.amount


def instalment_payment_states(instalment_ids: Iterable[int]) -> dict[int, PaymentState]:
    """For each invoiced instalment among ``instalment_ids``: its invoice in force and what was paid (2 queries)."""
    invoices = list(
        Invoice.objects.filter(instalment_id__in=list(instalment_ids), kind=Invoice.Kind.INVOICE)
        .exclude(status=Invoice.Status.CANCELLED)
        .annotate(paid=Cents(Sum("payments__amount")))
        .values_list("instalment_id", "number", "amount", "paid")
    )
    return {iid: PaymentState(number, amount, paid or ZERO) for iid, number, amount, paid in invoices}


# --- PDF and ZIP -----------------------------------------------------------------------------------


def invoice_context(invoice: Invoice) -> dict:
    return {
        "invoice": invoice,
        "title": (_("Avoir n° %(number)s") if invoice.is_credit_note else _("Facture n° %(number)s"))
        % {"number": invoice.number},
        "anrt_name": ANRT_NAME,
        "anrt_address": ANRT_ADDRESS,
        "vat_mention": VAT_MENTION,
        "payee": payee_for(invoice),
        "amount_text": format_eur(invoice.amount),
        "cancelled_number": invoice.cancels.number if invoice.cancels_id else "",
        "lang": "fr",
    }


def render_invoice_pdf(invoice: Invoice) -> bytes:
    from django.utils import translation

    from cifre.pdf import render_pdf

    # Invoices are legal documents of a French administration: always in French.
    with translation.override("fr"):
        return render_pdf("subsidies/invoice_pdf.html", invoice_context(invoice))


def ensure_pdf(invoice: Invoice) -> Invoice:
    """Render and store the PDF if it is not stored yet; returns the invoice."""
    if invoice.pdf and invoice.pdf.storage.exists(invoice.pdf.name):
        return invoice
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(render_invoice_pdf(invoice)), save=False)
    Invoice.objects.filter(pk=invoice.pk).update(pdf=invoice.pdf.name)
    return invoice


def _store_pdf_quietly(invoice: Invoice) -> None:
    """After the commit: a PDF failure must not undo an issued invoice (it is regenerated on download)."""
    import logging

    try:
        ensure_pdf(invoice)
    except Exception:
        logging.getLogger(__name__).exception("PDF of invoice %s could not be rendered", invoice.number)


def pdf_bytes(invoice: Invoice) -> bytes:
    ensure_pdf(invoice)
    with invoice.pdf.open("rb") as handle:
        return handle.read()


def invoices_zip(invoices: Iterable[Invoice]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice in invoices:
            prefix = "avoir" if invoice.is_credit_note else "facture"
            archive.writestr(f"{prefix}-{invoice.number}.pdf", pdf_bytes(invoice))
    return buffer.getvalue()


def open_invoices_filter() -> Q:
    return Q(kind=Invoice.Kind.INVOICE) & ~Q(status=Invoice.Status.CANCELLED)
