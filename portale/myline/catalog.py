"""The TIM TUO prepaid option families of "Pacchetti/Plafond" (F-9.2.1.3, G-43).

The guide fixes the families, their order and their option codes; names and prices come
from the current price list ("scarica il Listino presente nella sezione Linee e listini"):
an option the price list does not carry is not offered. Each family maps to its Appendix 1
pratiche (G-43: the "Exclusive" variants file the base family's pratica, the "Plafond dati
aggiuntivo" the national data plafond's; a replacement is an activation).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from portale.records import selectors as records
from portale.records.models import DualBillingOption

F = DualBillingOption.Family


@dataclass(frozen=True)
class Family:
    code: str  # DualBillingOption.Family
    label: str
    codes: tuple[str, ...]
    activate_op: str
    cease_op: str
    roaming: bool = False
    note: str = ""


EXTRA_DATA_NOTE = _(
    "In caso di necessità, può essere richiesto un solo Pacchetto dati aggiuntivo nel corso "
    "del mese che ha validità nel solo mese solare in cui è stato attivato. Un nuovo Plafond "
    "dati aggiuntivo potrà essere richiesto, se necessario, il mese successivo."
)

FAMILIES: list[Family] = [
    Family(
        F.NATIONAL_PACK,
        _("Pacchetto mensile traffico nazionale + UE"),
        ("S1", "S4", "M4", "M20", "L4", "L20"),
        "timtuoric_pack_nat_on",
        "timtuoric_pack_nat_off",
    ),
    Family(
        F.NATIONAL_DATA,
        _("Plafond mensile dati nazionali + UE"),
        ("DATI10", "DATI50"),
        "timtuoric_plaf_nat_on",
        "timtuoric_plaf_nat_off",
    ),
    Family(
        F.EXTRA_DATA,
        _("Plafond dati aggiuntivo (fruibile solo nel mese solare in cui è stato richiesto)"),
        ("1GB Plus", "4GB Plus", "20GB Plus"),
        "timtuoric_plaf_nat_on",
        "timtuoric_plaf_nat_off",
        note=EXTRA_DATA_NOTE,
    ),
    Family(
        F.ROAMING_PACK,
        _("Pacchetto giornaliero roaming extra UE"),
        ("RXU",),
        "timtuoric_pack_extue_on",
        "timtuoric_pack_extue_off",
        roaming=True,
    ),
    Family(
        F.ROAMING_PACK_EXCL,
        _("Pacchetto giornaliero roaming extra UE Exclusive"),
        ("RXU-X",),
        "timtuoric_pack_extue_on",
        "timtuoric_pack_extue_off",
        roaming=True,
    ),
    Family(
        F.ROAMING_DATA,
        _("Plafond mensile 500MB dati roaming extra UE"),
        ("RXD",),
        "timtuoric_plaf_extue_on",
        "timtuoric_plaf_extue_off",
        roaming=True,
    ),
    Family(
        F.ROAMING_DATA_EXCL,
        _("Plafond mensile 500MB dati roaming extra UE Exclusive"),
        ("RXD-X",),
        "timtuoric_plaf_extue_on",
        "timtuoric_plaf_extue_off",
        roaming=True,
    ),
]
BY_CODE = {f.code: f for f in FAMILIES}
ACTIVATE_OPS = sorted({f.activate_op for f in FAMILIES})
CEASE_OPS = sorted({f.cease_op for f in FAMILIES})


@dataclass(frozen=True)
class Offer:
    code: str
    name: str
    price: Decimal
    unit: str


def offers(family: Family) -> list[Offer]:
    """The family's options in the current price list, in the guide's order."""
    items = records.current_option_prices(codes=family.codes)
    return [
        Offer(
            code,
            items[code].description,
            items[code].price.quantize(Decimal("0.01")),
            items[code].unit,
        )
        for code in family.codes
        if code in items
    ]


def offer(family_code: str, option_code: str) -> Offer | None:
    family = BY_CODE.get(family_code)
    if family is None:
        return None
    return next((o for o in offers(family) if o.code == option_code), None)
