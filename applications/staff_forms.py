"""Forms of the staff screens: the call, its themes and grid, and the screening actions.

Forms check formats and limits; the rules (what a call needs to be published, what is frozen after
the first submission, what a screening action needs) are ``applications.calls``' and
``applications.services``', whose refusals the views put next to the field they concern.
Date-times are typed in Europe/Paris, to the minute, whatever the active time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from cifre.bounds import PlausibleDateFormField, validate_plausible_date
from conventions.models import HostDepartment

from . import calls, steps
from .models import MESSAGE_MAX, Call, Criterion, DossierFile, Theme

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PARIS_TIME_HELP = gettext_lazy("Heure de Paris (Europe/Paris), à la minute près.")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParisDateTimeField(forms.DateTimeField):
    """A date-time typed in Europe/Paris to the minute (``<input type="datetime-local">``).

    A time that does not exist in Paris (the hour skipped when summer time starts) or that exists
    twice (the hour repeated when it ends) is refused: the instant it means is not known.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}, format="%Y-%m-%dT%H:%M")
    default_validators = [validate_plausible_date]

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        kwargs.setdefault("help_text", PARIS_TIME_HELP)
        super().__init__(**kwargs)

    def to_python(self, value):
        with timezone.override(dt.UTC):  # parse the typed wall-clock time as is, then place it in Paris
            result = super().to_python(value)
        if result is None:
            return None
        naive = timezone.make_naive(result, dt.UTC).replace(second=0, microsecond=0)
        summer, winter = naive.replace(tzinfo=PARIS, fold=0), naive.replace(tzinfo=PARIS, fold=1)
        round_trip = summer.astimezone(dt.UTC).astimezone(PARIS).replace(tzinfo=None)
        if round_trip != naive or summer.utcoffset() != winter.utcoffset():
            raise ValidationError(
                _(
                    "Le %(date)s à %(time)s n'existe pas à Paris ou y existe deux fois (changement d'heure) : "
                    "choisissez une autre heure."
                )
                % {"date": naive.strftime("%d/%m/%Y"), "time": naive.strftime("%H:%M")},
                code="ambiguous_time",
            )
        return summer

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value, PARIS).replace(tzinfo=None)
        return value


# --- Calls, themes, grid ----------------------------------------------------------------------------


class CallForm(forms.ModelForm):
    opens_at = ParisDateTimeField(label=gettext_lazy("Ouverture (heure de Paris)"))
    closes_at = ParisDateTimeField(label=gettext_lazy("Clôture (heure de Paris)"))
    planned_filing_date = PlausibleDateFormField(
        label=gettext_lazy("Date prévue de dépôt à l'ANRT"),
        widget=_date_widget(),
        help_text=gettext_lazy("Date de référence des conditions d'éligibilité."),
    )
    planned_effective_date = PlausibleDateFormField(
        label=gettext_lazy("Date d'effet prévue des conventions"), widget=_date_widget()
    )
    results_date = PlausibleDateFormField(
        label=gettext_lazy("Date prévue des résultats"), widget=_date_widget(), required=False
    )

    class Meta:
        model = Call
        fields = (
            "year",
            "title_fr",
            "title_en",
            "intro_fr",
            "intro_en",
            "opens_at",
            "closes_at",
            "planned_filing_date",
            "planned_effective_date",
            "results_date",
            "positions",
            "blind_evaluation",
            "is_published",
        )
        widgets = {"intro_fr": forms.Textarea(attrs={"rows": 6}), "intro_en": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None):
                field.widget.attrs["maxlength"] = field.max_length
        self.locked_reason = calls.locked_reason(self.instance) if self.instance.pk else ""

    def clean(self):
        cleaned = super().clean()
        previous = Call.objects.get(pk=self.instance.pk) if self.instance.pk else None
        for name, messages in calls.call_errors(previous, cleaned).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


def department_users():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.DEPARTMENT, is_active=True)
        .order_by("last_name", "first_name", "email")
        .distinct()
    )


class ReaderChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class ThemeForm(forms.ModelForm):
    readers = ReaderChoiceField(
        label=gettext_lazy("Lecteur·rice·s des dossiers de ce thème"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Les contacts de la direction (rôle « Contact de direction ») qui liront les dossiers de ce thème, "
            "sans pouvoir les modifier."
        ),
    )

    class Meta:
        model = Theme
        fields = (
            "host_department",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "contact_name",
            "contact_email",
            "keywords",
            "readers",
            "position",
        )
        widgets = {
            "description_fr": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"keywords": gettext_lazy("Séparés par des virgules.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_department"].queryset = HostDepartment.objects.select_related("employer").order_by("name")
        self.fields["readers"].queryset = department_users()
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None):
                field.widget.attrs["maxlength"] = field.max_length

    def clean_readers(self):
        readers = self.cleaned_data.get("readers")
        for messages in calls.readers_errors(readers or ()).values():
            raise ValidationError(messages)
        return readers


class CriterionForm(forms.ModelForm):
    weight = forms.DecimalField(
        label=gettext_lazy("Pondération"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy("Un nombre strictement positif, par exemple 2 ou 1,5."),
    )
    scale_min = forms.IntegerField(label=gettext_lazy("Note minimale"), min_value=0, max_value=99)
    scale_max = forms.IntegerField(label=gettext_lazy("Note maximale"), min_value=1, max_value=100)

    class Meta:
        model = Criterion
        fields = ("label_fr", "label_en", "description_fr", "description_en", "weight", "scale_min", "scale_max")
        widgets = {
            "description_fr": forms.Textarea(attrs={"rows": 2}),
            "description_en": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight <= 0:
            raise ValidationError(_("La pondération doit être strictement positive."), code="weight")
        return weight

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("scale_min"), cleaned.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("La note maximale doit être supérieure à la note minimale."))
        return cleaned


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms[: self.initial_form_count()]:
            if form.instance.pk is None:  # the posted id is not one of this call's criteria
                form.add_error(None, _("Ce critère n'appartient pas à la grille de cet appel : rechargez la page."))
                raise ValidationError(_("La grille a changé depuis l'ouverture de la page : rechargez-la."))

    def rows(self) -> list[tuple[Criterion, bool]]:
        """The criteria in order (position = order on screen), each with whether it is to be deleted."""
        result = []
        for position, form in enumerate(self.forms, start=1):
            if not form.instance.pk and not form.has_changed():
                continue
            deleted = bool(self.can_delete and self._should_delete_form(form))
            criterion = form.instance
            if not deleted:
                criterion = form.save(commit=False)
                criterion.position = position
            result.append((criterion, deleted))
        return result


CriterionFormSet = forms.inlineformset_factory(
    Call,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


# --- Screening actions ------------------------------------------------------------------------------


def requestable_choices() -> list[tuple[str, str]]:
    """The steps and documents staff may ask for, labelled as the candidate sees them."""
    step_labels = {step.key: step.label for step in steps.STEPS}
    kinds = dict(DossierFile.Kind.choices)
    choices = []
    for item in steps.STEP_KEYS:
        if item == "documents":
            choices += [(f"doc:{kind}", kinds[kind]) for kind in steps.REQUIRED_DOCUMENTS]
        else:
            choices.append((item, step_labels[item]))
    return choices


def item_label(item: str) -> str:
    return str(dict(requestable_choices()).get(item, item))


class MissingItemsForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=gettext_lazy("Éléments à compléter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Le dossier se rouvre pour ces éléments seulement ; le reste reste figé."),
    )
    message = forms.CharField(
        label=gettext_lazy("Message au ou à la candidat·e"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX}),
    )
    deadline = ParisDateTimeField(label=gettext_lazy("Date limite de réponse (heure de Paris)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = requestable_choices()


class EligibilityForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=gettext_lazy("Le dossier est-il éligible ?"),
        choices=(("true", gettext_lazy("Éligible")), ("false", gettext_lazy("Non éligible"))),
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choisissez « Éligible » ou « Non éligible ».")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Motifs (communiqués au ou à la candidat·e)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_MAX}),
        help_text=gettext_lazy("Prérempli avec les contrôles en échec du pré-contrôle ; obligatoire si non éligible."),
    )


class OverrideForm(forms.Form):
    code = forms.ChoiceField(
        label=gettext_lazy("Contrôle à lever"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choisissez le contrôle à lever.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Motif écrit"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX}),
        help_text=gettext_lazy("Conservé dans l'historique du dossier ; non communiqué au ou à la candidat·e."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = list(choices)
