"""Serving a declared list: full page, htmx fragment, or export — from one view."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from .tables import Table

FRAGMENT_TEMPLATE = "core/list/list.html"


def is_fragment_request(request, table: Table) -> bool:
    """True for an htmx request aimed at this list (sort, page, search inside it).

    A history restore (back button after a cache miss) wants the whole page, and an htmx
    request aimed at something else on the page is not ours to answer.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == table.list_id


def export_list(request, table: Table, fmt: str):
    """The export icon (a POST): the file at once, or a background job for a long list.

    The job is scoped like the page: the user who asks and the contract selected in the
    portal; its rows are re-read by the worker through the list's registered selector.
    """
    if table.should_export_in_background():
        from portale.core import export_jobs

        portal = getattr(request, "portal", None)
        job = export_jobs.export_request(
            user=request.user,
            contract=getattr(portal, "contract", None),
            kind=table.meta.export_kind,
            fmt=fmt,
            params=table.params,
        )
        export_jobs.announce_request(request, job)
        return redirect(table.url())
    return table.export_response(fmt)


def render_list(
    request,
    table: Table,
    template_name: str,
    context: dict | None = None,
    *,
    fragment_template: str | None = None,
):
    """Answer a list URL: POST ``export=`` → the file or a job; htmx → the fragment; else
    the page.

    ``template_name`` is the page; it includes ``core/list/list.html`` where the list goes.
    ``fragment_template`` (default ``Meta.fragment_template``) is what an htmx request to
    the list gets: a page that frames the list its own way makes its own fragment, whose
    root element has ``id="{{ table.list_id }}"``, and includes the ``_table``/``_pager``…
    partials.

    A POST carrying the selection form of a ``Meta.select`` table (P-08) updates the
    selection kept in the session, then answers with the fragment (htmx) or redirects to
    the list (no JavaScript). A POST of ``export=xlsx|csv`` exports (``export_list``).
    Other POSTs are the view's business.
    """
    if request.method == "POST":
        fmt = table.posted_export_format(request.POST)
        if fmt:
            return export_list(request, table, fmt)
        if table.meta.select and table.page_pks_param in request.POST:
            table.update_selection(request.POST)
            if not is_fragment_request(request, table):
                return redirect(table.url())
    ctx = {"table": table, **(context or {})}
    fragment = fragment_template or table.meta.fragment_template or FRAGMENT_TEMPLATE
    template = fragment if is_fragment_request(request, table) else template_name
    response = render(request, template, ctx)
    # Same URL, two bodies: caches and the browser must key on the htmx header.
    patch_vary_headers(response, ("HX-Request",))
    return response
