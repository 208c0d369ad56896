"""Forms of the conventions app. Every CIFRE rule is checked by ``rules``; the forms only map its errors
to the field that carries them, in the user's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from cifre.bounds import PlausibleDateFormField
from cifre.money import format_money
from subsidies.models import RateYear

from . import rules, services
from .models import Amendment, Convention, Suspension, ThesisDirector, Tutor
from .uploads import PdfFileField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


def rule_message(error: rules.RuleError) -> str:
    text = error.message("en" if (get_language() or "fr").startswith("en") else "fr")
    return text[:1].upper() + text[1:] + "."


def add_rule_error(form: forms.Form, error: rules.RuleError, field_map: dict[str, str | None]) -> None:
    """Attach a ``RuleError`` to the form field it concerns (``field_map``: rules field -> form field)."""
    target = None
    for prefix, form_field in field_map.items():
        if error.field == prefix or error.field.startswith(prefix):
            target = form_field
            break
    form.add_error(target if target in form.fields else None, rule_message(error))


class ConventionForm(forms.ModelForm):
    signed = forms.BooleanField(
        label=_("Convention signée"),
        required=False,
        help_text=_("Cochez quand la convention est signée : le barème de l'année est alors figé."),
    )

    class Meta:
        model = Convention
        fields = [
            "doctoral_student",
            "anrt_number",
            "thesis_title",
            "employer",
            "host_department",
            "lab",
            "second_lab",
            "tutor",
            "thesis_director",
            "committee_date",
            "submission_date",
            "effective_date",
            "doctoral_enrolment_date",
            "signed_duration_months",
            "duration_reason",
            "contract_type",
            "contract_end_date",
            "gross_salary",
            "work_permit_required",
            "defence_date",
        ]
        widgets = {
            name: DateInput()
            for name in (
                "committee_date",
                "submission_date",
                "effective_date",
                "doctoral_enrolment_date",
                "contract_end_date",
                "defence_date",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doctoral_student"].queryset = User.objects.filter(groups__name=roles.DOCTORAL_STUDENT).order_by(
            "last_name", "first_name", "email"
        )
        self.fields["host_department"].queryset = self.fields["host_department"].queryset.select_related("employer")
        self.fields["anrt_number"].widget.attrs["placeholder"] = "2025/0123"
        if self.instance.pk and self.instance.status != Convention.Status.DRAFT:
            del self.fields["signed"]  # signed: the rates stay frozen, the convention cannot return to draft
        self.fields["gross_salary"].widget.attrs["step"] = "0.01"

    def clean(self):
        data = super().clean()
        signing = data.get("signed") if "signed" in self.fields else True
        if signing and not data.get("anrt_number") and "anrt_number" not in self.errors:
            self.add_error("anrt_number", _("Indiquez le numéro ANRT : une convention signée en a toujours un."))
        effective = data.get("effective_date")
        committee = data.get("committee_date")
        if effective and committee and effective < committee:
            self.add_error(
                "effective_date",
                _("La date d'effet ne peut pas précéder la date du comité (%(date)s).")
                % {"date": committee.strftime("%d/%m/%Y")},
            )
        employer, department = data.get("employer"), data.get("host_department")
        if employer and department and department.employer_id != employer.pk:
            self.add_error("host_department", _("Cette direction n'appartient pas à l'employeur choisi."))
        if data.get("second_lab") and data.get("second_lab") == data.get("lab"):
            self.add_error("second_lab", _("Le second laboratoire doit être différent du premier."))
        if data.get("signed_duration_months") and not (data.get("duration_reason") or "").strip():
            self.add_error("duration_reason", _("Indiquez pourquoi la durée signée diffère du calcul."))
        if data.get("contract_type") == Convention.ContractType.PERMANENT:
            data["contract_end_date"] = None
        elif (
            data.get("contract_type") == Convention.ContractType.FIXED_TERM
            and not data.get("contract_end_date")
            and "contract_end_date" not in self.errors  # a refused date already says what is wrong
        ):
            self.add_error("contract_end_date", _("Indiquez la date de fin du CDD."))
        if not effective or self.errors.get("effective_date"):
            return data

        rate = self._rate(effective)
        if rate is None:
            self.add_error(
                "effective_date",
                _("Aucun barème n'est enregistré pour l'année %(year)s : ajoutez-le d'abord.")
                % {"year": effective.year},
            )
            return data
        salary = data.get("gross_salary")
        if salary is not None and salary < rate.minimum_salary:
            self.add_error(
                "gross_salary",
                _("Le salaire brut annuel doit atteindre le minimum de %(year)s : %(minimum)s.")
                % {"year": rate.year, "minimum": format_money(rate.minimum_salary)},
            )
        facts = rules.Facts(
            effective_date=effective,
            annual_subsidy=Decimal(rate.annual_subsidy),
            duration_months=data.get("signed_duration_months") or None,
            submission_date=data.get("submission_date"),
            doctoral_enrolment_date=data.get("doctoral_enrolment_date"),
            suspensions=tuple(
                rules.Suspension(s.start, s.end) for s in (self.instance.suspensions.all() if self.instance.pk else ())
            ),
            termination_date=self.instance.termination_date,
            work_permit_required=bool(data.get("work_permit_required")),
        )
        try:
            rules.validate_facts(facts)
        except rules.RuleError as error:
            add_rule_error(
                self,
                error,
                {
                    "duration_months": "signed_duration_months",
                    "doctoral_enrolment_date": "doctoral_enrolment_date",
                    "effective_date": "effective_date",
                    "submission_date": "submission_date",
                },
            )
            return data
        end = data.get("contract_end_date")
        if data.get("contract_type") == Convention.ContractType.FIXED_TERM and end:
            months = rules.duration_of(facts)
            minimum_end = rules.add_months(effective, months) - dt.timedelta(days=1)
            if end < minimum_end:
                self.add_error(
                    "contract_end_date",
                    _(
                        "Le CDD doit couvrir toute la convention (%(months)s mois) : "
                        "il doit aller au moins jusqu'au %(date)s."
                    )
                    % {"months": months, "date": minimum_end.strftime("%d/%m/%Y")},
                )
        return data

    def _rate(self, effective: dt.date) -> RateYear | None:
        instance = self.instance
        if instance.pk and instance.status != Convention.Status.DRAFT and instance.rate_year:
            # Signed: the rates stay those frozen at signature.
            return RateYear(
                year=instance.rate_year, annual_subsidy=instance.annual_subsidy, minimum_salary=instance.minimum_salary
            )
        return RateYear.objects.filter(year=effective.year).first()

    def apply(self) -> Convention:
        """The instance with the form's values and its draft/signed state (saved by ``services``)."""
        convention = self.instance
        if "signed" not in self.fields:
            return convention
        if self.cleaned_data.get("signed"):
            if convention.status == Convention.Status.DRAFT:
                services.freeze_rates(convention)  # freeze with the final effective date, then sign
                convention.status = Convention.Status.ACTIVE
        else:
            convention.status = Convention.Status.DRAFT
        return convention


