from django import template

from ..models import translated
from ..rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.simple_tag
def tr(obj, field):
    """``{% tr obj "title" %}``: the field in the active language, French when missing."""
    return translated(obj, field)
