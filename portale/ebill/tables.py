"""The eBill lists (``core/lists``): invoices, an invoice's lines, billed and unbilled
traffic, cost centres."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.core.lists import (
    DATE,
    DATETIME_SECONDS,
    INTEGER,
    MONEY,
    ActionColumn,
    Column,
    FilterForm,
    LineSearchField,
    Table,
    decimal,
    line_search,
)
from portale.records.models import PaymentState, TrafficEvent

EVENT_MONEY = decimal(4)  # rated amounts have 4 decimals; the invoice rounds their sum


class InvoiceTable(Table):
    number = Column(
        _("N° Fattura"), sort=True, link=lambda i: reverse("ebill:invoice", args=[i.pk])
    )
    bimester = Column(_("Bimestre"), sort=("emission_date",))
    emission_date = Column(_("Emissione"), sort=True, format=DATE)
    due_date = Column(_("Scadenza"), sort=True, format=DATE)
    amount = Column(_("Importo"), sort=True, format=MONEY)
    payment_state = Column(_("Pagamento"), sort=True, choices=PaymentState)
    pdf = ActionColumn(
        _("PDF"),
        icon="it-file-pdf",
        link=lambda i: reverse("ebill:invoice_pdf", args=[i.pk]),
        action_label=lambda i: _("Scarica la fattura %(n)s in PDF") % {"n": i.number},
        prepares_file=True,
    )
    flow = ActionColumn(
        _("Flusso"),
        icon="it-file-csv",
        link=lambda i: reverse("ebill:invoice_flow", args=[i.pk]),
        action_label=lambda i: _("Scarica il flusso della fattura %(n)s (CSV)") % {"n": i.number},
    )

    class Meta:
        key_columns = ("number", "bimester", "amount", "pdf")
        default_order = "-emission_date"
        counter_label = _("Tot. fatture")
        noun = _("fatture")
        noun_one = _("fattura")
        empty_text = _("Nessuna fattura.")
        export_formats = ()
        caption = _("Fatture del contratto")


class PersonalInvoiceTable(InvoiceTable):
    number = Column(
        _("N° Fattura"), sort=True, link=lambda i: reverse("ebill:personal_invoice", args=[i.pk])
    )
    amount = Column(_("Totale (IVA inclusa)"), "total", sort="total", format=MONEY)
    pdf = ActionColumn(
        _("PDF"),
        icon="it-file-pdf",
        link=lambda i: reverse("ebill:personal_pdf", args=[i.pk]),
        action_label=lambda i: _("Scarica la fattura %(n)s in PDF") % {"n": i.number},
        prepares_file=True,
    )
    flow = ActionColumn(
        _("Flusso"),
        icon="it-file-csv",
        link=lambda i: reverse("ebill:personal_flow", args=[i.pk]),
        action_label=lambda i: _("Scarica il flusso della fattura %(n)s (CSV)") % {"n": i.number},
    )

    class Meta:
        caption = _("Le mie fatture personali")


class LineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


class InvoiceLineFilter(FilterForm):
    """The same search over the invoice's stored line rows."""

    linea = LineSearchField()
    lookups = {"linea": line_search(msisdn="msisdn", iccid="line__sims__iccid")}


def invoice_lines_table(invoice):
    """The lines of one invoice with their stored totals: one stored row per line
    (``billing.InvoiceLineCharges``), so a page reads one page of rows."""

    class InvoiceLinesTable(Table):
        msisdn = Column(
            _("Linea"),
            sort=True,
            link=lambda row: (
                reverse("ebill:invoice_line", args=[invoice.pk, row.line_id]) if row.line_id else ""
            ),
        )
        cost_centre = Column(
            _("Centro di costo"), "line.cost_centre.code", sort="line__cost_centre__code"
        )
        plan = Column(
            _("Profilo tariffario"), "line.tariff_plan.name", sort="line__tariff_plan__name"
        )
        fees = Column(_("Canoni e servizi"), "fees_total", format=MONEY)
        traffic = Column(_("Traffico"), "traffic_total", format=MONEY)
        total = Column(_("Totale linea"), "total", format=MONEY, sort=True)

        class Meta:
            filter_form = InvoiceLineFilter
            key_columns = ("msisdn", "total")
            default_order = "msisdn"
            counter_label = _("Tot. linee")
            noun = _("linee")
            noun_one = _("linea")
            export_formats = ()
            caption = _("Linee della fattura")

    return InvoiceLinesTable


