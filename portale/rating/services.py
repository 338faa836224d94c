"""The rating engine: prices traffic events, erodes bundles, decrements prepaid credit.

``rate_events(event_ids=...)`` rates a batch; ``rate_pending()`` rates everything not yet
rated. Both are idempotent: an event is rated once (``TrafficEvent.rated_at`` is set in the
same transaction that erodes the counters, and the events are re-read under the line lock),
so a second call, a retry or two workers on the same events change nothing.

Rules, per event, in time order within each line:

1. **List price** (``gross_amount``) from the rate card (``pricing.RateCard``): tariff plan
   category × service × zone; interactive services and events carry the provider's price.
2. **Charging**: the CDR says *Aziendale* or *Personale* (TIM TUO). A *Personale* event on a
   line without a live TIM TUO is charged to the company (the network cannot bill a personal
   account that does not exist).
3. **Bundles first** (company traffic only): voice erodes minute bundles, SMS/MMS message
   bundles, data GB bundles; national and EU traffic erode the ``NAZIONALE`` counters,
   extra-EU traffic the ``ROAMING`` ones. Counters are monthly: the first event of a new month
   resets them; an event older than the counter's month is not covered (list price).
   A partly covered event pays the uncovered share. ``option`` names the bundle used.
4. **Over-bundle** at list price: ``net_amount`` is what is left to pay.
5. **Prepaid lines** pay from the company credit (company traffic) or the personal credit
   (personal traffic). Credit never goes below zero: an event costing more than the credit
   left is charged only what is left (``net_amount`` = the credit, ``option`` "CREDITO
   ESAURITO"), and when a credit reaches zero the line gets a service SMS (F-9.2.3). With
   zero credit, further paid events are charged 0 and marked the same way (the network
   would have cut them off; the mediation still records them).

After each batch the ``events_rated`` signal fires (thresholds hook in there).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import django.dispatch
from django.db import transaction
from django.utils import timezone

from portale.records.models import (
    Bundle,
    DualBilling,
    DualBillingState,
    Line,
    ServiceSms,
    TrafficEvent,
)

from .bulk import values_update
from .models import BundleCounter
from .pricing import KB_PER_GB, Q4, RATING_UNIT, RateCard, service_of

events_rated = django.dispatch.Signal()  # kwargs: event_ids, line_ids

CREDIT_EXHAUSTED = "CREDITO ESAURITO"
LIVE_DUAL_BILLING = [DualBillingState.ACTIVE, DualBillingState.SUSPENDED]
UNIT_OF_SERVICE = {"VOCE": "MIN", "SMS": "SMS", "MMS": "SMS", "DATI": "GB"}
BASE_PER_UNIT = {"MIN": 60, "SMS": 1, "GB": KB_PER_GB}  # seconds, messages, KB
Q2 = Decimal("0.01")


@dataclass
class RatingResult:
    rated: int = 0
    gross: Decimal = Decimal(0)
    net: Decimal = Decimal(0)
    line_ids: set[int] = field(default_factory=set)


def month_start(when: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(when, datetime.datetime):
        when = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    return when.replace(day=1)


def bundle_remaining(bundle: Bundle, used_base: int) -> Decimal:
    """Remaining in the bundle's own unit, rounded down (never shows more than is left)."""
    left = bundle.total - Decimal(used_base) / BASE_PER_UNIT[bundle.unit]
    return max(Decimal(0), left).quantize(Q2, ROUND_DOWN)


