"""The rate card: list price of one event, from the tariff plan and the price list.

Prices come from the current ``PriceList`` (items of kind ``TRAFFICO``, code
``<TARIFF CATEGORY>.<SERVICE>.<ZONE>``, e.g. ``CONSUMO.VOCE.NAZ``); an item missing from the
list falls back to ``DEFAULT_RATES`` below, the Convenzione's published values. Units:

* VOCE: € per minute, charged per second (``Tariffazione`` "Secondi");
* SMS, MMS: € per message ("Evento");
* DATI: € per MB (1024 KB), charged per KB ("Kbyte");
* SERVIZI_INTERATTIVI, EVENTO: the content provider's price carried by the CDR ("Flat").

Zones: ``NAZ`` national, ``UE`` roaming in the EU (roam like at home: same rate as national
for the Convention's plans), ``EXTRA_UE`` roaming outside the EU.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from portale.records.models import PriceItem, PriceList

Q4 = Decimal("0.0001")
D = Decimal

# (tariff category, service, zone) → unit price
_BASE = {
    "VOCE": {"NAZ": D("0.0200"), "UE": D("0.0200"), "EXTRA_UE": D("1.0000")},
    "SMS": {"NAZ": D("0.0200"), "UE": D("0.0200"), "EXTRA_UE": D("0.2500")},
    "MMS": {"NAZ": D("0.1000"), "UE": D("0.1000"), "EXTRA_UE": D("0.5000")},
    "DATI": {"NAZ": D("0.0100"), "UE": D("0.0100"), "EXTRA_UE": D("5.0000")},
}
_PREPAID = {
    "VOCE": {"NAZ": D("0.0500"), "UE": D("0.0500"), "EXTRA_UE": D("1.5000")},
    "SMS": {"NAZ": D("0.0500"), "UE": D("0.0500"), "EXTRA_UE": D("0.3000")},
    "MMS": {"NAZ": D("0.2000"), "UE": D("0.2000"), "EXTRA_UE": D("0.6000")},
    "DATI": {"NAZ": D("0.0200"), "UE": D("0.0200"), "EXTRA_UE": D("6.0000")},
}
DEFAULT_RATES: dict[str, dict[str, dict[str, Decimal]]] = {
    "CONSUMO": _BASE,
    "PACCHETTO": _BASE,
    "RICARICABILE": _PREPAID,
    "M2M": _BASE,
}
RATING_UNIT = {
    "VOCE": "Secondi",
    "SMS": "Evento",
    "MMS": "Evento",
    "DATI": "Kbyte",
    "SERVIZI_INTERATTIVI": "Flat",
    "EVENTO": "Flat",
}
ZONE_CODE = {"": "NAZ", "UE": "UE", "EXTRA_UE": "EXTRA_UE"}
# category + type → the CDR service (events stored in the records carry category/type)
KB_PER_MB = 1024
KB_PER_GB = 1024 * 1024


def service_of(category: str, type_: str) -> str:
    if category == "VOCE":
        return "VOCE"
    if category == "SMS_MMS":
        return "MMS" if type_.upper().startswith("MMS") else "SMS"
    if category == "DATI":
        return "DATI"
    if category == "SERVIZI_INTERATTIVI":
        return "SERVIZI_INTERATTIVI"
    return "EVENTO"


@dataclass
class RateCard:
    rates: dict[str, dict[str, dict[str, Decimal]]]

    @classmethod
    def current(cls) -> RateCard:
        rates = {
            cat: {s: dict(z) for s, z in table.items()} for cat, table in DEFAULT_RATES.items()
        }
        pl = PriceList.objects.filter(is_current=True).first()
        if pl is not None:
            for item in pl.items.filter(kind=PriceItem.Kind.TRAFFIC):
                parts = item.code.split(".")
                if len(parts) == 3 and parts[0] in rates and parts[1] in rates[parts[0]]:
                    rates[parts[0]][parts[1]][parts[2]] = item.price
        return cls(rates)

    def unit_price(self, tariff_category: str, service: str, zone: str) -> Decimal:
        table = self.rates.get(tariff_category) or self.rates["CONSUMO"]
        return table[service][ZONE_CODE[zone]]

    def price(
        self,
        *,
        tariff_category: str,
        service: str,
        zone: str,
        duration_s: int = 0,
        volume_kb: int = 0,
        messages: int = 1,
        content_price: Decimal = Decimal(0),
    ) -> Decimal:
        """The list price of a whole event (4 decimals)."""
        if service in ("SERVIZI_INTERATTIVI", "EVENTO"):
            return content_price.quantize(Q4, ROUND_HALF_UP)
        unit = self.unit_price(tariff_category, service, zone)
        if service == "VOCE":
            amount = unit * duration_s / 60
        elif service == "DATI":
            amount = unit * volume_kb / KB_PER_MB
        else:
            amount = unit * messages
        return Decimal(amount).quantize(Q4, ROUND_HALF_UP)
