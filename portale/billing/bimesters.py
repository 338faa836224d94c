"""Bimesters ("4/2021" = July-August 2021) and invoice dates.

Bimester *n* of a year covers months 2n-1 and 2n. Its invoice is issued on the 15th of the
month after and falls due 30 days later (the same convention as the demo data).
"""

from __future__ import annotations

import datetime


def bimester_of(day: datetime.date) -> tuple[int, int]:
    return (day.month - 1) // 2 + 1, day.year


def label(b: int, y: int) -> str:
    return f"{b}/{y}"


def parse(text: str) -> tuple[int, int]:
    b, y = text.split("/")
    return int(b), int(y)


def period(b: int, y: int) -> tuple[datetime.date, datetime.date]:
    """[first day, first day after) of the bimester."""
    start = datetime.date(y, 2 * b - 1, 1)
    end = datetime.date(y + 1, 1, 1) if b == 6 else datetime.date(y, 2 * b + 1, 1)
    return start, end


def dates(b: int, y: int) -> tuple[datetime.date, datetime.date]:
    emission = period(b, y)[1].replace(day=15)
    return emission, emission + datetime.timedelta(days=30)


def previous(b: int, y: int) -> tuple[int, int]:
    return (6, y - 1) if b == 1 else (b - 1, y)


def closed_bimesters(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The last ``count`` bimesters already ended, newest first."""
    b, y = bimester_of(today)
    out = []
    for _ in range(count):
        b, y = previous(b, y)
        out.append((b, y))
    return out
