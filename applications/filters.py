"""Filters of the screening lists (django-filter); the CSV and XLSX exports take the same ones.

A filter value that does not validate (a theme of another call, a 20-digit number, an unknown
status) is shown with its message next to the field, with no rows and status 400.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conventions.models import HostDepartment

from . import screening
from .models import Theme


def filtered(filterset: django_filters.FilterSet):
    """The filterset's rows, or none when a filter value is refused (as the conventions' lists do: a list
    that silently ignored the value would look filtered when it is not)."""
    if not filterset.is_bound:
        return filterset.queryset
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def filter_status(filterset: django_filters.FilterSet) -> int:
    """400 when a filter value is refused: the list comes back with the error next to the filter."""
    return 400 if filterset.is_bound and not filterset.is_valid() else 200


class DossierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Numéro ou nom"), method="filter_q", max_length=100)
    theme = django_filters.ModelChoiceFilter(label=_("Thème"), queryset=Theme.objects.none(), empty_label=_("Tous"))
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=screening.SCREENED_STATUSES, empty_label=_("Tous"))
    failing = django_filters.ChoiceFilter(
        label=_("Contrôle d'éligibilité en échec"),
        choices=[("any", _("N'importe lequel")), *screening.CHECK_CHOICES],
        method="filter_failing",
        empty_label=_("—"),
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Direction d'accueil"),
        queryset=HostDepartment.objects.none(),
        field_name="theme__host_department",
        empty_label=_("Toutes"),
    )

    def __init__(self, data=None, queryset=None, *, call=None, themes=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        themes = themes if themes is not None else Theme.objects.filter(call=call)
        self.filters["theme"].queryset = themes
        self.form.fields["theme"].queryset = themes
        self.form.fields["theme"].label_from_instance = lambda theme: theme.localised("title")
        departments = HostDepartment.objects.filter(themes__in=themes).distinct().order_by("name")
        self.filters["department"].queryset = departments
        self.form.fields["department"].queryset = departments

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        names = Q()
        for word in value.split()[:5]:
            names &= Q(last_name__icontains=word) | Q(first_name__icontains=word)
        return queryset.filter(Q(number__icontains=value) | names)

    def filter_failing(self, queryset, name, value):
        if value == "any":
            return queryset.filter(screening.any_failing_check())
        return queryset.filter(screening.failing_check(value))
