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
3. **Allowances first** (``allowances``): company traffic erodes the line's company bundles,
   personal traffic the line's personal TIM TUO options (pacchetti/plafond, E-16), never the
   other's. Voice erodes minutes, SMS/MMS messages, data GB; national and EU traffic erode
   the ``NAZIONALE`` allowances, extra-EU traffic the ``ROAMING`` ones. Counters are
   periodic (monthly; daily for the roaming packages; the activation month for the "Plafond
   dati aggiuntivo"): the first event of a new period resets them; an event older than the
   counter's period is not covered (list price). A partly covered event pays the uncovered
   share. ``option`` names the bundle(s) or option(s) used.
4. **Over-bundle** at list price: ``net_amount`` is what is left to pay.
5. **Thresholds** (F-7.5): a line blocked by a DISPOSITIVA threshold
   (``Threshold.blocked_line``, set by the threshold engine) pays nothing more for the
   traffic that threshold counts in the blocked period (company traffic for a spending
   threshold, extra-UE data for the roaming one): the network refuses it, the event is
   recorded with ``net_amount`` 0 and ``option`` "BLOCCO SOGLIA".
6. **Prepaid lines** pay from the company credit (company traffic) or the personal credit
   (personal traffic). Credit never goes below zero: an event costing more than the credit
   left is charged only what is left (``net_amount`` = the credit, ``option`` "CREDITO
   ESAURITO"), and when a credit reaches zero the line gets a service SMS (F-9.2.3). With
   zero credit, further paid events are charged 0 and marked the same way (the network
   would have cut them off; the mediation still records them).

7. **Refusals**: the network does not carry the traffic of a blocked line (SOSPESO, F-7.3.7)
   nor the traffic of a network category ("direttrice", F-7.3.9) blocked on the line: such an
   event is recorded at zero (``option`` "RIFIUTATO: …"), erodes nothing and costs nothing.
8. **Over/extra bundle** (F-7.3.5, G-23): company traffic left to pay after the allowances is
   carried only if the line's flag allows it, when its tariff type has that flag: extra-UE
   traffic needs "Over bundle Extra UE"; national/EU traffic of a kind the line's bundles
   include (minutes, messages, GB) needs "Over bundle Nazionale + UE" once they are used up;
   traffic of a kind no bundle of the line includes (interactive services, a package without
   that unit) needs "Extra bundle". Otherwise the network stops it where the bundle ends: the
   covered share erodes the bundle as usual, the rest is refused (``net_amount`` 0, ``option``
   "RIFIUTATO: …"; an event with nothing covered is refused whole, at zero).

The same transaction adds the rated events to the usage aggregates
(``records.models.aggregates``: per line and month, and per contract and cost centre), so
analytics never scan the events, and counts the pay-per-use events in the consumption of
the lines' live thresholds (``Threshold.consumed``, ``records/thresholds.py``), so the
threshold engine never scans them either.

After each batch commits, the rating service calls the hooks registered with
``hooks.after_rating`` (thresholds plug in there); no Django signals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from portale.records import services as records
from portale.records.models import (
    Bundle,
    DualBilling,
    DualBillingOption,
    DualBillingState,
    Line,
    LineState,
    ServiceSms,
    Threshold,
    TrafficEvent,
)
from portale.records.services import BUNDLE_FLAGS_BY_CATEGORY

from .allowances import (
    BASE_PER_UNIT,
    FAMILY_PERIOD,
    LIVE_OPTION_STATES,
    MONTH,
    Allowance,
    capacity,
    option_contents,
)
from .bulk import values_update
from .hooks import RatedBatch, run_after_rating
from .models import BundleCounter, OptionCounter
from .pricing import Q4, RATING_UNIT, RateCard, service_of

CREDIT_EXHAUSTED = "CREDITO ESAURITO"
REFUSED_SUSPENDED = "RIFIUTATO: LINEA SOSPESA"
REFUSED_CATEGORY = "RIFIUTATO: DIRETTRICE BLOCCATA"
REFUSED_OVER_BUNDLE = "RIFIUTATO: OVER BUNDLE NON ABILITATO"
REFUSED_EXTRA_BUNDLE = "RIFIUTATO: EXTRA BUNDLE NON ABILITATO"
THRESHOLD_BLOCKED = "BLOCCO SOGLIA"
LIVE_DUAL_BILLING = [DualBillingState.ACTIVE, DualBillingState.SUSPENDED]
UNIT_OF_SERVICE = {"VOCE": "MIN", "SMS": "SMS", "MMS": "SMS", "DATI": "GB"}
Q2 = Decimal("0.01")


@dataclass
class RatingResult:
    rated: int = 0
    gross: Decimal = Decimal(0)
    net: Decimal = Decimal(0)
    line_ids: set[int] = field(default_factory=set)


def local_date(when: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(when, datetime.datetime):
        return timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    return when


def month_start(when: datetime.datetime | datetime.date) -> datetime.date:
    return local_date(when).replace(day=1)


def bundle_remaining(bundle: Bundle, used_base: int) -> Decimal:
    """Remaining in the bundle's own unit, rounded down (never shows more than is left)."""
    left = bundle.total - Decimal(used_base) / BASE_PER_UNIT[bundle.unit]
    return max(Decimal(0), left).quantize(Q2, ROUND_DOWN)


class _LineState:
    """What rating a line needs, loaded once per batch."""

    def __init__(
        self,
        line: Line,
        company: list[Allowance],
        personal: list[Allowance],
        personal_ok: bool,
    ):
        self.line = line
        self.allowances = {
            TrafficEvent.Charging.COMPANY: company,
            TrafficEvent.Charging.PERSONAL: personal,
        }
        self.personal_ok = personal_ok
        self.blocked_categories: set[str] = set()  # network categories blocked (F-7.3.9)
        self.dirty: dict[int, Allowance] = {}  # id() → allowance eroded in this batch
        self.credit_changed = False
        # kind → (period, period start) of the thresholds blocking the line (F-7.5)
        self.blocks: dict[str, tuple[str, datetime.date | None]] = {}

    def blocked(self, event: TrafficEvent) -> bool:
        """The event is traffic a DISPOSITIVA threshold has blocked, in the blocked period."""
        for kind, (period, start) in self.blocks.items():
            if kind == Threshold.Kind.SPENDING:
                counted = event.charging == TrafficEvent.Charging.COMPANY
            else:
                counted = event.category == "DATI" and event.roaming_zone == "EXTRA_UE"
            if not counted:
                continue
            day = local_date(event.occurred_at)
            current = day if period == Threshold.Period.DAILY else day.replace(day=1)
            if start is None or current == start:
                return True
        return False

    def erode(self, event: TrafficEvent, service: str, quantity: int) -> tuple[int, str]:
        """Cover up to ``quantity`` base units from the allowances of the event's charging
        (company bundles or personal options); returns (covered, names)."""
        unit = UNIT_OF_SERVICE.get(service)
        allowances = self.allowances[event.charging]
        if unit is None or quantity <= 0 or not allowances:
            return 0, ""
        scope = Bundle.Scope.ROAMING if event.roaming_zone == "EXTRA_UE" else Bundle.Scope.NATIONAL
        day = local_date(event.occurred_at)
        covered_total, names = 0, []
        for a in allowances:
            if a.unit != unit or a.scope != scope:
                continue
            period = a.period_of(day)
            if period is None:
                continue
            counter = a.counter
            if counter.period_start < period:  # a new period: the counter starts again
                counter.period_start, counter.used = period, 0
            elif counter.period_start > period:  # a late event of a closed period
                continue
            free = a.capacity - counter.used
            if free <= 0:
                continue
            take = min(free, quantity - covered_total)
            counter.used += take
            covered_total += take
            if a.name not in names:
                names.append(a.name)
            self.dirty[id(a)] = a
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


def _company_allowances(line_ids: list[int]) -> dict[int, list[Allowance]]:
    out: dict[int, list[Allowance]] = defaultdict(list)
    counters = {c.bundle_id: c for c in BundleCounter.objects.filter(bundle__line_id__in=line_ids)}
    for b in Bundle.objects.filter(line_id__in=line_ids).order_by("line_id", "scope", "unit", "pk"):
        c = counters.get(b.pk)
        if c is None:
            # First use: what the counter already shows as used counts as used.
            c = BundleCounter(
                bundle=b,
                period_start=b.period_start or month_start(timezone.now()),
                used=capacity(b.unit, b.total - b.remaining),
            )
        out[b.line_id].append(
            Allowance(b.name, b.unit, b.scope, capacity(b.unit, b.total), c, bundle=b)
        )
    return out


def _personal_allowances(line_ids: list[int]) -> dict[int, list[Allowance]]:
    out: dict[int, list[Allowance]] = defaultdict(list)
    options = DualBillingOption.objects.filter(
        line_id__in=line_ids,
        scope=DualBillingOption.Scope.PERSONAL,
        state__in=LIVE_OPTION_STATES,
    ).order_by("line_id", "family", "pk")
    counters = {
        (c.option_id, c.unit): c
        for c in OptionCounter.objects.filter(option__line_id__in=line_ids, option__in=options)
    }
    for o in options:
        period = FAMILY_PERIOD.get(o.family, MONTH)
        for unit, scope, quantity in option_contents(o):
            c = counters.get((o.pk, unit)) or OptionCounter(
                option=o, unit=unit, period_start=datetime.date.min, used=0
            )
            out[o.line_id].append(
                Allowance(
                    o.name,
                    unit,
                    scope,
                    capacity(unit, quantity),
                    c,
                    period=period,
                    valid_from=o.activation_date,
                    valid_to=o.cessation_date,
                )
            )
    return out


def _load_lines(line_ids: list[int]) -> dict[int, _LineState]:
    # FOR NO KEY UPDATE: one rater per line, and no pratica on it meanwhile, but a commit
    # elsewhere checking a foreign key to the line (FOR KEY SHARE: the threshold engine's
    # alerts and SMS, which holds thresholds) is not made to wait, which closed a cycle
    # with this batch waiting for those thresholds (deadlock, seen at a month's turn).
    lines = {
        line.pk: line
        for line in Line.objects.select_for_update(of=("self",), no_key=True)
        .select_related("tariff_plan")
        .filter(pk__in=line_ids)
        .order_by("pk")
    }
    company = _company_allowances(line_ids)
    personal = set(
        DualBilling.objects.filter(line_id__in=line_ids, state__in=LIVE_DUAL_BILLING).values_list(
            "line_id", flat=True
        )
    )
    options = _personal_allowances(sorted(personal)) if personal else {}
    states = {
        pk: _LineState(line, company.get(pk, []), options.get(pk, []), pk in personal)
        for pk, line in lines.items()
    }
    blocked = Line.blocked_categories.through.objects.filter(line_id__in=line_ids)
    for line_id, code in blocked.values_list("line_id", "networkcategory__code"):
        states[line_id].blocked_categories.add(code)
    blocks = Threshold.objects.filter(
        line_id__in=line_ids, blocked_line=True, state=Threshold.State.ACTIVE
    ).values_list("line_id", "kind", "period", "period_start")
    for line_id, kind, period, start in blocks:
        states[line_id].blocks[kind] = (period, start)
    return states


def _category_of(ev: TrafficEvent, service: str) -> set[str]:
    """The network categories (direttrici, G-27) an event uses."""
    codes = set()
    if ev.roaming_zone:
        codes.add("ROAM")
    if service == "DATI":
        codes.add("DATI")
    called = ev.called_number or ""
    if called.startswith("0088"):
        codes.add("SAT")
    elif called.startswith("00"):
        codes.add("INT")
    if called.startswith(("89", "4")):
        codes.add("SOVRAPPR")
    return codes


def refusal(line: Line, ev: TrafficEvent, service: str = "", blocked=frozenset()) -> str:
    """Why the network refuses this event ("" if it carries it)."""
    if line.state == LineState.SUSPENDED:
        return REFUSED_SUSPENDED
    if blocked and _category_of(ev, service) & blocked:
        return REFUSED_CATEGORY
    return ""


def bundle_refusal(st: _LineState, ev: TrafficEvent, service: str) -> str:
    """Why the network stops this event's traffic beyond the bundle ("" if the line's
    over/extra bundle flags allow it, G-23); only company traffic is asked."""
    if ev.charging != TrafficEvent.Charging.COMPANY:
        return ""
    line = st.line
    allowed = BUNDLE_FLAGS_BY_CATEGORY.get(line.tariff_plan.category, ())
    if not allowed:
        return ""
    if ev.roaming_zone == "EXTRA_UE":
        flag, reason = "over_bundle_extra_eu", REFUSED_OVER_BUNDLE
    else:
        unit = UNIT_OF_SERVICE.get(service)
        included = unit is not None and any(
            a.unit == unit and a.scope == Bundle.Scope.NATIONAL
            for a in st.allowances[TrafficEvent.Charging.COMPANY]
        )
        flag, reason = (
            ("over_bundle_national", REFUSED_OVER_BUNDLE)
            if included
            else ("extra_bundle", REFUSED_EXTRA_BUNDLE)
        )
    if flag in allowed and not getattr(line, flag):
        return reason
    return ""


def _rate_one(card: RateCard, st: _LineState, ev: TrafficEvent, now) -> list[ServiceSms]:
    line = st.line
    service = service_of(ev.category, ev.type)
    refused = refusal(line, ev, service, st.blocked_categories)
    if refused:
        ev.gross_amount = ev.net_amount = Decimal(0)
        ev.option = refused
        ev.rating_unit = RATING_UNIT[service]
        ev.rated_at = now
        return []
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
    covered = 0
    quantity = _quantity(service, ev)
    if quantity:
        covered, option = st.erode(ev, service, quantity)
        if covered:
            net = (gross * (quantity - covered) / quantity).quantize(Q4, ROUND_HALF_UP)
    if net > 0:
        stopped = bundle_refusal(st, ev, service)
        if stopped:
            if not covered:  # nothing carried: refused whole, like the other refusals
                gross = Decimal(0)
            net = Decimal(0)
            option = f"{stopped}, {option}" if option else stopped
    if net > 0 and st.blocks and st.blocked(ev):
        net = Decimal(0)
        option = f"{option}, {THRESHOLD_BLOCKED}" if option else THRESHOLD_BLOCKED
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
                            f"Gentile utente, il credito {which} della linea {line.msisdn} è "
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


def _save_counters(eroded: list[Allowance], now) -> None:
    """Persist the counters eroded in a batch (and the company bundles users see)."""
    bundles = []
    for a in eroded:
        if a.bundle is not None:
            a.bundle.remaining = bundle_remaining(a.bundle, a.counter.used)
            a.bundle.period_start = a.counter.period_start
            a.bundle.updated_at = now
            bundles.append(a.bundle)
    if bundles:
        values_update(Bundle, bundles, ["remaining", "period_start", "updated_at"])
    for model in (BundleCounter, OptionCounter):
        counters = [a.counter for a in eroded if isinstance(a.counter, model)]
        model.objects.bulk_create([c for c in counters if c.pk is None])
        changed = [c for c in counters if c.pk is not None]
        if changed:
            values_update(model, changed, ["period_start", "used"])


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
        _save_counters([a for st in states.values() for a in st.dirty.values()], now)
        # The usage aggregates (TEM) and the thresholds' consumption move with the events,
        # in this transaction, under the line locks: exact, each event counted once.
        records.usage_aggregates_add(
            events=events, lines={pk: st.line for pk, st in states.items()}
        )
        moved = records.thresholds_consumption_add(events=events)
        credit_lines = [st.line for st in states.values() if st.credit_changed]
        if credit_lines:
            values_update(Line, credit_lines, ["company_credit", "personal_credit"])
        if sms:
            ServiceSms.objects.bulk_create(sms)
        result.rated = len(events)
        result.line_ids = set(line_ids)
        batch = RatedBatch(
            tuple(e.pk for e in events),
            tuple(line_ids),
            tuple((kind, tuple(sorted(ids))) for kind, ids in sorted(moved.items())),
        )
        transaction.on_commit(lambda: run_after_rating(batch))
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
