"""Reads of the billing pages: invoices in scope and their documents. Never writes.

Records data is read through ``portale.records.selectors``; a document whose stored file
is lost is rendered again from the stored invoice (``billing.documents``), not stored.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from portale.records import selectors as records
from portale.records.models import Contract, Invoice, PersonalInvoice

from . import bimesters as bim
from .charges import Charges
from .documents import invoice_pdf_render, stored_bytes
from .models import EInvoice, TrafficCutoff

DEPTH_DAYS = 365  # "le fatture emesse negli ultimi 12 mesi"


def _since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=DEPTH_DAYS)


def company_invoices(*, contract: Contract) -> QuerySet[Invoice]:
    """The contract's invoices of the last 12 months (F-7.4.1)."""
    return records.company_invoices_since(contract=contract, since=_since())


def company_invoice(*, contract: Contract | None, pk: int) -> Invoice | None:
    """One invoice of the list, or None when it is not the contract's (or too old)."""
    if contract is None:
        return None
    return records.company_invoice_of_contract(contract=contract, pk=pk, since=_since())


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
