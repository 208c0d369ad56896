"""The evaluator's forms: their profile, the conflict-of-interest declaration, declining, the scoring form.

The scoring form only lays out the call's grid: its fields take any text, and the rules (a score
within its criterion's scale, lengths, a complete evaluation to submit) are those of
``evaluation.services.save_draft`` and ``submit_evaluation``, whose refusals the views put next to
the fields. Its field names are the services' (``score-<criterion id>``, ``comment-<criterion id>``,
``overall_comment``, ``recommendation``), so a posted form goes to the services as it is.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .evaluation import services
from .evaluation.models import COMMENT_MAX, OVERALL_COMMENT_MAX, REASON_MAX, Evaluation, EvaluatorProfile

CAPACITY_MAX = 200
READING_LANGUAGES = (
    ("fr", pgettext_lazy("langue de lecture", "Français")),  # "Français" alone is the language switch's endonym
    ("en", _("Anglais")),
    ("de", _("Allemand")),
    ("es", _("Espagnol")),
    ("it", _("Italien")),
    ("pt", _("Portugais")),
)
DOMAIN = re.compile(r"^(?=.{3,255}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
UNIT_CODE = re.compile(r"^[A-Za-z0-9 ._/-]{2,32}$")


def _comma_list(value: str) -> str:
    """``" Géographie ;urbanisme,, "`` → ``"Géographie, urbanisme"``: one spelling for the assignment's matching."""
    items = [" ".join(part.split()) for part in re.split(r"[,;\n]", value or "")]
    seen, result = set(), []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            result.append(item)
    return ", ".join(result)