class SuspensionForm(forms.ModelForm):
    class Meta:
        model = Suspension
        fields = ["start", "end", "reason"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, convention: Convention, **kwargs):
        self.convention = convention
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if not start or not end:
            return data
        existing = [(s.start, s.end) for s in self.convention.suspensions.all()]
        facts = services.facts_for(self.convention, suspensions=[*existing, (start, end)], received={})
        new_index = [(s.start, s.end) for s in facts.suspensions].index((start, end))
        try:
            rules.validate_facts(facts)
        except rules.RuleError as error:
            target = "end" if error.field.endswith(".end") else "start"
            if (
                error.code == "termination_outside"
                or not error.field.startswith(f"suspensions[{new_index}]")
                and error.code != "suspension_overlap"
            ):
                target = None
            self.add_error(target, rule_message(error))
        return data


class TerminationForm(forms.Form):
    termination_date = PlausibleDateFormField(label=_("Date de rupture"), widget=DateInput())
    termination_reason = forms.CharField(
        label=_("Motif"),
        max_length=500,
        help_text=_("Abandon de la thèse, fin du contrat de travail…"),
    )

    def __init__(self, *args, convention: Convention, **kwargs):
        self.convention = convention
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        day = data.get("termination_date")
        if day is None:
            return data
        facts = services.facts_for(self.convention, received={})
        facts = rules.Facts(**{**facts.__dict__, "termination_date": day})
        try:
            rules.validate_facts(facts)
        except rules.RuleError as error:
            self.add_error("termination_date" if error.field == "termination_date" else None, rule_message(error))
        return data