class _LineState:
    """What rating a line needs, loaded once per batch."""

    def __init__(self, line: Line, bundles: list[Bundle], personal_ok: bool):
        self.line = line
        self.bundles = bundles
        self.personal_ok = personal_ok
        self.dirty_bundles: dict[int, Bundle] = {}
        self.credit_changed = False

    def erode(self, event: TrafficEvent, service: str, quantity: int) -> tuple[int, str]:
        """Cover up to ``quantity`` base units from matching bundles; returns (covered, name)."""
        unit = UNIT_OF_SERVICE.get(service)
        if unit is None or quantity <= 0:
            return 0, ""
        scope = Bundle.Scope.ROAMING if event.roaming_zone == "EXTRA_UE" else Bundle.Scope.NATIONAL
        ev_month = month_start(event.occurred_at)
        covered_total, names = 0, []
        for bundle in self.bundles:
            if bundle.unit != unit or bundle.scope != scope:
                continue
            counter = bundle._counter
            if counter.period_start < ev_month:  # a new month: the counter starts again
                counter.period_start, counter.used = ev_month, 0
            elif counter.period_start > ev_month:  # a late event of a closed month
                continue
            capacity = int(bundle.total * BASE_PER_UNIT[unit])
            free = capacity - counter.used
            if free <= 0:
                continue
            take = min(free, quantity - covered_total)
            counter.used += take
            covered_total += take
            names.append(bundle.name)
            self.dirty_bundles[bundle.pk] = bundle
            if covered_total >= quantity:
                break
        return covered_total, ", ".join(names)


def _quantity(service: str, event: TrafficEvent) -> int:
    if service == "VOCE":
        return event.duration_seconds
    if service == "DATI":
        return event.volume_kb
    if service in ("SMS", "MMS"):
        return 1
    return 0


def _load_lines(line_ids: list[int]) -> dict[int, _LineState]:
    lines = {
        line.pk: line
        for line in Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(pk__in=line_ids)
        .order_by("pk")
    }
    bundles: dict[int, list[Bundle]] = defaultdict(list)
    for b in Bundle.objects.filter(line_id__in=line_ids).order_by("line_id", "scope", "unit", "pk"):
        bundles[b.line_id].append(b)
    counters = {c.bundle_id: c for c in BundleCounter.objects.filter(bundle__line_id__in=line_ids)}
    for blist in bundles.values():
        for b in blist:
            c = counters.get(b.pk)
            if c is None:
                # First use: what the counter already shows as used counts as used.
                start = b.period_start or month_start(timezone.now())
                c = BundleCounter(
                    bundle=b,
                    period_start=start,
                    used=int((b.total - b.remaining) * BASE_PER_UNIT[b.unit]),
                )
            b._counter = c
    personal = set(
        DualBilling.objects.filter(line_id__in=line_ids, state__in=LIVE_DUAL_BILLING).values_list(
            "line_id", flat=True
        )
    )
    return {pk: _LineState(line, bundles.get(pk, []), pk in personal) for pk, line in lines.items()}


def _rate_one(card: RateCard, st: _LineState, ev: TrafficEvent, now) -> list[ServiceSms]:
    line = st.line
    service = service_of(ev.category, ev.type)
    if ev.charging == TrafficEvent.Charging.PERSONAL and not st.personal_ok:
        ev.charging = TrafficEvent.Charging.COMPANY
    if service in ("SERVIZI_INTERATTIVI", "EVENTO"):
        gross = ev.gross_amount.quantize(Q4, ROUND_HALF_UP)  # the provider's price
    else:
        gross = card.price(
            tariff_category=line.tariff_plan.category,
            service=service,
            zone=ev.roaming_zone,
            duration_s=ev.duration_seconds,
            volume_kb=ev.volume_kb,
        )
    net, option = gross, ""
    quantity = _quantity(service, ev)
    if ev.charging == TrafficEvent.Charging.COMPANY and st.bundles and quantity:
        covered, option = st.erode(ev, service, quantity)
        if covered:
            net = (gross * (quantity - covered) / quantity).quantize(Q4, ROUND_HALF_UP)
    sms: list[ServiceSms] = []
    if line.tariff_plan.is_prepaid and net > 0:
        attr = (
            "personal_credit" if ev.charging == TrafficEvent.Charging.PERSONAL else "company_credit"
        )
        credit = getattr(line, attr)
        charged = min(net, credit)
        if charged < net:
            option = f"{option}, {CREDIT_EXHAUSTED}" if option else CREDIT_EXHAUSTED
        left = (credit - charged).quantize(Q2, ROUND_HALF_UP)
        if charged > 0 or credit != left:
            setattr(line, attr, left)
            st.credit_changed = True
            if left <= 0 < credit:
                which = "personale" if attr == "personal_credit" else "aziendale"
                sms.append(
                    ServiceSms(
                        line=line,
                        text=(
                            f"Gentile cliente, il credito {which} della linea {line.msisdn} e' "
                            "esaurito: ricarica per continuare a usare i servizi a pagamento. "
                            "Grazie da TIM Business"
                        ),
                        sent_at=now,
                        delivered_at=now,
                        state=ServiceSms.State.DELIVERED,
                    )
                )
        net = charged.quantize(Q4, ROUND_HALF_UP)
    ev.gross_amount = gross
    ev.net_amount = net
    ev.option = option[:60]
    ev.rating_unit = RATING_UNIT[service]
    ev.rated_at = now
    return sms


