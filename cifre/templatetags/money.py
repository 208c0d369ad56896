"""``{{ amount|money }}``: an amount in euros as the active language writes it (see ``cifre.money``)."""

from django import template

from cifre.money import format_money

register = template.Library()


@register.filter(is_safe=True)
def money(value) -> str:
    """``3500`` -> ``3 500,00 €`` (French) or ``€3,500.00`` (English); "" for None, so ``|default:"—"`` follows."""
    return format_money(value)
