"""The yearly rates fixed by the ministry (RULES.md §4), editable by staff."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RateYear(models.Model):
    year = models.PositiveSmallIntegerField(
        _("année"), unique=True, error_messages={"unique": _("Cette année figure déjà dans le barème.")}
    )
    # At least 100 € a year: below about 1.86 € a quarter with one working day would round to 0.00,
    # and no instalment may be zero (RULES.md §4, December 2026). The ministry's figure is 14,000 €.
    annual_subsidy = models.DecimalField(
        _("subvention annuelle (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("100"), _("La subvention annuelle est d'au moins 100 €."))],
    )
    minimum_salary = models.DecimalField(
        _("salaire annuel brut minimum (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("barème annuel")
        verbose_name_plural = _("barèmes annuels")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_subsidy__gte=100) & Q(minimum_salary__gt=0), name="subsidies_rateyear_positive"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="subsidies_rateyear_year_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
