"""Reads behind the employee's consumption pages (F-9.2.2, E-23): always one line."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from portale.records import selectors as records

MAX_EVENTS = 3000  # G-44: at most 3,000 events shown or exported

# The guide's categories → the stored ones (see rating/CDR_FORMAT.md)
SUBSCRIPTION_CATEGORIES = {
    "generico": ("Generico", ["VOCE", "SMS_MMS", "GENERICO"]),
    "dati": ("Dati", ["DATI"]),
    "interattivi": ("Servizi interattivi", ["SERVIZI_INTERATTIVI"]),
    "eventi": ("Eventi", ["EVENTI"]),
}
PREPAID_CATEGORIES = {
    "voce": ("Voce", ["VOCE"]),
    "sms": ("Sms/MMS", ["SMS_MMS"]),
    "generico": ("Generico", ["GENERICO", "EVENTI"]),
    "dati": ("Dati/Servizi a contenuto", ["DATI", "SERVIZI_INTERATTIVI"]),
}
# "Tipologia traffico" rows: label, guide category keys, shown even at zero (the guide's rows).
# The rows after them ("EVENTI", "ALTRO") appear only when the line has such traffic, so the
# costs still add up to what the line spent.
SUBSCRIPTION_TYPES = [
    ("GENERICO", "generico", True),
    ("DATI", "dati", True),
    ("SERVIZI INTERATTIVI", "interattivi", True),
    ("EVENTI", "eventi", False),
]
PREPAID_TYPES = [
    ("FONIA", "voce", True),
    ("SMS-MMS", "sms", True),
    ("DATI", "dati", True),
    ("ALTRO", "generico", False),
]


def own_sims(line):
    """La mia SIM (F-9.1.1): the SIMs of the employee's line that "Su linea" lists,
    principal first. A SIM replaced by "Cambio SIM" (F-9.1.4, F-7.3.8) stays on the line,
    ceased, and is left out; a ceased line keeps its SIMs."""
    return records.sims_listed_of_line(line=line).order_by("-role", "iccid")


def local_bounds(start: datetime.date, end_inclusive: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end_inclusive + datetime.timedelta(days=1), datetime.time(), tz),
    )


def month_window(today: datetime.date, previous: bool) -> tuple[datetime.date, datetime.date]:
    """Current month: 1st → today; previous month: whole month."""
    first = today.replace(day=1)
    if not previous:
        return first, today
    last_prev = first - datetime.timedelta(days=1)
    return last_prev.replace(day=1), last_prev


def detail_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Dettaglio traffico: the current and the previous month (P-13)."""
    return month_window(today, True)[0], today


def events(
    line, start: datetime.date, end: datetime.date, categories, charging=None, paid_only=False
):
    """The line's events of the period for the "Dettaglio traffico".

    (Loading only the displayed columns with ``.only()`` was measured slower on the page:
    Django's deferred-field bookkeeping costs more than the 6 columns it saves.)"""
    lo, hi = local_bounds(start, end)
    return records.traffic_of_line(
        line=line,
        start=lo,
        end=hi,
        categories=categories,
        charging=charging or None,
        paid_only=paid_only,
    )


# Call-record codes as a person reads them in the consumption breakdown (issue 21: "MOC: 3,99 €"
# told nothing); an unknown code keeps its text.
TYPE_LABELS = {
    "MOC": "Chiamate effettuate",
    "MTC": "Chiamate ricevute",
    "SMS": "SMS",
    "SMS MO": "SMS inviati",
    "SMS MT": "SMS ricevuti",
    "MMS": "MMS",
    "MMS MO": "MMS inviati",
    "MMS MT": "MMS ricevuti",
    "GPRS": "Navigazione internet",
    "DATI WAP": "Navigazione WAP",
    "A-SMS RICHIESTA SERVIZI": "SMS a servizi interattivi",
    "EVENTO": "Servizi a evento",
    "SERVIZIO": "Servizi a contenuto",
}


def type_label(code: str) -> str:
    return TYPE_LABELS.get((code or "").upper(), code or "Altro")


def over_bundle_summary(line, start: datetime.date, end: datetime.date) -> dict:
    """Riepilogo dei consumi: € over bundle by row × column, with per-type breakdowns."""
    lo, hi = local_bounds(start, end)
    rows = (
        records.traffic_of_line(line=line, start=lo, end=hi)
        .values("category", "charging", "roaming_zone", "type")
        .annotate(amount=Sum("net_amount"), n=Count("pk"))
    )
    zero = Decimal("0")
    cell = lambda: {"amount": zero, "types": defaultdict(lambda: zero)}  # noqa: E731
    voice = {"AZIENDALE": cell(), "PERSONALE": cell(), "TOTALE": cell()}
    sms = {"AZIENDALE": cell(), "PERSONALE": cell(), "TOTALE": cell()}
    data = {"NAZIONALE": zero, "ROAMING": zero, "TOTALE": zero}
    for r in rows:
        amount = r["amount"] or zero
        if r["category"] in ("VOCE", "SMS_MMS"):
            target = voice if r["category"] == "VOCE" else sms
            for key in (r["charging"], "TOTALE"):
                target[key]["amount"] += amount
                target[key]["types"][type_label(r["type"])] += amount
        elif r["category"] == "DATI":
            data["ROAMING" if r["roaming_zone"] else "NAZIONALE"] += amount
            data["TOTALE"] += amount
    for target in (voice, sms):
        for c in target.values():
            c["types"] = sorted(c["types"].items())
    return {"voice": voice, "sms": sms, "data": data}


def cost_by_type(line, start: datetime.date, end: datetime.date, types, categories) -> list[dict]:
    lo, hi = local_bounds(start, end)
    sums = dict(
        records.traffic_of_line(line=line, start=lo, end=hi)
        .values_list("category")
        .annotate(s=Sum("net_amount"))
        .values_list("category", "s")
    )
    out = []
    for label, key, always in types:
        cats = categories[key][1]
        cost = sum((sums.get(c) or Decimal(0) for c in cats), Decimal(0))
        if always or cost:
            out.append({"label": label, "key": key, "cost": cost})
    return out
