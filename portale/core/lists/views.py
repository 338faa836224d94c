"""Serving a declared list: full page, htmx fragment, or export — from one view."""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views import View

from .tables import Table

FRAGMENT_TEMPLATE = "core/list/list.html"


def is_fragment_request(request, table: Table) -> bool:
    """True for an htmx request aimed at this list (sort, page, search inside it).

    A history restore (back button after a cache miss) wants the whole page, and an htmx
    request aimed at something else on the page is not ours to answer.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == table.list_id


def render_list(
    request,
    table: Table,
    template_name: str,
    context: dict | None = None,
    *,
    background_export: Callable | None = None,
    fragment_template: str | None = None,
):
    """Answer a list URL: ``?export=`` → the file; htmx → the fragment; else the page.

    ``template_name`` is the page; it includes ``core/list/list.html`` where the list goes.
    ``fragment_template`` (default ``Meta.fragment_template``) is what an htmx request to
    the list gets: a page that frames the list its own way makes its own fragment, whose
    root element has ``id="{{ table.list_id }}"``, and includes the ``_table``/``_pager``…
    partials. ``background_export(table, fmt) → response`` is called instead of a
    synchronous download when the list is longer than ``exports.EXPORT_SYNC_MAX_ROWS``.

    A POST carrying the selection form of a ``Meta.select`` table (P-08) updates the
    selection kept in the session, then answers with the fragment (htmx) or redirects to
    the list (no JavaScript). Other POSTs are the view's business.
    """
    if request.method == "POST" and table.meta.select and table.page_pks_param in request.POST:
        table.update_selection(request.POST)
        if not is_fragment_request(request, table):
            return redirect(table.url())
    fmt = table.export_format
    if fmt:
        if background_export is not None and table.should_export_in_background():
            return background_export(table, fmt)
        return table.export_response(fmt)
    ctx = {"table": table, **(context or {})}
    fragment = fragment_template or table.meta.fragment_template or FRAGMENT_TEMPLATE
    template = fragment if is_fragment_request(request, table) else template_name
    response = render(request, template, ctx)
    # Same URL, two bodies: caches and the browser must key on the htmx header.
    patch_vary_headers(response, ("HX-Request",))
    return response


class TableView(View):
    """A page that is one list. Subclass, set ``table_class`` and ``template_name``, and
    implement ``get_queryset()`` returning the rows *this user may see* (scope here)."""

    table_class: type[Table]
    template_name: str
    extra_context: dict | None = None
    background_export: Callable | None = None

    def get_queryset(self):
        raise NotImplementedError("get_queryset() must return the scoped queryset")

    def get_context_data(self, **kwargs) -> dict:
        return {**(self.extra_context or {}), **kwargs}

    def get(self, request, *args, **kwargs):
        table = self.table_class.from_request(request, self.get_queryset())
        return render_list(
            request,
            table,
            self.template_name,
            self.get_context_data(),
            background_export=type(self).background_export,
        )
