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

from .invoicing import DEMO_BIMESTERS, invoices_seeded_charge


def invoices_demo_charges(
    *, today: datetime.date | None = None, bimesters: int = DEMO_BIMESTERS
) -> int:
    """Give the seeded invoices of the last ``bimesters`` closed bimesters their charges;
    returns how many invoices got them."""
    return invoices_seeded_charge(today=today, bimesters=bimesters)
