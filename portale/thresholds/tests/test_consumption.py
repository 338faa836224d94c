"""The thresholds' consumption kept by rating (``Threshold.consumption``): the invariant.

``consumption`` is the sum of the rated pay-per-use charges the threshold counts in the
period starting ``consumption_period``, from its activation day; the threshold engine reads
it instead of the events (records/thresholds.py).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portale.records import services as records
from portale.records.models import Threshold, TrafficEvent
from portale.thresholds import engine

from .helpers import at, call, extra_ue_data, period_paid, push, spending, today

pytestmark = pytest.mark.django_db


def _fresh(t: Threshold) -> Threshold:
    t.refresh_from_db()
    return t


def test_a_threshold_activated_mid_period_counts_what_was_rated_from_its_activation_day(
    employee_line,
):
    m = employee_line.msisdn
    yesterday = today() - datetime.timedelta(days=1)
    push([call("M1", m, at(yesterday, 9), 600, "EXTRA_UE")])  # 10 €: before the activation
    push([call("M2", m, at(today(), 9), 120, "EXTRA_UE")])  # 2 €: today, already rated
    t = spending(employee_line, period="MENSILE", value="100")
    assert (t.consumption, t.consumption_period) == (Decimal("2.0000"), today().replace(day=1))
    assert t.available == Decimal("98.000")
    push([call("M3", m, at(today(), 10), 60, "EXTRA_UE")])  # 1 €
    t = _fresh(t)
    assert t.consumption == Decimal("3.0000") == period_paid(t)
    assert t.available == Decimal("97.000")
    assert records.thresholds_consumption_verify() == []


def test_an_event_of_a_later_period_moves_the_threshold_and_a_late_event_is_left_out(
    employee_line,
):
    m = employee_line.msisdn
    yesterday = today() - datetime.timedelta(days=1)
    t = spending(employee_line, period="GIORNALIERO", value="50", on=yesterday)
    push([call("D1", m, at(yesterday, 9), 120, "EXTRA_UE")])  # 2 € of yesterday
    t = _fresh(t)
    assert (t.consumption, t.consumption_period) == (Decimal("2.0000"), yesterday)
    assert t.period_start == today() and t.available == Decimal("50.000")  # engine: today
    push([call("D2", m, at(today(), 9), 60, "EXTRA_UE")])  # 1 € of today: it moves
    t = _fresh(t)
    assert (t.consumption, t.consumption_period) == (Decimal("1.0000"), today())
    push([call("D3", m, at(yesterday, 23), 300, "EXTRA_UE")])  # late: yesterday, 5 €
    assert TrafficEvent.objects.get(external_id="D3").net_amount == Decimal("5.0000")
    t = _fresh(t)
    assert (t.consumption, t.consumption_period) == (Decimal("1.0000"), today())
    assert t.available == Decimal("49.000") and period_paid(t) == Decimal("1.0000")
    assert records.thresholds_consumption_verify() == []


def test_unpaid_and_uncounted_traffic_does_not_move_the_consumption(employee_line):
    m = employee_line.msisdn
    t = spending(employee_line, value="50")
    records.roaming_thresholds_provision(line_ids=[employee_line.pk])
    roaming = Threshold.objects.get(line=employee_line, kind="DATI_EXTRA_UE")
    push([call("U1", m, at(today(), 9), 60, "EXTRA_UE")])  # company voice: spending only
    assert _fresh(t).consumption == Decimal("1.0000")
    assert _fresh(roaming).consumption == 0
    push([extra_ue_data("U2", m, at(today(), 10), 1024)])  # 5 €: both count it
    assert _fresh(t).consumption == Decimal("6.0000")
    assert _fresh(roaming).consumption == Decimal("5.0000")
    assert records.thresholds_consumption_verify() == []


def test_a_change_of_period_takes_the_new_period_from_the_events(employee_line):
    m = employee_line.msisdn
    t = spending(employee_line, period="MENSILE", value="50", on=today().replace(day=1))
    push([call("P1", m, at(today(), 9), 180, "EXTRA_UE")])  # 3 €
    t = records.threshold_change(threshold_id=t.pk, period="GIORNALIERO")
    assert (t.consumption, t.consumption_period) == (Decimal("3.0000"), today())
    assert t.available == Decimal("47.000")
    push([call("P2", m, at(today(), 10), 60, "EXTRA_UE")])  # 1 €
    assert _fresh(t).consumption == Decimal("4.0000")
    assert records.thresholds_consumption_verify() == []


def test_the_g33_default_created_while_rating_starts_with_the_batch(employee_line):
    push([extra_ue_data("G1", employee_line.msisdn, at(today(), 9), 2048)])  # 10 €
    roaming = Threshold.objects.get(line=employee_line, kind="DATI_EXTRA_UE")
    assert roaming.consumption == Decimal("10.0000") and roaming.available == Decimal("40.000")
    push([extra_ue_data("G2", employee_line.msisdn, at(today(), 10), 1024)])  # 5 €: once
    roaming = _fresh(roaming)
    assert roaming.consumption == Decimal("15.0000") and roaming.available == Decimal("35.000")
    assert records.thresholds_consumption_verify() == []


def test_rebuild_repairs_a_consumption_and_verify_finds_it(employee_line):
    t = spending(employee_line, value="50")
    push([call("V1", employee_line.msisdn, at(today(), 9), 120, "EXTRA_UE")])  # 2 €
    Threshold.objects.filter(pk=t.pk).update(consumption=Decimal("7"))  # a broken copy
    assert records.thresholds_consumption_verify() == [(t.pk, Decimal("7"), Decimal("2"))]
    out = io.StringIO()
    call_command("thresholds_consumption_rebuild", "--check", stdout=out)
    assert "Soglie diverse dagli eventi: 1." in out.getvalue()
    assert _fresh(t).consumption == Decimal("7.0000")  # --check writes nothing
    assert records.thresholds_consumption_rebuild() == 1
    assert _fresh(t).consumption == Decimal("2.0000")
    assert records.thresholds_consumption_verify() == []
    call_command("thresholds_consumption_rebuild", stdout=out)  # idempotent
    assert _fresh(t).consumption == Decimal("2.0000")


def test_the_engine_reads_the_consumption_not_the_events(employee_line):
    t = spending(employee_line, type="DISPOSITIVA", value="5")
    push([call("N1", employee_line.msisdn, at(today(), 9), 360, "EXTRA_UE")])  # 6 €
    assert _fresh(t).blocked_line
    Threshold.objects.filter(pk=t.pk).update(available=Decimal("5"), blocked_line=False)
    with CaptureQueriesContext(connection) as queries:
        engine.erode_lines(line_ids=[employee_line.pk])
    assert not [q for q in queries.captured_queries if "records_trafficevent" in q["sql"]]
    t = _fresh(t)
    assert t.available == 0 and t.consumption == Decimal("6.0000")
