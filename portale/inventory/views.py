"""Linee e listino (guide §7.2): consistencies, price list, "I miei Export".

Every view is guarded by its capability and reads only ``request.portal.contract``; an
object of another contract (a SIM, an export of another user) is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.core import export_jobs
from portale.core.capabilities import capability_required
from portale.core.context import referent_contract_or_404
from portale.core.files import file_response
from portale.core.lists import render_list
from portale.core.models import ExportJob
from portale.core.pdf import file_ready, pdf_response
from portale.core.tabs import Tab
from portale.records import selectors as records

from . import selectors
from .tables import AGGREGATES, DETAILS, ExportTable, ListKind, export_kind_label

MENU = gettext_lazy("Linee e listino")
AGGREGATE = gettext_lazy("Consistenze aggregate")
DETAIL = gettext_lazy("Consistenze di dettaglio")
EXPORTS = gettext_lazy("I miei Export")


def _contract(request):
    """The rows of a list and its export job are keyed by the referent's contract."""
    return referent_contract_or_404(request.portal)


def _kind(registry: dict[str, ListKind], slug: str) -> ListKind:
    try:
        return registry[slug]
    except KeyError:
        raise Http404 from None


# --- consistenze aggregate (F-7.2.1) ---------------------------------------------------------
@capability_required("inventory.aggregate")
def aggregate(request):
    return render(
        request,
        "inventory/landing.html",
        {
            "title": AGGREGATE,
            "breadcrumbs": [(MENU, ""), (AGGREGATE, "")],
            "kinds": AGGREGATES.values(),
            "url_name": "inventory:aggregate_list",
            "intro": _(
                "In questa sezione trovi i totali delle linee e dei servizi del contratto "
                "mobile in convenzione."
            ),
        },
    )


@capability_required("inventory.aggregate")
def aggregate_list(request, kind: str):
    spec = _kind(AGGREGATES, kind)
    table = spec.table.from_request(request, spec.rows(_contract(request)))
    return render_list(
        request,
        table,
        "inventory/list_page.html",
        {
            "title": spec.title,
            "spec": spec,
            "breadcrumbs": [
                (MENU, ""),
                (AGGREGATE, reverse("inventory:aggregate")),
                (spec.title, ""),
            ],
            **_tabs(AGGREGATES, spec, "inventory:aggregate_list"),
            "url_name": "inventory:aggregate_list",
            "hint": _(
                "Ognuna delle liste è esportabile (download) in formato .xlsx o .csv "
                "(utilizzabile con Microsoft Excel o altri programmi che possono gestire lo "
                'stesso formato) cliccando su .xlsx o .csv accanto a "Esporta:".'
            ),
        },
    )


def _tabs(kinds: dict, spec, url_name: str) -> dict:
    """The other lists of the same group ("Su linea", "Servizi su linea (STS)"…) as tabs."""
    return {
        "tabs": [Tab(k.label, reverse(url_name, args=[k.slug]), k is spec) for k in kinds.values()],
        "tabs_label": _("Tipologie di consistenza"),
    }


# --- consistenze di dettaglio (F-7.2.2) ---------------------------------------------------------
@capability_required("inventory.detail")
def detail(request):
    return render(
        request,
        "inventory/landing.html",
        {
            "title": DETAIL,
            "breadcrumbs": [(MENU, ""), (DETAIL, "")],
            "kinds": DETAILS.values(),
            "url_name": "inventory:detail_list",
            "intro": _(
                "In questa sezione trovi l'elenco dettagliato delle linee e dei servizi del "
                "contratto mobile in convenzione."
            ),
        },
    )


@capability_required("inventory.detail")
def detail_list(request, kind: str):
    spec = _kind(DETAILS, kind)
    contract = _contract(request)
    ctx = {
        "title": spec.title,
        "spec": spec,
        "breadcrumbs": [(MENU, ""), (DETAIL, reverse("inventory:detail")), (spec.title, "")],
        **_tabs(DETAILS, spec, "inventory:detail_list"),
        "url_name": "inventory:detail_list",
        "export_queued": True,  # its export links file a job: "Richiedi export"
        "hint": _(
            "Ognuna delle liste è esportabile in formato .xlsx o .csv cliccando su .xlsx o .csv "
            'accanto a "Richiedi export:": l\'export viene preparato mentre continui a usare il '
            'Portale e lo scarichi dalla sezione "I miei Export".'
        ),
    }
    if not spec.on_screen:
        return render(request, "inventory/export_only.html", ctx)
    # P-07: the detail tables export in the background ("I miei Export"): the export icon
    # posts here and render_list files the job.
    total = (lambda: spec.total(contract)) if spec.total else None
    table = spec.table.from_request(request, spec.rows(contract), total=total)
    return render_list(request, table, "inventory/list_page.html", ctx)


