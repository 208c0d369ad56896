"""Money, one way everywhere: the one formatter of amounts and the one rounding of sums in queries.

``format_money`` writes an amount as the active language writes money, from the CLDR data of Babel:
``3 500,00 €`` in French (narrow no-break space between thousands, no-break space before the sign),
``€3,500.00`` in English; always two decimals, rounded half away from zero to the cent. Pages use it
through the ``money`` template filter (``{% load money %}`` then ``{{ amount|money }}``), PDFs and
e-mails through the same filter or this function; spreadsheet exports keep amounts as numbers.

``Cents`` rounds a sum to the cent in the query (``Cents(Sum("amount"))``), so that SQLite, which sums
decimals as floating-point numbers, and PostgreSQL give the same ``Decimal`` with two places.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.conf import settings
from django.db.models import DecimalField, Func
from django.utils import translation

CENT = Decimal("0.01")
CURRENCY = "EUR"


def to_cents(value) -> Decimal | None:
    """``value`` (Decimal, int, str or float) as a Decimal with exactly two places; None when it is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        if not amount.is_finite():
            return None
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return None


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def format_money(amount, language: str | None = None) -> str:
    """``amount`` in euros as ``language`` (by default the active language) writes it; "" for None or a non-number."""
    cents = to_cents(amount)
    if cents is None:
        return ""
    locale = _locale(language or translation.get_language() or settings.LANGUAGE_CODE)
    return format_currency(cents, CURRENCY, locale=locale)


class Cents(Func):
    """``expression`` (a sum of amounts) rounded to the cent by the database, read back with two places.

    PostgreSQL: ``CAST(ROUND(x, 2) AS numeric(14, 2))``. SQLite rounds with ``ROUND(x, 2)`` but returns a
    floating-point number, which Django reads back with 15 significant digits (``1166.67000000000``): the
    converter gives it its two places.
    """

    function = "ROUND"
    template = "%(function)s(%(expressions)s, 2)"

    def __init__(self, expression, **extra):
        super().__init__(expression, output_field=DecimalField(max_digits=14, decimal_places=2), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(ROUND(%(expressions)s, 2) AS numeric(14, 2))")

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._two_places]

    @staticmethod
    def _two_places(value, expression, connection):
        return None if value is None else to_cents(value)
