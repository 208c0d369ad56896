"""Reference figures every installation starts with (RULES.md §4), restored if missing after migrate."""

from decimal import Decimal

ANNUAL_SUBSIDY = Decimal("14000.00")
MINIMUM_SALARY = {year: Decimal("23484.00") for year in range(2015, 2023)} | {
    2023: Decimal("24529.44"),
    2024: Decimal("25200.00"),
    2025: Decimal("26400.00"),
    2026: Decimal("27600.00"),
}


def ensure_default_rates(using: str = "default") -> None:
    """Create the known years that are missing; never overwrite what staff recorded."""
    from .models import RateYear

    for year, minimum in MINIMUM_SALARY.items():
        RateYear.objects.using(using).get_or_create(
            year=year, defaults={"annual_subsidy": ANNUAL_SUBSIDY, "minimum_salary": minimum}
        )


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    # Also runs after a test flush, which empties the tables the data migrations filled.
    ensure_default_rates(using)
