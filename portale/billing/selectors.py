"""Reads of the billing pages: invoices in scope and their documents. Never writes.

Records data is read through ``portale.records.selectors``; a document whose stored file
is lost is rendered again from the stored invoice (``billing.documents``), not stored.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portale.records import selectors as records
from portale.records.models import Contract, Invoice, PersonalInvoice, TrafficEvent

from . import bimesters as bim
from .charges import Charges, LineCharges, money, summary_of
from .documents import invoice_pdf_render, stored_bytes
from .models import EInvoice, InvoiceLineCharges, TrafficCutoff

DEPTH_DAYS = 365  # "le fatture emesse negli ultimi 12 mesi"


def _since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=DEPTH_DAYS)


def company_invoices(*, contract: Contract) -> QuerySet[Invoice]:
    """The contract's invoices of the last 12 months (F-7.4.1)."""
    return records.company_invoices_since(contract=contract, since=_since())


def company_invoice_bimesters(*, contract: Contract) -> dict[str, int]:
    """How many of those invoices each bimester has: the choices of the search by bimester,
    and their sum the length of the unsearched list (one GROUP BY instead of every
    invoice's bimester and a COUNT; issue 17)."""
    return dict(
        company_invoices(contract=contract)
        .order_by()
        .values_list("bimester")
        .annotate(n=Count("pk"))
        .values_list("bimester", "n")
    )


def company_invoice(*, contract: Contract | None, pk: int) -> Invoice | None:
    """One invoice of the list, or None when it is not the contract's (or too old)."""
    if contract is None:
        return None
    return records.company_invoice_of_contract(contract=contract, pk=pk, since=_since())


def invoice_stored_charges(*, invoice: Invoice) -> dict | None:
    """The charges stored when the invoice was issued, as stored (JSON), or None for an
    invoice loaded without them: what the invoice audit reads line by line."""
    return (
        TrafficCutoff.objects.filter(invoice=invoice).values_list("charges", flat=True).first()
    ) or None


def invoice_document_charges(*, invoice: Invoice | PersonalInvoice) -> Charges:
    """The charges the invoice's documents show: those stored when it was issued, or for
    an invoice loaded without them, the summary of its stored amount."""
    field = "personal_invoice" if isinstance(invoice, PersonalInvoice) else "invoice"
    stored = (
        TrafficCutoff.objects.filter(**{field: invoice}).values_list("charges", flat=True).first()
    )
    if stored:
        return Charges.from_json(stored)
    start, end = bim.period(*bim.parse(invoice.bimester))
    total = invoice.total if isinstance(invoice, PersonalInvoice) else invoice.amount
    return Charges.stated(bimester=invoice.bimester, start=start, end=end, total=total)


@dataclass(frozen=True)
class InvoiceSummary:
    """An invoice's totals and its totals by service, read without its lines (the invoice
    page of a 100,000-line invoice reads this and one page of ``invoice_line_rows``)."""

    bimester: str
    start: datetime.date
    end: datetime.date  # exclusive
    taxable: Decimal
    vat: Decimal
    lines: int
    services: tuple[dict, ...]  # section, service, lines, events, amount (Decimal)
    is_stated: bool  # loaded without its charges: the totals only

    @property
    def total(self) -> Decimal:
        return self.taxable + self.vat

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)


def invoice_summary(*, invoice: Invoice) -> InvoiceSummary:
    """The summary stored with the invoice's charges (``TrafficCutoff.summary``); for an
    invoice loaded without charges, or not indexed yet, the same from its documents."""
    start, end = bim.period(*bim.parse(invoice.bimester))
    stored = TrafficCutoff.objects.filter(invoice=invoice).values_list("summary", flat=True).first()
    if stored is None:
        c = invoice_document_charges(invoice=invoice)
        if c.is_stated:
            return InvoiceSummary(
                invoice.bimester, start, end, c.taxable, c.vat, 0, (), is_stated=True
            )
        stored = summary_of(c.to_json())
    return InvoiceSummary(
        invoice.bimester,
        start,
        end,
        money(stored["taxable"]),
        money(stored["vat"]),
        stored["lines"],
        tuple({**s, "amount": Decimal(s["amount"])} for s in stored["services"]),
        is_stated=False,
    )


def invoice_line_rows(*, invoice: Invoice) -> QuerySet[InvoiceLineCharges]:
    """The lines of an issued company invoice, as stored with it (one row each). Filtered
    on the cutoff's id itself, so a page in msisdn order walks the (cutoff, msisdn) index."""
    cutoff = TrafficCutoff.objects.filter(invoice=invoice).values_list("pk", flat=True).first()
    return InvoiceLineCharges.objects.filter(cutoff_id=cutoff)


