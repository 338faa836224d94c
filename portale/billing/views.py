"""F-7.4.1 "Fatture aziendali": the contract's invoices of the last 12 months, with PDFs."""

from __future__ import annotations

from django import forms
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Cast, StrIndex, Substr
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from portale.core import handoff
from portale.core.capabilities import capability_required
from portale.core.lists import DATE, ActionColumn, Column, FilterForm, Table, render_list
from portale.core.pdf import pdf_response
from portale.core.templatetags.portal import url_with_id
from portale.records.models import PaymentState

from . import selectors
from .models import EInvoice
from .templatetags.traffic_format import eur


class InvoiceFilter(FilterForm):
    numero = forms.CharField(label=_("N° fattura"), max_length=20)
    bimestre = forms.ChoiceField(label=_("Bimestre"))
    pagamento = forms.ChoiceField(label=_("Stato pagamento"))
    lookups = {
        "numero": "number__icontains",
        "bimestre": "bimester",
        "pagamento": "payment_state",
    }

    def __init__(self, *args, bimesters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bimestre"].choices = [("", _("Tutti"))] + [(b, b) for b in bimesters]
        self.fields["pagamento"].choices = [("", _("Tutti"))] + list(PaymentState.choices)


class InvoiceTable(Table):
    number = Column(_("N° fattura"), sort="number")
    bimester = Column(_("Bimestre"), sort=("bimester_year", "bimester_num"))
    payment_state = Column(
        _("Pagamento"), "payment_state", sort="payment_state", choices=PaymentState
    )
    amount = Column(_("Importo"), lambda i: eur(i.amount), sort="amount", css_class="text-end")
    emission_date = Column(_("Emissione"), sort=True, format=DATE)
    due_date = Column(_("Scadenza"), sort=True, format=DATE)
    pdf = ActionColumn(
        _("PDF"),
        icon="it-file-pdf",
        link=lambda i: url_with_id("billing:invoice_pdf", i.pk),
        action_label=lambda i: _("Scarica la fattura %(n)s in PDF") % {"n": i.number},
        prepares_file=True,
    )
    xml = ActionColumn(
        _("XML"),
        icon="it-file-xml",
        link=lambda i: url_with_id("billing:invoice_xml", i.pk) if _xml_ready(i) else "",
        action_label=lambda i: (
            _("Scarica la fattura elettronica %(n)s (XML FatturaPA)") % {"n": i.number}
        ),
    )
    sdi = Column(_("Stato SdI"), lambda i: _sdi_state(i))
    # The eye icon opens the invoice on eBill in a new window, through the hand-off (P-11).
    ebill = ActionColumn(
        _("eBill"),
        icon="it-password-visible",
        link=lambda i: handoff.start_url("ebill:open", url_with_id("ebill:invoice", i.pk)),
        action_label=lambda i: (
            _("Visualizza il traffico della fattura %(n)s su eBill") % {"n": i.number}
        ),
        new_window=True,
    )

    class Meta:
        key_columns = ("number", "amount", "due_date", "pdf")
        default_order = "-emission_date"
        empty_text = _("Nessuna fattura trovata.")
        counter_label = _("Tot. fatture")
        noun = _("fatture")
        noun_one = _("fattura")
        export_formats = ()
        caption = _("Fatture aziendali")


def _with_sdi(qs):
    """The SdI columns of each invoice — its FatturaPA file's state, name and error code,
    the numbers of its credit note and of the invoice replacing it — read as values of the
    row: ``select_related`` of the three one-to-one relations built four model instances a
    row, ~1 ms of a page (issue 17)."""
    return qs.annotate(
        einvoice_state=F("einvoice__state"),
        einvoice_file_name=F("einvoice__file_name"),
        einvoice_error_code=F("einvoice__error_code"),
        credit_note_number=F("credit_note__number"),
        replaced_by_number=F("replaced_by__number"),
    )


def _xml_ready(invoice) -> bool:
    return bool(invoice.einvoice_file_name)


SDI_STATES = dict(EInvoice.State.choices)


def _sdi_state(invoice) -> str:
    if invoice.cancelled_on:
        note, replaced = invoice.credit_note_number, invoice.replaced_by_number
        return _("Annullata con nota di credito %(c)s, sostituita dalla %(n)s") % {
            "c": "-" if note is None else note,
            "n": "-" if replaced is None else replaced,
        }
    state = invoice.einvoice_state  # None: no file yet (the state of a file is never empty)
    if state is None:
        return _("Da inviare")
    label = SDI_STATES.get(state, state)
    if state == EInvoice.State.REJECTED:
        return f"{label} ({invoice.einvoice_error_code})"
    return str(label)


def _bimester_sort(qs):
    """Annotate year and number of "4/2021" so the column sorts chronologically."""
    slash = StrIndex("bimester", Value("/"))
    return qs.annotate(
        bimester_num=Cast(Substr("bimester", 1, slash - 1), IntegerField()),
        bimester_year=Cast(Substr("bimester", slash + 1, 4), IntegerField()),
    )


@capability_required("billing.invoices")
def invoices(request):
    contract = request.portal.contract
    if contract is None:
        raise Http404
    base = _with_sdi(_bimester_sort(selectors.company_invoices(contract=contract)))
    by_bimester = selectors.company_invoice_bimesters(contract=contract)
    bimesters = sorted(
        by_bimester, key=lambda s: (int(s.split("/")[1]), int(s.split("/")[0])), reverse=True
    )
    table = InvoiceTable.from_request(request, base, total=lambda: sum(by_bimester.values()))
    table.form = InvoiceFilter(data=request.GET, bimesters=bimesters)
    return render_list(
        request,
        table,
        "billing/invoices.html",
        {
            "title": _("Fatture aziendali"),
            "breadcrumbs": [(_("Fatturazione e traffico"), ""), (_("Fatture aziendali"), "")],
            "contract": contract,
        },
    )


@capability_required("billing.invoices")
def invoice_pdf(request, pk: int):
    invoice = selectors.company_invoice(contract=request.portal.contract, pk=pk)
    if invoice is None:
        raise Http404
    return pdf_response(
        selectors.invoice_pdf_bytes(invoice=invoice), f"fattura_{invoice.number}.pdf"
    )


@capability_required("billing.invoices")
def invoice_xml(request, pk: int):
    """The FatturaPA file of one invoice, beside its PDF; only a file that validates."""
    invoice = selectors.company_invoice(contract=request.portal.contract, pk=pk)
    found = selectors.invoice_xml(invoice=invoice) if invoice else None
    if found is None:
        raise Http404
    name, data = found
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
