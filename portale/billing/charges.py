"""What an issued invoice charges: the one source of its PDF (and of its FatturaPA XML).

The engine (``billing.invoicing``) computes the ``Charges`` of an invoice from the records
when it issues it and stores them with the invoice (``TrafficCutoff.charges``, as JSON);
every document of the invoice is rendered from that stored copy, so a document rendered
again later (a lost file) shows exactly what was issued, whatever the records say by then.

An invoice loaded without its charges (the demo seed, an invoice of the operator's billing
system) is documented from its stored amount only (``Charges.stated``): one summary of
taxable amount and VAT whose total is the amount in the records, to the cent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

VAT_RATE = Decimal("22.00")  # percent, the only rate of the Convenzione's charges
VAT = VAT_RATE / 100
Q2 = Decimal("0.01")


def money(x) -> Decimal:
    return Decimal(x or 0).quantize(Q2, ROUND_HALF_UP)


@dataclass(frozen=True)
class RatedWindow:
    """Which rated traffic an invoice charges (see ``billing.models.TrafficCutoff``):
    events rated before ``until`` (None: up to now) and, from earlier bimesters, the late
    ones rated at or after ``since`` (None: none carried)."""

    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


def rated_scope(lo: datetime.datetime, hi: datetime.datetime, window: RatedWindow) -> Q:
    """The traffic events an invoice of the period [lo, hi) charges: rated, occurred in the
    period or (late) before it and rated since ``window.since``, rated before ``until``.
    The one definition for the engine (which sums them) and for the pages (which list them)."""
    scope = Q(occurred_at__gte=lo, occurred_at__lt=hi)
    if window.since is not None:
        scope |= Q(occurred_at__lt=lo, rated_at__gte=window.since)
    scope &= Q(rated_at__isnull=False)
    if window.until is not None:
        scope &= Q(rated_at__lt=window.until)
    return scope


@dataclass
class LineCharges:
    msisdn: str
    fees: list[tuple[str, Decimal]] = field(default_factory=list)
    traffic: list[dict] = field(default_factory=list)  # category, label, late, events, amount

    @property
    def fees_total(self) -> Decimal:
        return sum((a for _d, a in self.fees), Decimal(0))

    @property
    def traffic_total(self) -> Decimal:
        return sum((t["amount"] for t in self.traffic), Decimal(0))

    @property
    def total(self) -> Decimal:
        return money(self.fees_total + self.traffic_total)


@dataclass
class Charges:
    bimester: str
    start: datetime.date
    end: datetime.date  # exclusive
    lines: list[LineCharges]
    # Only for an invoice loaded without its charges: (taxable, vat) read from its amount.
    stated_amounts: tuple[Decimal, Decimal] | None = None

    @property
    def taxable(self) -> Decimal:
        if self.stated_amounts:
            return self.stated_amounts[0]
        return money(sum((lc.total for lc in self.lines), Decimal(0)))

    @property
    def vat(self) -> Decimal:
        if self.stated_amounts:
            return self.stated_amounts[1]
        return money(self.taxable * VAT)

    @property
    def total(self) -> Decimal:
        return self.taxable + self.vat

    @property
    def is_stated(self) -> bool:
        return self.stated_amounts is not None

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    @classmethod
    def stated(
        cls, *, bimester: str, start: datetime.date, end: datetime.date, total: Decimal
    ) -> Charges:
        """The summary of an invoice known by its total only: taxable = total / 1.22 to
        the cent, VAT the rest (so taxable + VAT is the total exactly)."""
        total = money(total)
        taxable = money(total / (1 + VAT))
        return cls(bimester, start, end, [], stated_amounts=(taxable, total - taxable))

    # --- the stored copy ----------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "bimester": self.bimester,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "lines": [
                {
                    "msisdn": lc.msisdn,
                    "fees": [[d, str(a)] for d, a in lc.fees],
                    "traffic": [{**t, "amount": str(t["amount"])} for t in lc.traffic],
                }
                for lc in self.lines
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Charges:
        return cls(
            data["bimester"],
            datetime.date.fromisoformat(data["start"]),
            datetime.date.fromisoformat(data["end"]),
            [
                LineCharges(
                    row["msisdn"],
                    [(d, Decimal(a)) for d, a in row["fees"]],
                    [{**t, "amount": Decimal(t["amount"])} for t in row["traffic"]],
                )
                for row in data["lines"]
            ],
        )


# --- the invoice's index: totals by section and service, one row per line -----------------

FEES_SECTION = "Canoni e servizi"
TRAFFIC_SECTION = "Traffico"


def fee_service(description: str) -> str:
    """ "Canone PA 8 (2 mesi)" → "Canone PA 8": one service, whatever the line."""
    return description.rsplit(" (", 1)[0]


def service_totals(lines: list[dict]) -> list[dict]:
    """The taxable amount by section ("Canoni e servizi", "Traffico") and service (each
    fee, each traffic category, late traffic apart), from the stored lines (JSON rows);
    they add up to the taxable amount. Amounts as strings, as stored."""
    out: dict[tuple[str, str], dict] = {}
    for row in lines:
        seen: set[tuple[str, str]] = set()
        for desc, amount in row["fees"]:
            key = (FEES_SECTION, fee_service(desc))
            t = out.setdefault(key, {"lines": 0, "events": 0, "amount": Decimal(0)})
            t["amount"] += Decimal(amount)
            seen.add(key)
        for t_row in row["traffic"]:
            key = (TRAFFIC_SECTION, t_row["label"])
            t = out.setdefault(key, {"lines": 0, "events": 0, "amount": Decimal(0)})
            t["amount"] += Decimal(t_row["amount"])
            t["events"] += t_row["events"]
            seen.add(key)
        for key in seen:
            out[key]["lines"] += 1
    return [
        {"section": k[0], "service": k[1], **v, "amount": str(v["amount"])}
        for k, v in sorted(out.items(), key=lambda kv: (kv[0][0] != FEES_SECTION, kv[0][1]))
    ]


def line_row_totals(row: dict) -> tuple[Decimal, Decimal, Decimal]:
    """(fees, traffic, total) of one stored line (JSON row), as ``LineCharges`` adds them."""
    fees = sum((Decimal(a) for _d, a in row["fees"]), Decimal(0))
    traffic = sum((Decimal(t["amount"]) for t in row["traffic"]), Decimal(0))
    return fees, traffic, money(fees + traffic)


def summary_of(stored: dict) -> dict:
    """The summary kept with the stored charges: taxable, VAT and the service totals."""
    taxable = money(sum((line_row_totals(r)[2] for r in stored["lines"]), Decimal(0)))
    return {
        "taxable": str(taxable),
        "vat": str(money(taxable * VAT)),
        "lines": len(stored["lines"]),
        "services": service_totals(stored["lines"]),
    }
