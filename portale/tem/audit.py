"""Invoice audit (G-56): every company invoice recomputed and compared, line by line and
charge by charge, with what it billed.

What was billed is the invoice's stored charges (``billing.selectors.invoice_document_charges``,
the same source as its PDF and FatturaPA file) and its amount in the records. The
recomputation (``billing.invoicing.invoice_recompute``) rebuilds the charges from the
records over the same rated traffic the invoice charged (its cutoff): the rated events by
line and category, the fees of the lines and services active in the bimester. The fee of
each tariff plan is then priced again from the **Convenzione price list** in force
(``PriceItem`` of kind "Profilo tariffario", × 2 months), so a fee billed at a price other
than the Convenzione's shows up even when the line's plan says otherwise.

A difference is any charge whose amount differs, a charge billed and not found again, or
one found again and not billed; the totals (taxable, VAT, the invoice amount) are checked
too. An invoice loaded without its charges (the demo seed, the operator's legacy billing)
can only be checked on its total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from portale.billing import selectors as billing_selectors
from portale.billing.charges import VAT, Charges, money
from portale.billing.invoicing import invoice_recompute
from portale.billing.selectors import invoice_document_charges
from portale.records import selectors as records
from portale.records.models import Invoice, PriceItem

FEE_PREFIX = "Canone "
FEE_SUFFIX = " (2 mesi)"


@dataclass
class Difference:
    msisdn: str
    charge: str
    billed: Decimal | None
    recomputed: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.billed or Decimal(0)) - (self.recomputed or Decimal(0))


@dataclass
class AuditResult:
    invoice: Invoice
    verifiable: bool  # the invoice has its charges stored
    lines: int
    charges: int
    billed_taxable: Decimal
    recomputed_taxable: Decimal
    billed_total: Decimal
    recomputed_total: Decimal
    differences: list[Difference] = field(default_factory=list)
    total_mismatch: bool = False  # the records' amount ≠ the billed charges' total

    @property
    def ok(self) -> bool:
        return not self.differences and not self.total_mismatch and self.verifiable


def _tariff_prices() -> dict[str, Decimal]:
    price_list = records.current_price_list()
    if price_list is None:
        return {}
    return {i.code: i.price for i in price_list.items.all() if i.kind == PriceItem.Kind.TARIFF}


def _reprice_fees(charges: Charges) -> None:
    prices = _tariff_prices()
    for lc in charges.lines:
        for i, (desc, _amount) in enumerate(lc.fees):
            if desc.startswith(FEE_PREFIX) and desc.endswith(FEE_SUFFIX):
                plan = desc[len(FEE_PREFIX) : -len(FEE_SUFFIX)]
                if plan in prices:
                    lc.fees[i] = (desc, money(prices[plan] * 2))


def _items(charges: Charges) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = {}
    for lc in charges.lines:
        for desc, amount in lc.fees:
            key = (lc.msisdn, desc)
            out[key] = out.get(key, Decimal(0)) + amount
        for t in lc.traffic:
            key = (lc.msisdn, t["label"])
            out[key] = out.get(key, Decimal(0)) + t["amount"]
    return out


def _stored_items(stored: dict) -> dict[tuple[str, str], Decimal]:
    """The billed charges straight from the stored JSON (no intermediate objects: a
    100,000-line invoice has about half a million of them)."""
    out: dict[tuple[str, str], Decimal] = {}
    for row in stored["lines"]:
        msisdn = row["msisdn"]
        for desc, amount in row["fees"]:
            key = (msisdn, desc)
            out[key] = out.get(key, Decimal(0)) + Decimal(amount)
        for t in row["traffic"]:
            key = (msisdn, t["label"])
            out[key] = out.get(key, Decimal(0)) + Decimal(t["amount"])
    return out


def _taxable(items: dict[tuple[str, str], Decimal]) -> Decimal:
    """The taxable amount as ``Charges.taxable`` computes it: each line's total rounded,
    then summed (amounts are already to the cent, so rounding changes nothing)."""
    return money(sum(items.values(), Decimal(0)))


def _noop(phase: str) -> None:
    return None


def audit_invoice(*, invoice: Invoice, progress: Callable[[str], None] = _noop) -> AuditResult:
    """Recompute ``invoice`` and compare it with its stored charges. Reads only.

    The recomputation is the billing engine's own (``invoice_recompute``): traffic summed
    by line and category in one SQL GROUP BY over the rated events the invoice charged (its
    cutoff, and the late events since the previous invoice), the fees of the lines and
    services active in the bimester in two set queries. The usage aggregates cannot stand in
    for the events here: they are kept by month of the traffic, not by when it was rated,
    so they hold events rated after the invoice was issued and put late events in their own
    month rather than in the invoice that charged them.
    """
    progress(_("Ricalcolo degli addebiti dal traffico valorizzato"))
    stored = billing_selectors.invoice_stored_charges(invoice=invoice)
    recomputed = invoice_recompute(invoice=invoice)
    _reprice_fees(recomputed)
    progress(_("Confronto con gli addebiti fatturati"))
    after = _items(recomputed)
    if stored is None:
        billed = invoice_document_charges(invoice=invoice)
        result = AuditResult(
            invoice=invoice,
            verifiable=False,
            lines=len(recomputed.lines),
            charges=len(after),
            billed_taxable=billed.taxable,
            recomputed_taxable=recomputed.taxable,
            billed_total=billed.total,
            recomputed_total=recomputed.total,
            total_mismatch=money(invoice.amount) != billed.total,
        )
        if billed.total != recomputed.total:
            result.differences.append(
                Difference("", "Totale fattura", billed.total, recomputed.total)
            )
        return result
    before = _stored_items(stored)
    billed_taxable = _taxable(before)
    billed_total = billed_taxable + money(billed_taxable * VAT)
    result = AuditResult(
        invoice=invoice,
        verifiable=True,
        lines=len(recomputed.lines),
        charges=len(before.keys() | after.keys()),
        billed_taxable=billed_taxable,
        recomputed_taxable=recomputed.taxable,
        billed_total=billed_total,
        recomputed_total=recomputed.total,
        total_mismatch=money(invoice.amount) != billed_total,
    )
    for key in sorted(before.keys() | after.keys()):
        b, a = before.get(key), after.get(key)
        if b != a and not (b is None and a == 0):
            result.differences.append(Difference(key[0], key[1], b, a))
    return result
