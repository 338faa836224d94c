"""The threshold engine (F-7.5, E-18, G-33, G-34, G-36): erosion, alerts, blocks.

**Consumption is counted by rating.** The rating engine, in the transaction that rates a
batch (lines locked, each event rated once), adds every pay-per-use event to the
consumption of its line's live thresholds (``Threshold.consumption`` for the period starting
``consumption_period``; ``records/thresholds.py`` states the invariant and who keeps it):
spending thresholds ("SOGLIA … SPESA PA") count the company-charged traffic, the extra-UE
roaming data threshold counts the extra-UE data traffic, each from its activation day.
An event of a later period moves the threshold to that period; a late event of a closed
period is left out. It is exact to the cent whatever the order of the batches: a late
event, a batch rated twice, two raters in parallel all count each event once. The same
transaction gives a line with extra-UE data and no roaming threshold the G-33 default.

**This engine turns consumption into state.** After each committed batch the rating
engine calls ``after_rating_hook``, which only queues ``tasks.erode_task`` with the lines
whose thresholds moved (``RatedBatch.thresholds``; rating stays fast). Rating also marked
those thresholds due (``erosion_due_at``) and the erosion clears the mark, so a task lost
with the queue, or failed at every attempt, is made good by the durable jobs' sweep
(``due_erosions``, ``tasks.EROSIONS``). The task calls ``erode_lines``, which never scans
the events:

* every live threshold of those lines is locked (thresholds only: rating locks lines, then
  thresholds, so the two never wait in a cycle) and its consumption in the **current**
  period (day or month, local time) is read: ``consumption`` if ``consumption_period`` is the
  current period, 0 if older (nothing of the current period has been rated yet, or it
  would have moved);
* ``available = max(0, value − consumption)`` (3 decimals), written through
  ``records.services.thresholds_erosion_set``;
* crossing 80 % and 100 % records a ``ThresholdEvent`` once per threshold, period and level,
  and sends the line a service SMS (F-9.2.3, G-36). A DISPOSITIVA threshold at 100 % blocks
  the line's pay-per-use traffic (with 0 €: at the first pay-per-use event): the rating
  engine then charges nothing for such traffic of the blocked period and marks it
  "BLOCCO SOGLIA". A new period, or "Sblocco" in the back office, unblocks it;
* a new period resets the threshold (``reset_due`` runs every few minutes; ``erode_lines``
  also resets what it touches), and an unblock at reset is an event too.

``records.services.thresholds_consumption_verify`` recomputes every consumption from the
events (tests, bench); ``manage.py thresholds_consumption_rebuild`` repairs it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portale.core.jobs import SWEEP_BATCH
from portale.core.lists.formats import italian_number
from portale.rating.hooks import RatedBatch
from portale.records import selectors as record_selectors
from portale.records import services as records
from portale.records.models import Threshold, TrafficEvent

from .models import ThresholdEvent

LIVE = records.LIVE_THRESHOLD_STATES
ZERO = Decimal(0)
Q3 = Decimal("0.001")

# The pay-per-use traffic each kind of threshold counts (rated, something left to pay).
PAID = records.THRESHOLD_PAID
KIND_TRAFFIC = records.THRESHOLD_TRAFFIC
PERIOD_LABEL = {Threshold.Period.DAILY: "giornaliero", Threshold.Period.MONTHLY: "mensile"}


def period_start(period: str, day: datetime.date) -> datetime.date:
    return records.threshold_period_start(period, day)


# line id → the sum of a period's pay-per-use charges, from the events (checks, bench).
period_consumption = records.threshold_period_consumption


def paid_lines(event_ids) -> dict[str, set[int]]:
    """kind → the lines of these events with pay-per-use traffic that kind counts."""
    out: dict[str, set[int]] = {k: set() for k in KIND_TRAFFIC}
    ids = sorted(set(event_ids))
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        if chunk[-1] - chunk[0] + 1 == len(chunk):  # a contiguous batch: a range scan
            which = Q(pk__gte=chunk[0], pk__lte=chunk[-1])
        else:
            which = Q(pk__in=chunk)
        rows = (
            record_selectors.traffic_events_where(where=PAID & which)
            .values_list("line_id", "charging", "category", "roaming_zone")
            .distinct()
        )
        for line_id, charging, category, zone in rows:
            if charging == TrafficEvent.Charging.COMPANY:
                out[Threshold.Kind.SPENDING].add(line_id)
            if category == TrafficEvent.Category.DATA and zone == TrafficEvent.RoamingZone.EXTRA_EU:
                out[Threshold.Kind.ROAMING_DATA].add(line_id)
    return out


@dataclass
class ErosionResult:
    thresholds: int = 0
    events: list[ThresholdEvent] = field(default_factory=list)


def _sms_text(ev: ThresholdEvent, msisdn: str) -> str:
    value = italian_number(ev.value, 2)
    period = PERIOD_LABEL.get(ev.period, ev.period.lower())
    if ev.kind == ThresholdEvent.Kind.UNBLOCK:
        return _(
            "Gentile utente, il traffico a consumo della linea %(msisdn)s è di nuovo "
            "disponibile (%(note)s). TIM Business"
        ) % {"msisdn": msisdn, "note": ev.note}
    text = _(
        "Gentile utente, la linea %(msisdn)s ha raggiunto il %(level)s%% della soglia "
        "%(description)s di %(value)s euro (periodo %(period)s)."
    ) % {
        "msisdn": msisdn,
        "level": ev.kind,
        "description": ev.description,
        "value": value,
        "period": period,
    }
    if ev.blocked:
        text += " " + _("Il traffico a consumo è bloccato fino al prossimo periodo.")
    return f"{text} TIM Business"


def record_events(events: list[ThresholdEvent], msisdn_of: dict[int, str]) -> list[ThresholdEvent]:
    """Store the events (an alert already recorded for the period is skipped) and SMS the line."""
    saved = []
    for ev in events:
        try:
            with transaction.atomic():
                ev.save()
        except IntegrityError:
            continue  # once per threshold, period and level
        saved.append(ev)
        records.service_sms_send(line_id=ev.line_id, text=_sms_text(ev, msisdn_of[ev.line_id]))
    return saved


def _event(
    t: Threshold, kind: str, consumed: Decimal, now, *, blocked=False, note=""
) -> ThresholdEvent:
    return ThresholdEvent(
        threshold_id=t.pk,
        line_id=t.line_id,
        contract_id=t.line.contract_id,
        kind=kind,
        period_start=t.period_start,
        occurred_at=now,
        description=t.description,
        type=t.type,
        period=t.period,
        value=t.value,
        consumed=consumed,
        blocked=blocked,
        note=note,
    )


def erode_lines(
    *, line_ids=(), now: datetime.datetime | None = None, by_kind: dict | None = None
) -> ErosionResult:
    """Erode the live thresholds of these lines for their current period (see module).

    ``by_kind`` (kind → line ids) limits the work to the thresholds of each kind on the lines
    whose traffic that kind counts; ``line_ids`` takes every threshold of the lines.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = ErosionResult()
    if by_kind is None:
        by_kind = {kind: set(line_ids) for kind in KIND_TRAFFIC}
    which = Q(pk__in=[])
    for kind, ids in by_kind.items():
        if ids:
            which |= Q(kind=kind, line_id__in=sorted(ids))
    if not any(by_kind.values()):
        return result
    with transaction.atomic():
        thresholds = list(
            record_selectors.thresholds_active(where=which, lock=True)
            .select_related("line")
            .order_by("pk")
        )
        erosions, events = [], []
        for t in thresholds:
            start = period_start(t.period, today)
            loaded_start = t.period_start
            if (loaded_start and start < loaded_start) or (
                t.consumption_period and start < t.consumption_period
            ):
                continue  # a clock behind the threshold's period: nothing to say
            # Counted by rating (see module): an older consumed period holds nothing of
            # the current one.
            consumed = t.consumption if t.consumption_period == start else ZERO
            level, blocked = t.last_alert_level, t.blocked_line
            if loaded_start != start:  # a new period: everything starts again
                if blocked:
                    events.append(
                        _event(t, ThresholdEvent.Kind.UNBLOCK, ZERO, now, note=_("nuovo periodo"))
                    )
                level, blocked = 0, False
                t.period_start = start
            new_level, blocking = records.threshold_alert_state(t, consumed)
            if new_level > level:
                newly_blocked = blocking and not blocked
                for mark in Threshold.ALERT_LEVELS:
                    if level < mark <= new_level and not (t.value == 0 and mark == 80):
                        events.append(
                            _event(
                                t, str(mark), consumed, now, blocked=newly_blocked and mark == 100
                            )
                        )
                blocked = blocked or blocking
                level = new_level
            available = max(ZERO, t.value - consumed).quantize(Q3)
            if (
                available != t.available
                or level != t.last_alert_level
                or blocked != t.blocked_line
                or start != loaded_start
                or t.erosion_due_at is not None  # eroded now: no longer due
            ):
                erosions.append(records.ThresholdErosion(t.pk, start, available, level, blocked))
        records.thresholds_erosion_set(erosions=erosions)
        msisdn_of = {t.line_id: t.line.msisdn for t in thresholds}
        result.events = record_events(events, msisdn_of)
        result.thresholds = len(thresholds)
    return result