def rate_events(*, event_ids: list[int], card: RateCard | None = None) -> RatingResult:
    """Rate the given events (those already rated are skipped). One transaction."""
    card = card or RateCard.current()
    result = RatingResult()
    if not event_ids:
        return result
    with transaction.atomic():
        line_ids = sorted(
            set(
                TrafficEvent.objects.filter(pk__in=event_ids, rated_at__isnull=True).values_list(
                    "line_id", flat=True
                )
            )
        )
        if not line_ids:
            return result
        states = _load_lines(line_ids)  # locks the lines: one rater per line at a time
        events = list(
            TrafficEvent.objects.filter(pk__in=event_ids, rated_at__isnull=True).order_by(
                "line_id", "occurred_at", "pk"
            )
        )
        now = timezone.now()
        sms: list[ServiceSms] = []
        for ev in events:
            sms += _rate_one(card, states[ev.line_id], ev, now)
            result.gross += ev.gross_amount
            result.net += ev.net_amount
        values_update(
            TrafficEvent,
            events,
            ["gross_amount", "net_amount", "option", "rating_unit", "rated_at", "charging"],
        )
        dirty_bundles = [b for st in states.values() for b in st.dirty_bundles.values()]
        for b in dirty_bundles:
            b.remaining = bundle_remaining(b, b._counter.used)
            b.period_start = b._counter.period_start
            b.updated_at = now
        if dirty_bundles:
            values_update(Bundle, dirty_bundles, ["remaining", "period_start", "updated_at"])
            counters = [b._counter for b in dirty_bundles]
            BundleCounter.objects.bulk_create([c for c in counters if c.pk is None])
            values_update(
                BundleCounter, [c for c in counters if c.pk is not None], ["period_start", "used"]
            )
        credit_lines = [st.line for st in states.values() if st.credit_changed]
        if credit_lines:
            values_update(Line, credit_lines, ["company_credit", "personal_credit"])
        if sms:
            ServiceSms.objects.bulk_create(sms)
        result.rated = len(events)
        result.line_ids = set(line_ids)
        rated_ids = [e.pk for e in events]
        transaction.on_commit(
            lambda: events_rated.send(sender=TrafficEvent, event_ids=rated_ids, line_ids=line_ids)
        )
    return result


def rate_pending(
    *, batch_size: int = 5000, line_ids: list[int] | None = None, limit: int | None = None
) -> RatingResult:
    """Rate every event not rated yet (at most ``limit``), ``batch_size`` at a time."""
    card = RateCard.current()
    total = RatingResult()
    last_id = 0
    while True:
        qs = TrafficEvent.objects.filter(rated_at__isnull=True, pk__gt=last_id)
        if line_ids is not None:
            qs = qs.filter(line_id__in=line_ids)
        size = batch_size if limit is None else min(batch_size, limit - total.rated)
        ids = list(qs.order_by("pk").values_list("pk", flat=True)[:size]) if size > 0 else []
        if not ids:
            return total
        last_id = ids[-1]
        r = rate_events(event_ids=ids, card=card)
        total.rated += r.rated
        total.gross += r.gross
        total.net += r.net
        total.line_ids |= r.line_ids
