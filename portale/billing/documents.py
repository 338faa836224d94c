"""The documents of an invoice, rendered from its stored charges (never from the records).

Pure functions: rendering writes nothing. The engine renders them when it issues the
invoice; the pages render them again only when a stored file is lost.
"""

from __future__ import annotations

from portale.core.pdf import render_pdf
from portale.records.models import Invoice, PersonalInvoice

from .charges import Charges

COMPANY_PDF = "billing/pdf/invoice.html"
PERSONAL_PDF = "billing/pdf/personal_invoice.html"


def invoice_pdf_render(*, invoice: Invoice | PersonalInvoice, charges: Charges) -> bytes:
    """The PDF of a company invoice (F-7.4.1) or of a TIM TUO personal invoice (F-9.2.1.2):
    two different documents, each from its own template."""
    if isinstance(invoice, PersonalInvoice):
        context = {"invoice": invoice, "billing": invoice.dual_billing, "charges": charges}
        return render_pdf(PERSONAL_PDF, context)
    from .models import EInvoice

    contract = invoice.contract
    einvoice = EInvoice.objects.filter(invoice=invoice).first()
    codes = einvoice if einvoice and einvoice.state != EInvoice.State.BLOCKED else contract
    context = {
        "invoice": invoice,
        "contract": contract,
        "charges": charges,
        "codes": codes,  # the codes the FatturaPA file carries (or will carry)
        "amount_due": charges.taxable,  # split payment: the taxable amount
    }
    return render_pdf(COMPANY_PDF, context)


def stored_bytes(file) -> bytes | None:
    """The content of a stored file, or None when there is none (or it is lost)."""
    if not file:
        return None
    try:
        with file.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None
