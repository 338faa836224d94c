"""The markup of a list written in Python (issue 17): its rows, its header row, its pager,
its export buttons and its search form.

``core/list/_table.html`` drew every cell with the template language: ~10 variable
look-ups, ``{% if %}`` chains and a localisation per cell, ~100 cells a page — the largest
single cost of a listed page after the frame (cProfile: ~500 ``localize`` calls a request on
Dettaglio traffico). The header row (a dozen ``{% if %}`` a column), the pager, the
export form and the search form (a bound field's value read again for every option of a
select) cost ~1.5-2.5 ms more of template work on every listed page. This writes the same
markup, character for character; ``core/tests/test_lists_body.py`` renders the former
templates beside it for every kind of cell, header, pager, export and search form and
compares.
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
    """``{{ value }}`` with autoescaping, as ``render_value_in_context`` writes it. (The
    output of ``{% translate "literal" %}`` is not escaped: a template's literals are safe
    strings, and so their translations; those strings are written here as they are.)"""
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
    hint = gettext("si apre in una nuova finestra")
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


def headers_html(table) -> str:
    """The ``<th>`` cells of the header row (the inside of ``<thead><tr>``)."""
    out = []
    for h in table.headers:
        label = _v(h.get("label", ""))
        if h.get("select"):
            multi = table.meta.select == "multi" and table.rows
            box = ""
            if multi:
                checked = " checked" if table.all_page_selected else ""
                toggle = _v(table.select_all_toggle_param)
                box = (
                    f'<input type="checkbox" id="{_v(table.list_id)}-sel-tutti" '
                    f'name="{_v(table.select_all_param)}" value="1"{checked} '
                    f'hx-post="{_v(table.url())}" hx-vals=\'{{"{toggle}": "1"}}\' '
                    f'aria-label="{gettext("Seleziona tutti gli elementi della pagina")}"> '
                )
            out.append(
                f'<th role="columnheader" scope="col" class="{_v(h.get("css_class", ""))} '
                f'portale-list-select-all">{box}'
                f'<span aria-hidden="{"true" if multi else "false"}">{label}</span></th>'
            )
            continue
        key, sortable = h.get("key"), h.get("sortable")
        sort = f' aria-sort="{_v(h.get("aria_sort", ""))}"' if sortable else ""
        head = (
            f'<th role="columnheader" scope="col" class="{_v(h.get("css_class", ""))}'
            f'{" portale-key" if key else ""}"{" data-key-column" if key else ""}{sort}>'
        )
        if sortable:
            url, active = _v(h.get("url", "")), h.get("active")
            inner = (
                f'<a href="{url}" hx-get="{url}" class="text-decoration-none'
                f'{" fw-bold" if active else ""}" data-sort-active="{"1" if active else "0"}">'
                f'{label}&nbsp;<span aria-hidden="true">{_v(h.get("mark", ""))}</span></a>'
            )
        elif h.get("hidden"):
            inner = f'<span class="visually-hidden">{label}</span>'
        else:
            inner = label
        out.append(f"{head}{inner}</th>")
    return mark_safe("".join(out))


def _page_item(url: str, text: str, label: str) -> str:
    """The "<" and ">" items of the pager: a link, or greyed out on the first/last page."""
    if url:
        url = _v(url)
        return (
            f'<li class="page-item"><a class="page-link" href="{url}" hx-get="{url}" '
            f'aria-label="{label}">{text}</a></li>'
        )
    return (
        f'<li class="page-item disabled"><span class="page-link text-secondary opacity-50" '
        f'aria-hidden="true">{text}</span></li>'
    )


def pager_html(table) -> str:
    """The page-size selector and the pager under a list (``core/list/_pager.html``)."""
    list_id, path = _v(table.list_id), _v(table.path)
    hidden = "".join(
        f'<input type="hidden" name="{_v(n)}" value="{_v(v)}">' for n, v in table.size_hidden
    )
    options = "".join(
        f'<option value="{_v(c["value"])}"{" selected" if c["selected"] else ""}>'
        f"{_v(c['value'])}</option>"
        for c in table.page_size_choices
    )
    nav = ""
    if table.count:
        links = []
        for link in table.page_links:
            if link.get("ellipsis"):
                links.append('<li class="page-item"><span class="page-link">…</span></li>')
            elif link.get("current"):
                links.append(
                    f'<li class="page-item active"><span class="page-link" '
                    f'aria-current="page">{_v(link["number"])}</span></li>'
                )
            else:
                number, url = _v(link["number"]), _v(link["url"])
                label = gettext("Pagina %(n)s") % {"n": number}
                links.append(
                    f'<li class="page-item"><a class="page-link" href="{url}" hx-get="{url}" '
                    f'aria-label="{label}">{number}</a></li>'
                )
        nav = (
            f'\n  <nav class="pagination-wrapper mb-0 d-flex flex-wrap align-items-center gap-2" '
            f'aria-label="{gettext("Paginazione")}">\n'
            f'    <span class="small" data-list="pager">{_v(table.pager_text)}</span>\n'
            f'    <ul class="pagination mb-0">\n'
            f"      {_page_item(table.previous_url, '&lt;', gettext('Pagina precedente'))}\n"
            f"      {''.join(links)}\n"
            f"      {_page_item(table.next_url, '&gt;', gettext('Pagina successiva'))}\n"
            f"    </ul>\n"
            f"  </nav>\n  "
        )
    return mark_safe(
        f'<div class="d-flex flex-wrap justify-content-between align-items-center gap-3 mt-2">\n'
        f'  <form method="get" action="{path}" hx-get="{path}" hx-trigger="change" '
        f'class="d-flex align-items-center gap-2 portale-list-size">\n'
        f"    {hidden}\n"
        f'    <label for="{list_id}-per-page" class="mb-0 small">'
        f"{gettext('Numero di elementi visualizzati:')}</label>\n"
        f'    <select id="{list_id}-per-page" name="{_v(table.per_page_param)}" '
        f'class="form-select form-select-sm w-auto">\n'
        f"      {options}\n"
        f"    </select>\n"
        f'    <noscript><button type="submit" class="btn btn-outline-primary btn-xs py-1 px-2">'
        f"{gettext('Applica')}</button></noscript>\n"
        f"  </form>\n"
        f"  {nav}\n"
        f"</div>"
    )


def export_html(table, csrf_input: str) -> str:
    """The export form above a list (``core/list/_export.html``): a download per format, or
    "Richiedi export" when the list is exported in the background."""
    links = table.export_links
    background = links[0]["background"] if links else False
    sprite = conditional_escape(static(SPRITE))
    buttons = []
    for link in links:
        fmt, label, title = _v(link["format"]), _v(link["label"]), link["title"]
        buttons.append(
            f'<button type="submit" name="{_v(table.export_param)}" value="{fmt}" '
            f'class="btn btn-xs btn-outline-primary py-1 px-2" data-export="{fmt}" '
            f'title="{title}"><svg class="icon icon-xs icon-primary" aria-hidden="true">'
            f'<use href="{sprite}#{_v(link["icon"])}"></use></svg> {label}</button>'
        )
    if background:
        group, heading = gettext("Richiedi export dell'elenco"), gettext("Richiedi export:")
    else:
        group, heading = gettext("Scarica l'elenco"), gettext("Esporta:")
    return mark_safe(
        f'<form method="post" action="{_v(table.export_action)}" '
        f'class="portale-list-export d-flex align-items-center gap-2" role="group" '
        f'aria-label="{group}">{csrf_input}\n'
        f'  <svg class="icon icon-sm icon-primary" aria-hidden="true">'
        f'<use href="{sprite}#it-download"></use></svg>\n'
        f'  <span class="small">{heading}</span>\n'
        f"  {''.join(buttons)}\n"
        f"</form>"
    )


def _stringformat_s(value) -> str:
    """``value|stringformat:"s"``, as the template compared a field's value to an option."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        return "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        return ""


