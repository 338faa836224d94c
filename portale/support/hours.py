"""Service hours of the contact centre (F-7.7.3, G-38): chat and call-back only within them.

Monday–Friday 09:00–18:00 and Saturday 09:00–14:00, Italian national holidays excluded.
Forms ("Scrivici" and the technical requests) are accepted at any time.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache

import holidays
from django.utils import timezone

OPENING = {  # weekday → (from, to)
    0: (time(9), time(18)),
    1: (time(9), time(18)),
    2: (time(9), time(18)),
    3: (time(9), time(18)),
    4: (time(9), time(18)),
    5: (time(9), time(14)),
}


@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("IT", years=year)


def is_holiday(moment: datetime) -> bool:
    day = timezone.localtime(moment).date()
    return day in _holidays(day.year)


def is_open(moment: datetime | None = None) -> bool:
    """Whether an operator can answer now (chat, call-back)."""
    moment = timezone.localtime(moment or timezone.now())
    hours = OPENING.get(moment.weekday())
    if hours is None or is_holiday(moment):
        return False
    return hours[0] <= moment.time() < hours[1]
