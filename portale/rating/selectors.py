"""Reads of rating's counters for the pages (never a write)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .allowances import (
    BASE_PER_UNIT,
    FAMILY_PERIOD,
    LIVE_OPTION_STATES,
    MONTH,
    Allowance,
    option_contents,
)
from .allowances import capacity as base_capacity
from .models import OptionCounter


@dataclass(frozen=True)
class PersonalCounter:
    """ "Traffico personale disponibile": one unit over the line's live personal options."""

    unit: str  # GB, MIN, SMS
    total: Decimal
    remaining: Decimal


def personal_counters(*, line, today: datetime.date) -> list[PersonalCounter]:
    """What the line's personal TIM TUO options (E-16) still cover today, per unit, as
    rating erodes them (the same contents, periods and counters). Empty when no personal
    option covers today."""
    from portale.records import selectors as records

    options = [
        o
        for o in records.dual_billing_options_of_line(line=line, scope="PERSONALE", live_only=False)
        if o.state in LIVE_OPTION_STATES
    ]
    counters = {(c.option_id, c.unit): c for c in OptionCounter.objects.filter(option__in=options)}
    totals: dict[str, list[int]] = {}
    for option in options:
        for unit, _scope, quantity in option_contents(option):
            allowance = Allowance(
                option.name,
                unit,
                _scope,
                base_capacity(unit, quantity),
                None,
                period=FAMILY_PERIOD.get(option.family, MONTH),
                valid_from=option.activation_date,
                valid_to=option.cessation_date,
            )
            period = allowance.period_of(today)
            if period is None:
                continue
            counter = counters.get((option.pk, unit))
            used = counter.used if counter and counter.period_start == period else 0
            total, left = totals.setdefault(unit, [0, 0])
            totals[unit] = [total + allowance.capacity, left + max(allowance.capacity - used, 0)]
    return [
        PersonalCounter(
            unit,
            Decimal(totals[unit][0]) / BASE_PER_UNIT[unit],
            Decimal(totals[unit][1]) / BASE_PER_UNIT[unit],
        )
        for unit in ("GB", "MIN", "SMS")
        if unit in totals
    ]