def erode_batch(*, event_ids, now: datetime.datetime | None = None) -> ErosionResult:
    """Erode the thresholds of the lines of these events that made pay-per-use traffic
    (found by a query: a retried or manual erosion; the hook passes the lines instead)."""
    return erode_lines(by_kind=paid_lines(event_ids), now=now)


def reset_due(*, now: datetime.datetime | None = None, chunk: int = 2000) -> int:
    """Thresholds whose period has ended start again (available = value, unblocked)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = record_selectors.thresholds_active(
        where=Q(period=Threshold.Period.DAILY, period_start__lt=today)
        | Q(period=Threshold.Period.MONTHLY, period_start__lt=today.replace(day=1))
        | Q(period_start__isnull=True)
    )
    lines = sorted(set(due.values_list("line_id", flat=True)))
    for i in range(0, len(lines), chunk):
        erode_lines(line_ids=lines[i : i + chunk], now=now)
    return len(lines)


def after_rating_hook(batch: RatedBatch) -> None:
    """Registered with ``rating.hooks.after_rating``: queue the erosion of the thresholds
    whose consumption the batch moved, nothing else. Only a wake-up call: a queue that is
    down is logged, not raised (the events are rated), and the thresholds stay due
    (``erosion_due_at``) until the sweep erodes them."""
    by_kind = {kind: list(ids) for kind, ids in batch.thresholds if ids}
    if by_kind:
        from portale.core.tasks import enqueue_on_commit

        from .tasks import erode_task

        enqueue_on_commit(erode_task, by_kind)


# How long a due threshold waits for its erosion task before the sweep wakes it again: the
# task normally runs seconds after the rating commits; a backlog only costs a second,
# harmless erosion (it recomputes from ``consumption``).
EROSION_GRACE = datetime.timedelta(minutes=2)


def due_erosions(now: datetime.datetime) -> list[int]:
    """The lines whose active thresholds have waited for their erosion longer than the grace
    period (``erosion_due_at``): what the durable jobs' sweep wakes."""
    return record_selectors.thresholds_erosion_due_lines(
        before=now - EROSION_GRACE, limit=SWEEP_BATCH
    )