@capability_required("inventory.detail")
def export_request(request, kind: str):
    """ "RICHIEDI EXPORT" (and any detail list's export as a form): files an export job."""
    spec = _kind(DETAILS, kind)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    fmt = request.POST.get("format", ExportJob.Format.XLSX)
    if fmt not in ExportJob.Format.values:
        fmt = ExportJob.Format.XLSX
    params = request.POST.copy()
    for name in ("csrfmiddlewaretoken", "format"):
        params.pop(name, None)
    job = export_jobs.export_request(
        user=request.user,
        contract=_contract(request),
        kind=spec.export_kind,
        fmt=fmt,
        params=params,
    )
    export_jobs.announce_request(request, job)
    return redirect("inventory:detail_list", kind=spec.slug)


@capability_required("inventory.detail")
def imei(request, pk: int):
    """G-12 "Richiedi": the IMEI of the device holding the SIM, shown in place (htmx)."""
    sim = selectors.listed_sim(request.portal, pk)
    if sim is None:
        raise Http404
    value = selectors.current_imei(sim)
    template = "inventory/_imei.html" if request.htmx else "inventory/imei_page.html"
    return render(
        request,
        template,
        {
            "sim": sim,
            "imei": value,
            "title": _("IMEI"),
            "breadcrumbs": [
                (MENU, ""),
                (DETAIL, reverse("inventory:detail")),
                (DETAILS["linee"].title, reverse("inventory:detail_list", args=["linee"])),
                (_("IMEI"), ""),
            ],
        },
    )


# --- Visualizza Listino (F-7.2.3) ----------------------------------------------------------------
@capability_required("inventory.price_list")
def price_list(request):
    listino = records.current_price_list()
    if listino is None:
        return render(
            request,
            "inventory/price_list_missing.html",
            {"title": _("Visualizza Listino"), "breadcrumbs": [(MENU, ""), (_("Listino"), "")]},
        )
    if listino.pdf:
        # A managed document uploaded by the operator wins over the generated one.
        return file_ready(
            file_response(
                listino.pdf,
                filename=f"Listino_Convenzione_{listino.version}.pdf",
                content_type="application/pdf",
            )
        )
    pdf = selectors.price_list_pdf(listino)
    return pdf_response(pdf, f"Listino_Convenzione_{listino.version}.pdf")


# --- I miei Export (F-7.2.4) -----------------------------------------------------------------------
def _my_exports(request):
    return ExportJob.objects.filter(user=request.user, contract=_contract(request)).select_related(
        "contract"
    )


@capability_required("inventory.exports")
def exports(request):
    table = ExportTable.from_request(request, _my_exports(request))
    return render_list(
        request,
        table,
        "inventory/exports.html",
        {"title": EXPORTS, "breadcrumbs": [(MENU, ""), (EXPORTS, "")]},
    )


@capability_required("inventory.exports")
def export_download(request, pk: int):
    job = get_object_or_404(_my_exports(request), pk=pk)
    if not job.is_done:
        raise Http404
    return file_response(job.file, filename=job.filename, content_type=job.content_type)


@capability_required("inventory.exports")
def export_delete(request, pk: int):
    job = get_object_or_404(_my_exports(request), pk=pk)
    if request.method == "POST":
        export_jobs.export_delete(job=job)
        messages.success(request, _("L'export è stato eliminato."))
        return redirect("inventory:exports")
    return render(
        request,
        "inventory/export_confirm_delete.html",
        {
            "job": job,
            "kind_label": export_kind_label(job.kind),
            "title": _("Elimina export"),
            "breadcrumbs": [
                (MENU, ""),
                (EXPORTS, reverse("inventory:exports")),
                (_("Elimina"), ""),
            ],
        },
    )