class ProfileForm(forms.ModelForm):
    """What the automatic assignment needs to know about the expert (``EvaluatorProfile``)."""

    languages = forms.MultipleChoiceField(
        label=_("Langues de lecture"),
        choices=READING_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Les langues dans lesquelles vous pouvez lire un dossier."),
    )
    capacity = forms.IntegerField(
        label=_("Nombre de dossiers acceptés pour un appel"),
        min_value=0,
        max_value=CAPACITY_MAX,
        help_text=_("0 si vous n'êtes pas disponible cette année ; %(max)s au plus.") % {"max": CAPACITY_MAX},
        error_messages={
            "required": _("Indiquez combien de dossiers vous acceptez (0 si vous n'êtes pas disponible)."),
            "invalid": _("Indiquez un nombre entier de dossiers."),
            "min_value": _("Indiquez un nombre de dossiers entre 0 et %(max)s.") % {"max": CAPACITY_MAX},
            "max_value": _("Indiquez un nombre de dossiers entre 0 et %(max)s.") % {"max": CAPACITY_MAX},
        },
    )

    class Meta:
        model = EvaluatorProfile
        fields = ("affiliation", "lab_unit_code", "email_domain", "disciplines", "keywords", "languages", "capacity")
        help_texts = {
            "disciplines": _("Séparées par des virgules, par exemple : géographie, sociologie urbaine."),
            "keywords": _("Séparés par des virgules, par exemple : climat, logement, santé."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.languages and not self.is_bound:
            known = dict(READING_LANGUAGES)
            self.initial["languages"] = [c for c in _comma_list(self.instance.languages).split(", ") if c in known]

    def clean_affiliation(self):
        return " ".join(self.cleaned_data["affiliation"].split())

    def clean_lab_unit_code(self):
        value = " ".join(self.cleaned_data["lab_unit_code"].split()).upper()
        if value and not UNIT_CODE.match(value):
            raise forms.ValidationError(_("Saisissez un code d'unité comme UMR 8097 (lettres, chiffres, espaces)."))
        return value

    def clean_email_domain(self):
        value = self.cleaned_data["email_domain"].strip().lower().lstrip("@")
        if value and not DOMAIN.match(value):
            raise forms.ValidationError(_("Saisissez un domaine comme ehess.fr, sans @ ni adresse complète."))
        return value

    def clean_disciplines(self):
        return self._clean_list("disciplines")

    def clean_keywords(self):
        return self._clean_list("keywords")

    def _clean_list(self, name: str) -> str:
        value = _comma_list(self.cleaned_data[name])
        limit = EvaluatorProfile._meta.get_field(name).max_length
        if len(value) > limit:
            raise forms.ValidationError(_("%(limit)s caractères au plus.") % {"limit": limit})
        return value

    def clean_languages(self):
        return ", ".join(self.cleaned_data["languages"])


class DeclarationForm(forms.Form):
    """No conflict (the statement signed by ticking the box) or a conflict (its nature, required)."""

    NONE, CONFLICT = "none", "conflict"
    choice = forms.ChoiceField(
        label=_("Votre déclaration"),
        choices=(
            (NONE, _("Je n'ai aucun conflit d'intérêts avec ce dossier")),
            (CONFLICT, _("J'ai un conflit d'intérêts avec ce dossier")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez : aucun conflit, ou un conflit d'intérêts.")},
    )
    signed = forms.BooleanField(
        label=_("Je signe la déclaration ci-dessus (aucun conflit d'intérêts)"),
        required=False,
    )
    nature = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
        help_text=_("Par exemple : co-auteur·rice du directeur de thèse, même laboratoire, lien personnel."),
    )

    def clean(self):
        data = super().clean()
        choice = data.get("choice")
        if choice == self.NONE and not data.get("signed"):
            self.add_error("signed", _("Cochez la case pour signer la déclaration d'absence de conflit d'intérêts."))
        if choice == self.CONFLICT:
            nature = (data.get("nature") or "").strip()
            if not nature:
                self.add_error("nature", _("Décrivez la nature du conflit d'intérêts."))
            elif len(nature) > REASON_MAX:
                self.add_error("nature", _("%(limit)s caractères au plus.") % {"limit": REASON_MAX})
        return data

    @property
    def has_conflict(self) -> bool:
        return self.cleaned_data["choice"] == self.CONFLICT


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif, transmis à l'équipe du programme)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) > REASON_MAX:
            raise forms.ValidationError(_("%(limit)s caractères au plus.") % {"limit": REASON_MAX})
        return reason


def _scale_text(criterion) -> str:
    return _("Note de %(min)s à %(max)s, coefficient %(weight)s.") % {
        "min": criterion.scale_min,
        "max": criterion.scale_max,
        "weight": f"{criterion.weight.normalize():f}".replace(".", ","),
    }


class EvaluationForm(forms.Form):
    """The call's grid: a score and a comment per criterion, an overall comment, a recommendation."""

    def __init__(self, criteria, *args, evaluation: Evaluation | None = None, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation and evaluation.pk else {}
        self.criteria = list(criteria)
        self.rows = []
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            label = criterion.localised("label")
            score_name, comment_name = services.score_field(criterion), services.comment_field(criterion)
            self.fields[score_name] = forms.CharField(
                label=_("Note : %(criterion)s") % {"criterion": label},
                required=False,
                help_text=_scale_text(criterion),
                initial="" if score is None or score.value is None else score.value,
                widget=forms.NumberInput(
                    attrs={"min": criterion.scale_min, "max": criterion.scale_max, "step": 1, "inputmode": "numeric"}
                ),
            )
            self.fields[comment_name] = forms.CharField(
                label=_("Commentaire : %(criterion)s") % {"criterion": label},
                required=False,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 3, "data-counter": COMMENT_MAX}),
            )
            self.rows.append(
                {
                    "criterion": criterion,
                    "label": label,
                    "description": criterion.localised("description"),
                    "scale": _scale_text(criterion),
                    "score": score_name,
                    "comment": comment_name,
                }
            )
        self.fields["overall_comment"] = forms.CharField(
            label=_("Appréciation générale"),
            required=False,
            initial=evaluation.overall_comment if evaluation else "",
            widget=forms.Textarea(attrs={"rows": 5, "data-counter": OVERALL_COMMENT_MAX}),
        )
        # A text field with radio buttons: an unknown value goes to the services, which refuse it.
        self.fields["recommendation"] = forms.CharField(
            label=_("Recommandation"),
            required=False,
            initial=evaluation.recommendation if evaluation else "",
            widget=forms.RadioSelect(choices=Evaluation.Recommendation.choices),
        )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def grid(self) -> list[dict]:
        """One row per criterion with its bound fields, for the template."""
        return [row | {"score_field": self[row["score"]], "comment_field": self[row["comment"]]} for row in self.rows]
