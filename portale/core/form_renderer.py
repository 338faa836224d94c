"""The portal's form renderer: Django's common widget templates drawn in Python (issue 17).

Django renders every widget through its templates, and every option of a select, a set of
checkboxes or of radio buttons through one more included template: the TEM report's filter
form (35 widgets, a few hundred options) spent about a quarter of the page's CPU there, and
every list's filter form pays the same per option. ``PortalFormRenderer`` (``FORM_RENDERER``)
draws the templates listed in ``DRAWN`` with plain string building, producing the same
markup character for character (``core/tests/test_form_renderer.py`` compares every drawn
template with Django's own over the widgets the portal uses); any other template (a
project override, a widget not listed) goes through Django's template engine as before.

The rules copied from the templates: an attribute set to ``False`` is left out and one set
to ``True`` is written bare; values go through ``"%s" %`` then are escaped unless already
safe; labels and ids are printed as ``{{ }}`` prints them (localized, then escaped); option
templates keep the trailing newline of their files, which the outer template keeps.
"""

from __future__ import annotations

from functools import cached_property
from html import escape
from pathlib import Path

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

W = "django/forms/widgets/"


def _fmt(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless already safe."""
    if type(value) is str:  # most values: what escape() does, without its wrapper
        return escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(conditional_escape(str(value)))


def _print(value) -> str:
    """``{{ value }}``: localized (numbers, dates), then escaped unless already safe."""
    if type(value) is str:  # names and most labels: localize() leaves text as it is
        return escape(value)
    value = localize(value)
    return str(conditional_escape(value))


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_print(name)}" if value is True else f' {_print(name)}="{_fmt(value)}"')
    return "".join(out)


def _input(w: dict) -> str:
    """``input.html`` (with its trailing newline)."""
    value = "" if w["value"] is None else f' value="{_fmt(w["value"])}"'
    return f'<input type="{_print(w["type"])}" name="{_print(w["name"])}"{value}{_attrs(w["attrs"])}>\n'


def _input_option(w: dict) -> str:
    """``input_option.html`` (checkbox and radio options)."""
    if not w.get("wrap_label"):
        return _input(w) + "\n"
    id_ = w["attrs"].get("id")
    label_for = f' for="{_print(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(w)} {_print(w['label'])}</label>\n"


def _select_option(w: dict) -> str:
    """``select_option.html``."""
    return f'<option value="{_fmt(w["value"])}"{_attrs(w["attrs"])}>{_print(w["label"])}</option>\n'


def _included_input_option(w: dict) -> str:
    """``checkbox_option.html`` and ``radio_option.html``: an include and a newline."""
    return _input_option(w) + "\n"


OPTION_DRAWERS = {
    W + "select_option.html": _select_option,
    W + "checkbox_option.html": _included_input_option,
    W + "radio_option.html": _included_input_option,
    W + "input_option.html": _input_option,
}


def _options(options, before: str, after: str = "") -> str | None:
    """The options of a group, each between ``before`` and ``after`` (None: an option
    template that is not drawn here, so the whole widget goes through Django)."""
    out = []
    for option in options:
        draw = OPTION_DRAWERS.get(option["template_name"])
        if draw is None:
            return None
        out.append(before + draw(option) + after)
    return "".join(out)


def _select(w: dict) -> str | None:
    """``select.html``."""
    parts = [f'<select name="{_print(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_print(group_name)}">')
        html = _options(group_choices, "\n  ")
        if html is None:
            return None
        parts.append(html)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(w: dict) -> str | None:
    """``multiple_input.html`` (checkbox_select.html and radio.html include it)."""
    id_ = w["attrs"].get("id")
    css = w["attrs"].get("class")
    parts = [
        "<div",
        f' id="{_print(id_)}"' if id_ else "",
        f' class="{_print(css)}"' if css else "",
        ">",
    ]
    for group, options, _index in w["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_print(group)}</label>")
        html = _options(options, "<div>\n    ", "</div>")
        if html is None:
            return None
        parts.append(html)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(w: dict) -> str:
    """``textarea.html``."""
    value = _print(w["value"]) if w["value"] else ""
    return f'<textarea name="{_print(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>\n'


INPUTS = (
    "input", "text", "email", "number", "password", "hidden", "date", "url", "tel",
    "search", "checkbox", "datetime", "time", "color",
)  # fmt: skip
DRAWN = {
    **{f"{W}{name}.html": _input for name in INPUTS},
    W + "select.html": _select,
    W + "checkbox_select.html": _multiple_input,
    W + "radio.html": _multiple_input,
    W + "multiple_input.html": _multiple_input,
    W + "textarea.html": _textarea,
}


class PortalFormRenderer(DjangoTemplates):
    """Django's template renderer, with the common widget templates drawn in Python."""

    @cached_property
    def drawn(self) -> dict:
        """The drawers of the templates that are Django's own here: one overridden by an app
        is rendered from its template."""
        own = str(Path(forms.__file__).parent / "templates")
        return {
            name: draw
            for name, draw in DRAWN.items()
            if str(self.get_template(name).origin.name).startswith(own)
        }

    def render(self, template_name, context, request=None):
        draw = self.drawn.get(template_name)
        if draw is not None and "widget" in context:
            html = draw(context["widget"])
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
