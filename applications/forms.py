"""Forms of the dossier's steps and of the staff screens.

Step forms check formats and limits only: every field is optional, so a half-filled step can be
saved (autosave and the step's save button) and completeness is judged by ``steps.missing``.
A value that fails its check is not saved and comes back with its message next to the field.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cifre.bounds import PlausibleDateFormField
from conventions.models import DoctoralSchool

from .models import Dossier, Theme, WorkPeriod

YES_NO = (("", gettext_lazy("— choisir —")), ("true", gettext_lazy("Oui")), ("false", gettext_lazy("Non")))


def _to_bool(value):
    return {"true": True, "false": False}.get(value)


class YesNoField(forms.TypedChoiceField):
    """A yes/no question whose answer may still be unknown (``None``) in a draft."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", YES_NO[1:])
        kwargs.setdefault("coerce", _to_bool)
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is True:
            return "true"
        if value is False:
            return "false"
        return value


class PlausibleDateField(PlausibleDateFormField):
    """A date in the project's plausible range (``cifre.bounds``), typed as a calendar date."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StepForm(forms.ModelForm):
    """Base of the step forms: every field optional, French messages, character counters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False
            max_length = getattr(field, "max_length", None)
            if max_length and isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update({"maxlength": max_length, "data-counter": max_length, "rows": 6})
                # The limit is said in words too (the live counter needs JavaScript).
                limit = _("%(max)s caractères au plus.") % {"max": f"{max_length:,}".replace(",", "\u202f")}
                field.help_text = f"{field.help_text} {limit}".strip() if field.help_text else limit
            field.widget.attrs.setdefault("data-autosave", name)


class CandidateStepForm(StepForm):
    needs_work_permit = YesNoField(
        label=gettext_lazy("Avez-vous besoin d'une autorisation de travail en France ?"),
        help_text=gettext_lazy(
            "Seulement pour savoir si une démarche est nécessaire avant l'embauche : votre nationalité n'est pas "
            "demandée."
        ),
    )

    class Meta:
        model = Dossier
        fields = ("first_name", "last_name", "email", "phone", "address", "needs_work_permit")
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if value and not all(c.isdigit() or c in " +.-()" for c in value):
            raise ValidationError(_("Un numéro de téléphone ne contient que des chiffres, espaces et + . - ( )."))
        return value


