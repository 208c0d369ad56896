"""Forms of the invoicing screens. Validation of money and dates lives in the domain functions;
the forms parse the input and show the domain's messages next to the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cifre.bounds import PlausibleDateFormField
from subsidies.models import Invoice


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StyledForm(forms.Form):
    """Bootstrap classes, and fields in error announced (aria-invalid, aria-describedby)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def add_error(self, field, error):
        super().add_error(field, error)
        names = [field] if field else []
        if field is None and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}-error"
                if "is-invalid" not in attrs["class"]:
                    attrs["class"] += " is-invalid"


def _quarter_choices():
    return [(q, _("T%(q)s") % {"q": q}) for q in (1, 2, 3, 4)]


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Trimestre"), choices=_quarter_choices, coerce=int)

    @classmethod
    def initial_for_today(cls) -> dict:
        today = timezone.localdate()
        quarter = (today.month - 1) // 3  # the last completed quarter
        return {"year": today.year, "quarter": quarter} if quarter else {"year": today.year - 1, "quarter": 4}


class InvoiceFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous"))] + Invoice.Status.choices)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous"))] + Invoice.Kind.choices)
    batch = forms.CharField(required=False, widget=forms.HiddenInput, max_length=32)

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["year"]:
            qs = qs.filter(year=data["year"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["batch"]:
            qs = qs.filter(batch=data["batch"])
        return qs


class PaymentForm(StyledForm):
    amount = forms.DecimalField(
        label=_("Montant reçu (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "invalid": _("Saisissez un montant en euros, par exemple 3500,00."),
            "min_value": _("Le montant doit être supérieur à zéro."),
            "max_decimal_places": _("Le montant s'exprime en euros et centimes (deux décimales au plus)."),
        },
        localize=True,
    )
    received_on = PlausibleDateFormField(
        label=_("Date de réception"),
        initial=timezone.localdate,  # most payments are recorded the day the transfer arrives
        widget=DateInput(),
        error_messages={"invalid": _("Saisissez une date valide (JJ/MM/AAAA).")},
    )
    note = forms.CharField(label=_("Référence du virement"), max_length=255, required=False)


class CreditNoteForm(StyledForm):
    reason = forms.CharField(
        label=_("Motif de l'avoir"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de l'avoir.")},
    )
