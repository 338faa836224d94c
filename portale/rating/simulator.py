"""Traffic simulator: realistic CDR files per line and tariff, fed through the importer.

Each active line gets, per day, a Poisson-distributed number of voice calls, SMS/MMS,
data sessions, the odd interactive service (e.g. an "A-SMS RICHIESTA SERVIZI" to a
provider) and event-priced service, mostly during working hours and less at weekends.
The line's tariff shapes it: M2M lines only send data, prepaid lines use less, and lines
with TIM TUO put part of their traffic on the personal account. Some lines travel: a few
days of EU roaming and, rarer, extra-EU roaming in the window.

The output is a CDR file (``cdr.COLUMNS``); ``simulate(start, end)`` imports it with the
normal importer, so simulated traffic takes exactly the path of real files. Event ids are
derived from the line, the window and a seed: simulating the same window twice adds nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
from collections.abc import Iterable, Iterator

from django.utils import timezone

from portale.records.models import DualBilling, Line, LineState

from .cdr import COLUMNS, ROME, format_row
from .ingest import ImportResult, import_cdr_bytes

OPERATORS = ["TIM", "TIM", "TIM", "VODAFONE", "WINDTRE", "ILIAD", "ALTRO"]
# mean events per working day for a subscription line (weekends: a third)
DAILY = {
    "VOCE": 6.0,
    "SMS": 2.0,
    "MMS": 0.05,
    "DATI": 8.0,
    "SERVIZI_INTERATTIVI": 0.08,
    "EVENTO": 0.03,
}
PREPAID_FACTOR = 0.6


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth: fine for the small means used here
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _called(rng: random.Random, zone: str) -> str:
    if zone == "EXTRA_UE" and rng.random() < 0.5:
        return f"00{rng.choice(['1', '44', '41', '971'])}{rng.randrange(10**7, 10**8)}"
    if rng.random() < 0.75:
        return f"3{rng.choice(['20', '31', '33', '35', '38', '39', '40', '47', '48'])}{rng.randrange(10**6, 10**7)}"
    return f"0{rng.choice(['6', '2', '11', '51', '55', '81'])}{rng.randrange(10**6, 10**7)}"


class _Trips:
    """Per line, the days spent abroad in the window (deterministic from the seed)."""

    def __init__(self, seed: int, msisdn: str, start: datetime.date, end: datetime.date):
        rng = random.Random(f"trip-{seed}-{msisdn}-{start.isocalendar()[1] // 4}")
        self.days: dict[datetime.date, str] = {}
        span = max(1, (end - start).days)
        for zone, chance in (("UE", 0.12), ("EXTRA_UE", 0.03)):
            if rng.random() < chance * max(1, span / 30):
                first = start + datetime.timedelta(days=rng.randrange(span))
                for d in range(rng.randint(2, 6)):
                    self.days[first + datetime.timedelta(days=d)] = zone

    def zone(self, day: datetime.date) -> str:
        return self.days.get(day, "")


def _moment(rng: random.Random, day: datetime.date, lo: datetime.datetime, hi: datetime.datetime):
    hour = min(23, max(0, int(rng.gauss(13, 3.5))))
    t = datetime.datetime.combine(
        day, datetime.time(hour, rng.randrange(60), rng.randrange(60)), ROME
    )
    return t if lo <= t < hi else None


def generate_rows(
    lines: Iterable[Line],
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    seed: int = 8,
    personal_lines: set[int] | None = None,
    scale: float = 1.0,
) -> Iterator[dict]:
    """CDR rows (dicts keyed by ``cdr.COLUMNS``) for ``lines`` in ``[start, end)``."""
    personal_lines = personal_lines or set()
    start_l, end_l = start.astimezone(ROME), end.astimezone(ROME)
    window_key = f"{start_l:%Y%m%d%H%M}"
    for line in lines:
        plan = line.tariff_plan.category
        trips = _Trips(seed, line.msisdn, start_l.date(), end_l.date())
        rng = random.Random(f"{seed}-{line.msisdn}-{window_key}-{end_l:%Y%m%d%H%M}")
        n = 0
        day = start_l.date()
        while day <= end_l.date():
            lo = max(start_l, datetime.datetime.combine(day, datetime.time(), ROME))
            hi = min(
                end_l,
                datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), ROME),
            )
            if hi <= lo:
                day += datetime.timedelta(days=1)
                continue
            share = (hi - lo).total_seconds() / 86400 * scale
            weekday = day.weekday() < 5
            zone = trips.zone(day)
            for service, mean in DAILY.items():
                if plan == "M2M" and service != "DATI":
                    continue
                lam = mean * share * (1 if weekday else 0.35)
                if plan == "RICARICABILE":
                    lam *= PREPAID_FACTOR
                if plan == "M2M":
                    lam = 24 * share
                for _ in range(_poisson(rng, lam)):
                    when = _moment(rng, day, lo, hi)
                    if when is None:
                        continue
                    n += 1
                    row = {
                        "event_id": f"SIM{seed}-{line.msisdn}-{window_key}-{n}",
                        "msisdn": line.msisdn,
                        "occurred_at": when,
                        "service": service,
                        "zone": {"": "NAZ"}.get(zone, zone),
                        "charging": "PERS"
                        if line.pk in personal_lines and rng.random() < 0.2
                        else "AZ",
                        "operator": rng.choice(OPERATORS),
                    }
                    if service == "VOCE":
                        row["called_number"] = _called(rng, zone)
                        row["duration_s"] = max(5, int(rng.lognormvariate(4.4, 1.0)))
                        row["type"] = "MOC"
                        row["detail"] = "Chiamata uscente" if not zone else "Chiamata in roaming"
                    elif service in ("SMS", "MMS"):
                        row["called_number"] = _called(rng, zone)
                        row["type"] = f"{service} MO"
                    elif service == "DATI":
                        kb = int(rng.lognormvariate(8.5, 1.3)) + 1
                        if plan == "M2M":
                            kb = max(1, kb // 50)
                        elif zone == "EXTRA_UE":  # abroad people browse sparingly
                            kb = max(1, kb // 40)
                        row["volume_kb"] = min(kb, 4_000_000)
                        row["duration_s"] = min(86_399, max(1, int(kb / 40)))
                        row["type"] = "GPRS" if plan == "RICARICABILE" else "DATI WAP"
                        row["detail"] = "Navigazione Wap" if plan != "RICARICABILE" else "n.d."
                        row["apn"] = "iboxtimit" if plan == "RICARICABILE" else "ibox.tim.it"
                        row["operator"] = "ALTRO" if not zone else "ROAMING PARTNER"
                    elif service == "SERVIZI_INTERATTIVI":
                        row["called_number"] = f"4{rng.randrange(10**4, 10**5)}"
                        row["type"] = "A-SMS RICHIESTA SERVIZI"
                        row["detail"] = "Da Provider"
                        row["content_price"] = rng.choice(["0.0000", "0.5000", "1.0000", "2.0000"])
                    else:
                        row["type"] = "EVENTO"
                        row["detail"] = rng.choice(["Meteo", "Oroscopo", "Notizie", "Parcheggio"])
                        row["content_price"] = rng.choice(["0.2500", "0.5000", "1.5000"])
                    yield row
            day += datetime.timedelta(days=1)


def rows_to_csv(rows: Iterable[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for row in rows:
        w.writerow(format_row(row))
    return buf.getvalue().encode("utf-8")


def simulated_lines(line_ids: list[int] | None = None):
    qs = Line.objects.filter(state=LineState.ACTIVE).select_related("tariff_plan").order_by("pk")
    if line_ids:
        qs = qs.filter(pk__in=line_ids)
    return qs


def simulate(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    seed: int = 8,
    line_ids: list[int] | None = None,
    rate: bool = True,
    scale: float = 1.0,
    chunk_days: int = 5,
) -> list[ImportResult]:
    """Simulate ``[start, end)`` for the active lines: one CDR file per ``chunk_days``."""
    lines = list(simulated_lines(line_ids))
    personal = set(
        DualBilling.objects.filter(line__in=lines, state__in=["ATTIVO", "SOSPESO"]).values_list(
            "line_id", flat=True
        )
    )
    results = []
    cur = start
    while cur < end:
        nxt = min(end, cur + datetime.timedelta(days=chunk_days))
        data = rows_to_csv(
            generate_rows(lines, cur, nxt, seed=seed, personal_lines=personal, scale=scale)
        )
        name = f"sim-{cur.astimezone(ROME):%Y%m%d%H%M}-{nxt.astimezone(ROME):%Y%m%d%H%M}.csv"
        results.append(import_cdr_bytes(data, name=name, rate=rate))
        cur = nxt
    return results


def simulate_recent(*, minutes: int = 15, seed: int = 8) -> list[ImportResult]:
    """The last complete ``minutes`` window (for the periodic task while the demo runs)."""
    now = timezone.now().astimezone(ROME).replace(second=0, microsecond=0)
    end = now - datetime.timedelta(minutes=now.minute % minutes)
    return simulate(end - datetime.timedelta(minutes=minutes), end, seed=seed)
