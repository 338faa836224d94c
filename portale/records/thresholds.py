"""The consumption of the thresholds (``Threshold.consumption``): kept exact by the rating engine.

``records.services`` exposes these as its ``thresholds_consumption_*`` services. A threshold
counts the **pay-per-use** charges (rated, ``net_amount`` > 0) of one kind of traffic
(``KIND_TRAFFIC``: company traffic for a spending threshold, extra-UE data for the roaming
one) from its activation day, per period (day or month, local time). The invariant:

    ``consumption`` = the sum of the rated pay-per-use charges the threshold counts whose local
    day falls in the period starting ``consumption_period`` and is not before the activation day.

Who keeps it:

* **rating** (``add_events``), in the transaction that rates the events, with the events'
  lines locked (lock order: lines, then thresholds by pk; the threshold engine locks
  thresholds only, so the two never wait for each other in a cycle). For each counted event
  on a line with a live threshold: an event of the stored period is added; an event of a
  *later* period moves the threshold to that period with ``consumption`` = this event (no
  other event of that later period can have been rated before: it would have moved the
  threshold already); an event of an *earlier* period, or before the activation day, is
  left out. Each event is rated once, so it is counted once, whatever the order of the
  batches (late events, parallel raters on other lines, retries);
* **activation**, a **change of period** and the **G-33 provisioning** set it from the
  events (one line, or the provisioned lines, locked first); a threshold's period moved
  on by the engine's reset needs nothing: the engine reads a ``consumption_period`` older than
  the current period as 0, exact by the invariant;
* ``rebuild`` recomputes it from the events (thresholds created outside these services:
  the demo seed, a copied database, a repair), ``verify`` compares without writing.

Whoever moves ``consumption`` also sets ``erosion_due_at`` (when unset), in the same
transaction: the threshold engine's erosion, which turns it into ``available``, alerts and
blocks, clears it in the transaction that erodes. A threshold whose erosion task was lost
(queue down, four failed attempts) stays due, and the durable jobs' sweep erodes it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from .bulk import values_update
from .models import Threshold, TrafficEvent

LIVE = ("IN ATTIVAZIONE", "ATTIVO")
ZERO = Decimal(0)

# The pay-per-use traffic each kind of threshold counts (rated, something left to pay).
PAID = Q(rated_at__isnull=False, net_amount__gt=0)
KIND_TRAFFIC = {
    Threshold.Kind.SPENDING: Q(charging=TrafficEvent.Charging.COMPANY),
    Threshold.Kind.ROAMING_DATA: Q(
        category=TrafficEvent.Category.DATA, roaming_zone=TrafficEvent.RoamingZone.EXTRA_EU
    ),
}


def kinds_counting(ev: TrafficEvent) -> tuple[str, ...]:
    """The kinds of threshold that count this (rated) event: ``KIND_TRAFFIC`` in Python."""
    if ev.net_amount is None or ev.net_amount <= 0 or ev.rated_at is None:
        return ()
    kinds = ()
    if ev.charging == TrafficEvent.Charging.COMPANY:
        kinds += (Threshold.Kind.SPENDING,)
    if (
        ev.category == TrafficEvent.Category.DATA
        and ev.roaming_zone == TrafficEvent.RoamingZone.EXTRA_EU
    ):
        kinds += (Threshold.Kind.ROAMING_DATA,)
    return kinds


def period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the period (GIORNALIERO / MENSILE) that contains ``day``."""
    return day if period == Threshold.Period.DAILY else day.replace(day=1)


def next_start(period: str, start: datetime.date) -> datetime.date:
    if period == Threshold.Period.DAILY:
        return start + datetime.timedelta(days=1)
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def consumption_from_events(
    *, kind: str, period: str, start: datetime.date, line_ids, since: datetime.date | None = None
) -> dict[int, Decimal]:
    """line id → the sum of the pay-per-use charges of that period (4 decimals, exact),
    from ``since`` (the activation day) when it falls inside the period."""
    qs = TrafficEvent.objects.filter(
        PAID
        & KIND_TRAFFIC[kind]
        & Q(
            line_id__in=list(line_ids),
            occurred_at__gte=_aware(max(start, since or start)),
            occurred_at__lt=_aware(next_start(period, start)),
        )
    )
    return dict(qs.values("line_id").annotate(s=Sum("net_amount")).values_list("line_id", "s"))


