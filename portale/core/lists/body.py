"""The rows of a list table as HTML, written in Python (issue 17).

``core/list/_table.html`` drew every cell with the template language: ~10 variable
look-ups, ``{% if %}`` chains and a localisation per cell, ~100 cells a page — the largest
single cost of a listed page after the frame (cProfile: ~500 ``localize`` calls a request on
Dettaglio traffico). This writes the same markup, character for character, from the cells
``Table.rows`` builds; ``core/tests/test_lists_body.py`` renders the former template loop
beside it for every kind of cell and compares.
"""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

SPRITE = "vendor/bootstrap-italia/svg/sprites.svg"


def _v(value) -> str:
    """``{{ value }}`` with autoescaping, as ``render_value_in_context`` writes it."""
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _key_attrs(cell: dict) -> tuple[str, str]:
    key = cell.get("key", "")
    return (" portale-key" if key else "", " data-key-column" if key else "")


def _select_cell(cell: dict, table, kind: str, url: str) -> str:
    label = gettext("Seleziona %(item)s") % {"item": _v(cell.get("label", ""))}
    return (
        f'<td role="cell" class="{_v(cell.get("css_class", ""))} portale-key" '
        f'data-label="{_v(cell.get("heading", ""))}"><input type="{kind}" '
        f'id="{_v(table.list_id)}-sel-{_v(cell.get("pk", ""))}" '
        f'name="{_v(table.selected_param)}" value="{_v(cell.get("pk", ""))}"'
        f"{' checked' if cell.get('checked') else ''}"
        f"{' disabled' if cell.get('disabled') else ''} "
        f'hx-post="{url}" aria-label="{label}"></td>'
    )


def _action_cell(cell: dict, sprite: str) -> str:
    key_class, key_attr = _key_attrs(cell)
    head = (
        f'<td role="cell" class="{_v(cell.get("css_class", ""))}{key_class}" '
        f'data-label="{_v(cell.get("heading", ""))}"{key_attr}>'
    )
    label, icon = _v(cell.get("label", "")), _v(cell.get("icon", ""))
    if cell.get("url"):
        preparing = f' data-preparing="{_v(cell["preparing"])}"' if cell.get("preparing") else ""
        new_window = cell.get("new_window")
        target = ' target="_blank" rel="noopener"' if new_window else ""
        hint = f" ({_v(gettext('si apre in una nuova finestra'))})" if new_window else ""
        return (
            f'{head}<a href="{_v(cell["url"])}" class="portale-list-action d-inline-block p-1" '
            f'title="{label}" data-action-icon="{icon}"{preparing}{target}>'
            f'<svg class="icon icon-sm icon-primary" aria-hidden="true" focusable="false">'
            f'<use href="{sprite}#{icon}"></use></svg>'
            f'<span class="visually-hidden">{label}{hint}</span></a></td>'
        )
    return (
        f'{head}<span class="portale-list-action d-inline-block p-1 opacity-50" '
        f'title="{label}" data-action-icon="{icon}" data-action-disabled="1">'
        f'<svg class="icon icon-sm icon-secondary" aria-hidden="true" focusable="false">'
        f'<use href="{sprite}#{icon}"></use></svg>'
        f'<span class="visually-hidden">{label}</span></span></td>'
    )


def _text_cell(cell: dict) -> str:
    key_class, key_attr = _key_attrs(cell)
    text = _v(cell.get("text", ""))
    if cell.get("url"):
        text = f'<a href="{_v(cell["url"])}">{text}</a>'
    return (
        f'<td role="cell" class="{_v(cell.get("css_class", ""))}{key_class}" '
        f'data-label="{_v(cell.get("heading", ""))}"{key_attr}>{text}</td>'
    )


def rows_html(table) -> str:
    """The ``<tr>`` rows of the table's current page (the inside of ``<tbody>``)."""
    rows = table.rows
    if not rows:
        return ""
    select = table.meta.select
    kind = "radio" if select == "single" else "checkbox"
    url = _v(table.url()) if select else ""
    sprite = conditional_escape(static(SPRITE))
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if cell.get("select"):
                cells.append(_select_cell(cell, table, kind, url))
            elif cell.get("action"):
                cells.append(_action_cell(cell, sprite))
            else:
                cells.append(_text_cell(cell))
        out.append(f'<tr role="row">{"".join(cells)}</tr>\n      ')
    return mark_safe("".join(out))
