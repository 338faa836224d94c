"""The task API: queued on commit, retried with the project policy, Redis and SQLite storage."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import huey
import pytest
from django.conf import settings
from django.db import transaction

from portale.core import tasks

CALLS: list[str] = []
FAILURES = {"left": 0}


@tasks.task()
def record(value: str) -> str:
    CALLS.append(value)
    return value


@tasks.task()
def flaky(value: str) -> str:
    CALLS.append(value)
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("transient failure")
    return value.upper()


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    FAILURES["left"] = 0
    tasks.HUEY.flush()
    yield
    tasks.HUEY.flush()


@pytest.fixture
def worker(monkeypatch, transactional_db):
    """The configured Huey out of immediate mode: tasks wait in the queue until the test,
    acting as the consumer, dequeues and executes them (and the retries it schedules)."""
    monkeypatch.setattr(tasks.HUEY, "_immediate", False)

    class Worker:
        def run_queue(self) -> int:
            done = 0
            while (task := tasks.HUEY.dequeue()) is not None:
                tasks.HUEY.execute(task)
                done += 1
            return done

        def run_scheduled(self, *, after: float) -> int:
            """Run the scheduled retries due within ``after`` seconds from now."""
            now = tasks.HUEY._get_timestamp() + datetime.timedelta(seconds=after)
            due = tasks.HUEY.read_schedule(now)
            for task in due:
                tasks.HUEY.execute(task, timestamp=now)
            return len(due)

    return Worker()


def test_defaults_are_the_project_policy():
    assert record.retries == tasks.DEFAULT_RETRIES == 3
    assert record.retry_delay == tasks.DEFAULT_RETRY_DELAY == 10
    assert record.task_class.default_retry_backoff == 2


@pytest.mark.django_db(transaction=True)
def test_task_queued_in_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue_on_commit(record, "rolled back")
        assert CALLS == []  # not before the commit either
        raise RuntimeError("boom")
    assert CALLS == []


@pytest.mark.django_db(transaction=True)
def test_task_runs_once_after_commit():
    with transaction.atomic():
        tasks.enqueue_on_commit(record, "committed")
        with transaction.atomic():
            tasks.enqueue_on_commit(record, "inner")
        assert CALLS == []
    assert CALLS == ["committed", "inner"]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_drops_only_its_tasks():
    with transaction.atomic():
        tasks.enqueue_on_commit(record, "outer")
        try:
            with transaction.atomic():
                tasks.enqueue_on_commit(record, "savepoint")
                raise ValueError
        except ValueError:
            pass
    assert CALLS == ["outer"]


def test_failing_task_is_retried_with_backoff_then_succeeds(worker):
    FAILURES["left"] = 2
    result = flaky("ok")
    assert CALLS == []  # queued, not run: a worker takes it

    assert worker.run_queue() == 1  # attempt 1 fails: retry scheduled in 10 s
    assert CALLS == ["ok"]
    assert worker.run_scheduled(after=5) == 0  # not due yet
    (retry,) = tasks.HUEY.scheduled()
    assert retry.retries == 2

    assert worker.run_scheduled(after=11) == 1  # attempt 2 fails: next in 20 s (backoff)
    assert worker.run_scheduled(after=15) == 0
    assert worker.run_scheduled(after=21) == 1  # attempt 3 succeeds
    assert CALLS == ["ok", "ok", "ok"]
    assert result.get() == "OK"
    assert tasks.HUEY.scheduled() == []


def test_task_gives_up_after_the_last_retry(worker):
    FAILURES["left"] = 99
    result = flaky("never")
    worker.run_queue()
    for after in (11, 21, 41):
        assert worker.run_scheduled(after=after) == 1
    assert worker.run_scheduled(after=10_000) == 0
    assert len(CALLS) == 1 + tasks.DEFAULT_RETRIES
    with pytest.raises(huey.exceptions.TaskException):
        result.get()


def test_periodic_task_is_registered_with_its_schedule():
    from huey import crontab

    @tasks.periodic_task(crontab(minute="0", hour="6"), name="test_daily_six")
    def daily():
        CALLS.append("daily")

    try:
        six = datetime.datetime(2026, 11, 24, 6, 0)
        assert daily.task_class().validate_datetime(six)
        assert not daily.task_class().validate_datetime(six.replace(minute=1))
        assert daily.task_class in tasks.HUEY._registry._periodic_tasks
    finally:
        daily.unregister()


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")


@pytest.mark.skipif(not REDIS_TEST_URL, reason="REDIS_TEST_URL is not set (CI sets it)")
def test_redis_storage_producer_and_worker_share_the_queue():
    """The scale-out set-up: the web process and a worker elsewhere are two Huey instances
    on one Redis queue (PriorityRedisHuey, as settings use when REDIS_URL is set)."""
    name = f"portale-test-{uuid.uuid4().hex[:8]}"
    producer = huey.PriorityRedisHuey(name, url=REDIS_TEST_URL)
    consumer = huey.PriorityRedisHuey(name, url=REDIS_TEST_URL)
    seen = []

    def add(a, b):
        seen.append((a, b))
        return a + b

    add.__module__ = "portale.test_redis"
    add_producer = producer.task(retries=3, retry_delay=10)(add)
    consumer.task(retries=3, retry_delay=10)(add)
    try:
        result = add_producer(2, 3)
        low = producer.enqueue(add_producer.s(1, 1, priority=0))
        high = producer.enqueue(add_producer.s(10, 10, priority=10))
        assert consumer.pending_count() == 3

        for _ in range(3):
            task = consumer.dequeue()
            consumer.execute(task)
        assert seen[0] == (10, 10)  # priority first
        assert sorted(seen) == [(1, 1), (2, 3), (10, 10)]
        assert result.get() == 5 and low.get() == 2 and high.get() == 20
        assert consumer.pending_count() == 0
    finally:
        producer.flush()


@pytest.mark.skipif(
    "filename" not in settings.HUEY, reason="the default SQLite storage is not configured"
)
def test_run_huey_consumes_the_sqlite_queue(tmp_path: Path):
    """``manage.py run_huey`` (as bin/demo runs it) takes tasks from the SQLite file."""
    queue_file = tmp_path / "huey.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portale.settings.base",
        "PORTALE_DEMO": "1",
        "REDIS_URL": "",
        "HUEY_IMMEDIATE": "0",
        "HUEY_SQLITE_FILE": str(queue_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    producer = huey.SqliteHuey("portale", filename=str(queue_file))

    def ping(value):  # the same task name as portale.core.tasks.ping in the worker
        return value

    ping.__module__ = "portale.core.tasks"
    result = producer.task()(ping)("pong")
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--quiet", "-w", "1", "--no-periodic"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        value = None
        while time.monotonic() < deadline and value is None and proc.poll() is None:
            time.sleep(0.2)
            value = result.get()
        assert value == "pong", proc.poll()
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=15)
    assert producer.pending_count() == 0, output
