"""Reads of thresholds for the §7.5 pages, the digest and the back office."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from portale.records import selectors as record_selectors
from portale.records import services as records
from portale.records.models import Contract, Line, LineState, Referent, Threshold

from .models import ThresholdDigest, ThresholdEvent

LIVE = records.LIVE_THRESHOLD_STATES


def erosion_pct(value: Decimal, available: Decimal) -> Decimal:
    """F-7.5.5: (valore − disponibile) / valore × 100; a 0 € threshold shows 100 %."""
    if not value:
        return Decimal(100)
    return ((value - available) / value * 100).quantize(Decimal("0.01"))


def contract_thresholds(*, contract: Contract, live_only: bool = True) -> QuerySet[Threshold]:
    return record_selectors.thresholds_of_contract(contract=contract, live_only=live_only)


def monitoring_thresholds(*, contract: Contract, live_only: bool = True) -> QuerySet[Threshold]:
    """The Monitoring soglie lists: the contract's thresholds with their line's number as a
    value of the row (``line_msisdn``, the threshold's own copy kept by triggers, migration
    0014) instead of the line's model instance, which the lists read nothing else of
    (issue 17). Sorted by it, a deep page is a range of the index ``threshold_listed_order``."""
    return contract_thresholds(contract=contract, live_only=live_only).select_related(None)


def contract_thresholds_count(*, contract: Contract, live_only: bool = True) -> int:
    """How many thresholds ``contract_thresholds`` lists, from the maintained totals."""
    return record_selectors.thresholds_count(contract=contract, live_only=live_only)


def line_thresholds(*, contract: Contract, line_id: int) -> QuerySet[Threshold]:
    """The erosion pop-up: the live thresholds of one line of the contract."""
    return contract_thresholds(contract=contract).filter(line_id=line_id).order_by("kind")


def _subscription_lines(contract: Contract) -> QuerySet[Line]:
    return (
        record_selectors.lines_of_contract(contract=contract)
        .filter(tariff_plan__category__in=records.SPENDING_CATEGORIES)
        .exclude(state=LineState.CEASED)
        .select_related("tariff_plan")
    )


def activation_lines(*, contract: Contract) -> QuerySet[Line]:
    """F-7.5.1: subscription lines without a live spending threshold."""
    live = record_selectors.thresholds_of_contract(contract=contract).filter(
        line=OuterRef("pk"), kind=Threshold.Kind.SPENDING
    )
    return _subscription_lines(contract).exclude(Exists(live))


def spending_thresholds(*, contract: Contract) -> QuerySet[Threshold]:
    """F-7.5.2, F-7.5.4: the live spending thresholds of the contract's subscription lines."""
    return (
        contract_thresholds(contract=contract)
        .filter(kind=Threshold.Kind.SPENDING, state=Threshold.State.ACTIVE)
        .select_related("line__tariff_plan")
    )


def roaming_thresholds(*, contract: Contract) -> QuerySet[Threshold]:
    """F-7.5.3: the extra-UE roaming data thresholds (subscription and prepaid lines)."""
    return (
        contract_thresholds(contract=contract)
        .filter(kind=Threshold.Kind.ROAMING_DATA, state=Threshold.State.ACTIVE)
        .select_related("line__tariff_plan")
    )


def blocked_thresholds() -> QuerySet[Threshold]:
    """Back office: the thresholds blocking their line now."""
    return (
        record_selectors.thresholds_blocking()
        .select_related("line__contract__administration")
        .order_by("line__msisdn")
    )


def digest_recipients(*, contract: Contract) -> list:
    """G-36: the registered users with the ROA or traffic manager profile on the contract."""
    mobiles = record_selectors.referents_of_contract(
        contract=contract, roles=[Referent.Role.MASTER, Referent.Role.TRAFFIC_MANAGER]
    ).values("mobile")
    users = get_user_model().objects.filter(mobile__in=mobiles, status="active").exclude(email="")
    return list(users.order_by("pk"))


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def events_of_day(*, day: datetime.date, contract: Contract | None = None):
    start, end = day_bounds(day)
    qs = ThresholdEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.select_related("line").order_by("line__msisdn", "occurred_at", "pk")


def digests_of_user(*, user, since=None, until=None) -> QuerySet[ThresholdDigest]:
    """F-7.5.6: the e-mails sent to the user's own registration address."""
    qs = ThresholdDigest.objects.filter(Q(user=user) | Q(user__isnull=True), recipient=user.email)
    if since:
        qs = qs.filter(sent_at__gte=day_bounds(since)[0])
    if until:
        qs = qs.filter(sent_at__lt=day_bounds(until)[1])
    return qs.order_by("-sent_at", "-pk")
