"""Staff screens for invoices: list, issue, detail with payments and credit note, PDF and batch ZIP.

Thin views: permission from ``subsidies.permissions``, business rules in ``subsidies.domain``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require
from cifre.money import Cents

from .domain import invoicing
from .forms import CreditNoteForm, InvoiceFilterForm, PaymentForm, QuarterForm
from .models import Invoice
from .permissions import can_manage_invoices

PAGE_SIZE = 50
ZIP_LIMIT = 500


def _invoice_rows(qs):
    return qs.select_related("cancels", "credit_note").annotate(paid=Cents(Sum("payments__amount")))


@require(can_manage_invoices)
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None)
    qs = Invoice.objects.all()
    if form.is_bound:
        qs = form.filter(qs)
    page = Paginator(_invoice_rows(qs).order_by("-year", "-sequence"), PAGE_SIZE).get_page(request.GET.get("page"))
    totals = qs.aggregate(count=Count("pk"), amount=Cents(Sum("amount")))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "subsidies/invoice_list.html",
        {"form": form, "page": page, "totals": totals, "query": filters.urlencode()},
    )


@require(can_manage_invoices)
def invoice_issue(request):
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = QuarterForm(data, initial=QuarterForm.initial_for_today())
    instalments, selected, bounds = [], set(), None
    if form.is_bound and form.is_valid():
        bounds = invoicing.quarter_bounds(form.cleaned_data["year"], form.cleaned_data["quarter"])
        instalments = list(invoicing.invoiceable(*bounds))
        selected = {i.pk for i in instalments}
        if request.method == "POST":
            chosen = set()
            for value in request.POST.getlist("instalments"):
                if value.isdigit():
                    chosen.add(int(value))
            selected = chosen & selected
            if not selected:
                messages.error(request, _("Choisissez au moins une échéance à facturer."))
            else:
                try:
                    invoices = invoicing.issue_invoices(sorted(selected), request.user)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        ngettext("%(n)s facture émise.", "%(n)s factures émises.", len(invoices))
                        % {"n": len(invoices)},
                    )
                    return redirect(f"{reverse('subsidies:invoice_list')}?batch={invoices[0].batch}")
    return render(
        request,
        "subsidies/invoice_issue.html",
        {
            "form": form,
            "instalments": instalments,
            "selected": selected,
            "bounds": bounds,
            "total": sum((i.amount for i in instalments), invoicing.ZERO),
        },
    )


def _detail_context(invoice, payment_form=None, credit_form=None) -> dict:
    payments = list(invoice.payments.select_related("recorded_by"))
    paid = sum((p.amount for p in payments), invoicing.ZERO)
    is_open = invoice.kind == Invoice.Kind.INVOICE and invoice.status != Invoice.Status.CANCELLED
    return {
        "invoice": invoice,
        "payments": payments,
        "paid": paid,
        "due": invoice.amount - paid if is_open else invoicing.ZERO,
        "can_pay": is_open and paid < invoice.amount,
        "can_cancel": is_open and not payments,
        "payment_form": payment_form or PaymentForm(),
        "credit_form": credit_form or CreditNoteForm(),
    }


def _get_invoice(pk):
    return get_object_or_404(Invoice.objects.select_related("cancels", "credit_note", "issued_by"), pk=pk)


@require(can_manage_invoices)
def invoice_detail(request, pk):
    return render(request, "subsidies/invoice_detail.html", _detail_context(_get_invoice(pk)))


@require(can_manage_invoices)
@require_POST
def payment_create(request, pk):
    invoice = _get_invoice(pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            invoicing.record_payment(
                invoice.pk,
                form.cleaned_data["amount"],
                form.cleaned_data["received_on"],
                request.user,
                form.cleaned_data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Le paiement est enregistré."))
            return redirect("subsidies:invoice_detail", pk=invoice.pk)
    invoice.refresh_from_db()
    return render(request, "subsidies/invoice_detail.html", _detail_context(invoice, payment_form=form), status=400)


@require(can_manage_invoices)
@require_POST
def credit_note_create(request, pk):
    invoice = _get_invoice(pk)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        try:
            credit = invoicing.cancel_invoice(invoice.pk, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Avoir n° %(number)s émis : la facture est annulée.") % {"number": credit.number}
            )
            return redirect("subsidies:invoice_detail", pk=credit.pk)
    invoice.refresh_from_db()
    return render(request, "subsidies/invoice_detail.html", _detail_context(invoice, credit_form=form), status=400)


@require(can_manage_invoices)
def invoice_pdf(request, pk):
    invoice = _get_invoice(pk)
    invoicing.ensure_pdf(invoice)
    prefix = "avoir" if invoice.is_credit_note else "facture"
    return FileResponse(
        invoice.pdf.open("rb"),
        as_attachment=True,
        filename=f"{prefix}-{invoice.number}.pdf",
        content_type="application/pdf",
    )


@require(can_manage_invoices)
def invoice_zip(request):
    form = InvoiceFilterForm(request.GET or None)
    if not form.is_bound or not form.is_valid() or not any(form.cleaned_data.values()):
        messages.error(request, _("Choisissez un lot ou une année avant de télécharger les factures."))
        return redirect("subsidies:invoice_list")
    invoices = list(
        form.filter(Invoice.objects.select_related("cancels")).order_by("year", "sequence")[: ZIP_LIMIT + 1]
    )
    if not invoices or len(invoices) > ZIP_LIMIT:
        messages.error(
            request,
            _("Aucune facture ne correspond.")
            if not invoices
            else _("Plus de %(n)s factures : affinez le filtre.") % {"n": ZIP_LIMIT},
        )
        return redirect(f"{reverse('subsidies:invoice_list')}?{request.GET.urlencode()}")
    response = HttpResponse(invoicing.invoices_zip(invoices), content_type="application/zip")
    name = f"factures-{form.cleaned_data['batch'][:8] or form.cleaned_data['year'] or 'lot'}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
