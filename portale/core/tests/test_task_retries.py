"""The background jobs a busy SQLite file (the demo's) made fail are retried, not dropped
until the next tick: the threshold erosion, the thresholds' period reset and the automatic
and monthly recharges (test_sqlite_concurrency.py for why they failed)."""

import datetime

import pytest
from django.db import OperationalError

from portale.core import tasks
from portale.sim import tasks as sim_tasks
from portale.thresholds import tasks as threshold_tasks


@pytest.mark.parametrize(
    "job",
    [
        threshold_tasks.erode_task,
        threshold_tasks.thresholds_reset,
        sim_tasks.automatic_recharges,
        sim_tasks.monthly_recharges,
    ],
    ids=["erode_task", "thresholds_reset", "automatic_recharges", "monthly_recharges"],
)
def test_jobs_that_met_a_locked_database_are_retried(job):
    assert job.retries == tasks.DEFAULT_RETRIES
    assert job.retry_delay == tasks.DEFAULT_RETRY_DELAY


@pytest.fixture
def queued(monkeypatch, db):
    """The configured Huey out of immediate mode: the test acts as the consumer (``db``: the
    Django task wrapper checks the connection before and after each run)."""
    monkeypatch.setattr(tasks.HUEY, "_immediate", False)
    tasks.HUEY.flush()
    yield tasks.HUEY
    tasks.HUEY.flush()


@pytest.mark.parametrize(
    ("job", "target"),
    [
        (threshold_tasks.thresholds_reset, "portale.thresholds.engine.reset_due"),
        (sim_tasks.automatic_recharges, "portale.sim.tasks.automatic_recharges_run"),
        (sim_tasks.monthly_recharges, "portale.sim.tasks.monthly_recharges_run"),
    ],
    ids=["thresholds_reset", "automatic_recharges", "monthly_recharges"],
)
def test_a_periodic_run_that_fails_runs_again_seconds_later(monkeypatch, queued, job, target):
    calls = []

    def locked_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return 0

    monkeypatch.setattr(target, locked_once)
    queued.enqueue(job.s())  # what the scheduler does at the tick
    queued.execute(queued.dequeue())
    (retry,) = queued.scheduled()
    assert retry.retries == tasks.DEFAULT_RETRIES - 1

    later = queued._get_timestamp() + datetime.timedelta(seconds=tasks.DEFAULT_RETRY_DELAY + 1)
    for task in queued.read_schedule(later):
        queued.execute(task, timestamp=later)
    assert len(calls) == 2
    assert queued.scheduled() == []