class EventTable(Table):
    occurred_at = Column(_("Data e ora"), sort=True, format=DATETIME_SECONDS)
    category = Column(_("Tipologia traffico"), sort=True, choices=TrafficEvent.Category)
    type = Column(_("Tipologia"), sort=True)
    detail = Column(_("Dettaglio"))
    called_number = Column(_("Chiamato"))
    roaming_zone = Column(_("Zona"), choices=TrafficEvent.RoamingZone)
    duration_seconds = Column(_("Durata (s)"), sort=True, format=INTEGER)
    volume_kb = Column(_("Volume (KB)"), sort=True, format=INTEGER)
    net_amount = Column(_("Importo netto bundle €"), sort=True, format=EVENT_MONEY)

    class Meta:
        key_columns = ("occurred_at", "category", "net_amount")
        default_order = "occurred_at"
        counter_label = _("Tot. eventi")
        noun = _("eventi")
        noun_one = _("evento")
        export_name = "traffico"
        caption = _("Eventi di traffico")


class OnlineEventTable(EventTable):
    line = Column(_("Utenza"), "line.msisdn", sort="line__msisdn")

    class Meta:
        key_columns = ("occurred_at", "line", "net_amount")
        default_order = "-occurred_at"
        max_rows = 3000
        export_name = "traffico_on_line"


# The line first: it is what tells the rows of a whole contract apart.
OnlineEventTable.base_columns = {
    "line": OnlineEventTable.base_columns["line"],
    **{k: c for k, c in OnlineEventTable.base_columns.items() if k != "line"},
}


class ReportFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


def line_report_table(sums: dict):
    zero = {"n": 0, "net": None}

    class LineReportTable(Table):
        msisdn = Column(_("Utenza"), sort=True)
        plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")
        cost_centre = Column(_("Centro di costo"), "cost_centre.code", sort="cost_centre__code")
        events = Column(_("Eventi"), lambda line: sums.get(line.pk, zero)["n"], format=INTEGER)
        net = Column(
            _("Importo netto bundle €"),
            lambda line: sums.get(line.pk, zero)["net"] or 0,
            format=MONEY,
        )

        class Meta:
            filter_form = ReportFilter
            key_columns = ("msisdn", "net")
            default_order = "msisdn"
            counter_label = _("Tot. linee")
            noun = _("linee")
            noun_one = _("linea")
            export_name = "report_per_contratto"
            caption = _("Report per contratto")

    return LineReportTable


class BundleTable(Table):
    line = Column(_("Utenza"), "line.msisdn", sort="line__msisdn")
    name = Column(_("Bundle"), sort=True)
    scope = Column(
        _("Ambito"), sort=True, choices=[("NAZIONALE", _("Nazionale")), ("ROAMING", _("Roaming"))]
    )
    unit = Column(_("Unità"), choices=[("GB", "GB"), ("MIN", _("minuti")), ("SMS", "SMS")])
    total = Column(_("Totale"), sort=True, format=decimal(2))
    remaining = Column(_("Rimanente"), sort=True, format=decimal(2))
    used = Column(_("Consumato"), "used", format=decimal(2))
    updated_at = Column(_("Aggiornato al"), sort=True, format=DATETIME_SECONDS)

    class Meta:
        key_columns = ("line", "name", "remaining")
        default_order = "line"
        counter_label = _("Tot. bundle")
        noun = _("bundle")
        export_name = "monitoraggio_bundle"
        caption = _("Monitoraggio bundle")


class CentreFilter(FilterForm):
    codice = forms.CharField(label=_("Codice o descrizione"), max_length=40)
    lookups = {"codice": "code__icontains"}


class CostCentreTable(Table):
    code = Column(_("Codice"), sort=True)
    name = Column(_("Descrizione"), sort=True)
    line_count = Column(_("Linee"), sort=True, format=INTEGER)

    class Meta:
        filter_form = CentreFilter
        key_columns = ("code", "line_count")
        default_order = "code"
        counter_label = _("Tot. centri di costo")
        noun = _("centri di costo")
        noun_one = _("centro di costo")
        export_name = "centri_di_costo"
        empty_text = _("Nessun centro di costo: creane uno qui sotto.")
        caption = _("Centri di costo")


class AllocationLineTable(Table):
    msisdn = Column(_("Linea"), sort=True)
    cost_centre = Column(_("Centro di costo"), "cost_centre.code", sort="cost_centre__code")
    plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")

    class Meta:
        filter_form = LineFilter
        key_columns = ("msisdn", "cost_centre")
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_name = "linee_centri_di_costo"
        caption = _("Linee e centri di costo")
