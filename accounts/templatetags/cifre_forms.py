"""Render a form field's widget with Bootstrap classes and accessible error wiring.

``{{ field|bs_widget }}`` adds the Bootstrap class that fits the widget, ``aria-invalid`` when
the field has errors, and ``aria-describedby`` pointing at the help text and the error list
(ids ``<field id>_help`` and ``<field id>_errors``, which the templates render).
"""

from django import forms, template

register = template.Library()

CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def widget_class(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def is_check(bound_field) -> bool:
    return isinstance(bound_field.field.widget, CHECK_WIDGETS)


@register.filter
def bs_widget(bound_field):
    attrs = {}
    classes = [widget_class(bound_field)]
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_help")
    if bound_field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}_errors")
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs["class"] = " ".join([existing, *classes]).strip()
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def button_classes(tags) -> str:
    """Bootstrap classes for allauth's button tags (``primary``, ``outline``, ``danger``, ``link``…)."""
    tags = set(tags or ())
    if "link" in tags:
        colour = "btn-link"
    else:
        tone = next((t for t in ("danger", "secondary", "primary") if t in tags), "primary")
        colour = f"btn-outline-{tone}" if "outline" in tags else f"btn-{tone}"
    size = " btn-sm" if "minor" in tags else ""
    return f"btn {colour}{size}"


@register.filter
def tone(tags, default: str = "secondary") -> str:
    """The Bootstrap colour named by allauth's tags (success, warning, danger, primary…)."""
    for name in ("danger", "warning", "success", "primary", "info"):
        if name in (tags or ()):
            return name
    return default
