"""Forms of the committee's screens: the committee, a decision per dossier, a letter, a withdrawal, sending.

Forms check formats only (a date, a whole number); the rules (a date and members for a committee, a rank
for the waiting list only, a letter's limits, what may change once applied or sent) are
``decisions``' and ``handover``'s, whose refusals the views put next to the field they concern.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cifre.bounds import PlausibleDateFormField

from .models import Decision


class CommitteeForm(forms.Form):
    date = PlausibleDateFormField(
        label=_("Date du comité"),
        required=False,  # ``decisions.create_committee`` says what is missing
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Indiquez une date valide (jj/mm/aaaa).")},
    )
    members_present = forms.CharField(
        label=_("Membres présents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nom et qualité de chaque membre présent : ils figurent au rapport d'évaluation."),
    )


class DecisionForm(forms.Form):
    """One row of the decisions table (prefixed by the dossier's id)."""

    outcome = forms.ChoiceField(
        label=_("Décision"),
        choices=[("", _("— choisir —")), *Decision.Outcome.choices],
        required=False,  # ``decisions.set_decision`` says it is missing
    )
    waiting_rank = forms.IntegerField(
        label=_("Rang sur la liste d'attente"),
        required=False,
        min_value=1,
        max_value=999,
        error_messages={"invalid": _("Indiquez le rang par un nombre entier (1, 2, …).")},
    )
    note = forms.CharField(label=_("Motivation (interne)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    committee = forms.TypedChoiceField(label=_("Comité"), coerce=int)

    def __init__(self, *args, committees=(), **kwargs):
        """``committees``: the call's committees, already loaded (no query per row)."""
        super().__init__(*args, **kwargs)
        self.fields["committee"].choices = [(c.pk, c.date.strftime("%d/%m/%Y")) for c in committees]


class LetterForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), required=False)
    body = forms.CharField(label=_("Texte de la lettre"), required=False, widget=forms.Textarea(attrs={"rows": 18}))


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Comment le ou la candidat·e a fait part de son retrait"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : courriel du 3 juillet à l'équipe du programme."),
    )
