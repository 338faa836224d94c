"""Traffic consumption: threshold consumption and usage aggregates, kept by rating."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from .. import aggregates
from .. import thresholds as threshold_consumption
from ..models import (
    Line,
    Threshold,
    TrafficEvent,
)
from .thresholds import LIVE_THRESHOLD_STATES, roaming_thresholds_provision

# --- Threshold consumption (kept by rating; see records/thresholds.py) -------------------------


# What each kind of threshold counts (Q over TrafficEvent), for the engine's own queries.
THRESHOLD_PAID = threshold_consumption.PAID
THRESHOLD_TRAFFIC = threshold_consumption.KIND_TRAFFIC


def threshold_period_consumption(
    *, kind: str, period: str, start: datetime.date, line_ids, since: datetime.date | None = None
) -> dict[int, Decimal]:
    """line id → the period's pay-per-use charges that kind counts, from the events (read
    only: checks, the bench, a retried erosion)."""
    return threshold_consumption.consumption_from_events(
        kind=kind, period=period, start=start, line_ids=line_ids, since=since
    )


def thresholds_consumption_add(*, events: list[TrafficEvent]) -> dict[str, set[int]]:
    """Count just-rated pay-per-use events in their lines' live thresholds (``consumption``),
    and give the lines that made extra-UE data traffic without the G-33 roaming threshold
    their default one. Called by the rating engine only, in the transaction that rates the
    events, with the events' lines locked. Returns kind → the lines whose threshold of that
    kind moved (what the threshold engine must erode)."""
    moved, orphans = threshold_consumption.add_events(events)
    missing = orphans.get(Threshold.Kind.ROAMING_DATA)
    if missing and roaming_thresholds_provision(line_ids=missing):
        moved.setdefault(Threshold.Kind.ROAMING_DATA, set()).update(missing)
    return moved


@transaction.atomic
def thresholds_consumption_rebuild(*, line_ids: Iterable[int] | None = None) -> int:
    """Recompute the live thresholds' ``consumption`` from the rated events (data loaded without
    rating: the demo seed, a copied database; or a repair). The lines are locked first, so
    a rater running meanwhile waits. Returns how many thresholds changed."""
    lines = Line.objects.select_for_update(of=("self",)).order_by("pk")
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    else:
        live = Threshold.objects.filter(state__in=LIVE_THRESHOLD_STATES)
        lines = lines.filter(pk__in=live.values("line_id"))
    locked = list(lines.values_list("pk", flat=True))
    qs = Threshold.objects.filter(line_id__in=locked, state__in=LIVE_THRESHOLD_STATES)
    return threshold_consumption.rebuild(thresholds=qs.select_for_update(of=("self",)))


def thresholds_consumption_verify() -> list[tuple[int, Decimal, Decimal]]:
    """(threshold pk, stored, recomputed) of every live threshold whose ``consumption`` is not
    the sum of its period's events; empty when exact (tests, bench, a check in production)."""
    return threshold_consumption.verify()


# --- Usage aggregates (TEM, G-56; see models/aggregates.py) -----------------------------------


def usage_aggregates_add(
    *, events: list[TrafficEvent], lines: dict[int, Line] | None = None
) -> int:
    """Add just-rated events to the usage aggregates. Called by the rating engine only, in
    the transaction that rates them, with the events' lines locked (``lines``: id → the
    locked line, to read their contract and cost centre without a query)."""
    return aggregates.add_events(events, lines)


@transaction.atomic
def usage_aggregates_rebuild() -> tuple[int, int]:
    """Recompute every usage aggregate from the rated events; (line rows, contract rows)."""
    return aggregates.rebuild()
