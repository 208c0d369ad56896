"""Filters of the staff lists (django-filter). The dashboard's figures link to these lists."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cifre.bounds import PlausibleDateFormField, YearField
from subsidies.models import Instalment

from . import rules
from .models import Convention, HostDepartment, Lab, Obligation

KIND_LABELS = {
    "employment_contract": _("Contrat de travail"),
    "hiring_declaration": _("Déclaration préalable à l'embauche"),
    "work_permit": _("Autorisation de travail"),
    "enrolment": _("Certificat d'inscription"),
    "collaboration_contract": _("Contrat de collaboration"),
    "activity_report": _("Rapport d'activité"),
    "final_evaluation": _("Évaluation finale"),
}
KIND_CHOICES = [(kind, KIND_LABELS[kind]) for kind in rules.OBLIGATION_KINDS]
YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlausibleDateFilter(django_filters.DateFilter):
    """A date in the plausible range (``cifre.bounds``): a bad value is an error next to the field."""

    field_class = PlausibleDateFormField


class YearFilter(django_filters.Filter):
    """The year of a date field, between the plausible range's years: ``?year=0`` or a 20-digit number
    is an error next to the field, not a server error in the year lookup."""

    field_class = YearField


def filtered(filterset: django_filters.FilterSet):
    """The filterset's rows, or none when a filter value is refused (its error is shown next to the field:
    a list that silently ignored it would look filtered when it is not)."""
    if not filterset.is_bound:
        return filterset.queryset
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


class ConventionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Numéro ANRT ou nom"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Convention.Status.choices, empty_label=_("Tous"))
    host_department = django_filters.ModelChoiceFilter(
        label=_("Direction d'accueil"), queryset=HostDepartment.objects.all(), empty_label=_("Toutes")
    )
    lab = django_filters.ModelChoiceFilter(label=_("Laboratoire"), queryset=Lab.objects.all(), empty_label=_("Tous"))
    year = YearFilter(label=_("Année de début"), field_name="effective_date", lookup_expr="year")
    missing = django_filters.ChoiceFilter(
        label=_("Document manquant"),
        choices=[("any", _("N'importe lequel")), *KIND_CHOICES],
        method="filter_missing",
        empty_label=_("—"),
    )

    class Meta:
        model = Convention
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        return queryset.filter(
            Q(anrt_number__icontains=value)
            | Q(doctoral_student__last_name__icontains=value)
            | Q(doctoral_student__first_name__icontains=value)
        )

    def filter_missing(self, queryset, name, value):
        """Conventions with an obligation overdue or missed (of that kind, unless ``any``)."""
        wanted = Obligation.objects.filter(
            convention=OuterRef("pk"),
            is_current=True,
            received_on__isnull=True,
            status__in=[Obligation.Status.OVERDUE, Obligation.Status.MISSED],
        )
        if value != "any":
            wanted = wanted.filter(kind=value)
        return queryset.filter(Exists(wanted))


class ObligationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"), choices=Obligation.Status.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = django_filters.ChoiceFilter(label=_("Document"), choices=KIND_CHOICES, empty_label=_("Tous"))
    received = django_filters.ChoiceFilter(
        label=_("Reçu"), choices=YES_NO, method="filter_received", empty_label=_("—")
    )
    due_from = PlausibleDateFilter(
        label=_("Échéance à partir du"), field_name="due_date", lookup_expr="gte", widget=_date_widget()
    )
    due_to = PlausibleDateFilter(
        label=_("Échéance jusqu'au"), field_name="due_date", lookup_expr="lte", widget=_date_widget()
    )
    forfeits_from = PlausibleDateFilter(
        label=_("Perte à partir du"), field_name="forfeits_on", lookup_expr="gte", widget=_date_widget()
    )
    forfeits_to = PlausibleDateFilter(
        label=_("Perte jusqu'au"), field_name="forfeits_on", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = Obligation
        fields: list[str] = []

    def filter_received(self, queryset, name, value):
        return queryset.filter(received_on__isnull=(value == "no"))


class InstalmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Instalment.Status.choices, empty_label=_("Tous"))
    invoiced = django_filters.ChoiceFilter(
        label=_("Facturée"), choices=YES_NO, method="filter_invoiced", empty_label=_("—")
    )
    due_from = PlausibleDateFilter(
        label=_("Échéance à partir du"), field_name="due_date", lookup_expr="gte", widget=_date_widget()
    )
    due_to = PlausibleDateFilter(
        label=_("Échéance jusqu'au"), field_name="due_date", lookup_expr="lte", widget=_date_widget()
    )
    lost_year = YearFilter(label=_("Perdue en (année)"), field_name="convention__lost_on", lookup_expr="year")

    class Meta:
        model = Instalment
        fields: list[str] = []

    def filter_invoiced(self, queryset, name, value):
        return queryset.filter(invoiced_on__isnull=(value == "no"))
