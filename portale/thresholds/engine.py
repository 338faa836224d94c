"""The threshold engine (F-7.5, E-18, G-33, G-34, G-36): erosion, alerts, blocks.

After every committed rating batch the rating engine calls ``after_rating_hook``, which only
queues ``tasks.erode_task`` with the batch's event ids (rating stays fast). The task finds
the lines of the batch that made pay-per-use traffic and calls ``erode_lines``:

* every live threshold of those lines is locked and its **consumption in its current
  period** (day or month, local time) is recomputed from the rated events: the sum of the
  ``net_amount`` of the period's pay-per-use events. Spending thresholds ("SOGLIA … SPESA
  PA") count the company-charged traffic; the extra-UE roaming data threshold counts the
  extra-UE data traffic. Recomputing (never adding) makes it exact to the cent, whatever
  the order of the batches: a late event, a batch rated twice, a retried task or two
  workers in parallel (the thresholds are locked while summing) all give the same result;
* ``available = max(0, value − consumption)`` (3 decimals), written through
  ``records.services.thresholds_erosion_set``;
* crossing 80 % and 100 % records a ``ThresholdEvent`` once per threshold, period and level,
  and sends the line a service SMS (F-9.2.3, G-36). A DISPOSITIVA threshold at 100 % blocks
  the line's pay-per-use traffic (with 0 €: at the first pay-per-use event): the rating
  engine then charges nothing for such traffic of the blocked period and marks it
  "BLOCCO SOGLIA". A new period, or "Sblocco" in the back office, unblocks it;
* a new period resets the threshold (``reset_due`` runs every few minutes; ``erode_lines``
  also resets what it touches), and an unblock at reset is an event too;
* a line with extra-UE traffic and no roaming threshold gets the G-33 default first.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

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
PAID = Q(rated_at__isnull=False, net_amount__gt=0)
KIND_TRAFFIC = {
    Threshold.Kind.SPENDING: Q(charging=TrafficEvent.Charging.COMPANY),
    Threshold.Kind.ROAMING_DATA: Q(
        category=TrafficEvent.Category.DATA, roaming_zone=TrafficEvent.RoamingZone.EXTRA_EU
    ),
}
PERIOD_LABEL = {Threshold.Period.DAILY: "giornaliero", Threshold.Period.MONTHLY: "mensile"}


def period_start(period: str, day: datetime.date) -> datetime.date:
    return records.threshold_period_start(period, day)


def _next_start(period: str, start: datetime.date) -> datetime.date:
    if period == Threshold.Period.DAILY:
        return start + datetime.timedelta(days=1)
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_consumption(
    *, kind: str, period: str, start: datetime.date, line_ids, since: datetime.date | None = None
) -> dict[int, Decimal]:
    """line id → the sum of the pay-per-use charges of that period (4 decimals, exact),
    from ``since`` (the activation day) when it falls inside the period."""
    qs = record_selectors.traffic_events_where(
        where=PAID
        & KIND_TRAFFIC[kind]
        & Q(
            line_id__in=list(line_ids),
            occurred_at__gte=_aware(max(start, since or start)),
            occurred_at__lt=_aware(_next_start(period, start)),
        )
    )
    return dict(qs.values("line_id").annotate(s=Sum("net_amount")).values_list("line_id", "s"))


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
    """Recompute the live thresholds of these lines for their current period (see module).

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
        # (kind, period, period start, counted from): a threshold activated during its
        # period counts the traffic from its activation day on.
        groups: dict[tuple, list[Threshold]] = defaultdict(list)
        for t in thresholds:
            start = period_start(t.period, today)
            groups[(t.kind, t.period, start, max(start, t.activation_date))].append(t)
        consumption: dict[tuple, dict[int, Decimal]] = {
            key: period_consumption(
                kind=key[0],
                period=key[1],
                start=key[2],
                since=key[3],
                line_ids={t.line_id for t in ts},
            )
            for key, ts in groups.items()
        }
        erosions, events = [], []
        for key, ts in groups.items():
            start = key[2]
            sums = consumption[key]
            for t in ts:
                consumed = sums.get(t.line_id) or ZERO
                level, blocked = t.last_alert_level, t.blocked_line
                loaded_start = t.period_start
                if loaded_start and start < loaded_start:
                    continue  # a clock behind the threshold's period: nothing to say
                if t.period_start != start:  # a new period: everything starts again
                    if blocked:
                        events.append(
                            _event(
                                t, ThresholdEvent.Kind.UNBLOCK, ZERO, now, note=_("nuovo periodo")
                            )
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
                                    t,
                                    str(mark),
                                    consumed,
                                    now,
                                    blocked=newly_blocked and mark == 100,
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
                ):
                    erosions.append(
                        records.ThresholdErosion(t.pk, start, available, level, blocked)
                    )
        records.thresholds_erosion_set(erosions=erosions)
        msisdn_of = {t.line_id: t.line.msisdn for t in thresholds}
        result.events = record_events(events, msisdn_of)
        result.thresholds = len(thresholds)
    return result


def erode_batch(*, event_ids, now: datetime.datetime | None = None) -> ErosionResult:
    """The lines of a rated batch that made pay-per-use traffic (the G-33 default first)."""
    by_kind = paid_lines(event_ids)
    roaming = by_kind[Threshold.Kind.ROAMING_DATA]
    if roaming:
        records.roaming_thresholds_provision(line_ids=roaming)
    return erode_lines(by_kind=by_kind, now=now)


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
    """Registered with ``rating.hooks.after_rating``: queue the erosion, nothing else."""
    if batch.event_ids:
        from .tasks import erode_task

        erode_task(list(batch.event_ids))
