"""``{% load portal_forms %}``: one way to render a form field in every app.

``{{ field|as_input }}`` renders a widget with Bootstrap Italia classes and the ARIA links to
its error message; ``{% include "core/_field.html" %}`` renders label, widget, the live
character counter of a ``data-counter`` textarea, help text and errors.
"""

from django import template

register = template.Library()


@register.filter
def as_input(field, extra_class=""):
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio"):
        css = "form-check-input"
    elif input_type == "range":
        css = "form-range portal-slider"
    elif input_type == "select":
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{css} {widget.attrs.get('class', '')} {extra_class}".strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if widget.attrs.get("data-counter"):
        described.append(f"{field.auto_id}_count")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required and input_type not in ("checkbox",):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field) -> bool:
    """Radio buttons and checkbox lists render as a fieldset of options."""
    return getattr(field.field.widget, "input_type", "") == "radio" or getattr(
        field.field.widget, "allow_multiple_selected", False
    )


@register.filter
def counter_limit(field):
    """The character limit of a field with a live counter (``data-counter``), or ""."""
    return field.field.widget.attrs.get("data-counter", "")
