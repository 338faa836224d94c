"""``{% load portal_forms %}``: one way to render a form field in every app.

``{{ field|as_input }}`` renders a widget with Bootstrap Italia classes and the ARIA links to
its error message; ``{% include "core/_field.html" %}`` renders label, widget, the live
character counter of a ``data-counter`` textarea, help text and errors. ``field_html``
draws the same markup in Python for a page that draws many fields on every request (the
TEM filters; issue 17): an include costs a template context, a dozen look-ups and ``{% if %}``
per field (``core/tests/test_field_html.py`` compares both).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from portale.core.lists.body import _v

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


def field_html(field) -> str:
    """``{% include "core/_field.html" %}`` of a field that is neither hidden nor a list of
    options (None for those: the caller includes the template)."""
    if field.is_hidden or is_choice_list(field):
        return None
    errors = field.errors
    auto_id = _v(field.auto_id)
    id_for_label = _v(field.id_for_label)
    required = " *" if field.field.required else ""
    out = [
        f'<div class="mb-4{" has-error" if errors else ""}">\n'
        f'  <label class="form-label fw-semibold" for="{id_for_label}">{_v(field.label)}'
        f"{required}</label>\n"
        f"  {_v(as_input(field))}\n  "
    ]
    limit = counter_limit(field)
    if limit:
        value = field.value()
        try:
            length = len("" if value is None else value)
        except TypeError:  # the template's |length of a value without one
            length = 0
        out.append(
            f'<small class="form-text d-block text-end" id="{auto_id}_count" '
            f'data-counter-for="{id_for_label}"><span aria-live="polite">{_v(length)}</span> / '
            f"{_v(limit)} {gettext('caratteri')}</small>"
        )
    out.append("\n  ")
    if field.help_text:
        out.append(
            f'<small class="form-text d-block" id="{auto_id}_help">{_v(field.help_text)}</small>'
        )
    out.append("\n  ")
    if errors:
        joined = "<br>".join(_v(e) for e in errors)
        out.append(f'<div class="invalid-feedback d-block" id="{auto_id}_error">{joined}</div>')
    out.append("\n</div>\n")  # the template file's last newline
    return mark_safe("".join(out))  # noqa: S308 - every value escaped by _v
