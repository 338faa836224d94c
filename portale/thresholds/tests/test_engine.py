"""The threshold engine: erosion exact to the cent, alerts once per period, blocks, resets."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from portale.rating.ingest import import_cdr_bytes
from portale.rating.services import THRESHOLD_BLOCKED, rate_events
from portale.rating.tests.helpers import cdr_bytes
from portale.records import services as records
from portale.records.models import ServiceSms, Threshold, TrafficEvent
from portale.records.tests import factories as f
from portale.thresholds import engine
from portale.thresholds.models import ThresholdEvent

from .helpers import at, call, committed, extra_ue_data, period_paid, push, spending, today

pytestmark = pytest.mark.django_db


def _fresh(t: Threshold) -> Threshold:
    t.refresh_from_db()
    return t


def test_erosion_equals_the_rated_pay_per_use_charges_to_the_cent():
    """Simulated traffic on 12 lines, rated in interleaved (parallel-like) batches, plus a
    late file with events of earlier today and of yesterday: every threshold's erosion is
    the sum of its period's pay-per-use charges, recomputed from the events."""
    rng = random.Random(35)
    day = today()
    yesterday = day - datetime.timedelta(days=1)
    lines = [f.LineFactory() for _ in range(12)]
    thresholds = []
    for i, line in enumerate(lines):
        period = "GIORNALIERO" if i % 2 else "MENSILE"
        since = day - datetime.timedelta(days=40)  # active before this period began
        thresholds.append(spending(line, period=period, value="9999", on=since))
    records.roaming_thresholds_provision(on=day - datetime.timedelta(days=40))
    for roaming in Threshold.objects.filter(kind="DATI_EXTRA_UE"):
        thresholds.append(records.threshold_change(threshold_id=roaming.pk, value=Decimal(9999)))
    assert len(thresholds) == 24

    def rows(prefix: str, days: list[datetime.date], n: int) -> list[dict]:
        out = []
        for k in range(n):
            line = rng.choice(lines)
            when = at(rng.choice(days), rng.randrange(0, 24), rng.randrange(60), rng.randrange(60))
            kind = rng.random()
            if kind < 0.5:
                zone = rng.choice(["", "UE", "EXTRA_UE"])
                out.append(call(f"{prefix}{k}", line.msisdn, when, rng.randrange(1, 900), zone))
            else:
                out.append(extra_ue_data(f"{prefix}{k}", line.msisdn, when, rng.randrange(1, 3000)))
        return out

    # Two files imported without rating, rated in interleaved batches (odd, even ids).
    for name in ("A", "B"):
        assert import_cdr_bytes(cdr_bytes(rows(name, [day], 150)), name=name, rate=False).ok
    ids = list(TrafficEvent.objects.order_by("pk").values_list("pk", flat=True))
    with committed():
        rate_events(event_ids=ids[1::2])
    with committed():
        rate_events(event_ids=ids[::2])
    # A late file: events of earlier today and of yesterday, rated on import.
    push(rows("L", [day, yesterday], 80), name="late")
    assert TrafficEvent.objects.filter(rated_at__isnull=True).count() == 0

    checked = 0
    for t in thresholds:
        t = _fresh(t)
        paid = period_paid(t)
        assert t.period_start == records.threshold_period_start(t.period, day)
        assert t.available == max(Decimal(0), t.value - paid).quantize(Decimal("0.001"))
        if paid < t.value:
            assert abs((t.value - t.available) - paid) < Decimal("0.005")  # to the cent
            checked += 1 if paid else 0
    assert checked >= 20  # the check ran on real erosion, not on zeros
    # The consumption rating keeps (what the engine reads) is the events' sum, every one.
    assert records.thresholds_consumption_verify() == []
    assert all(_fresh(t).consumption == period_paid(t) for t in thresholds)


def test_the_same_event_rated_twice_does_not_erode_twice(employee_line):
    t = spending(employee_line, value="100")
    push([call("E1", employee_line.msisdn, at(today()), 600, "EXTRA_UE")])  # 10 €
    assert _fresh(t).available == Decimal("90.000")
    event_ids = list(TrafficEvent.objects.values_list("pk", flat=True))
    rate_events(event_ids=event_ids)  # already rated: nothing happens
    engine.erode_batch(event_ids=event_ids)  # a retried erosion task
    engine.erode_batch(event_ids=event_ids)
    assert _fresh(t).available == Decimal("90.000")


