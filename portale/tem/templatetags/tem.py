"""``{% load tem %}``: the TEM pages' filters, figures and pivot table drawn in Python.

The filter form (``tem_filters``) is drawn here rather than through an include per field (a
template context, a dozen look-ups and ``{% if %}`` per field, 13 fields on every report;
issue 17); ``tem/tests/test_filters_html.py`` keeps the former templates and compares.
"""

from decimal import Decimal
from html import escape  # as django.utils.html.escape writes it, without its SafeString

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from portale.core.lists.body import _v
from portale.core.lists.formats import euro, italian_number
from portale.core.templatetags.portal_forms import field_html

register = template.Library()


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def getfield(form, name: str):
    return form[name] if name in form.fields else None


eur = register.filter("eur", euro)


@register.filter
def measure(value, m) -> str:
    """A report figure in its measure's unit, Italian style."""
    match m.unit:
        case "€":
            return eur(value)
        case "min":
            return f"{italian_number(value, 2)} min"
        case "GB":
            return f"{italian_number(value, 3)} GB"
    return italian_number(value, 0)


def _figure(m):
    """``value → measure(value, m)``, the measure's rule chosen once for a whole table."""
    match m.unit:
        case "€":
            return lambda value: f"{italian_number(value, 2)} €"
        case "min":
            return lambda value: f"{italian_number(value, 2)} min"
        case "GB":
            return lambda value: f"{italian_number(value, 3)} GB"
    return lambda value: italian_number(value, 0)


def _cell(value, figure, extra: str = "") -> str:
    """One figure cell: the raw value for scripts (data-value, unlocalized) and the
    figure in the measure's unit. A Decimal's text and its figure are digits, signs,
    separators and the unit: nothing to escape (a report draws hundreds; issue 17)."""
    if type(value) is Decimal:
        return f'<td class="text-end text-nowrap{extra}" data-value="{value}">{figure(value)}</td>'
    return (
        f'<td class="text-end text-nowrap{extra}" data-value="{escape(str(value))}">'
        f"{escape(figure(value))}</td>"
    )


@register.simple_tag
def pivot_body(pivot) -> str:
    """The rows of a report's table, built in one pass (a 100-row × 8-column pivot costs
    a few milliseconds instead of tens through nested template loops)."""
    figure, with_cols, out = _figure(pivot.measure), pivot.col_dim is not None, []
    for row in pivot.table():
        cells = "".join([_cell(v, figure) for v in row["values"]]) if with_cols else ""
        out.append(
            f'<tr><th scope="row" class="fw-normal">{escape(str(row["label"]))}</th>{cells}'
            f"{_cell(row['total'], figure, ' fw-semibold')}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped above


@register.simple_tag
def pivot_footer_cells(pivot) -> str:
    figure = _figure(pivot.measure)
    cells = (
        "".join([_cell(v, figure, " fw-semibold") for v in pivot.col_totals])
        if pivot.col_dim is not None
        else ""
    )
    return mark_safe(cells)  # noqa: S308 - every value escaped in _cell


@register.simple_tag
def checkbox_options(field) -> str:
    """The options of a multi-select filter as inline checkboxes, in one pass (a contract
    can have hundreds of cost centres)."""
    chosen = {str(v) for v in (field.value() or [])}
    name, auto_id = escape(field.html_name), escape(field.auto_id)
    out = []
    for i, (value, label) in enumerate(field.field.choices):
        checked = " checked" if str(value) in chosen else ""
        out.append(
            f'<div class="form-check form-check-inline"><input type="checkbox" '
            f'class="form-check-input" name="{name}" value="{escape(str(value))}" '
            f'id="{auto_id}_{i}"{checked}><label class="form-check-label" '
            f'for="{auto_id}_{i}">{escape(str(label))}</label></div>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above


def _checkboxes(field) -> str:
    """A multi-select filter as a fieldset of checkboxes (``core/_field.html``'s shape)."""
    errors = field.errors
    auto_id = _v(field.auto_id)
    described = f' aria-describedby="{auto_id}_error"' if errors else ""
    error = ""
    if errors:
        joined = "<br>".join(_v(e) for e in errors)
        error = f'<div class="invalid-feedback d-block" id="{auto_id}_error">{joined}</div>'
    return (
        f'<fieldset class="mb-4{" has-error" if errors else ""}"{described}>\n'
        f'  <legend class="form-label fw-semibold fs-6">{_v(field.label)}</legend>\n'
        f"  {checkbox_options(field)}\n"
        f"  {error}\n"
        f"</fieldset>\n"
    )


def _field(field) -> str:
    html = field_html(field)
    return render_to_string("core/_field.html", {"field": field}) if html is None else html


@register.simple_tag(takes_context=True)
def tem_filters(context, form, multi: str, singles: str) -> str:
    """The report's filter form: the multi-select filters (``multi``, names separated by
    spaces) as checkboxes, then the single fields (``singles``), APPLICA FILTRI and AZZERA."""
    boxes = "".join(
        f'<div class="col-12 col-md-6 col-xl-4 tem-multi">{_checkboxes(form[name])}</div>'
        for name in multi.split()
        if name in form.fields
    )
    fields = "".join(
        f'<div class="col-12 col-md-6 col-xl-3">{_field(form[name])}</div>'
        for name in singles.split()
        if name in form.fields
    )
    open_ = " open" if form.errors or not form.is_bound else ""
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<form method="get" class="tem-filters mb-4" '
        f'aria-label="{gettext("Filtri del report")}">\n'
        f'  <details class="tem-filter-panel"{open_} open>\n'
        f'    <summary class="fw-semibold mb-2">{gettext("Filtri")}</summary>\n'
        f'    <div class="row g-3">\n'
        f"      {boxes}\n"
        f"    </div>\n"
        f'    <div class="row g-3">\n'
        f"      {fields}\n"
        f"    </div>\n"
        f"  </details>\n"
        f'  <button type="submit" class="btn btn-primary">{gettext("APPLICA FILTRI")}</button>\n'
        f'  <a class="btn btn-outline-primary ms-2" href="{_v(context["request"].path)}">'
        f"{gettext('AZZERA')}</a>\n"
        f"</form>\n"
    )
