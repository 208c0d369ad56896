"""Reference data maintained by City staff: employers and their host departments, labs, doctoral schools,
tutors and thesis directors. One description per kind (``KINDS``) drives the generic staff screens
(list with search, create, edit, delete when nothing references the row).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Count, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DoctoralSchool, Employer, HostDepartment, Lab, ThesisDirector, Tutor, validate_siret


def _squash(value: str) -> str:
    """Collapse runs of blanks: "UMR  8097 " -> "UMR 8097"."""
    return " ".join((value or "").split())


class EmployerForm(forms.ModelForm):
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, help_text=_("14 chiffres, espaces acceptés (clé de contrôle vérifiée).")
    )

    class Meta:
        model = Employer
        fields = ["name", "siret", "kind", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_siret(self) -> str:
        siret = (self.cleaned_data.get("siret") or "").replace(" ", "")
        validate_siret(siret)
        other = Employer.objects.filter(siret=siret).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(
                _("Un employeur porte déjà ce SIRET : %(name)s."), code="duplicate", params={"name": other.name}
            )
        return siret


class HostDepartmentForm(forms.ModelForm):
    class Meta:
        model = HostDepartment
        fields = ["employer", "name", "acronym"]

    def clean(self):
        data = super().clean()
        employer, name = data.get("employer"), _squash(data.get("name", ""))
        if employer and name:
            data["name"] = name
            if (
                HostDepartment.objects.filter(employer=employer, name__iexact=name)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error("name", _("Cette direction existe déjà pour cet employeur."))
        if (
            employer
            and self.instance.pk
            and employer.pk != self.instance.employer_id
            and self.instance.conventions.exists()
        ):
            self.add_error(
                "employer",
                _("Des conventions sont rattachées à cette direction : son employeur ne peut plus changer."),
            )
        return data


class LabForm(forms.ModelForm):
    class Meta:
        model = Lab
        fields = ["name", "unit_code", "institution", "country", "doctoral_school"]

    def clean_unit_code(self) -> str:
        code = _squash(self.cleaned_data.get("unit_code", ""))
        other = Lab.objects.filter(unit_code__iexact=code).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(
                _("Un laboratoire porte déjà ce code d'unité : %(name)s."),
                code="duplicate",
                params={"name": other.name},
            )
        return code


class DoctoralSchoolForm(forms.ModelForm):
    number = forms.IntegerField(label=_("numéro"), min_value=1, max_value=9999)

    class Meta:
        model = DoctoralSchool
        fields = ["number", "name"]

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        if DoctoralSchool.objects.filter(number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("L'école doctorale n° %(number)s existe déjà."), code="duplicate", params={"number": number}
            )
        return number


class PersonForm(forms.ModelForm):
    duplicate_message = ""

    class Meta:
        fields = ["name", "email", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].required = False  # French unless told otherwise

    def clean_preferred_language(self) -> str:
        return self.cleaned_data.get("preferred_language") or "fr"

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip().lower()
        other = self._meta.model.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise forms.ValidationError(self.duplicate_message, code="duplicate", params={"name": other.name})
        return email


class TutorForm(PersonForm):
    duplicate_message = _("Un·e tuteur·rice est déjà enregistré·e avec cette adresse : %(name)s.")

    class Meta(PersonForm.Meta):
        model = Tutor


class ThesisDirectorForm(PersonForm):
    duplicate_message = _("Un·e directeur·rice de thèse est déjà enregistré·e avec cette adresse : %(name)s.")

    class Meta(PersonForm.Meta):
        model = ThesisDirector


@dataclass(frozen=True)
class Column:
    label: Any
    attr: str  # dotted path on the row (a method is called); counts come from ``annotations``


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Model]
    form: type[forms.ModelForm]
    title: Any  # plural, for the list
    add_label: Any
    columns: tuple[Column, ...]
    search: tuple[str, ...]
    select_related: tuple[str, ...] = ()
    annotations: dict = field(default_factory=dict)

    def queryset(self, query: str = "") -> QuerySet:
        qs = self.model.objects.select_related(*self.select_related).annotate(**self.annotations)
        query = _squash(query)
        if query:
            condition = Q()
            for name in self.search:
                condition |= Q(**{f"{name}__icontains": query})
            qs = qs.filter(condition)
        return qs.order_by(*self.model._meta.ordering, "pk")

    def cells(self, obj) -> list:
        values = []
        for column in self.columns:
            value: Any = obj
            for part in column.attr.split("."):
                value = getattr(value, part, None) if value is not None else None
            if callable(value):
                value = value()
            values.append("—" if value in (None, "") else value)
        return values


def _person_kind(slug: str, model, form, title, add_label) -> Kind:
    """Tutors and thesis directors: a name, an e-mail address, the conventions that name them."""
    return Kind(
        slug=slug,
        model=model,
        form=form,
        title=title,
        add_label=add_label,
        columns=(Column(_("Nom"), "name"), Column(_("Adresse e-mail"), "email"), Column(_("Conventions"), "n")),
        search=("name", "email"),
        annotations={"n": Count("conventions", distinct=True)},
    )


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind(
            slug="employeurs",
            model=Employer,
            form=EmployerForm,
            title=_("Employeurs"),
            add_label=_("Ajouter un employeur"),
            columns=(
                Column(_("Nom"), "name"),
                Column(_("SIRET"), "siret"),
                Column(_("Nature"), "get_kind_display"),
                Column(_("Directions"), "n_departments"),
                Column(_("Conventions"), "n_conventions"),
            ),
            search=("name", "siret", "address"),
            annotations={
                "n_departments": Count("departments", distinct=True),
                "n_conventions": Count("conventions", distinct=True),
            },
        ),
        Kind(
            slug="directions",
            model=HostDepartment,
            form=HostDepartmentForm,
            title=_("Directions d'accueil"),
            add_label=_("Ajouter une direction"),
            columns=(
                Column(_("Nom"), "name"),
                Column(_("Sigle"), "acronym"),
                Column(_("Employeur"), "employer.name"),
                Column(_("Conventions"), "n_conventions"),
            ),
            search=("name", "acronym", "employer__name"),
            select_related=("employer",),
            annotations={"n_conventions": Count("conventions", distinct=True)},
        ),
        Kind(
            slug="laboratoires",
            model=Lab,
            form=LabForm,
            title=_("Laboratoires"),
            add_label=_("Ajouter un laboratoire"),
            columns=(
                Column(_("Nom"), "name"),
                Column(_("Code d'unité"), "unit_code"),
                Column(_("Établissement"), "institution"),
                Column(_("Pays"), "country"),
                Column(_("École doctorale"), "doctoral_school"),
                Column(_("Conventions"), "n_conventions"),
            ),
            search=("name", "unit_code", "institution", "country"),
            select_related=("doctoral_school",),
            annotations={"n_conventions": Count("conventions", distinct=True)},
        ),
        Kind(
            slug="ecoles-doctorales",
            model=DoctoralSchool,
            form=DoctoralSchoolForm,
            title=_("Écoles doctorales"),
            add_label=_("Ajouter une école doctorale"),
            columns=(Column(_("Numéro"), "number"), Column(_("Nom"), "name"), Column(_("Laboratoires"), "n_labs")),
            search=("number", "name"),
            annotations={"n_labs": Count("labs", distinct=True)},
        ),
        _person_kind("tuteurs", Tutor, TutorForm, _("Tuteur·rice·s"), _("Ajouter un·e tuteur·rice")),
        _person_kind(
            "directeurs-de-these",
            ThesisDirector,
            ThesisDirectorForm,
            _("Directeur·rice·s de thèse"),
            _("Ajouter un·e directeur·rice de thèse"),
        ),
    )
}


def deletion_refused(obj, protected_objects) -> str:
    """Why ``obj`` cannot be deleted: "… : 2 conventions, 1 direction d'accueil y font référence. …"."""
    counts = Counter(type(row) for row in protected_objects)
    parts = []
    for model, n in sorted(counts.items(), key=lambda item: str(item[0]._meta.verbose_name)):
        name = model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural
        parts.append(f"{n} {name}")
    total = sum(counts.values())
    return ngettext(
        "Impossible de supprimer « %(name)s » : %(uses)s y fait référence. Retirez d'abord cette référence.",
        "Impossible de supprimer « %(name)s » : %(uses)s y font référence. Retirez d'abord ces références.",
        total,
    ) % {"name": obj, "uses": ", ".join(parts)}
