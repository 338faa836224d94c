"""The CDR file format the rating engine ingests (see ``CDR_FORMAT.md`` for the full text).

A CDR file is a UTF-8 CSV (a BOM is accepted), comma-separated, with this header row
(column order free, names exact; unknown columns are an error)::

    event_id,msisdn,occurred_at,service,type,detail,called_number,operator,duration_s,volume_kb,zone,charging,apn,content_price

One row is one traffic event of one line. ``parse_cdr`` reads and checks every row and
returns the parsed rows together with *every* error found (line number, column, message):
the importer applies a file only when it has no error at all.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

COLUMNS = [
    "event_id",
    "msisdn",
    "occurred_at",
    "service",
    "type",
    "detail",
    "called_number",
    "operator",
    "duration_s",
    "volume_kb",
    "zone",
    "charging",
    "apn",
    "content_price",
]
REQUIRED = {"event_id", "msisdn", "occurred_at", "service"}

# service → (TrafficEvent.category, default "Tipologia", default "Dettaglio")
SERVICES = {
    "VOCE": ("VOCE", "MOC", "Chiamata uscente"),
    "SMS": ("SMS_MMS", "SMS MO", "SMS uscente"),
    "MMS": ("SMS_MMS", "MMS MO", "MMS uscente"),
    "DATI": ("DATI", "GPRS", "Navigazione"),
    "SERVIZI_INTERATTIVI": ("SERVIZI_INTERATTIVI", "A-SMS RICHIESTA SERVIZI", "Da Provider"),
    "EVENTO": ("EVENTI", "EVENTO", "Servizio a evento"),
}
ZONES = {"NAZ": "", "": "", "UE": "UE", "EXTRA_UE": "EXTRA_UE"}
CHARGING = {"AZ": "AZIENDALE", "": "AZIENDALE", "PERS": "PERSONALE"}

_EVENT_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
_MSISDN = re.compile(r"^3\d{8,9}$")
_CALLED = re.compile(r"^\+?\d{2,20}$")
MAX_DURATION = 24 * 3600
MAX_VOLUME_KB = 100 * 1024 * 1024  # 100 GB in one record is not a real session


@dataclass(slots=True)
class CdrRow:
    lineno: int
    event_id: str
    msisdn: str
    occurred_at: datetime.datetime
    service: str
    category: str
    type: str
    detail: str
    called_number: str
    operator: str
    duration_s: int
    volume_kb: int
    zone: str
    charging: str
    apn: str
    content_price: Decimal


@dataclass(frozen=True, slots=True)
class RowError:
    lineno: int
    column: str
    message: str

    def __str__(self) -> str:
        col = f" [{self.column}]" if self.column else ""
        return f"riga {self.lineno}{col}: {self.message}"


@dataclass
class ParseResult:
    rows: list[CdrRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def _int(value: str, column: str, lineno: int, errors: list, maximum: int) -> int | None:
    if value == "":
        return 0
    if not value.isdigit():
        errors.append(RowError(lineno, column, f"'{value}' non è un intero non negativo"))
        return None
    n = int(value)
    if n > maximum:
        errors.append(RowError(lineno, column, f"{n} supera il massimo ammesso ({maximum})"))
    return n


def parse_datetime(value: str) -> datetime.datetime:
    """ISO 8601; without an offset the time is Europe/Rome local time."""
    dt = datetime.datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ROME)
    return dt


def _row(lineno: int, rec: dict[str, str], errors: list[RowError]) -> CdrRow | None:
    before = len(errors)
    g = {k: (rec.get(k) or "").strip() for k in COLUMNS}
    for col in REQUIRED:
        if not g[col]:
            errors.append(RowError(lineno, col, "campo obbligatorio mancante"))
    if len(errors) > before:
        return None
    if not _EVENT_ID.match(g["event_id"]):
        errors.append(RowError(lineno, "event_id", "1-64 caratteri tra lettere, cifre e _ . : -"))
    if not _MSISDN.match(g["msisdn"]):
        errors.append(RowError(lineno, "msisdn", f"'{g['msisdn']}' non è un numero mobile"))
    occurred = None
    try:
        occurred = parse_datetime(g["occurred_at"])
    except ValueError:
        errors.append(
            RowError(lineno, "occurred_at", f"'{g['occurred_at']}' non è una data ISO 8601")
        )
    service = g["service"].upper()
    if service not in SERVICES:
        errors.append(
            RowError(lineno, "service", f"'{g['service']}' non è tra {', '.join(SERVICES)}")
        )
    zone = g["zone"].upper()
    if zone not in ZONES:
        errors.append(RowError(lineno, "zone", f"'{g['zone']}' non è tra NAZ, UE, EXTRA_UE"))
    charging = g["charging"].upper()
    if charging not in CHARGING:
        errors.append(RowError(lineno, "charging", f"'{g['charging']}' non è tra AZ, PERS"))
    called = g["called_number"].replace(" ", "")
    if called and not _CALLED.match(called):
        errors.append(RowError(lineno, "called_number", f"'{called}' non è un numero"))
    duration = _int(g["duration_s"], "duration_s", lineno, errors, MAX_DURATION)
    volume = _int(g["volume_kb"], "volume_kb", lineno, errors, MAX_VOLUME_KB)
    price = Decimal(0)
    if g["content_price"]:
        try:
            price = Decimal(g["content_price"])
            if price < 0 or price > 1000 or price.as_tuple().exponent < -4:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                RowError(lineno, "content_price", "importo tra 0 e 1000, max 4 decimali, con '.'")
            )
    if service == "VOCE":
        if duration == 0:
            errors.append(RowError(lineno, "duration_s", "una chiamata ha durata > 0"))
        if not called:
            errors.append(RowError(lineno, "called_number", "obbligatorio per VOCE"))
    if service in ("SMS", "MMS") and not called:
        errors.append(RowError(lineno, "called_number", f"obbligatorio per {service}"))
    if service == "DATI" and volume == 0:
        errors.append(RowError(lineno, "volume_kb", "una sessione dati ha volume > 0"))
    if len(errors) > before:
        return None
    category, default_type, default_detail = SERVICES[service]
    return CdrRow(
        lineno=lineno,
        event_id=g["event_id"],
        msisdn=g["msisdn"],
        occurred_at=occurred,
        service=service,
        category=category,
        type=(g["type"] or default_type)[:40],
        detail=(g["detail"] or default_detail)[:80],
        called_number=called,
        operator=(g["operator"] or "ALTRO")[:40],
        duration_s=duration,
        volume_kb=volume,
        zone=ZONES[zone],
        charging=CHARGING[charging],
        apn=g["apn"][:60],
        content_price=price,
    )


def iter_cdr(
    stream: io.TextIOBase | Iterable[str],
    errors: list[RowError],
    *,
    check_duplicates: bool = True,
    max_errors: int = 10_000,
) -> Iterator[CdrRow]:
    """Yield the good rows of a CDR file, appending every problem found to ``errors``.

    With ``check_duplicates`` an event id repeated inside the file is an error (the ids are
    kept in memory; the PostgreSQL importer checks them in the database instead).
    """
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        errors.append(RowError(1, "", "file vuoto: manca la riga di intestazione"))
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        msg = []
        if unknown:
            msg.append(f"colonne sconosciute: {', '.join(unknown)}")
        if missing:
            msg.append(f"colonne obbligatorie mancanti: {', '.join(sorted(missing))}")
        errors.append(RowError(1, "", "; ".join(msg)))
        return
    seen: dict[str, int] = {}
    width = len(header)
    for values in reader:
        lineno = reader.line_num
        if not values or values == [""]:
            continue
        if len(values) != width:
            errors.append(RowError(lineno, "", f"{len(values)} campi invece di {width}"))
        else:
            row = _row(lineno, dict(zip(header, values, strict=True)), errors)
            if row is not None:
                first = seen.get(row.event_id) if check_duplicates else None
                if first is not None:
                    errors.append(
                        RowError(
                            lineno,
                            "event_id",
                            f"'{row.event_id}' ripetuto (già alla riga {first})",
                        )
                    )
                else:
                    if check_duplicates:
                        seen[row.event_id] = lineno
                    yield row
        if len(errors) >= max_errors:
            errors.append(RowError(lineno, "", "troppi errori: controllo interrotto"))
            return


def parse_cdr(stream: io.TextIOBase | Iterable[str], *, max_errors: int = 10_000) -> ParseResult:
    """Read and check a whole CDR file in memory (small files, tests)."""
    errors: list[RowError] = []
    rows = list(iter_cdr(stream, errors, max_errors=max_errors))
    return ParseResult(rows, errors)


def format_row(values: dict) -> list[str]:
    """One CSV row in ``COLUMNS`` order (used by the simulator's file writer and the tests)."""
    out = []
    for col in COLUMNS:
        v = values.get(col, "")
        if isinstance(v, datetime.datetime):
            v = v.isoformat(timespec="seconds")
        out.append("" if v is None else str(v))
    return out
