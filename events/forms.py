from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event, Person


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Nom et prénom"), max_length=200)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")},
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon nom et mon adresse soient utilisés pour gérer mon inscription "
            "(supprimés trois mois après l'événement)."
        ),
        error_messages={"required": _("Vous devez accepter l'utilisation de vos données pour vous inscrire.")},
    )

    waiting_list = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})


class EventFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous les types")), *Event.Type.choices])


class PeopleFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rôle"),
        required=False,
        choices=[("", _("Tous les rôles")), *[(v, lbl) for v, lbl in Person.Role.choices if v]],
    )
    annee = forms.IntegerField(label=_("Année"), required=False, min_value=1990, max_value=2100)


class EmailRegistrantsForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 8}))
    include_waiting = forms.BooleanField(label=_("Écrire aussi aux personnes en liste d'attente"), required=False)
