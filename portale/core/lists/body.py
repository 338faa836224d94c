"""The rows of a list table as HTML, written in Python (issue 17).

``core/list/_table.html`` drew every cell with the template language: ~10 variable
look-ups, ``{% if %}`` chains and a localisation per cell, ~100 cells a page — the largest
single cost of a listed page after the frame (cProfile: ~500 ``localize`` calls a request on
Dettaglio traffico). This writes the same markup, character for character, from the cells
``Table.rows`` builds; ``core/tests/test_lists_body.py`` renders the former template loop
beside it for every kind of cell and compares.
"""

from __future__ import annotations

from html import escape

from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

SPRITE = "vendor/bootstrap-italia/svg/sprites.svg"


def _v(value) -> str:
    """``{{ value }}`` with autoescaping, as ``render_value_in_context`` writes it."""
    kind = type(value)
    if kind is str:  # most cells: what Django's escape() does, without its lazy wrapper
        return escape(value)
    if kind is SafeString:
        return value
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


class _Opening(dict):
    """The opening ``<td …>`` of a cell, drawn once per column and kind of cell for one
    page: its class, heading and key flag are the column's, not the row's (issue 17: the
    heading, a lazy translation, was translated and escaped again in every row)."""

    def of(self, cell: dict) -> str:
        heading = cell.get("heading", "")
        # id(): the heading is a lazy translation, whose hash would translate it; the cells
        # (and so the headings) outlive the page being drawn.
        k = (cell.get("css_class", ""), id(heading), bool(cell.get("key")))
        found = self.get(k)
        if found is None:
            css, key = k[0], k[2]
            found = self[k] = (
                f'<td role="cell" class="{_v(css)}{" portale-key" if key else ""}" '
                f'data-label="{_v(heading)}"{" data-key-column" if key else ""}>',
                heading,  # keeps the object whose id() is the key alive
            )
        return found[0]


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


def _action_cell(cell: dict, head: str, sprite: str, hint: str) -> str:
    label, icon = _v(cell.get("label", "")), _v(cell.get("icon", ""))
    if cell.get("url"):
        preparing = f' data-preparing="{_v(cell["preparing"])}"' if cell.get("preparing") else ""
        new_window = cell.get("new_window")
        target = ' target="_blank" rel="noopener"' if new_window else ""
        hint = f" ({hint})" if new_window else ""
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


def rows_html(table) -> str:
    """The ``<tr>`` rows of the table's current page (the inside of ``<tbody>``)."""
    rows = table.rows
    if not rows:
        return ""
    select = table.meta.select
    kind = "radio" if select == "single" else "checkbox"
    url = _v(table.url()) if select else ""
    sprite = conditional_escape(static(SPRITE))
    hint = _v(gettext("si apre in una nuova finestra"))
    opening = _Opening()
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if cell.get("select"):
                cells.append(_select_cell(cell, table, kind, url))
            elif cell.get("action"):
                cells.append(_action_cell(cell, opening.of(cell), sprite, hint))
            else:
                text = _v(cell.get("text", ""))
                if cell.get("url"):
                    text = f'<a href="{_v(cell["url"])}">{text}</a>'
                cells.append(f"{opening.of(cell)}{text}</td>")
        out.append(f'<tr role="row">{"".join(cells)}</tr>\n      ')
    return mark_safe("".join(out))
