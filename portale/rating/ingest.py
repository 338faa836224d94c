"""CDR file ingestion: all-or-nothing, idempotent, fast (format: ``CDR_FORMAT.md``).

``import_cdr_file(path)``:

1. hashes the file (SHA-256): a file already imported (``CdrFile``) adds nothing;
2. reads and checks every row (``cdr.parse_cdr``) and resolves each ``msisdn`` to a line;
   every bad row is reported, and if there is any the file is refused and nothing is written;
3. writes the events in one transaction: on PostgreSQL with ``COPY`` into a temporary table
   then ``INSERT ... ON CONFLICT (external_id) DO NOTHING``; elsewhere with ``bulk_create``
   in batches (``ignore_conflicts``). An event id already present (from another file) is
   counted as a duplicate and skipped, so overlapping files are safe too;
4. records the file digest in the same transaction, then (optionally) rates the new events.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max

from portale.records.models import Line, TrafficEvent

from .cdr import CdrRow, RowError, parse_cdr
from .models import CdrFile

BATCH = 5000


class CdrRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} errori nel file CDR")


@dataclass
class ImportResult:
    name: str
    sha256: str
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    already_imported: bool = False
    errors: list[RowError] = field(default_factory=list)
    first_id: int | None = None  # ids of the new events are > this (for rating)

    @property
    def ok(self) -> bool:
        return not self.errors


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _resolve_lines(rows: list[CdrRow], errors: list[RowError]) -> dict[str, tuple[int, int]]:
    msisdns = {r.msisdn for r in rows}
    found: dict[str, tuple[int, int]] = {}
    ms = list(msisdns)
    for i in range(0, len(ms), 900):
        for pk, msisdn in Line.objects.filter(msisdn__in=ms[i : i + 900]).values_list(
            "pk", "msisdn"
        ):
            found[msisdn] = (pk, 0)
    for r in rows:
        if r.msisdn not in found:
            errors.append(RowError(r.lineno, "msisdn", f"linea {r.msisdn} sconosciuta"))
    return found


_FLAT = {"SERVIZI_INTERATTIVI", "EVENTI"}


def _event(r: CdrRow, line_id: int) -> TrafficEvent:
    return TrafficEvent(
        line_id=line_id,
        external_id=r.event_id,
        occurred_at=r.occurred_at,
        category=r.category,
        type=r.type,
        detail=r.detail,
        apn=r.apn,
        called_number=r.called_number,
        operator=r.operator,
        duration_seconds=r.duration_s,
        volume_kb=r.volume_kb,
        gross_amount=r.content_price if r.category in _FLAT else 0,
        net_amount=0,
        charging=r.charging,
        roaming_zone=r.zone,
    )


COPY_COLUMNS = [
    "line_id",
    "external_id",
    "occurred_at",
    "category",
    "type",
    "detail",
    "apn",
    "called_number",
    "operator",
    "duration_seconds",
    "volume_kb",
    "gross_amount",
    "net_amount",
    "option",
    "rating_unit",
    "charging",
    "roaming_zone",
]
_ESC = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_line(r: CdrRow, line_id: int) -> str:
    """One row in PostgreSQL COPY text format (columns ``COPY_COLUMNS``)."""
    gross = r.content_price if r.category in _FLAT else 0
    return (
        f"{line_id}\t{r.event_id}\t{r.occurred_at.isoformat()}\t{r.category}\t"
        f"{r.type.translate(_ESC)}\t{r.detail.translate(_ESC)}\t{r.apn.translate(_ESC)}\t"
        f"{r.called_number}\t{r.operator.translate(_ESC)}\t{r.duration_s}\t{r.volume_kb}\t"
        f"{gross}\t0\t\t\t{r.charging}\t{r.zone}\n"
    )


def _write_postgres(rows: list[CdrRow], lines: dict[str, tuple[int, int]]) -> int:
    table = TrafficEvent._meta.db_table
    cols = ", ".join(f'"{c}"' for c in COPY_COLUMNS)
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE cdr_stage (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        cur.execute("ALTER TABLE cdr_stage ALTER COLUMN id DROP NOT NULL")
        raw = cur.cursor  # the psycopg cursor
        with raw.copy(f"COPY cdr_stage ({cols}) FROM STDIN") as copy:
            buf = io.StringIO()
            for i, r in enumerate(rows, 1):
                buf.write(copy_line(r, lines[r.msisdn][0]))
                if i % BATCH == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM cdr_stage "
            "ON CONFLICT (external_id) DO NOTHING"
        )
        inserted = cur.rowcount
        cur.execute("DROP TABLE cdr_stage")
    return inserted


def _write_orm(rows: list[CdrRow], lines: dict[str, tuple[int, int]]) -> int:
    before = TrafficEvent.objects.count()
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        TrafficEvent.objects.bulk_create(
            [_event(r, lines[r.msisdn][0]) for r in chunk], ignore_conflicts=True
        )
    return TrafficEvent.objects.count() - before


def import_cdr_bytes(data: bytes, *, name: str = "", rate: bool = True) -> ImportResult:
    digest = file_digest(data)
    result = ImportResult(name=name, sha256=digest)
    if CdrFile.objects.filter(sha256=digest).exists():
        result.already_imported = True
        return result
    text = io.StringIO(data.decode("utf-8-sig", errors="strict"))
    parsed = parse_cdr(text)
    result.rows = len(parsed.rows) + len({e.lineno for e in parsed.errors})
    errors = list(parsed.errors)
    lines = _resolve_lines(parsed.rows, errors)
    if errors:
        result.errors = sorted(errors, key=lambda e: (e.lineno, e.column))
        return result
    result.rows = len(parsed.rows)
    with transaction.atomic():
        # The digest row first: a concurrent import of the same file fails on the unique key.
        cdr_file = CdrFile.objects.create(sha256=digest, name=name[:255], rows=result.rows)
        result.first_id = TrafficEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        if connection.vendor == "postgresql":
            result.imported = _write_postgres(parsed.rows, lines)
        else:
            result.imported = _write_orm(parsed.rows, lines)
        result.duplicates = result.rows - result.imported
        cdr_file.imported, cdr_file.duplicates = result.imported, result.duplicates
        cdr_file.save(update_fields=["imported", "duplicates"])
    if rate and result.imported:
        from .services import rate_pending

        rate_pending()
    return result


def import_cdr_file(path: str | Path, *, rate: bool = True) -> ImportResult:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImportResult(
            name=path.name, sha256="", errors=[RowError(0, "", f"file non leggibile: {exc}")]
        )
    try:
        return import_cdr_bytes(data, name=path.name, rate=rate)
    except UnicodeDecodeError as exc:
        return ImportResult(
            name=path.name,
            sha256=file_digest(data),
            errors=[RowError(0, "", f"il file non è in UTF-8 ({exc.reason})")],
        )
