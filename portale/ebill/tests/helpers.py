"""Test data of the eBill tests: invoices with stored charges, as the engine leaves them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from portale.billing import bimesters as bim
from portale.billing.charges import Charges, LineCharges
from portale.billing.invoicing import charges_index
from portale.billing.models import TrafficCutoff
from portale.billing.tests.scope import make_invoice
from portale.records.models import PersonalInvoice


def invoice_with_charges(contract, number: str, bimester: str, lines, fee="20.00"):
    """A company invoice whose stored charges give each line one fee (no traffic)."""
    start, end = bim.period(*bim.parse(bimester))
    charges = Charges(
        bimester,
        start,
        end,
        [LineCharges(ln.msisdn, [("Canone PA 8 (2 mesi)", Decimal(fee))]) for ln in lines],
    )
    invoice = make_invoice(contract, number, bimester, amount=charges.total)
    cutoff = TrafficCutoff.objects.create(
        invoice=invoice, rated_before=timezone.now(), charges=charges.to_json()
    )
    charges_index(cutoff=cutoff)  # as the billing engine does when it issues an invoice
    return invoice


def personal_invoice(billing, number: str, bimester: str = "1/2026") -> PersonalInvoice:
    start, end = bim.period(*bim.parse(bimester))
    charges = Charges(
        bimester,
        start,
        end,
        [LineCharges(billing.line.msisdn, [("Opzione (2 mesi)", Decimal("10.00"))])],
    )
    emission = timezone.localdate() - datetime.timedelta(days=10)
    invoice = PersonalInvoice.objects.create(
        dual_billing=billing,
        number=number,
        bimester=bimester,
        emission_date=emission,
        due_date=emission + datetime.timedelta(days=30),
        total=charges.total,
    )
    cutoff = TrafficCutoff.objects.create(
        personal_invoice=invoice, rated_before=timezone.now(), charges=charges.to_json()
    )
    charges_index(cutoff=cutoff)
    return invoice
