"""Erosions are durable: a threshold whose consumption moved stays due until it is eroded.

Rating marks the thresholds it moves (``erosion_due_at``) in its own transaction; the
erosion clears the mark in the transaction that erodes. The task queued after rating is only
a wake-up call: when it is lost (queue down, every attempt failed), the durable jobs' sweep
erodes the line within a minute of the grace period, alerts and blocks included.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portale.core import jobs
from portale.core.tasks import DEFAULT_RETRIES
from portale.core.tests.queue import run_retries
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes
from portale.records import services as records
from portale.records.models import ServiceSms, Threshold
from portale.thresholds import engine, tasks
from portale.thresholds.models import ThresholdEvent

from .helpers import at, call, committed, push, spending, today

pytestmark = pytest.mark.django_db

GRACE = engine.EROSION_GRACE


def _fresh(t: Threshold) -> Threshold:
    t.refresh_from_db()
    return t


def _sweep(now: datetime.datetime) -> int:
    """One sweep at ``now``, its wake-ups run (the test queue is immediate)."""
    with committed():
        return jobs.sweep(now=now)["threshold_erosions"]


def test_the_erosions_are_a_kind_of_the_core_durable_jobs():
    assert jobs.REGISTRY["threshold_erosions"] is tasks.EROSIONS
    assert tasks.EROSIONS.task is tasks.erode_line_task


def test_rating_marks_the_threshold_due_and_its_erosion_clears_the_mark(employee_line):
    t = spending(employee_line, value="100")
    assert _fresh(t).erosion_due_at is None
    before = timezone.now()
    # Rated, the after-rating hook not run (its commit callbacks are not executed).
    rows = [call("D1", employee_line.msisdn, at(today(), 9), 600, "EXTRA_UE")]  # 10 €
    assert import_cdr_bytes(cdr_bytes(rows), name="D1").ok
    t = _fresh(t)
    assert t.consumption == Decimal("10.0000") and t.available == Decimal("100.000")
    assert t.erosion_due_at is not None and t.erosion_due_at >= before
    engine.erode_lines(line_ids=[employee_line.pk])
    t = _fresh(t)
    assert (t.available, t.erosion_due_at) == (Decimal("90.000"), None)


def test_an_erosion_lost_with_the_queue_is_done_by_the_sweep(employee_line, queue_down):
    m = employee_line.msisdn
    t = spending(employee_line, type="DISPOSITIVA", value="10")
    # The queue is down when the batch is rated: the rating does not fail ...
    push([call("L1", m, at(today(), 9), 660, "EXTRA_UE")])  # 11 €
    assert queue_down, "the erosion's wake-up call was attempted"
    t = _fresh(t)
    # ... and the threshold is neither eroded nor forgotten.
    assert (t.available, t.blocked_line, t.last_alert_level) == (Decimal("10.000"), False, 0)
    due = t.erosion_due_at
    assert due is not None
    queue_down.back()
    # Within the grace period its own task may still come: the sweep leaves it.
    assert _sweep(due + GRACE - datetime.timedelta(seconds=1)) == 0
    assert _sweep(due + GRACE + datetime.timedelta(seconds=1)) == 1
    t = _fresh(t)
    assert (t.available, t.blocked_line, t.last_alert_level) == (Decimal("0.000"), True, 100)
    assert t.erosion_due_at is None
    assert sorted(ThresholdEvent.objects.values_list("kind", flat=True)) == ["100", "80"]
    assert ServiceSms.objects.filter(line=employee_line, text__contains="100%").count() == 1
    # Eroded: a later sweep has nothing to do, and sends nothing twice.
    assert _sweep(due + datetime.timedelta(hours=1)) == 0
    assert ThresholdEvent.objects.count() == 2


def test_an_erosion_whose_task_fails_every_attempt_is_done_by_the_sweep(employee_line, monkeypatch):
    m = employee_line.msisdn
    t = spending(employee_line, value="10")
    run_retries()  # the retries other tests left scheduled run first, with the real engine
    attempts = []
    real = engine.erode_lines

    def erode(**kwargs):
        if failing:
            attempts.append(kwargs)
            raise RuntimeError("could not obtain lock on row in relation records_threshold")
        return real(**kwargs)

    failing = True
    monkeypatch.setattr(engine, "erode_lines", erode)
    push([call("F1", m, at(today(), 9), 480, "EXTRA_UE")])  # 8 € = 80 %: the task fails,
    run_retries()  # and so does every retry
    assert len(attempts) == 1 + DEFAULT_RETRIES
    t = _fresh(t)
    assert t.available == Decimal("10.000") and t.erosion_due_at is not None
    failing = False
    assert _sweep(t.erosion_due_at + GRACE + datetime.timedelta(seconds=1)) == 1
    t = _fresh(t)
    assert (t.available, t.last_alert_level, t.erosion_due_at) == (Decimal("2.000"), 80, None)
    assert list(ThresholdEvent.objects.values_list("kind", flat=True)) == ["80"]


def test_a_threshold_lowered_under_its_consumption_is_alerted_without_new_traffic(
    employee_line,
):
    m = employee_line.msisdn
    t = spending(employee_line, value="100")
    push([call("V1", m, at(today(), 9), 600, "EXTRA_UE")])  # 10 €, eroded at once
    t = _fresh(t)
    assert (t.available, t.erosion_due_at) == (Decimal("90.000"), None)
    t = records.threshold_change(threshold_id=t.pk, value=Decimal(12))  # 10 of 12 € = 83 %
    assert t.erosion_due_at is not None and not ThresholdEvent.objects.exists()
    assert _sweep(t.erosion_due_at + GRACE + datetime.timedelta(seconds=1)) == 1
    t = _fresh(t)
    assert (t.last_alert_level, t.erosion_due_at) == (80, None)
    assert list(ThresholdEvent.objects.values_list("kind", flat=True)) == ["80"]
    # Raised again above the consumption: no alert to come, nothing due.
    t = records.threshold_change(threshold_id=t.pk, value=Decimal(50))
    assert t.erosion_due_at is None


def test_a_ceased_threshold_is_no_longer_due(employee_line):
    t = spending(employee_line, value="100")
    rows = [call("C1", employee_line.msisdn, at(today(), 9), 600, "EXTRA_UE")]
    assert import_cdr_bytes(cdr_bytes(rows), name="C1").ok  # rated, not eroded
    due = _fresh(t).erosion_due_at
    assert due is not None
    records.threshold_cease(threshold_id=t.pk)
    assert _fresh(t).erosion_due_at is None
    assert _sweep(due + GRACE + datetime.timedelta(minutes=1)) == 0


def test_only_active_thresholds_are_woken(employee_line):
    """A threshold still being activated counts its traffic but is eroded once active."""
    t = spending(employee_line, value="100")
    Threshold.objects.filter(pk=t.pk).update(state=Threshold.State.PENDING)
    rows = [call("P1", employee_line.msisdn, at(today(), 9), 600, "EXTRA_UE")]
    assert import_cdr_bytes(cdr_bytes(rows), name="P1").ok
    due = _fresh(t).erosion_due_at
    assert due is not None
    later = due + GRACE + datetime.timedelta(seconds=1)
    assert _sweep(later) == 0
    Threshold.objects.filter(pk=t.pk).update(state=Threshold.State.ACTIVE)
    assert _sweep(later) == 1
    assert _fresh(t).available == Decimal("90.000")


def test_rebuilt_consumption_makes_the_threshold_due(employee_line):
    t = spending(employee_line, value="100")
    push([call("R1", employee_line.msisdn, at(today(), 9), 600, "EXTRA_UE")])
    # Data loaded without rating (a copied database): consumption and available are stale.
    Threshold.objects.filter(pk=t.pk).update(consumption=0, available=100)
    assert records.thresholds_consumption_rebuild() == 1
    t = _fresh(t)
    assert t.consumption == Decimal("10.0000") and t.erosion_due_at is not None
    assert _sweep(t.erosion_due_at + GRACE + datetime.timedelta(seconds=1)) == 1
    assert _fresh(t).available == Decimal("90.000")


def test_the_sweep_wakes_each_line_once_oldest_first(contract):
    from portale.records.tests import factories as f

    lines = [f.SimFactory(line__contract=contract).line for _ in range(3)]
    thresholds = [spending(line, value="100") for line in lines]
    base = timezone.now() - datetime.timedelta(hours=1)
    for i, t in enumerate(thresholds):
        Threshold.objects.filter(pk=t.pk).update(
            erosion_due_at=base + datetime.timedelta(minutes=3 - i)
        )
    # The same line twice (its roaming threshold too): one wake-up.
    records.roaming_thresholds_provision(line_ids=[lines[0].pk])
    Threshold.objects.filter(line=lines[0], kind="DATI_EXTRA_UE").update(erosion_due_at=base)
    assert engine.due_erosions(timezone.now()) == [lines[0].pk, lines[2].pk, lines[1].pk]
    assert _sweep(timezone.now()) == 3
    assert not Threshold.objects.filter(erosion_due_at__isnull=False).exists()