def test_80_and_100_percent_recorded_once_per_period_with_sms(employee_line):
    m = employee_line.msisdn
    t = spending(employee_line, value="10")
    push([call("A1", m, at(today(), 9), 480, "EXTRA_UE")])  # 8 € = 80 %
    assert list(ThresholdEvent.objects.values_list("kind", flat=True)) == ["80"]
    push([call("A2", m, at(today(), 10), 60, "EXTRA_UE")])  # 9 €: no new level
    assert ThresholdEvent.objects.count() == 1
    push([call("A3", m, at(today(), 11), 120, "EXTRA_UE")])  # 11 € > 100 %
    assert sorted(ThresholdEvent.objects.values_list("kind", flat=True)) == ["100", "80"]
    t = _fresh(t)
    assert t.available == 0 and t.last_alert_level == 100 and not t.blocked_line  # INFORMATIVA
    texts = list(ServiceSms.objects.filter(line=employee_line).values_list("text", flat=True))
    assert any("80%" in x for x in texts) and any("100%" in x for x in texts)
    # INFORMATIVA: traffic goes on and is charged.
    push([call("A4", m, at(today(), 12), 60, "EXTRA_UE")])
    assert TrafficEvent.objects.get(external_id="A4").net_amount == Decimal("1.0000")
    assert ThresholdEvent.objects.count() == 2


def test_dispositiva_blocks_pay_per_use_traffic_at_100_percent(employee_line):
    m = employee_line.msisdn
    t = spending(employee_line, type="DISPOSITIVA", value="10")
    push([call("B1", m, at(today(), 9), 660, "EXTRA_UE")])  # 11 €
    t = _fresh(t)
    assert t.blocked_line and t.last_alert_level == 100
    ev100 = ThresholdEvent.objects.get(kind="100")
    assert ev100.blocked and ev100.consumed == Decimal("11.0000")
    push([call("B2", m, at(today(), 10), 60, "EXTRA_UE")])
    refused = TrafficEvent.objects.get(external_id="B2")
    assert refused.net_amount == 0 and THRESHOLD_BLOCKED in refused.option
    assert refused.gross_amount == Decimal("1.0000")
    assert _fresh(t).available == 0


def test_zero_euro_dispositiva_blocks_at_the_first_pay_per_use_event(employee_line):
    m = employee_line.msisdn
    t = spending(employee_line, type="DISPOSITIVA", value="0")
    push([call("Z1", m, at(today(), 9), 6)])  # 0,002 €
    t = _fresh(t)
    assert t.blocked_line
    assert list(ThresholdEvent.objects.values_list("kind", flat=True)) == ["100"]
    push([call("Z2", m, at(today(), 10), 60)])
    assert TrafficEvent.objects.get(external_id="Z2").net_amount == 0


def test_a_period_reset_restores_the_available_value_and_unblocks(employee_line):
    m = employee_line.msisdn
    t = spending(employee_line, type="DISPOSITIVA", value="10")
    push([call("R1", m, at(today(), 9), 720, "EXTRA_UE")])
    assert _fresh(t).blocked_line
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert engine.reset_due(now=tomorrow) == 1
    t = _fresh(t)
    assert t.available == Decimal("10.000") and not t.blocked_line and t.last_alert_level == 0
    assert t.period_start == today() + datetime.timedelta(days=1)
    unblock = ThresholdEvent.objects.get(kind="SBLOCCO")
    assert unblock.period_start == today() and not unblock.blocked
    assert ServiceSms.objects.filter(line=employee_line, text__contains="di nuovo").exists()


def test_roaming_threshold_counts_only_extra_ue_data(employee_line):
    m = employee_line.msisdn
    records.roaming_thresholds_provision(line_ids=[employee_line.pk])
    roaming = Threshold.objects.get(line=employee_line, kind="DATI_EXTRA_UE")
    assert (roaming.value, roaming.type, roaming.period) == (Decimal(50), "INFORMATIVA", "MENSILE")
    push(
        [
            call("C1", m, at(today(), 9), 60, "EXTRA_UE"),  # voice: not counted
            extra_ue_data("C2", m, at(today(), 9, 5), 1024),  # 5 €
        ]
    )
    assert _fresh(roaming).available == Decimal("45.000")


def test_g33_default_is_provisioned_on_the_first_extra_ue_data_event(employee_line):
    assert not Threshold.objects.filter(line=employee_line).exists()
    push([extra_ue_data("P1", employee_line.msisdn, at(today(), 9), 2048)])  # 10 €
    roaming = Threshold.objects.get(line=employee_line, kind="DATI_EXTRA_UE")
    assert roaming.available == Decimal("40.000")


def test_the_engine_writes_the_records_only_through_records_services(employee_line):
    from portale.records.testing import records_write_guard

    t = spending(employee_line, type="DISPOSITIVA", value="1")
    with records_write_guard():
        push([call("W1", employee_line.msisdn, at(today(), 9), 120, "EXTRA_UE")])
    assert _fresh(t).blocked_line