class AmendmentForm(forms.ModelForm):
    file = PdfFileField(label=_("Avenant signé (PDF)"), required=False)
    new_tutor = forms.ModelChoiceField(Tutor.objects.all(), label=_("Nouveau·elle tuteur·rice"), required=False)
    new_thesis_director = forms.ModelChoiceField(
        ThesisDirector.objects.all(), label=_("Nouveau·elle directeur·rice de thèse"), required=False
    )
    new_duration_months = forms.IntegerField(
        label=_("Nouvelle durée signée (mois)"), required=False, min_value=1, max_value=rules.FULL_DURATION_MONTHS
    )
    new_contract_end_date = PlausibleDateFormField(
        label=_("Nouvelle fin du CDD"),
        required=False,
        widget=DateInput(),
        help_text=_("Prolongation d'une convention en CDD : le contrat doit couvrir toute la nouvelle durée."),
    )

    class Meta:
        model = Amendment
        fields = ["kind", "date", "description", "file"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, convention: Convention, **kwargs):
        self.convention = convention
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Amendment.Kind.TUTOR and not data.get("new_tutor"):
            self.add_error("new_tutor", _("Choisissez le ou la nouvelle tuteur·rice."))
        if kind == Amendment.Kind.DIRECTOR and not data.get("new_thesis_director"):
            self.add_error("new_thesis_director", _("Choisissez le ou la nouvelle directeur·rice de thèse."))
        if kind == Amendment.Kind.EXTENSION:
            months = data.get("new_duration_months")
            if not months:
                self.add_error("new_duration_months", _("Indiquez la nouvelle durée signée."))
            else:
                facts = services.facts_for(self.convention, received={})
                facts = rules.Facts(**{**facts.__dict__, "duration_months": months})
                try:
                    rules.validate_facts(facts)
                except rules.RuleError as error:
                    self.add_error("new_duration_months", rule_message(error))
                else:
                    if "new_contract_end_date" not in self.errors:  # a refused date already says what is wrong
                        self._check_contract_covers(months, data.get("new_contract_end_date"))
        elif data.get("new_contract_end_date"):
            self.add_error("new_contract_end_date", _("La fin du CDD ne se modifie ici que par une prolongation."))
        return data

    def _check_contract_covers(self, months: int, new_end: dt.date | None) -> None:
        """A fixed-term contract must still cover the extended convention (RULES.md §2, contract_duration)."""
        convention = self.convention
        if convention.contract_type != Convention.ContractType.FIXED_TERM:
            if new_end:
                self.add_error(
                    "new_contract_end_date", _("Le contrat de travail est un CDI : il n'a pas de date de fin.")
                )
            return
        message = services.contract_too_short(convention, months, new_end or convention.contract_end_date)
        if message:
            self.add_error("new_contract_end_date", message)

    def changes(self) -> dict:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == Amendment.Kind.TUTOR:
            return {"tutor": data["new_tutor"]}
        if kind == Amendment.Kind.DIRECTOR:
            return {"thesis_director": data["new_thesis_director"]}
        if kind == Amendment.Kind.EXTENSION:
            reason = _("Avenant de prolongation du %(date)s") % {"date": data["date"].strftime("%d/%m/%Y")}
            changes = {"signed_duration_months": data["new_duration_months"], "duration_reason": reason}
            if data.get("new_contract_end_date"):
                changes["contract_end_date"] = data["new_contract_end_date"]
            return changes
        return {}


class DocumentForm(forms.Form):
    """Staff upload and record the receipt date at once; a doctoral student only uploads."""

    file = PdfFileField(label=_("Document (PDF)"))
    received_on = PlausibleDateFormField(
        label=_("Reçu par l'ANRT le"), widget=DateInput(), required=False, help_text=_("Par défaut : aujourd'hui.")
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        if staff:
            self.fields["file"].required = False
            self.fields["file"].help_text = _("Facultatif quand le document a été transmis directement à l'ANRT.")
            self.fields["received_on"].initial = services.today()
        else:
            del self.fields["received_on"]

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on") or services.today()
        if day > services.today():
            raise forms.ValidationError(_("La date de réception ne peut pas être dans le futur."))
        return day


class ConfirmDocumentForm(forms.Form):
    received_on = PlausibleDateFormField(label=_("Reçu par l'ANRT le"), widget=DateInput())

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > services.today():
            raise forms.ValidationError(_("La date de réception ne peut pas être dans le futur."))
        return day


class RateYearForm(forms.ModelForm):
    class Meta:
        model = RateYear
        fields = ["year", "annual_subsidy", "minimum_salary"]
