from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from conventions.filters import KIND_LABELS
from conventions.models import Obligation
from subsidies.models import Instalment

register = template.Library()

STATUS_LABELS = {**dict(Obligation.Status.choices), **dict(Instalment.Status.choices)}


@register.filter
def obligation_label(key: str) -> str:
    """``enrolment:2025`` -> "Certificat d'inscription 2025/2026", ``activity_report:1`` -> "… n° 1"."""
    kind, _sep, suffix = (key or "").partition(":")
    label = str(KIND_LABELS.get(kind, kind))
    if not suffix:
        return label
    if kind == "enrolment" and suffix.isdigit():
        return f"{label} {suffix}/{int(suffix) + 1}"
    return _("%(label)s n° %(n)s") % {"label": label, "n": suffix}


@register.simple_tag
def status_badge(value: str, instalment: bool = False):
    label = dict(Instalment.Status.choices if instalment else Obligation.Status.choices).get(value, value)
    return format_html('<span class="badge badge-status status-{}">{}</span>', value, label)
