"""Forms of the staff screens of the evaluation: invitation, assignment (by hand, automatic), ranking filter,
reopening.

Forms check formats and limits; the rules (conflicts of interest, capacity, deadlines, what can be
reopened) are ``services``' and ``assignment``'s, whose refusals the views put next to the field.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from cifre.bounds import PlausibleDateFormField

from .models import REASON_MAX, EvaluatorProfile
from .ranking import MEAN, MEDIAN

MAX_PER_DOSSIER = 10


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def evaluator_accounts():
    """Active accounts holding the evaluator role, by name (the choices of the assignment forms)."""
    return (
        get_user_model()
        .objects.filter(groups__name=roles.EVALUATOR, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def evaluator_label(user) -> str:
    return user.get_full_name() or user.email


class InviteEvaluatorForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Adresse e-mail de l'expert·e"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Prénom et nom"), max_length=300)
    capacity = forms.IntegerField(
        label=gettext_lazy("Nombre de dossiers acceptés par appel"),
        min_value=0,
        max_value=200,
        initial=5,
        help_text=gettext_lazy("L'expert·e pourra le modifier dans son profil."),
    )
    language = forms.ChoiceField(label=gettext_lazy("Langue de l'invitation"), choices=settings.LANGUAGES, initial="fr")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing is not None and roles.has_role(existing, roles.EVALUATOR):
            profile = EvaluatorProfile.objects.filter(user=existing).first()
            if profile is not None and profile.invited_at:
                from django.utils import timezone

                raise forms.ValidationError(
                    _("%(email)s est déjà évaluateur·rice, invité·e le %(date)s : aucune nouvelle invitation.")
                    % {"email": email, "date": timezone.localtime(profile.invited_at).strftime("%d/%m/%Y")}
                )
            raise forms.ValidationError(
                _("%(email)s est déjà évaluateur·rice : aucune nouvelle invitation.") % {"email": email}
            )
        return email


class EvaluatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        load = getattr(obj, "call_load", None)
        capacity = getattr(getattr(obj, "evaluator_profile", None), "capacity", None)
        if load is None or capacity is None:
            return evaluator_label(obj)
        return _("%(name)s (%(load)s / %(capacity)s dossiers)") % {
            "name": evaluator_label(obj),
            "load": load,
            "capacity": capacity,
        }


class AssignForm(forms.Form):
    """One dossier to one evaluator. ``evaluators``: a list of accounts (loaded once for a whole page)."""

    evaluator = EvaluatorChoiceField(label=gettext_lazy("Évaluateur·rice"), queryset=None)
    deadline = PlausibleDateFormField(label=gettext_lazy("Date limite de l'évaluation"), widget=_date_widget())

    def __init__(self, *args, evaluators=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["evaluator"]
        field.queryset = evaluator_accounts()
        if evaluators is not None:
            # The page's list: the same choices for every row, without one query per form.
            field.choices = [("", "---------")] + [(u.pk, field.label_from_instance(u)) for u in evaluators]


class AutoAssignForm(forms.Form):
    per_dossier = forms.IntegerField(
        label=gettext_lazy("Nombre d'évaluateur·rice·s par dossier"),
        min_value=1,
        max_value=MAX_PER_DOSSIER,
        initial=3,
        help_text=gettext_lazy("Les affectations existantes sont conservées et comptées."),
    )
    deadline = PlausibleDateFormField(label=gettext_lazy("Date limite de l'évaluation"), widget=_date_widget())
    domain_rule = forms.BooleanField(
        label=gettext_lazy(
            "Considérer comme un conflit d'intérêts le même domaine de messagerie que le ou la directeur·rice de thèse"
        ),
        required=False,
    )

    def clean_deadline(self):
        from django.utils import timezone

        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("La date limite de l'évaluation doit être dans le futur."))
        return deadline


class RankingFilterForm(forms.Form):
    theme = forms.ModelChoiceField(label=gettext_lazy("Thème"), queryset=None, required=False)
    order = forms.ChoiceField(
        label=gettext_lazy("Classer par"),
        choices=((MEAN, gettext_lazy("moyenne")), (MEDIAN, gettext_lazy("médiane"))),
        required=False,
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = call.themes.order_by("position", "pk")
        self.fields["theme"].empty_label = _("Tous les thèmes")
        self.fields["theme"].label_from_instance = lambda theme: theme.title_fr


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif de la réouverture"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
        help_text=gettext_lazy("Conservé dans l'historique et communiqué à l'évaluateur·rice."),
        error_messages={
            "required": gettext_lazy("Indiquez pourquoi l'évaluation est rouverte : le motif est conservé.")
        },
    )
