from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portale.core.lists.formats import italian_number

register = template.Library()


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def getfield(form, name: str):
    return form[name] if name in form.fields else None


@register.filter
def eur(value) -> str:
    if value is None or value == "":
        return ""
    return f"{italian_number(value, 2)} €"


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


def _cell(value, m, extra: str = "") -> str:
    """One figure cell: the raw value for scripts (data-value, unlocalized) and the
    figure in the measure's unit."""
    return (
        f'<td class="text-end text-nowrap{extra}" data-value="{escape(str(value))}">'
        f"{escape(measure(value, m))}</td>"
    )


@register.simple_tag
def pivot_body(pivot) -> str:
    """The rows of a report's table, built in one pass (a 100-row × 8-column pivot costs
    a few milliseconds instead of tens through nested template loops)."""
    m, with_cols, out = pivot.measure, pivot.col_dim is not None, []
    for row in pivot.table():
        cells = "".join(_cell(v, m) for v in row["values"]) if with_cols else ""
        out.append(
            f'<tr><th scope="row" class="fw-normal">{escape(str(row["label"]))}</th>{cells}'
            f"{_cell(row['total'], m, ' fw-semibold')}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped above


@register.simple_tag
def pivot_footer_cells(pivot) -> str:
    m = pivot.measure
    cells = (
        "".join(_cell(v, m, " fw-semibold") for v in pivot.col_totals)
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
