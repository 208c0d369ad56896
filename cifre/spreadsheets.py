"""The one protection of exported cells against formula injection, for every CSV and XLSX export.

A spreadsheet opening an export runs a text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula: a registrant's e-mail ``=1+2@…`` or an employer's
name would be executed. Such a text gets a leading apostrophe, which spreadsheets show as text.
Numbers, dates and ``Decimal`` amounts are written as values: they are never formulas, and a
negative amount stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, except a text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
