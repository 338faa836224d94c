"""CDR file ingestion: all-or-nothing, idempotent, fast (format: ``CDR_FORMAT.md``).

``import_cdr_file(path)``:

1. hashes the file (SHA-256): a file already imported (``CdrFile``) adds nothing;
2. streams the rows in one transaction, checking every row (``cdr.iter_cdr``) and resolving
   each ``msisdn`` to a line, a batch at a time; while the file is clean the rows are
   written as they come. PostgreSQL, fast path: ``COPY`` straight into the traffic table
   inside a savepoint. If an id is already known or repeated in the file (unique
   violation) or a row is bad, the savepoint is rolled back and the file is streamed again
   through a temporary staging table (``COPY``), which finds every id repeated in the file
   with one ``GROUP BY`` and inserts with ``INSERT ... ON CONFLICT (external_id) DO
   NOTHING``: an event already imported from another file is skipped and counted as a
   duplicate, so overlapping files are safe. Other databases: ``bulk_create`` in batches
   of 5,000 with ``ignore_conflicts``;
3. if any row was bad, every error is reported (line, column, message), the transaction is
   rolled back and nothing is imported;
4. the file digest is recorded in the same transaction; then the new events are rated.

Memory stays flat (one batch of rows at a time), so a 10-million-row file imports fine.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.db import IntegrityError, connection, transaction

from portale.records.models import Line, TrafficEvent

from .cdr import CdrRow, RowError, iter_cdr
from .models import CdrFile

try:  # PostgreSQL driver: COPY raises its own error, not Django's
    from psycopg.errors import UniqueViolation
except ImportError:  # pragma: no cover - SQLite-only installs
    UniqueViolation = IntegrityError

BATCH = 5000
PG_BATCH = 50_000
_FLAT = {"SERVIZI_INTERATTIVI", "EVENTI"}


class _Rejected(Exception):
    pass


@dataclass
class ImportResult:
    name: str
    sha256: str
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    already_imported: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _batches(rows: Iterable[CdrRow], size: int = BATCH):
    batch: list[CdrRow] = []
    for r in rows:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _LineResolver:
    """msisdn → line id, cached; unknown numbers are row errors."""

    def __init__(self):
        self.known: dict[str, int] = {}
        self.unknown: set[str] = set()

    def resolve(self, batch: list[CdrRow], errors: list[RowError]) -> None:
        missing = {r.msisdn for r in batch} - self.known.keys() - self.unknown
        ms = list(missing)
        for i in range(0, len(ms), 900):
            self.known.update(
                (msisdn, pk)
                for pk, msisdn in Line.objects.filter(msisdn__in=ms[i : i + 900]).values_list(
                    "pk", "msisdn"
                )
            )
        self.unknown |= missing - self.known.keys()
        for r in batch:
            if r.msisdn in self.unknown:
                errors.append(RowError(r.lineno, "msisdn", f"linea {r.msisdn} sconosciuta"))


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
        f"{gross}\t0\t\t\t{r.charging}\t{r.zone}"
    )


class _PostgresWriter:
    table = TrafficEvent._meta.db_table
    cols = ", ".join(f'"{c}"' for c in COPY_COLUMNS)

    def __init__(self):
        self.cursor = connection.cursor()
        self.cursor.execute(
            f"CREATE TEMP TABLE cdr_stage (LIKE {self.table} INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        self.cursor.execute(
            "ALTER TABLE cdr_stage ALTER COLUMN id DROP NOT NULL, ADD COLUMN lineno integer"
        )

    def write(self, batch: list[CdrRow], lines: dict[str, int]) -> None:
        # One COPY per batch: the connection must stay free between batches (the line
        # lookups of the next batch run on it).
        with self.cursor.cursor.copy(f"COPY cdr_stage ({self.cols}, lineno) FROM STDIN") as copy:
            copy.write(
                "".join(f"{copy_line(r, lines.get(r.msisdn, 0))}\t{r.lineno}\n" for r in batch)
            )

    def finish(self, errors: list[RowError]) -> int:
        cur = self.cursor
        cur.execute(
            "SELECT external_id, array_agg(lineno ORDER BY lineno) FROM cdr_stage "
            "GROUP BY external_id HAVING count(*) > 1 LIMIT 10000"
        )
        for event_id, linenos in cur.fetchall():
            for n in linenos[1:]:
                errors.append(
                    RowError(n, "event_id", f"'{event_id}' ripetuto (già alla riga {linenos[0]})")
                )
        if errors:
            return 0
        cur.execute(
            f"INSERT INTO {self.table} ({self.cols}) SELECT {self.cols} FROM cdr_stage "
            "ON CONFLICT (external_id) DO NOTHING"
        )
        inserted = cur.rowcount
        cur.execute("DROP TABLE cdr_stage")
        return inserted

    def abort(self) -> None:
        pass


class _DirectCopyWriter:
    """The fast path: COPY straight into the traffic table (a new file's ids are new).

    Any id already present (or repeated in the file) makes COPY fail with a unique
    violation; the importer then rolls back to its savepoint and uses ``_PostgresWriter``.
    """

    table = TrafficEvent._meta.db_table
    cols = ", ".join(f'"{c}"' for c in COPY_COLUMNS)

    def __init__(self):
        self.cursor = connection.cursor()
        self.written = 0

    def write(self, batch: list[CdrRow], lines: dict[str, int]) -> None:
        with self.cursor.cursor.copy(f"COPY {self.table} ({self.cols}) FROM STDIN") as copy:
            copy.write("".join(f"{copy_line(r, lines[r.msisdn])}\n" for r in batch))
        self.written += len(batch)

    def finish(self, errors: list[RowError]) -> int:
        return self.written

    def abort(self) -> None:
        pass


class _OrmWriter:
    def write(self, batch: list[CdrRow], lines: dict[str, int]) -> None:
        TrafficEvent.objects.bulk_create(
            [_event(r, lines[r.msisdn]) for r in batch], ignore_conflicts=True
        )

    def finish(self, errors: list[RowError]) -> int:
        return 0  # counted by the caller (ignore_conflicts hides which rows went in)

    def abort(self) -> None:
        pass


def _run(open_text, writer, errors: list[RowError], *, stage_all: bool, check_duplicates: bool):
    """Stream the file through ``writer``; returns (rows, inserted)."""
    resolver = _LineResolver()
    rows_count = 0
    size = PG_BATCH if connection.vendor == "postgresql" else BATCH
    with open_text() as stream:
        rows = iter_cdr(stream, errors, check_duplicates=check_duplicates)
        for batch in _batches(rows, size):
            rows_count += len(batch)
            resolver.resolve(batch, errors)
            if stage_all or not errors:
                writer.write(batch, resolver.known)
    inserted = writer.finish(errors) if stage_all or not errors else 0
    return rows_count, inserted


class _AlreadyImported(Exception):
    """Another process recorded the same file between our check and our insert."""


def _known(sha256: str) -> bool:
    return CdrFile.objects.filter(sha256=sha256).exists()


def import_cdr_stream(
    open_text: Callable[[], TextIO], *, sha256: str, name: str = "", rate: bool = True
) -> ImportResult:
    result = ImportResult(name=name, sha256=sha256)
    if _known(sha256):
        result.already_imported = True
        return result
    errors: list[RowError] = []
    postgres = connection.vendor == "postgresql"
    try:
        with transaction.atomic():
            # The digest row first: a concurrent import of the same file waits on its key,
            # then finds it taken once the first one commits: "already imported".
            try:
                with transaction.atomic():
                    cdr_file = CdrFile.objects.create(sha256=sha256, name=name[:255])
            except IntegrityError:
                raise _AlreadyImported from None
            if postgres:
                try:
                    with transaction.atomic():  # savepoint for the optimistic fast path
                        rows, inserted = _run(
                            open_text,
                            _DirectCopyWriter(),
                            errors,
                            stage_all=False,
                            check_duplicates=False,
                        )
                        if errors:
                            raise _Rejected
                except (IntegrityError, UniqueViolation, _Rejected):
                    # Known ids, ids repeated in the file or bad rows: the staging path
                    # skips known ids and reports every problem of the file.
                    errors.clear()
                    rows, inserted = _run(
                        open_text,
                        _PostgresWriter(),
                        errors,
                        stage_all=True,
                        check_duplicates=False,
                    )
            else:
                before = TrafficEvent.objects.count()
                rows, _ = _run(
                    open_text, _OrmWriter(), errors, stage_all=False, check_duplicates=True
                )
                inserted = TrafficEvent.objects.count() - before
            if errors:
                raise _Rejected
            result.rows, result.imported = rows, inserted
            result.duplicates = rows - inserted
            cdr_file.rows, cdr_file.imported, cdr_file.duplicates = (
                result.rows,
                result.imported,
                result.duplicates,
            )
            cdr_file.save(update_fields=["rows", "imported", "duplicates"])
    except _AlreadyImported:
        result.already_imported = True
        return result
    except _Rejected:
        result.errors = sorted(errors, key=lambda e: (e.lineno, e.column))
        return result
    except UnicodeDecodeError as exc:
        result.errors = [RowError(0, "", f"il file non è in UTF-8 ({exc.reason})")]
        return result
    if rate and result.imported:
        from .services import rate_pending

        rate_pending()
    return result


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_cdr_bytes(data: bytes, *, name: str = "", rate: bool = True) -> ImportResult:
    return import_cdr_stream(
        lambda: io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline=""),
        sha256=file_digest(data),
        name=name,
        rate=rate,
    )


def import_cdr_file(path: str | Path, *, rate: bool = True) -> ImportResult:
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        return ImportResult(
            name=path.name, sha256="", errors=[RowError(0, "", f"file non leggibile: {exc}")]
        )
    return import_cdr_stream(
        lambda: path.open(encoding="utf-8-sig", newline=""),
        sha256=digest.hexdigest(),
        name=path.name,
        rate=rate,
    )