def line_charges_of(row: InvoiceLineCharges) -> LineCharges:
    """One stored line as ``LineCharges`` (fees and traffic rows, amounts as Decimal)."""
    return LineCharges(
        row.msisdn,
        [(d, Decimal(a)) for d, a in row.detail.get("fees", [])],
        [{**t, "amount": Decimal(t["amount"])} for t in row.detail.get("traffic", [])],
    )


def invoice_pdf_bytes(*, invoice: Invoice | PersonalInvoice) -> bytes:
    """The invoice's PDF: its stored file, or when that is lost the same document rendered
    again from the stored invoice (nothing is written)."""
    data = stored_bytes(invoice.pdf)
    if data is not None:
        return data
    return invoice_pdf_render(invoice=invoice, charges=invoice_document_charges(invoice=invoice))


def einvoice_of(*, invoice: Invoice) -> EInvoice | None:
    """The FatturaPA file of a company invoice and its SdI state (None: not made yet)."""
    return EInvoice.objects.filter(invoice=invoice).first()


def invoice_xml(*, invoice: Invoice) -> tuple[str, bytes] | None:
    """The invoice's FatturaPA file (name, bytes) if it was made and validates; None when
    there is none to offer (blocked, not made yet, or lost and not valid again)."""
    einvoice = einvoice_of(invoice=invoice)
    if einvoice is None or not einvoice.file_name:
        return None
    data = stored_bytes(einvoice.xml)
    if data is None:  # lost: the same file again from the stored invoice and codes
        from . import fatturapa

        document = fatturapa.Document(
            kind=fatturapa.DocumentType.INVOICE,
            number=invoice.number,
            date=invoice.emission_date,
            due_date=invoice.due_date,
            contract=invoice.contract,
            charges=invoice_document_charges(invoice=invoice),
        )
        recipient = fatturapa.Recipient(
            einvoice.office_code,
            einvoice.cig,
            einvoice.cup,
            einvoice.order_reference,
            invoice.contract.order_date,
        )
        data = fatturapa.build(document, recipient, progressive=einvoice.file_name[-9:-4])
    if fatturapa_errors(data):
        return None
    return einvoice.file_name, data


def fatturapa_errors(data: bytes) -> list[str]:
    from . import fatturapa

    return fatturapa.validation_errors(data)


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end, datetime.time(), tz),
    )


def billed_window(*, invoice: Invoice | PersonalInvoice) -> tuple[Q, str] | None:
    """Which traffic events the invoice charged (a ``Q`` over ``TrafficEvent``, and the
    charging it billed), as the engine selected them when it issued the invoice; None for
    an invoice loaded without its charges (no cutoff: its events are not known)."""
    from .charges import RatedWindow, rated_scope

    personal = isinstance(invoice, PersonalInvoice)
    field = "personal_invoice" if personal else "invoice"
    # Only the instant: the stored copy itself (megabytes for a large invoice) is not read.
    rated_before = (
        TrafficCutoff.objects.filter(**{field: invoice}, charges__isnull=False)
        .values_list("rated_before", flat=True)
        .first()
    )
    if rated_before is None:
        return None
    b, y = bim.parse(invoice.bimester)
    owner = (
        {"dual_billing": invoice.dual_billing_id} if personal else {"contract": invoice.contract_id}
    )
    previous = (
        TrafficCutoff.objects.filter(
            **{f"{field}__{k}": v for k, v in owner.items()},
            **{f"{field}__bimester": bim.label(*bim.previous(b, y))},
        )
        .values_list("rated_before", flat=True)
        .first()
    )
    lo, hi = _bounds(*bim.period(b, y))
    where = rated_scope(lo, hi, RatedWindow(since=previous, until=rated_before))
    charging = TrafficEvent.Charging.PERSONAL if personal else TrafficEvent.Charging.COMPANY
    return where & Q(charging=charging), charging


def billed_events(*, invoice: Invoice | PersonalInvoice, line) -> QuerySet[TrafficEvent]:
    """The rated events the invoice charged to one line: the rows whose ``net_amount``
    its stored traffic charges of that line add up (none for an invoice loaded without
    its charges)."""
    window = billed_window(invoice=invoice)
    if window is None:
        return records.traffic_events_where(where=Q(pk__in=[]))
    return records.traffic_events_where(where=window[0] & Q(line=line))


def invoice_cutoff(*, invoice: Invoice) -> datetime.datetime | None:
    """When the engine took the invoice's traffic: events rated later are not on it."""
    return (
        TrafficCutoff.objects.filter(invoice=invoice).values_list("rated_before", flat=True).first()
    )
