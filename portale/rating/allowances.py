"""Allowances: what a line's traffic erodes before it is charged at list price.

Two sources, one mechanism (``services._LineState.erode`` walks them the same way):

* **company bundles** (``records.Bundle``, counter ``BundleCounter``) cover company traffic;
* **personal TIM TUO options** (``records.DualBillingOption`` of scope *Personale*, counter
  ``OptionCounter``) cover personal traffic (E-16).

An option's contents are not in the records (the catalog has code, name and price only), so
the stand-in's contents are declared here, by option code, in the Convenzione's units:
minutes, messages, GB. Families: "Pacchetto mensile traffico nazionale + UE" (S/M/L:
minutes and SMS; the number is the GB of data), "Plafond mensile dati nazionali + UE",
"Plafond dati aggiuntivo" (valid only in the calendar month of its activation), the daily
roaming extra-UE packages and the monthly 500 MB roaming extra-UE data plafonds. An option
code missing from the table falls back on the GB in its code or name ("7GB Plus" → 7 GB)
for the data families; otherwise it covers nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from portale.records.models import Bundle, DualBillingOption

from .pricing import KB_PER_GB

NAT, ROAM = Bundle.Scope.NATIONAL, Bundle.Scope.ROAMING
MONTH, DAY, ACTIVATION_MONTH = "MONTH", "DAY", "ACTIVATION_MONTH"
BASE_PER_UNIT = {"MIN": 60, "SMS": 1, "GB": KB_PER_GB}  # seconds, messages, KB
F = DualBillingOption.Family

# option code → [(unit, scope, quantity in the unit)]
OPTION_CONTENTS: dict[str, list[tuple[str, str, Decimal]]] = {
    "S1": [("MIN", NAT, Decimal(200)), ("SMS", NAT, Decimal(200)), ("GB", NAT, Decimal(1))],
    "S4": [("MIN", NAT, Decimal(200)), ("SMS", NAT, Decimal(200)), ("GB", NAT, Decimal(4))],
    "M4": [("MIN", NAT, Decimal(500)), ("SMS", NAT, Decimal(500)), ("GB", NAT, Decimal(4))],
    "M20": [("MIN", NAT, Decimal(500)), ("SMS", NAT, Decimal(500)), ("GB", NAT, Decimal(20))],
    "L4": [("MIN", NAT, Decimal(1000)), ("SMS", NAT, Decimal(1000)), ("GB", NAT, Decimal(4))],
    "L20": [("MIN", NAT, Decimal(1000)), ("SMS", NAT, Decimal(1000)), ("GB", NAT, Decimal(20))],
    "DATI10": [("GB", NAT, Decimal(10))],
    "DATI50": [("GB", NAT, Decimal(50))],
    "1GB Plus": [("GB", NAT, Decimal(1))],
    "4GB Plus": [("GB", NAT, Decimal(4))],
    "20GB Plus": [("GB", NAT, Decimal(20))],
    "RXU": [("MIN", ROAM, Decimal(30)), ("SMS", ROAM, Decimal(30)), ("GB", ROAM, Decimal("0.5"))],
    "RXU-X": [("MIN", ROAM, Decimal(60)), ("SMS", ROAM, Decimal(60)), ("GB", ROAM, Decimal(1))],
    "RXD": [("GB", ROAM, Decimal(500) / 1024)],
    "RXD-X": [("GB", ROAM, Decimal(500) / 1024)],
}
FAMILY_PERIOD = {
    F.NATIONAL_PACK: MONTH,
    F.NATIONAL_DATA: MONTH,
    F.EXTRA_DATA: ACTIVATION_MONTH,
    F.ROAMING_PACK: DAY,
    F.ROAMING_PACK_EXCL: DAY,
    F.ROAMING_DATA: MONTH,
    F.ROAMING_DATA_EXCL: MONTH,
}
_DATA_FAMILIES = {
    F.NATIONAL_DATA: NAT,
    F.EXTRA_DATA: NAT,
    F.ROAMING_DATA: ROAM,
    F.ROAMING_DATA_EXCL: ROAM,
}
# Options still in force: an option "IN CESSAZIONE" works until the back-end ceases it.
LIVE_OPTION_STATES = [DualBillingOption.State.ACTIVE, DualBillingOption.State.CEASING]


def option_contents(option: DualBillingOption) -> list[tuple[str, str, Decimal]]:
    if option.code in OPTION_CONTENTS:
        return OPTION_CONTENTS[option.code]
    scope = _DATA_FAMILIES.get(option.family)
    if scope is not None:
        m = re.search(r"(\d+)\s*(GB|MB)", f"{option.code} {option.name}", re.IGNORECASE)
        if m:
            gb = Decimal(m.group(1)) / (1024 if m.group(2).upper() == "MB" else 1)
            return [("GB", scope, gb)]
    return []


@dataclass(eq=False)
class Allowance:
    """One erodible quantity: a company bundle, or one unit of a personal option."""

    name: str
    unit: str  # MIN, SMS, GB
    scope: str  # NAZIONALE, ROAMING
    capacity: int  # base units (seconds, messages, KB)
    counter: object  # BundleCounter / OptionCounter: period_start, used
    period: str = MONTH
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None  # inclusive
    bundle: Bundle | None = None  # the record counter shown to users (company bundles)

    def period_of(self, day: datetime.date) -> datetime.date | None:
        """The start of the counter period ``day`` falls in (None: not covered that day)."""
        if (self.valid_from and day < self.valid_from) or (self.valid_to and day > self.valid_to):
            return None
        if self.period == DAY:
            return day
        if self.period == ACTIVATION_MONTH:
            start = (self.valid_from or day).replace(day=1)
            return start if day.replace(day=1) == start else None
        return day.replace(day=1)


def capacity(unit: str, quantity: Decimal) -> int:
    return int(quantity * BASE_PER_UNIT[unit])
