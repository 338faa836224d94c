"""Serving a declared list: full page, htmx fragment, or export — from one view."""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import render
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
):
    """Answer a list URL: ``?export=`` → the file; htmx → the fragment; else the page.

    ``template_name`` is the page; it includes ``core/list/list.html`` where the list goes.
    ``background_export(table, fmt) → response`` is called instead of a synchronous
    download when the list is longer than ``exports.EXPORT_SYNC_MAX_ROWS`` (P-07).
    """
    fmt = table.export_format
    if fmt:
        if background_export is not None and table.should_export_in_background():
            return background_export(table, fmt)
        return table.export_response(fmt)
    ctx = {"table": table, **(context or {})}
    template = FRAGMENT_TEMPLATE if is_fragment_request(request, table) else template_name
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