def _search_field(field) -> str:
    """One field of the search form: label, a select or a text input, help, errors."""
    fid = _v(field.id_for_label)
    label = field.label
    colon = "" if str(label)[-1:] == ":" else ":"
    errors = field.errors
    help_text = field.help_text
    invalid = " is-invalid" if errors else ""
    out = [
        f'\n    <div class="col-12 col-md-6 col-lg-4">\n'
        f'      <label for="{fid}" class="form-label fw-semibold small mb-1">{_v(label)}{colon}'
        f"</label>\n      "
    ]
    if getattr(field.field.widget, "input_type", "") == "select":
        current = _stringformat_s(field.value())
        options = "".join(
            f'<option value="{_v(value)}"'
            f"{' selected' if current == _stringformat_s(value) else ''}>{_v(text)}</option>"
            for value, text in field.field.choices
        )
        described = f' aria-invalid="true" aria-describedby="{fid}-error"' if errors else ""
        out.append(
            f'<select class="form-select{invalid}" id="{fid}" name="{_v(field.html_name)}"'
            f"{described}>\n        {options}\n      </select>"
        )
    else:
        value = field.value()
        max_length = getattr(field.field, "max_length", None)
        out.append(
            f'<input type="text" class="form-control{invalid}" id="{fid}" '
            f'name="{_v(field.html_name)}" value="{_v("" if value is None else value)}"'
            f"{f' maxlength={chr(34)}{_v(max_length)}{chr(34)}' if max_length else ''} "
            f'aria-describedby="{f"{fid}-help" if help_text else ""}'
            f'{f" {fid}-error" if errors else ""}"'
            f"{' aria-invalid=' + chr(34) + 'true' + chr(34) if errors else ''}>"
        )
    out.append("\n      ")
    if help_text:
        out.append(f'<small id="{fid}-help" class="form-text d-block">{_v(help_text)}</small>')
    out.append("\n      ")
    if errors:
        joined = " ".join(_v(e) for e in errors)
        out.append(
            f'<div id="{fid}-error" class="invalid-feedback d-block" role="alert">{joined}</div>'
        )
    out.append("\n    </div>\n    ")
    return "".join(out)


def search_html(table) -> str:
    """The list's search form (``core/list/_search.html``): its fields, CERCA and RESETTA."""
    path = _v(table.path)
    hidden = "".join(
        f'<input type="hidden" name="{_v(n)}" value="{_v(v)}">' for n, v in table.search_hidden
    )
    fields = "".join(_search_field(field) for field in table.form)
    reset = _v(table.reset_url)
    return mark_safe(
        f'<form method="get" action="{path}" hx-get="{path}" '
        f'class="portale-list-search pt-2 mb-4" role="search" '
        f'aria-label="{gettext("Ricerca")}" novalidate>\n'
        f"  {hidden}\n"
        f'  <div class="row g-3 align-items-start">\n'
        f"    {fields}\n"
        f'    <div class="col-12 col-lg-auto d-flex gap-2 align-self-lg-start pt-lg-4">\n'
        f'      <button type="submit" class="btn btn-primary btn-sm">{gettext("CERCA")}</button>\n'
        f'      <a href="{reset}" hx-get="{reset}" class="btn btn-outline-primary btn-sm">'
        f"{gettext('RESETTA')}</a>\n"
        f"    </div>\n"
        f"  </div>\n"
        f"</form>"
    )
