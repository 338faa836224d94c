"""Spreadsheet exports of lists: streamed CSV and constant-memory .xlsx (P-06, P-07, G-48).

Two writers, usable from a view (synchronous download) and from a background job
("I miei Export", which writes the same bytes to a storage file):

- ``write_csv(rows, columns, fileobj)`` / ``iter_csv(rows, columns)``
- ``write_xlsx(rows, columns, fileobj)``

``rows`` is any iterable of tuples of *raw* values (dates, Decimals, strings), one per
column, e.g. ``Table.export_rows()``; ``columns`` is a sequence of objects with ``label``
and ``format`` (a ``portale.core.lists.formats.Format``), e.g. ``Table.export_columns``.
Neither writer holds more than one row: memory stays flat however long the list is, which
is the point — a contract can have tens of thousands of lines.

CSV follows the Excel-IT convention (see ``lists/formats.py``): ``;`` separator, UTF-8
with BOM, decimal comma, dd/mm/yyyy dates, so a double-click opens it right in an Italian
Excel. The .xlsx carries typed cells: numbers are numbers, dates are dates.

``EXPORT_SYNC_MAX_ROWS`` (setting, default 20 000) is where a caller should switch from a
download to a background job; ``should_run_in_background(count)`` says which.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Protocol

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

CHUNK_SIZE = 2000  # rows per database fetch (QuerySet.iterator) and per CSV write
# 20 000 rows ≈ 1 s of CSV or 2.5 s of xlsx on SQLite (measured on 50 000 lines: 3 s / 6 s).
EXPORT_SYNC_MAX_ROWS: int = getattr(settings, "EXPORT_SYNC_MAX_ROWS", 20_000)
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs
# (CSV injection): text cells get a leading apostrophe, as OWASP recommends.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportColumn(Protocol):
    label: object
    format: object  # portale.core.lists.formats.Format


def should_run_in_background(count: int) -> bool:
    """True when a list of ``count`` rows is too long for a synchronous download.

    Read at call time so a deployment (or a test) can change the setting.
    """
    return count > getattr(settings, "EXPORT_SYNC_MAX_ROWS", EXPORT_SYNC_MAX_ROWS)


def export_filename(stem: str, ext: str) -> str:
    """'linee' → 'linee_20261125_1530.xlsx' (local time, so files sort by date)."""
    stamp = timezone.localtime().strftime("%Y%m%d_%H%M")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_") or "export"
    return f"{stem}_{stamp}.{ext}"


# --- CSV -------------------------------------------------------------------------------
class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(column: ExportColumn, value) -> str:
    text = column.format.csv(value)
    if text.startswith(_FORMULA_START) and not column.format.numeric:
        return "'" + text
    return text


def iter_csv(rows: Iterable[Sequence], columns: Sequence[ExportColumn]) -> Iterator[str]:
    """Yield the CSV text in pieces: the BOM and header, then one piece per CHUNK_SIZE rows."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield CSV_BOM + writer.writerow([str(c.label) for c in columns])
    buffer: list[str] = []
    for row in rows:
        buffer.append(writer.writerow([_csv_cell(c, v) for c, v in zip(columns, row, strict=True)]))
        if len(buffer) >= CHUNK_SIZE:
            yield "".join(buffer)
            buffer.clear()
    if buffer:
        yield "".join(buffer)


def write_csv(rows: Iterable[Sequence], columns: Sequence[ExportColumn], fileobj: IO) -> None:
    """Write the CSV to a file. ``fileobj`` may be text (open with ``newline=""``) or binary."""
    binary = "b" in getattr(fileobj, "mode", "") or not hasattr(fileobj, "encoding")
    for piece in iter_csv(rows, columns):
        fileobj.write(piece.encode("utf-8") if binary else piece)


def csv_response(
    rows: Iterable[Sequence], columns: Sequence[ExportColumn], filename: str
) -> StreamingHttpResponse:
    """A download that starts at once and is generated while it is sent."""
    response = StreamingHttpResponse(
        iter_csv(rows, columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


# --- xlsx ------------------------------------------------------------------------------
def _sheet_name(name: str) -> str:
    return (re.sub(r"[\[\]:*?/\\]", " ", name).strip() or "Export")[:31]


XLSX_WIDTH_SAMPLE = 200  # rows read ahead to size the columns


def _xlsx_width(column: ExportColumn, index: int, sample: Sequence[Sequence]) -> float:
    """Characters wide: the header or the longest sampled value (dates as dd/mm/yyyy hh:mm),
    plus a margin for the autofilter arrow; at least 10, at most 60."""
    longest = len(str(column.label)) + 4
    for row in sample:
        value = column.format.xlsx(row[index])
        if value is None:
            continue
        text = "dd/mm/yyyy hh:mm" if isinstance(value, datetime.date) else str(value)
        longest = max(longest, len(text) + 2)
    return max(10, min(60, longest))


def write_xlsx(
    rows: Iterable[Sequence],
    columns: Sequence[ExportColumn],
    fileobj: IO[bytes] | str,
    *,
    sheet_name: str = "Export",
) -> None:
    """Write an .xlsx with XlsxWriter in ``constant_memory`` mode.

    In that mode each row is flushed to a temporary file as soon as the next one starts,
    so memory does not grow with the number of rows. Text is written with
    ``write_string`` (never interpreted as a formula), numbers and dates as typed cells
    with an Italian-looking number format.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        fileobj,
        {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "remove_timezone": True},
    )
    sheet = workbook.add_worksheet(_sheet_name(sheet_name))
    header = workbook.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1})
    # Widths from the header and the first rows (a bounded sample: memory stays flat), so a
    # 19-digit ICCID or a long description is readable without widening the column by hand.
    rows = iter(rows)
    sample = list(itertools.islice(rows, XLSX_WIDTH_SAMPLE))
    cell_formats = []
    for index, column in enumerate(columns):
        num_format = getattr(column.format, "xlsx_num_format", None)
        cell_formats.append(workbook.add_format({"num_format": num_format}) if num_format else None)
        sheet.set_column(index, index, _xlsx_width(column, index, sample))
    sheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, str(column.label), header)
    row_number = 0
    for row_number, row in enumerate(itertools.chain(sample, rows), start=1):
        for index, (column, raw) in enumerate(zip(columns, row, strict=True)):
            value = column.format.xlsx(raw)
            fmt = cell_formats[index]
            if value is None:
                sheet.write_blank(row_number, index, None, fmt)
            elif isinstance(value, bool):
                sheet.write_boolean(row_number, index, value, fmt)
            elif isinstance(value, int | float):
                sheet.write_number(row_number, index, value, fmt)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_number, index, value, fmt)
            else:
                sheet.write_string(row_number, index, str(value), fmt)
    if row_number:
        sheet.autofilter(0, 0, row_number, max(len(columns) - 1, 0))
    workbook.close()


def xlsx_response(
    rows: Iterable[Sequence],
    columns: Sequence[ExportColumn],
    filename: str,
    *,
    sheet_name: str = "Export",
) -> FileResponse:
    """Build the .xlsx in an anonymous temporary file and stream that file.

    A zip container cannot be streamed while it is written, so the workbook goes to disk
    (never to memory) and ``FileResponse`` sends it in blocks; the file disappears when the
    response closes it.
    """
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        write_xlsx(rows, columns, tmp, sheet_name=sheet_name)
        tmp.seek(0)
    except Exception:
        tmp.close()
        raise
    response = FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response
