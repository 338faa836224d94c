"""TEM, "Modulo TEM" (F-7.4.9, G-56): expense reports, trends, top lines, anomalies, invoice audit.

TEM is a separate system: "Modulo TEM" (``billing:tem``) opens it in a new window through
the single sign-on hand-off (``portale/core/handoff.py``), and every page is guarded by
``tem_page`` (the grant, re-checked against the records on every request). Every page reads
the usage aggregates through ``tem.selectors`` (never the traffic events) within the user's
TEM scope (``tem_scope``: the contracts where the records make them Referente Master,
Mandatario or Referente eBill, re-read at every request; the contract handed over is the
default filter); an object outside it answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portale.core import exports
from portale.core.handoff import handoff_required
from portale.core.lists.formats import INTEGER, MONEY, TEXT, decimal
from portale.core.pdf import pdf_response, render_pdf
from portale.core.tabs import tabs
from portale.records import selectors as records

from . import anomalies, selectors, services
from .forms import TemFilterForm
from .selectors import Pivot, TemScope

CAP = "billing.tem"

TABS = [
    ("tem:report", gettext_lazy("Report")),
    ("tem:trend", gettext_lazy("Andamento")),
    ("tem:top_lines", gettext_lazy("Linee con la spesa più alta")),
    ("tem:anomalies", gettext_lazy("Anomalie")),
    ("tem:audit", gettext_lazy("Verifica fatture")),
]


tem_page = handoff_required("tem", CAP)


def scope_of(request) -> TemScope:
    scope = selectors.tem_scope(mobile=getattr(request.user, "mobile", ""))
    if request.handoff.contract_id not in scope.ids:
        raise Http404
    return scope


def _defaults(request, extra: dict | None = None) -> dict:
    """The contract handed over is the default contract filter."""
    return {"contratto": [str(request.handoff.contract_id)], **(extra or {})}


def _page(request, template: str, context: dict, *, tab: str):
    return render(
        request,
        template,
        {
            "tabs": tabs([(name, label, name) for name, label in TABS], active=tab),
            "tabs_label": _("Sezioni del Modulo TEM"),
            "breadcrumbs": [(_("Modulo TEM"), reverse("tem:report")), (context["title"], None)],
            **context,
        },
    )


class _Col:
    def __init__(self, label, fmt):
        self.label, self.format = label, fmt


def _measure_format(pivot: Pivot):
    unit = pivot.measure.unit
    return {"€": MONEY, "": INTEGER, "min": decimal(2), "GB": decimal(3)}[unit]


def export_columns(pivot: Pivot) -> list[_Col]:
    fmt = _measure_format(pivot)
    cols = [_Col(pivot.row_dim.label, TEXT)]
    if pivot.col_dim is not None:
        cols += [_Col(label, fmt) for _k, label in pivot.cols]
    cols.append(_Col(_("Totale"), fmt))
    return cols


def export_rows(pivot: Pivot):
    for row in pivot.table():
        yield [row["label"], *(row["values"] if pivot.col_dim else []), row["total"]]
    yield [_("Totale"), *(pivot.col_totals if pivot.col_dim else []), pivot.total]


def _report(request, *, tab: str, title: str, defaults: dict | None = None, intro: str = ""):
    scope = scope_of(request)
    form = TemFilterForm(request.GET, scope=scope, defaults=_defaults(request, defaults))
    pivot = None
    if form.is_valid():
        d = form.cleaned_data
        pivot = selectors.report(
            scope, form.filters(), rows=d["righe"], cols=d["colonne"], measure=d["misura"]
        )
        fmt = request.GET.get("formato")
        if fmt == "xlsx":
            return exports.xlsx_response(
                export_rows(pivot),
                export_columns(pivot),
                exports.export_filename("tem_report", "xlsx"),
                sheet_name="Report TEM",
            )
        if fmt == "pdf":
            pdf = render_pdf(
                "tem/pdf/report.html",
                {"title": title, "pivot": pivot, "filters": _filter_summary(form), "scope": scope},
                request=request,
            )
            return pdf_response(pdf, exports.export_filename("tem_report", "pdf"))
    query = request.GET.copy()
    query.pop("formato", None)
    return _page(
        request,
        "tem/report.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            "pivot": pivot,
            "chart": pivot.chart() if pivot else None,
            "chart_kind": "line"
            if (defaults or {}).get("righe") in ("mese", "bimestre")
            else "bar",
            "query": query.urlencode(),
            "filter_summary": _filter_summary(form) if pivot else [],
        },
        tab=tab,
    )


def _filter_summary(form: TemFilterForm) -> list[tuple[str, str]]:
    """The filters applied, as label → values, for the page's caption and the PDF."""
    out = []
    for name in ("contratto", "sede", "cdc", "tipo", "zona", "addebito"):
        values = form.cleaned_data.get(name) or []
        if values:
            labels = dict(form.fields[name].choices)
            out.append((form.fields[name].label, ", ".join(str(labels[v]) for v in values)))
    raw_lines = form.data.get("linee", "").strip()
    if raw_lines:
        out.append((form.fields["linee"].label, raw_lines))
    billing = form.cleaned_data.get("fatturazione")
    if billing:
        out.append(
            (form.fields["fatturazione"].label, dict(form.fields["fatturazione"].choices)[billing])
        )
    months = dict(form.fields["da"].choices)
    out.append(
        (_("Periodo"), f"{months[form.cleaned_data['da']]} - {months[form.cleaned_data['a']]}")
    )
    return out


