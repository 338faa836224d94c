"""Multi-line requests as text: the same rows from the page's selection and from a CSV file.

A multi-line operation's form has one field, ``righe``: a ";"-separated CSV with a fixed
header. The page builds it from the ticked lines; the bulk page takes the user's file as it
is. Either way the form checks every row and reports each bad one with its row number and
reason; nothing is filed unless every row is valid (issue 10, "Bulk by CSV").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portale.records import selectors as records
from portale.records.models import Contract, Line

MAX_ROWS = 10_000
SEPARATOR = ";"


@dataclass
class Row:
    number: int  # the row number in the file (the header is row 1)
    values: dict[str, str]


class BulkError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def parse(text: str, header: tuple[str, ...]) -> list[Row]:
    """The data rows of a CSV with exactly ``header``; raises ``BulkError`` on a wrong header,
    no rows or more than ``MAX_ROWS``."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=SEPARATOR)
    first = next(reader, None)
    got = tuple(c.strip().upper() for c in first) if first else ()
    if got != header:
        raise BulkError(
            [
                _("Riga 1: intestazione non valida: attesa %(expected)s, trovata %(found)s.")
                % {"expected": SEPARATOR.join(header), "found": SEPARATOR.join(got) or "—"}
            ]
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise BulkError(
                [_("Il file supera il massimo di %(max)s linee per richiesta.") % {"max": MAX_ROWS}]
            )
        cells = [c.strip() for c in cells] + [""] * (len(header) - len(cells))
        rows.append(Row(number, dict(zip(header, cells, strict=False))))
    if not rows:
        raise BulkError([_("Il file non contiene nessuna linea.")])
    return rows


def resolve_lines(*, contract: Contract, msisdns: Iterable[str]) -> dict[str, Line]:
    """msisdn → line of the contract (others are simply absent), a chunk at a time."""
    wanted = sorted(set(msisdns))
    found: dict[str, Line] = {}
    for start in range(0, len(wanted), 5000):
        qs = records.lines_of_contract(contract=contract).filter(
            msisdn__in=wanted[start : start + 5000]
        )
        found.update({line.msisdn: line for line in qs.select_related("tariff_plan")})
    return found


def render(header: tuple[str, ...], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
