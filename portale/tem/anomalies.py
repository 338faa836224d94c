"""Anomaly detection on the usage aggregates (G-56): what a referent should look at first.

Three detectors, each over one month (``month``) of the TEM scope, each reading only the
monthly line aggregates (``records.UsageLineMonth``):

* **Spike**: the line's amount due in the month is more than ``factor`` × the median of
  its own amounts in the ``trailing`` months before (months without traffic count as 0),
  and at least ``min_increase`` € above that median. A line with no history (median 0) is
  not a spike: it has nothing to compare with. Flat traffic never triggers (ratio 1).
* **First extra-UE roaming**: the line has extra-UE roaming traffic in the month and never
  had any before (in the aggregates, i.e. since its traffic is kept).
* **No traffic for 90 days** (candidate for cessation): a line not ceased, active for more
  than 90 days, whose last day with traffic is more than 90 days ago, or that never had any.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, Max, OuterRef, Q, Sum
from django.utils import timezone

from portale.records import selectors as records
from portale.records.models import LineState

from .selectors import Labels, TemScope, month_add

Q2 = Decimal("0.01")
SPIKE_FACTOR = Decimal(3)
TRAILING_MONTHS = 6
MIN_INCREASE = Decimal(5)
IDLE_DAYS = 90


@dataclass
class Spike:
    line_id: int
    msisdn: str
    centre: str
    amount: Decimal
    median: Decimal

    @property
    def ratio(self) -> Decimal:
        return (self.amount / self.median).quantize(Decimal("0.1"), ROUND_HALF_UP)


def find_spikes(
    history: dict[int, dict[datetime.date, Decimal]],
    month: datetime.date,
    *,
    factor: Decimal = SPIKE_FACTOR,
    trailing: int = TRAILING_MONTHS,
    min_increase: Decimal = MIN_INCREASE,
) -> list[tuple[int, Decimal, Decimal]]:
    """(line id, amount, median) of the lines whose ``month`` is a spike; ``history`` is
    line → month → amount (missing months are 0)."""
    before = [month_add(month, -i) for i in range(1, trailing + 1)]
    out = []
    for line_id, amounts in history.items():
        amount = amounts.get(month, Decimal(0))
        median = Decimal(statistics.median([amounts.get(m, Decimal(0)) for m in before]))
        if median > 0 and amount > factor * median and amount - median >= min_increase:
            out.append((line_id, amount, median.quantize(Q2, ROUND_HALF_UP)))
    return sorted(out, key=lambda r: -(r[1] / r[2]))


def spikes(scope: TemScope, month: datetime.date, **kw) -> list[Spike]:
    trailing = kw.get("trailing", TRAILING_MONTHS)
    rows = (
        records.usage_line_months(contracts=scope.ids)
        .filter(month__gte=month_add(month, -trailing), month__lte=month)
        .values("line_id", "month")
        .annotate(net=Sum("net_amount"))
        .order_by()
    )
    history: dict[int, dict[datetime.date, Decimal]] = defaultdict(dict)
    for r in rows:
        history[r["line_id"]][r["month"]] = Decimal(r["net"] or 0)
    found = find_spikes(history, month, **kw)
    info = _line_info(scope, [r[0] for r in found])
    return [
        Spike(line_id, *info[line_id], amount.quantize(Q2, ROUND_HALF_UP), median)
        for line_id, amount, median in found
    ]


@dataclass
class LineFlag:
    line_id: int
    msisdn: str
    centre: str
    amount: Decimal | None = None  # first Extra UE roaming: the month's amount
    day: datetime.date | None = None


def first_extra_eu(scope: TemScope, month: datetime.date) -> list[LineFlag]:
    qs = records.usage_line_months(contracts=scope.ids)
    earlier = qs.filter(line_id=OuterRef("line_id"), roaming_zone="EXTRA_UE", month__lt=month)
    rows = (
        qs.filter(month=month, roaming_zone="EXTRA_UE")
        .filter(~Exists(earlier))
        .values("line_id")
        .annotate(first=Max("first_day"), net=Sum("net_amount"))
        .order_by("line_id")
    )
    found = list(rows)
    info = _line_info(scope, [r["line_id"] for r in found])
    return [
        LineFlag(
            r["line_id"],
            *info[r["line_id"]],
            amount=Decimal(r["net"] or 0).quantize(Q2, ROUND_HALF_UP),
        )
        for r in found
    ]


def idle_lines(
    scope: TemScope, *, today: datetime.date | None = None, days: int = IDLE_DAYS
) -> list[LineFlag]:
    cut = (today or timezone.localdate()) - datetime.timedelta(days=days)
    lines = (
        records.lines_of_contracts(contracts=scope.ids)
        .exclude(state=LineState.CEASED)
        .filter(activation_date__lt=cut)
        .annotate(last=Max("usage_months__last_day"))
        .filter(Q(last__lt=cut) | Q(last__isnull=True))
        .order_by("last", "msisdn")
        .values_list("pk", "msisdn", "cost_centre_id", "last")
    )
    labels = Labels(scope)
    return [
        LineFlag(pk, msisdn, labels("cdc", cc or 0), day=last) for pk, msisdn, cc, last in lines
    ]


def _line_info(scope: TemScope, ids: list[int]) -> dict[int, tuple[str, str]]:
    labels = Labels(scope)
    return {
        pk: (msisdn, labels("cdc", cc or 0))
        for pk, msisdn, cc in records.lines_of_contracts(contracts=scope.ids)
        .filter(pk__in=ids)
        .values_list("pk", "msisdn", "cost_centre_id")
    }
