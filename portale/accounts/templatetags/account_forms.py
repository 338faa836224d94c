"""``{% load account_forms %}``: ``{{ field|as_input }}`` renders a widget with Bootstrap
Italia classes and the ARIA links to its error message."""

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
    else:
        css = "form-control"
    attrs = {"class": f"{css} {extra_class}".strip()}
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    if field.field.required and input_type not in ("checkbox",):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)
