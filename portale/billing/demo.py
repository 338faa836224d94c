"""Demo set-up of billing: the seeded company invoices of the recent bimesters get real
charges, so eBill's invoice navigation (sections → lines → a line's traffic), the PDF, the
FatturaPA file and TEM's invoice audit all work on them in ``make demo``.

The records' seed (``records.demo``) writes the invoices with a placeholder amount and no
charges (the records cannot call the billing engine). Here the engine computes the charges
of each of them (``invoicing.company_charges``: fees of the active lines and services,
company traffic rated before the invoice's emission) and stores them as it does when it
issues an invoice (``TrafficCutoff``), and the invoice's amount is restated to their total.
Oldest first, so a later invoice carries the late traffic rated since the earlier one.
Idempotent: an invoice that has its charges (or its PDF) is left alone.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portale.records import services as records
from portale.records.models import Invoice

from . import bimesters as bim
from .invoicing import COMPANY, _window, charges_index, company_charges
from .models import TrafficCutoff

DEMO_BIMESTERS = 2  # the most recent closed bimesters get their charges
LARGE_CONTRACT_LINES = 5_000  # the bench's large profile keeps its invoices as seeded


def invoices_demo_charges(
    *, today: datetime.date | None = None, bimesters: int = DEMO_BIMESTERS
) -> int:
    """Give the seeded invoices of the last ``bimesters`` closed bimesters their charges;
    returns how many invoices got them."""
    today = today or timezone.localdate()
    labels = [bim.label(b, y) for b, y in reversed(bim.closed_bimesters(today, bimesters))]
    tz = timezone.get_current_timezone()
    done = 0
    for label in labels:  # oldest first
        invoices = (
            Invoice.objects.filter(
                bimester=label, cancelled_on__isnull=True, traffic_cutoff__isnull=True
            )
            .filter(pdf="")
            .select_related("contract")
            .order_by("pk")
        )
        for invoice in invoices:
            contract = invoice.contract
            if contract.lines.count() > LARGE_CONTRACT_LINES:
                continue
            b, y = bim.parse(label)
            emitted = datetime.datetime.combine(invoice.emission_date, datetime.time(), tz)
            cutoff = min(emitted, timezone.now())
            with transaction.atomic():
                charges = company_charges(contract, b, y, _window(COMPANY, contract, b, y, cutoff))
                records.invoice_amount_restate(invoice=invoice, amount=charges.total)
                charges_index(
                    cutoff=TrafficCutoff.objects.create(
                        invoice=invoice, rated_before=cutoff, charges=charges.to_json()
                    )
                )
            done += 1
    return done