class DegreeStepForm(StepForm):
    degree_date = PlausibleDateField(label=gettext_lazy("Date d'obtention (ou date prévue)"))
    holds_doctorate = YesNoField(label=gettext_lazy("Êtes-vous déjà titulaire d'un doctorat ?"))

    class Meta:
        model = Dossier
        fields = ("degree_title", "degree_institution", "degree_status", "degree_date", "holds_doctorate")
        widgets = {"degree_status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["degree_status"].choices = Dossier.DegreeStatus.choices

    def clean(self):
        cleaned = super().clean()
        status, date = cleaned.get("degree_status"), cleaned.get("degree_date")
        if status == Dossier.DegreeStatus.OBTAINED and date and date > timezone.localdate():
            self.add_error(
                "degree_date",
                _("Un diplôme déjà obtenu ne peut pas avoir une date future : choisissez « En cours » ou corrigez."),
            )
        return cleaned


class EnrolmentStepForm(StepForm):
    already_enrolled = YesNoField(label=gettext_lazy("Êtes-vous déjà inscrit·e en doctorat ?"))
    first_enrolment_date = PlausibleDateField(label=gettext_lazy("Date de votre première inscription en doctorat"))
    other_thesis_started = YesNoField(label=gettext_lazy("Avez-vous déjà commencé une autre thèse ?"))

    class Meta:
        model = Dossier
        fields = ("already_enrolled", "first_enrolment_date", "enrolment_doctoral_school", "other_thesis_started")

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("first_enrolment_date")
        if date and date > timezone.localdate():
            self.add_error("first_enrolment_date", _("La date de première inscription ne peut pas être future."))
        return cleaned


class WorkStepForm(StepForm):
    worked_for_city = YesNoField(
        label=gettext_lazy("Avez-vous déjà travaillé pour la Ville de Paris (contrat, vacation, stage rémunéré) ?")
    )

    class Meta:
        model = Dossier
        fields = ("worked_for_city",)


class WorkPeriodForm(forms.ModelForm):
    start = PlausibleDateField(label=gettext_lazy("Début"))
    end = PlausibleDateField(label=gettext_lazy("Fin"), required=False)

    class Meta:
        model = WorkPeriod
        fields = ("start", "end", "description")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin de la période précède son début."))
        return cleaned


class BaseWorkPeriodFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django checks a posted id against every period of every dossier: only this dossier's may
        # be named (another id is refused like a missing one, and nothing is saved).
        form.fields["id"].queryset = self.get_queryset()
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Supprimer cette période")

    def clean(self):
        super().clean()
        spans = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
            if start and (end is None or end >= start):
                spans.append((start, end or dt.date.max, form))
        spans.sort(key=lambda span: span[0])
        for (_s1, end1, _f1), (start2, _e2, form2) in zip(spans, spans[1:], strict=False):
            if start2 <= end1:
                form2.add_error(
                    "start", _("Cette période chevauche la précédente : fusionnez-les ou corrigez les dates.")
                )


WorkPeriodFormSet = forms.modelformset_factory(
    WorkPeriod,
    form=WorkPeriodForm,
    formset=BaseWorkPeriodFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class ProjectStepForm(StepForm):
    class Meta:
        model = Dossier
        fields = (
            "theme",
            "thesis_title",
            "summary",
            "research_description",
            "methods",
            "timetable",
            "keywords",
            "discipline",
        )
        widgets = {"theme": forms.RadioSelect}
        help_texts = {
            "keywords": gettext_lazy("Trois à six mots-clés, séparés par des virgules."),
            "timetable": gettext_lazy("Les grandes étapes des trois années."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.instance.call
        self.fields["theme"].queryset = Theme.objects.filter(call=call).select_related("host_department")
        self.fields["theme"].empty_label = None


class LabStepForm(StepForm):
    lab_abroad = YesNoField(label=gettext_lazy("Le laboratoire est-il à l'étranger ?"))
    lab_cotutelle = YesNoField(label=gettext_lazy("Une cotutelle avec un établissement français est-elle prévue ?"))

    class Meta:
        model = Dossier
        fields = (
            "lab_name",
            "lab_unit_code",
            "lab_institution",
            "lab_doctoral_school",
            "lab_abroad",
            "lab_cotutelle",
            "director_name",
            "director_email",
            "director_lab",
        )
        help_texts = {
            "lab_unit_code": gettext_lazy("Par exemple UMR 8504 (pour un laboratoire en France)."),
            "lab_doctoral_school": gettext_lazy("L'école doctorale à laquelle le laboratoire est rattaché."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab_doctoral_school"].queryset = DoctoralSchool.objects.all()
        self.fields["lab_doctoral_school"].empty_label = _("— aucune ou je ne sais pas —")


class DocumentUploadForm(forms.Form):
    """One document of the dossier: one form per kind on the documents page, so that a refused file
    is refused alone, with its message next to its field. The PDF checks are the service's
    (``services.upload_file``: extension, content, encryption, size, file name)."""

    file = forms.FileField(
        error_messages={
            "required": gettext_lazy("Choisissez un fichier PDF à déposer."),
            "empty": gettext_lazy("Le fichier est vide."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, kind: str, label, replacing: bool = False, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        from django.conf import settings
        from django.template.defaultfilters import filesizeformat

        self.kind = kind
        field = self.fields["file"]
        field.label = _("Remplacer : %(label)s") % {"label": label} if replacing else label
        field.help_text = _("Un seul fichier PDF, %(max)s au plus, non protégé par un mot de passe.") % {
            "max": filesizeformat(settings.MAX_UPLOAD_SIZE)
        }


class WithdrawForm(forms.Form):
    """Withdrawing a submitted dossier: a confirmation, and a reason if the candidate wishes."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Je confirme retirer ma candidature : elle ne sera pas examinée."),
        error_messages={"required": gettext_lazy("Cochez la case pour confirmer le retrait.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


STEP_FORMS: dict[str, type[StepForm]] = {
    "candidate": CandidateStepForm,
    "degree": DegreeStepForm,
    "enrolment": EnrolmentStepForm,
    "work": WorkStepForm,
    "project": ProjectStepForm,
    "lab": LabStepForm,
}