def from_events(thresholds: Iterable[Threshold]) -> dict[int, Decimal]:
    """threshold pk → its consumption in the period starting ``consumption_period`` (or, when
    unset, ``period_start``), recomputed from the events: one query per group of thresholds
    sharing kind, period, start and activation day."""
    groups: dict[tuple, list[Threshold]] = defaultdict(list)
    for t in thresholds:
        start = t.consumption_period or t.period_start
        if start is None:
            continue
        groups[(t.kind, t.period, start, t.activation_date)].append(t)
    out: dict[int, Decimal] = {}
    for (kind, period, start, since), ts in groups.items():
        sums = consumption_from_events(
            kind=kind, period=period, start=start, since=since, line_ids={t.line_id for t in ts}
        )
        for t in ts:
            out[t.pk] = sums.get(t.line_id) or ZERO
    return out


def add_events(events: Iterable[TrafficEvent]) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Count just-rated events in their lines' live thresholds (the invariant above). The
    caller (rating) holds the lines locked and the transaction. Returns (moved, orphans):
    kind → the lines whose threshold of that kind moved (the threshold engine erodes
    those), and kind → the lines with such traffic but no live threshold of that kind."""
    counted: dict[tuple[str, int], list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    tz = timezone.get_current_timezone()
    for ev in events:
        kinds = kinds_counting(ev)
        if not kinds:
            continue
        when = ev.occurred_at
        day = when.astimezone(tz).date() if timezone.is_aware(when) else when.date()
        for kind in kinds:
            counted[(kind, ev.line_id)].append((day, ev.net_amount))
    if not counted:
        return {}, {}
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, line_id in counted:
        by_kind[kind].add(line_id)
    which = Q(pk__in=[])
    for kind, ids in by_kind.items():
        which |= Q(kind=kind, line_id__in=sorted(ids))
    # Locked by pk, after the lines (the rating's lock order); only the thresholds this
    # batch moves, so the engine, which locks thresholds only, never waits in a cycle.
    thresholds = list(
        Threshold.objects.select_for_update(of=("self",))
        .filter(which, state__in=LIVE)
        .only(
            "pk",
            "line_id",
            "kind",
            "period",
            "activation_date",
            "consumption",
            "consumption_period",
            "erosion_due_at",
        )
        .order_by("pk")
    )
    now = timezone.now()
    moved: dict[str, set[int]] = defaultdict(set)
    changed = []
    for t in thresholds:
        current, consumed = t.consumption_period, t.consumption
        for day, net in counted[(t.kind, t.line_id)]:
            if day < t.activation_date:
                continue  # before the threshold existed
            start = period_start(t.period, day)
            if current is None or start > current:  # a later period: it starts with this
                current, consumed = start, net
            elif start == current:
                consumed += net
            # else: a late event of a closed period, which that period no longer shows
        if (current, consumed) != (t.consumption_period, t.consumption):
            t.consumption_period, t.consumption = current, consumed
            t.erosion_due_at = t.erosion_due_at or now  # the engine's erosion clears it
            changed.append(t)
            moved[t.kind].add(t.line_id)
    values_update(Threshold, changed, ["consumption", "consumption_period", "erosion_due_at"])
    orphans = {kind: set(ids) for kind, ids in by_kind.items()}
    for t in thresholds:
        orphans[t.kind].discard(t.line_id)
    return dict(moved), {kind: ids for kind, ids in orphans.items() if ids}


def rebuild(*, thresholds: Iterable[Threshold] | None = None) -> int:
    """``consumption`` recomputed from the events for the period of ``consumption_period`` (or of
    ``period_start`` when unset); the caller holds the thresholds' lines locked, or runs
    with no rating going on. Returns how many changed."""
    if thresholds is None:
        thresholds = Threshold.objects.filter(state__in=LIVE)
    thresholds = list(thresholds)
    sums = from_events(thresholds)
    now = timezone.now()
    changed = []
    for t in thresholds:
        if t.pk not in sums:
            continue
        start = t.consumption_period or t.period_start
        if (t.consumption, t.consumption_period) != (sums[t.pk], start):
            t.consumption, t.consumption_period = sums[t.pk], start
            t.erosion_due_at = t.erosion_due_at or now  # its available value is stale
            changed.append(t)
    values_update(Threshold, changed, ["consumption", "consumption_period", "erosion_due_at"])
    return len(changed)


def verify(*, thresholds: Iterable[Threshold] | None = None) -> list[tuple[int, Decimal, Decimal]]:
    """(pk, stored, recomputed) of every live threshold whose ``consumption`` differs from its
    period's events (empty when exact)."""
    if thresholds is None:
        thresholds = Threshold.objects.filter(state__in=LIVE, consumption_period__isnull=False)
    thresholds = [t for t in thresholds if t.consumption_period is not None]
    sums = from_events(thresholds)
    return [(t.pk, t.consumption, sums[t.pk]) for t in thresholds if t.consumption != sums[t.pk]]