@tem_page
def report(request):
    return _report(
        request,
        tab="tem:report",
        title=_("Report di spesa"),
        intro=_(
            "Scegli i filtri e come raggruppare gli importi. Grafico e tabella mostrano gli "
            "stessi valori; puoi esportarli in Excel o PDF."
        ),
    )


@tem_page
def trend(request):
    return _report(
        request,
        tab="tem:trend",
        title=_("Andamento della spesa"),
        defaults={
            "righe": "mese",
            "colonne": "tipo",
            "da": selectors.recent_months(13)[-1].strftime("%Y-%m"),
        },
        intro=_('L\'andamento per mese o per bimestre (scegli "Raggruppa per").'),
    )


@tem_page
def top_lines(request):
    scope = scope_of(request)
    form = TemFilterForm(request.GET, scope=scope, defaults=_defaults(request))
    rows = selectors.top_lines(scope, form.filters()) if form.is_valid() else []
    chart = {
        "categories": [r.msisdn for r in rows],
        "series": [{"name": _("Importo netto (€)"), "data": [str(r.net) for r in rows]}],
        "unit": "€",
        "measure": _("Importo netto (€)"),
    }
    return _page(
        request,
        "tem/top_lines.html",
        {"title": _("Linee con la spesa più alta"), "form": form, "rows": rows, "chart": chart},
        tab="tem:top_lines",
    )


@tem_page
def anomalies_view(request):
    scope = scope_of(request)
    months = selectors.recent_months(13)
    choices = [(f"{m:%Y-%m}", f"{m:%m/%Y}") for m in months]
    chosen = request.GET.get("mese") or choices[1][0]
    if chosen not in dict(choices):
        chosen = choices[1][0]
    month = next(m for m in months if f"{m:%Y-%m}" == chosen)
    idle = anomalies.idle_lines(scope)
    return _page(
        request,
        "tem/anomalies.html",
        {
            "title": _("Anomalie"),
            "months": choices,
            "chosen": chosen,
            "month": month,
            "spikes": anomalies.spikes(scope, month),
            "roaming": anomalies.first_extra_eu(scope, month),
            "idle": idle[:200],
            "idle_count": len(idle),
            "factor": anomalies.SPIKE_FACTOR,
            "trailing": anomalies.TRAILING_MONTHS,
            "min_increase": anomalies.MIN_INCREASE,
            "idle_days": anomalies.IDLE_DAYS,
        },
        tab="tem:anomalies",
    )


@tem_page
def audit(request):
    scope = scope_of(request)
    invoices = list(
        records.company_invoices_of_contracts(contracts=scope.ids)
        .select_related("contract")
        .order_by("-emission_date", "number")[:60]
    )
    runs = selectors.last_audits(invoices=[i.pk for i in invoices])
    return _page(
        request,
        "tem/audit.html",
        {"title": _("Verifica fatture"), "rows": [(i, runs.get(i.pk)) for i in invoices]},
        tab="tem:audit",
    )


def _invoice_in_scope(request, pk: int):
    scope = scope_of(request)
    invoice = (
        records.company_invoices_of_contracts(contracts=scope.ids)
        .select_related("contract")
        .filter(pk=pk)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


DIFFERENCES_SHOWN = 500  # the page lists the first ones; every one is stored


@tem_page
@require_GET
def audit_detail(request, pk: int):
    """The invoice's last audit run: its progress while "In corso" (the fragment polls
    itself through htmx), then its outcome. Reads only: the run is started by a POST."""
    invoice = _invoice_in_scope(request, pk)
    run = selectors.last_audit(invoice=invoice)
    context = {
        "title": _("Verifica della fattura %(n)s") % {"n": invoice.number},
        "invoice": invoice,
        "run": run,
        "differences": selectors.audit_differences(run=run, limit=DIFFERENCES_SHOWN)
        if run is not None and run.state == run.State.DONE
        else [],
        "shown_max": DIFFERENCES_SHOWN,
    }
    if request.htmx:
        return render(request, "tem/_audit_run.html", context)
    return _page(request, "tem/audit_detail.html", context, tab="tem:audit")


@tem_page
def audit_start(request, pk: int):
    """ "Avvia verifica": one run per invoice at a time (a double click makes one run).
    Another contract's invoice is 404 whatever the method; a GET of one's own is 405."""
    invoice = _invoice_in_scope(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.invoice_audit_request(invoice=invoice, user=request.user)
    return redirect("tem:audit_detail", pk=invoice.pk)
