"""eBill (F-7.4.2–F-7.4.4, F-9.2.1.2 "CONSULTA"): TIM's billing and traffic publishing
system, opened in a new window through the hand-off (``portale/core/handoff.py``).

Every page is guarded by ``ebill_page`` (the hand-off grant, re-checked on every request)
and reads through ``request.handoff_scope``: the grant's contract for a referent, the own
line for an employee; an object outside it is 404. Writes (cost centres) go through
``portale.records.services``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portale.billing import selectors as billing
from portale.core.dates import DateField, check_period
from portale.core.exports import csv_response
from portale.core.handoff import handoff_required
from portale.core.lists import TEXT, render_list
from portale.core.pdf import pdf_response
from portale.records import selectors as records
from portale.records import services as records_services
from portale.records.models import TrafficEvent
from portale.records.services import RecordError
from portale.sim.bulk import BulkError

from . import allocation, selectors, tables
from .forms import AssignForm, CostCentreForm, CsvForm, DeleteForm, RenameForm

COMPANY = "billing.ebill"
SUBSCRIPTIONS = "billing.ebill_subscriptions"
PREPAID = "billing.ebill_prepaid"
PERSONAL = "myline.dual_invoice"


def ebill_page(capability: str):
    return handoff_required("ebill", capability)


def _render(request, template: str, context: dict, *, tab: str = ""):
    context = {"tab": tab, "scope": request.handoff_scope, **context}
    return render(request, template, context)


def _greeting() -> str:
    hour = timezone.localtime().hour
    if hour < 13:
        return _("Buongiorno")
    if hour < 18:
        return _("Buon pomeriggio")
    return _("Buonasera")


# --- Home and communications ----------------------------------------------------------------

NEW_DAYS = 30  # a communication is "new" for 30 days after its publication


def _communications(scope) -> list[dict]:
    """The publication notices: one per invoice (company, or the employee's personal ones)."""
    if scope.line is not None:
        invoices = selectors.personal_invoices(scope=scope)[:12]
        link = "ebill:personal_invoice"
    else:
        invoices = selectors.company_invoices(scope=scope)[:12]
        link = "ebill:invoice"
    since = timezone.localdate() - datetime.timedelta(days=NEW_DAYS)
    return [
        {
            "date": inv.emission_date,
            "new": inv.emission_date >= since,
            "text": _("È disponibile la fattura %(n)s del bimestre %(b)s.")
            % {"n": inv.number, "b": inv.bimester},
            "url": reverse(link, args=[inv.pk]),
        }
        for inv in invoices
    ]


@ebill_page(COMPANY)
def home(request):
    news = _communications(request.handoff_scope)
    return _render(
        request,
        "ebill/home.html",
        {
            "title": _("Home Page"),
            "greeting": _greeting(),
            "new_count": sum(1 for n in news if n["new"]),
        },
        tab="home",
    )


@ebill_page(COMPANY)
def communications(request):
    return _render(
        request,
        "ebill/communications.html",
        {"title": _("Comunicazioni"), "news": _communications(request.handoff_scope)},
        tab="home",
    )


# --- Fatturazione: invoice navigation --------------------------------------------------------


@ebill_page(COMPANY)
def invoices(request):
    table = tables.InvoiceTable.from_request(
        request, selectors.company_invoices(scope=request.handoff_scope)
    )
    return render_list(
        request,
        table,
        "ebill/invoices.html",
        {"title": _("Fatturazione"), "tab": "invoices", "scope": request.handoff_scope},
    )


def _company_invoice(request, pk: int):
    invoice = selectors.company_invoice(scope=request.handoff_scope, pk=pk)
    if invoice is None:
        raise Http404
    return invoice


@ebill_page(COMPANY)
def invoice(request, pk: int):
    """The invoice: its summary, its totals by section and service, its lines (a page of
    the rows stored with it: the whole invoice is never read)."""
    inv = _company_invoice(request, pk)
    summary = selectors.summary(invoice=inv)
    table = tables.invoice_lines_table(inv).from_request(
        request, selectors.invoice_lines(invoice=inv)
    )
    return render_list(
        request,
        table,
        "ebill/invoice.html",
        {
            "title": _("Fattura %(n)s") % {"n": inv.number},
            "invoice": inv,
            "charges": summary,
            "services": selectors.totals_by_service(summary),
            "tab": "invoices",
            "scope": request.handoff_scope,
        },
    )


@ebill_page(COMPANY)
def invoice_line(request, pk: int, line_pk: int):
    """One line of the invoice: its fees and traffic rows, and every billed event."""
    inv = _company_invoice(request, pk)
    found = selectors.invoice_line(invoice=inv, line_pk=line_pk)
    if found is None:
        raise Http404
    line, lc = found
    summary = selectors.summary(invoice=inv)
    return _line_page(request, inv, summary, line, lc, back=reverse("ebill:invoice", args=[inv.pk]))


def _line_page(request, inv, c, line, lc, *, back: str, tab: str = "invoices"):
    events = selectors.billed_events(invoice=inv, line=line)
    table = tables.EventTable.from_request(request, events)
    return render_list(
        request,
        table,
        "ebill/invoice_line.html",
        {
            "title": _("Linea %(m)s · fattura %(n)s") % {"m": line.msisdn, "n": inv.number},
            "invoice": inv,
            "charges": c,
            "line": line,
            "lc": lc,
            "check": selectors.billed_traffic_check(events, lc),
            "back": back,
            "tab": tab,
            "scope": request.handoff_scope,
        },
    )


@ebill_page(COMPANY)
def invoice_pdf(request, pk: int):
    inv = _company_invoice(request, pk)
    return pdf_response(billing.invoice_pdf_bytes(invoice=inv), f"fattura_{inv.number}.pdf")


class _FlowColumn:
    format = TEXT

    def __init__(self, label):
        self.label = label


def _flow_response(inv, c, centres):
    columns = [_FlowColumn(h) for h in selectors.FLOW_HEADER]
    rows = selectors.flow_rows(invoice=inv, c=c, centres=centres)
    return csv_response(rows, columns, f"flusso_{inv.number}.csv")


@ebill_page(COMPANY)
def invoice_flow(request, pk: int):
    """The invoice's "flusso": every charge line as CSV (format: ``ebill/FLUSSO.md``)."""
    inv = _company_invoice(request, pk)
    c = selectors.charges(invoice=inv)
    centres = selectors.cost_centre_codes(lines=selectors.invoice_line_objects(invoice=inv))
    return _flow_response(inv, c, centres)


# --- Traffico on line ---------------------------------------------------------------------------


class OnlineFilter(forms.Form):
    """ "Dettaglio del Traffico On Line Netto Bundle": Utenza, Periodo (Dal, Al), Tipologia."""

    utenza = forms.ChoiceField(label=gettext_lazy("Utenza"), required=False)
    dal = DateField(
        label=gettext_lazy("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    al = DateField(
        label=gettext_lazy("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tipologia = forms.ChoiceField(label=gettext_lazy("Tipologia Traffico"), required=False)

    def __init__(self, *args, lines, window, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = window
        self.fields["utenza"].choices = [("", _("Tutte"))] + [(str(pk), m) for pk, m in lines]
        self.fields["tipologia"].choices = [("", _("Tutte"))] + list(TrafficEvent.Category.choices)
        lo, hi = window
        for name in ("dal", "al"):
            self.fields[name].widget.attrs.update(min=lo.isoformat(), max=hi.isoformat())

    def clean(self):
        data = super().clean()
        check_period(
            self,
            window=self.window,
            window_message=gettext_lazy(
                "Il periodo deve essere compreso tra il %(lo)s e il %(hi)s "
                "(mese in corso e precedente)."
            ),
        )
        lo, hi = self.window
        data["start"], data["end"] = data.get("dal") or lo, data.get("al") or hi
        return data


ONLINE_PAGES = {
    "detail": gettext_lazy("Dettaglio del Traffico On Line Netto Bundle"),
    "summary": gettext_lazy("Sintesi dei Consumi"),
    "report": gettext_lazy("Report per Contratto"),
    "bundles": gettext_lazy("Monitoraggio Bundle"),
    "recharges": gettext_lazy("Ricariche e credito aziendale"),
}


def _online(request, *, prepaid: bool, page: str):
    scope = request.handoff_scope
    window = selectors.online_window()
    lines = selectors.lines_in_scope(scope=scope, prepaid=prepaid)
    form = OnlineFilter(
        request.GET or None,
        lines=lines.order_by("msisdn").values_list("pk", "msisdn")[:2000],
        window=window,
    )
    start, end, line_pk, category = window[0], window[1], None, ""
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        line_pk = int(form.cleaned_data["utenza"]) if form.cleaned_data["utenza"] else None
        category = form.cleaned_data["tipologia"]
    events = selectors.unbilled_events(
        scope=scope, prepaid=prepaid, start=start, end=end, line_pk=line_pk, category=category
    )
    if form.is_bound and not form.is_valid():
        events = events.none()  # a search not understood lists nothing; the fields say why
    kind = "prepaid" if prepaid else "subscriptions"
    context = {
        "title": _("Traffico on line ricaricabili")
        if prepaid
        else _("Traffico on line abbonamenti"),
        "subtitle": ONLINE_PAGES[page],
        "page": page,
        "kind": kind,
        "prepaid": prepaid,
        "form": form,
        "start": start,
        "end": end,
        "updated": timezone.localtime(),
        "tab": "traffic_prepaid" if prepaid else "traffic",
        "scope": scope,
        "pages": [
            (
                p,
                ONLINE_PAGES[p],
                reverse(f"ebill:{kind}_{p}" if p != "detail" else f"ebill:traffic_{kind}"),
            )
            for p in ONLINE_PAGES
            if p != "recharges" or prepaid
        ],
    }
    if page == "detail":
        table = tables.OnlineEventTable.from_request(request, events)
    elif page == "summary":
        context["summary"] = selectors.consumption_summary(events)
        return render(request, "ebill/online.html", context)
    elif page == "report":
        sums = selectors.report_by_line(events)
        table = tables.line_report_table(sums).from_request(request, lines)
    elif page == "bundles":
        table = tables.BundleTable.from_request(
            request, selectors.bundles(scope=scope, prepaid=prepaid)
        )
    else:
        context["recharges"] = selectors.company_recharges(
            scope=scope, start=window[0], end=window[1]
        )
        context["credit_lines"] = lines.order_by("msisdn")
        context["credit_total"] = sum((ln.company_credit for ln in lines), 0)
        return render(request, "ebill/online.html", context)
    return render_list(request, table, "ebill/online.html", context)


def _online_view(capability: str, *, prepaid: bool, page: str):
    @ebill_page(capability)
    def view(request):
        return _online(request, prepaid=prepaid, page=page)

    view.__name__ = f"online_{'prepaid' if prepaid else 'subscriptions'}_{page}"
    return view


traffic_subscriptions = _online_view(SUBSCRIPTIONS, prepaid=False, page="detail")
subscriptions_summary = _online_view(SUBSCRIPTIONS, prepaid=False, page="summary")
subscriptions_report = _online_view(SUBSCRIPTIONS, prepaid=False, page="report")
subscriptions_bundles = _online_view(SUBSCRIPTIONS, prepaid=False, page="bundles")
traffic_prepaid = _online_view(PREPAID, prepaid=True, page="detail")
prepaid_summary = _online_view(PREPAID, prepaid=True, page="summary")
prepaid_report = _online_view(PREPAID, prepaid=True, page="report")
prepaid_bundles = _online_view(PREPAID, prepaid=True, page="bundles")
prepaid_recharges = _online_view(PREPAID, prepaid=True, page="recharges")


# --- Gestione dei Centri di Costo -----------------------------------------------------------------


def _centres_page(request, **forms_):
    scope = request.handoff_scope
    contract = scope.contract
    table = tables.CostCentreTable.from_request(
        request, records.cost_centres_for_portal(ctx=scope), prefix="cdc"
    )
    context = {
        "title": _("Gestione dei Centri di Costo"),
        "tab": "centres",
        "scope": scope,
        "create_form": forms_.get("create_form") or CostCentreForm(contract=contract),
        "rename_form": forms_.get("rename_form") or RenameForm(contract=contract),
        "delete_form": forms_.get("delete_form") or DeleteForm(contract=contract),
        "assign_form": forms_.get("assign_form") or AssignForm(contract=contract),
        "csv_form": forms_.get("csv_form") or CsvForm(contract=contract),
        "csv_errors": forms_.get("csv_errors") or [],
        "csv_header": ";".join(allocation.HEADER),
    }
    if not forms_:  # the page, its list's htmx updates and exports
        return render_list(request, table, "ebill/centres.html", context)
    context["table"] = table  # a form with errors, next to its fields
    return render(request, "ebill/centres.html", context, status=400)


@ebill_page(COMPANY)
def centres(request):
    return _centres_page(request)


def _done(request, text: str):
    messages.success(request, text)
    return redirect("ebill:centres")


@ebill_page(COMPANY)
@require_POST
def centre_create(request):
    contract = request.handoff_scope.contract
    form = CostCentreForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            centre = records_services.cost_centre_create(
                contract=contract, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
            )
        except RecordError as err:
            form.add_error("code", str(err))
        else:
            return _done(request, _("Centro di costo %(c)s creato.") % {"c": centre.code})
    return _centres_page(request, create_form=form)


@ebill_page(COMPANY)
@require_POST
def centre_rename(request):
    contract = request.handoff_scope.contract
    form = RenameForm(request.POST, contract=contract)
    if form.is_valid():
        centre = records_services.cost_centre_update(
            contract=contract,
            cost_centre_id=form.cleaned_data["centre"].pk,
            name=form.cleaned_data["name"],
        )
        return _done(request, _("Centro di costo %(c)s rinominato.") % {"c": centre.code})
    return _centres_page(request, rename_form=form)


@ebill_page(COMPANY)
@require_POST
def centre_delete(request):
    contract = request.handoff_scope.contract
    form = DeleteForm(request.POST, contract=contract)
    if form.is_valid():
        centre = form.cleaned_data["centre"]
        n = records_services.cost_centre_delete(contract=contract, cost_centre_id=centre.pk)
        return _done(
            request,
            _("Centro di costo %(c)s eliminato; %(n)s linee non sono più assegnate.")
            % {"c": centre.code, "n": n},
        )
    return _centres_page(request, delete_form=form)


@ebill_page(COMPANY)
@require_POST
def centre_assign(request):
    contract = request.handoff_scope.contract
    form = AssignForm(request.POST, contract=contract)
    if form.is_valid():
        line, centre = form.cleaned_data["line"], form.cleaned_data["centre"]
        records_services.lines_cost_centre_assign(
            contract=contract, assignments={line.pk: centre.pk if centre else None}
        )
        return _done(
            request,
            _("Linea %(m)s assegnata a %(c)s.") % {"m": line.msisdn, "c": centre.code}
            if centre
            else _("Linea %(m)s tolta dal suo centro di costo.") % {"m": line.msisdn},
        )
    return _centres_page(request, assign_form=form)


@ebill_page(COMPANY)
@require_POST
def centre_csv(request):
    contract = request.handoff_scope.contract
    form = CsvForm(request.POST, request.FILES, contract=contract)
    if form.is_valid():
        try:
            assignments = allocation.parse_assignments(
                contract=contract, text=form.cleaned_data["file"]
            )
            n = records_services.lines_cost_centre_assign(
                contract=contract, assignments=assignments
            )
        except BulkError as err:
            return _centres_page(request, csv_form=form, csv_errors=err.errors)
        except RecordError as err:
            return _centres_page(request, csv_form=form, csv_errors=[str(err)])
        return _done(request, _("File applicato: %(n)s linee assegnate.") % {"n": n})
    return _centres_page(request, csv_form=form)


@ebill_page(COMPANY)
def centres_allocation(request):
    """Every invoice and the unbilled traffic, allocated by cost centre."""
    scope = request.handoff_scope
    lines = records.lines_of_contract(contract=scope.contract)
    centres = selectors.centre_names(lines=lines)
    per_invoice = []
    for inv in selectors.company_invoices(scope=scope)[:12]:
        c = selectors.charges(invoice=inv)
        per_invoice.append(
            {
                "invoice": inv,
                "charges": c,
                "rows": selectors.allocate_invoice(invoice=inv, c=c, centres=centres),
            }
        )
    start, end = selectors.online_window()
    unbilled = selectors.allocate_unbilled(scope=scope, start=start, end=end)
    table = tables.AllocationLineTable.from_request(
        request, lines.select_related("cost_centre", "tariff_plan"), prefix="linee"
    )
    return render_list(
        request,
        table,
        "ebill/allocation.html",
        {
            "title": _("Ripartizione per centro di costo"),
            "per_invoice": per_invoice,
            "unbilled": unbilled,
            "unbilled_total": sum((a.amount for a in unbilled), 0),
            "start": start,
            "end": end,
            "tab": "centres",
            "scope": scope,
        },
    )


# --- Applicazioni di servizio: Manuali --------------------------------------------------------------


@ebill_page(COMPANY)
def manuals(request):
    return _render(request, "ebill/manuals.html", {"title": _("Manuali")}, tab="manuals")


@ebill_page(PERSONAL)
def personal_manuals(request):
    return _render(request, "ebill/manuals.html", {"title": _("Manuali")}, tab="manuals")


# --- The employee's personal invoices ("CONSULTA") ---------------------------------------------------


@ebill_page(PERSONAL)
def personal(request):
    table = tables.PersonalInvoiceTable.from_request(
        request, selectors.personal_invoices(scope=request.handoff_scope)
    )
    news = _communications(request.handoff_scope)
    return render_list(
        request,
        table,
        "ebill/personal.html",
        {
            "title": _("Le mie fatture"),
            "greeting": _greeting(),
            "new_count": sum(1 for n in news if n["new"]),
            "news": news,
            "tab": "personal",
            "scope": request.handoff_scope,
        },
    )


def _personal_invoice(request, pk: int):
    inv = selectors.personal_invoice(scope=request.handoff_scope, pk=pk)
    if inv is None:
        raise Http404
    return inv


@ebill_page(PERSONAL)
def personal_invoice(request, pk: int):
    inv = _personal_invoice(request, pk)
    c = selectors.charges(invoice=inv)
    line = request.handoff_scope.line
    lc = selectors.line_charges(c).get(line.msisdn)
    if lc is None:  # an invoice loaded without its charges: the summary only
        return _render(
            request,
            "ebill/invoice_line.html",
            {
                "title": _("Fattura %(n)s") % {"n": inv.number},
                "invoice": inv,
                "charges": c,
                "line": line,
                "personal": True,
                "back": reverse("ebill:personal"),
            },
            tab="personal",
        )
    return _line_page(request, inv, c, line, lc, back=reverse("ebill:personal"), tab="personal")


@ebill_page(PERSONAL)
def personal_pdf(request, pk: int):
    inv = _personal_invoice(request, pk)
    return pdf_response(billing.invoice_pdf_bytes(invoice=inv), f"fattura_{inv.number}.pdf")


@ebill_page(PERSONAL)
def personal_flow(request, pk: int):
    inv = _personal_invoice(request, pk)
    return _flow_response(inv, selectors.charges(invoice=inv), {})
