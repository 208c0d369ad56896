"""Bounds on what the application stores: dates in a plausible range, texts of a limited length.

The date range is the rules engine's (``conventions.rules.DATE_MIN`` – ``DATE_MAX``, a pure module):
the engine refuses the dates it cannot compute with, and every date field of every model, form and
filter refuses them first, with a message next to the field. Use these fields instead of Django's:

- ``PlausibleDateField`` / ``PlausibleDateTimeField`` on models: the range is checked by
  ``full_clean`` (model forms, the admin, the importer), and their form field checks it on input;
- ``PlausibleDateFormField`` / ``YearField`` on plain forms and filters;
- ``BoundedTextField(max_length=…)`` on models: Django enforces a ``TextField``'s ``max_length`` in
  forms only; this one enforces it in ``full_clean`` too.

``tests/test_bad_input.py`` checks that no model of the project uses the plain fields.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from conventions.rules import DATE_MAX, DATE_MIN, format_date

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "BoundedTextField",
    "PlausibleDateField",
    "PlausibleDateFormField",
    "PlausibleDateTimeField",
    "YearField",
    "validate_plausible_date",
    "validate_plausible_year",
]


def _language() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def validate_plausible_date(value: dt.date | dt.datetime | None) -> None:
    """Refuse a date (or the calendar date of a date-time) outside ``DATE_MIN`` – ``DATE_MAX``."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        language = _language()
        raise ValidationError(
            _("Indiquez une date entre le %(min)s et le %(max)s.")
            % {"min": format_date(DATE_MIN, language), "max": format_date(DATE_MAX, language)},
            code="date_range",
        )


def validate_plausible_year(value: int | None) -> None:
    if value is not None and not DATE_MIN.year <= value <= DATE_MAX.year:
        raise ValidationError(
            _("Indiquez une année entre %(min)s et %(max)s.") % {"min": DATE_MIN.year, "max": DATE_MAX.year},
            code="year_range",
        )


class PlausibleDateFormField(forms.DateField):
    """A form date in the plausible range; a ``<input type="date">`` gets the range as ``min``/``max``."""

    default_validators = [validate_plausible_date]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update({"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()})
        return attrs


class PlausibleDateTimeFormField(forms.DateTimeField):
    default_validators = [validate_plausible_date]


class YearField(forms.IntegerField):
    """A year in the plausible range (filters "year of …"): a 20-digit number is refused, not looked up."""

    default_validators = [validate_plausible_year]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.NumberInput):
            attrs.update({"min": DATE_MIN.year, "max": DATE_MAX.year})
        return attrs


class PlausibleDateField(models.DateField):
    default_validators = [validate_plausible_date]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PlausibleDateFormField, **kwargs})


class PlausibleDateTimeField(models.DateTimeField):
    default_validators = [validate_plausible_date]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PlausibleDateTimeFormField, **kwargs})


class BoundedTextField(models.TextField):
    """A ``TextField`` whose ``max_length`` (required) is enforced by the model as well as by forms."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))
