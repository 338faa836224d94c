"""How a value is shown in a list, in a CSV file and in an .xlsx file (P-23, G-48).

One ``Format`` per kind of value keeps the three renderings together, so a column declared
once as ``MONEY`` reads "1.234,56 €" on screen, ``1234,56`` in the CSV and a real number
with a euro number format in Excel. The HTML side uses the Italian locale explicitly
(not Django's active locale), so what the guide shows does not depend on a setting.

CSV convention (G-48, chosen once for every export): the *Excel-IT* one, because the
portal's users open CSV files by double-clicking them in an Italian Excel:
``;`` as separator, UTF-8 with a BOM, decimal comma without thousands separators,
dates dd/mm/yyyy, date-times dd/mm/yyyy hh:mm:ss. A program reading the CSV should use
the .xlsx, which carries typed values.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

_TO_ITALIAN = str.maketrans(",.", ".,")


def italian_number(value, places: int = 2, *, grouping: bool = True) -> str:
    """1234.5 → '1.234,50' (places=2). Rounding is Decimal's half-even on the exact value.

    Python's own grouping (``,``) then the separators swapped: a report or a list draws
    hundreds of figures a page (issue 17)."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = f"{abs(d):,.{places}f}" if grouping else f"{abs(d):.{places}f}"
    # "-" unless the figure rounds to zero (no digit but 0 is written)
    sign = "-" if d < 0 and text.strip("0.,") else ""
    return sign + text.translate(_TO_ITALIAN)


def euro(value, places: int = 2) -> str:
    """An amount as the portal writes it (P-23): 1234.5 → '1.234,50 €', '' for no value. The
    ``eur`` filter of every template library (``portal``, ``traffic_format``, ``tem``)."""
    if value is None or value == "":
        return ""
    return f"{italian_number(value, int(places))} €"


def data_volume(kb) -> str:
    """A data volume as a person reads it: 850 → '850 KB', 1647 → '1,6 MB', 3.5M → '3,34 GB'."""
    if kb is None or kb == "":
        return ""
    kb = Decimal(kb)
    if kb < 1024:
        return f"{italian_number(kb, 0)} KB"
    if kb < 1024 * 1024:
        return f"{italian_number(kb / 1024, 1)} MB"
    return f"{italian_number(kb / (1024 * 1024), 2)} GB"


def local_datetime(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@dataclass(frozen=True)
class Format:
    """A rendering of one kind of value.

    ``kind`` selects the behaviour; ``places`` is used by number kinds; ``xlsx_num_format``
    is Excel's own format code (Excel shows it in the user's locale).
    """

    kind: str
    places: int = 2
    xlsx_num_format: str | None = None

    # --- screen ---------------------------------------------------------------------
    def html(self, value) -> str:
        if value is None or value == "":
            return ""
        match self.kind:
            case "date":
                if isinstance(value, datetime.datetime):
                    value = local_datetime(value).date()
                return value.strftime("%d/%m/%Y")
            case "datetime":
                return local_datetime(value).strftime("%d/%m/%Y %H:%M")
            case "datetime_seconds":
                return local_datetime(value).strftime("%d/%m/%Y %H:%M:%S")
            case "money":
                return euro(value, self.places)
            case "decimal":
                return italian_number(value, self.places)
            case "integer":
                return italian_number(value, 0)
            case "boolean":
                return _("Sì") if value else _("No")
            case _:
                return str(value)

    # --- CSV (Excel-IT convention, see the module docstring) --------------------------
    def csv(self, value) -> str:
        if value is None or value == "":
            return ""
        match self.kind:
            case "date" | "datetime" | "boolean":
                return self.html(value)
            case "datetime_seconds":
                return self.html(value)
            case "money" | "decimal":
                # italian_number(value, places, grouping=False), inlined: a whole-contract
                # export formats hundreds of thousands of these.
                if not isinstance(value, Decimal):
                    value = Decimal(str(value))
                text = f"{value:.{self.places}f}"
                if text[0] == "-" and not text.strip("-0."):
                    text = text[1:]  # "-0,00" → "0,00"
                return text.replace(".", ",")
            case "integer":
                return str(int(value))
            case _:
                return str(value)

    # --- xlsx: real numbers and dates ---------------------------------------------------
    def xlsx(self, value):
        """The value to hand XlsxWriter: numbers stay numbers, dates stay dates."""
        if value is None or value == "":
            return None
        match self.kind:
            case "date":
                if isinstance(value, datetime.datetime):
                    value = local_datetime(value).date()
                return value
            case "datetime" | "datetime_seconds":
                # Excel has no time zones: write the local wall-clock time.
                return local_datetime(value).replace(tzinfo=None)
            case "money" | "decimal":
                return float(value)
            case "integer":
                return int(value)
            case "boolean":
                return self.html(value)
            case _:
                return str(value)

    @property
    def numeric(self) -> bool:
        return self.kind in {"money", "decimal", "integer"}


TEXT = Format("text")
DATE = Format("date", xlsx_num_format="dd/mm/yyyy")
DATETIME = Format("datetime", xlsx_num_format="dd/mm/yyyy hh:mm")
DATETIME_SECONDS = Format("datetime_seconds", xlsx_num_format="dd/mm/yyyy hh:mm:ss")
MONEY = Format("money", 2, xlsx_num_format='#,##0.00 "€"')
INTEGER = Format("integer", 0, xlsx_num_format="0")
BOOLEAN = Format("boolean")


def decimal(places: int) -> Format:
    """A plain number with ``places`` decimals (traffic amounts 4, threshold values 3)."""
    return Format("decimal", places, xlsx_num_format="#,##0." + "0" * places if places else "0")


def money(places: int = 2) -> Format:
    return Format("money", places, xlsx_num_format="#,##0." + "0" * places + ' "€"')
