"""The demo's SQLite file is written by two processes at once, the web server and the Huey
worker: a writer must wait for the other, never fail with "database is locked".

With SQLite's default (deferred) transactions a block that reads and then writes (the
threshold erosion, an automatic recharge: ``select_for_update`` is a no-op on SQLite) holds
only a read snapshot until its first write; if another connection commits a write in
between, that write fails at once with "database is locked", whatever the busy timeout. The
settings open every transaction with ``BEGIN IMMEDIATE`` (the write lock is taken first, so
the second writer waits up to the timeout) in WAL mode (readers never wait for a writer).
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.db.utils import ConnectionHandler, OperationalError

from .test_settings import _db_options


@pytest.fixture(autouse=True)
def _own_connections(django_db_blocker):
    """These tests open their own connections to their own files, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def demo_sqlite_options(tmp_path_factory) -> dict:
    """OPTIONS the settings give a SQLite ``DATABASE_URL``, as ``bin/demo`` runs (read in a
    subprocess: this test process may be on PostgreSQL)."""
    path = tmp_path_factory.mktemp("demo") / "portale.sqlite3"
    return _db_options(DATABASE_URL=f"sqlite:///{path}", PORTALE_DEMO="1")


def test_the_demo_database_waits_instead_of_failing(demo_sqlite_options):
    options = demo_sqlite_options
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    commands = {c.strip() for c in options["init_command"].split(";")}
    assert {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"} <= commands


@contextmanager
def _database(path, options):
    """A SQLite file as an extra alias of Django's connections (one connection a thread, and
    ``transaction.atomic`` as the portal's code uses it)."""
    alias = f"sqlite_concurrency_{path.stem}"
    config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}
    connections.settings[alias] = ConnectionHandler({"default": config}).settings["default"]
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections.settings[alias]


def _writers(path, options) -> tuple[list[Exception], int]:
    """The worker's erosion (read, then write, in one transaction) and a web request's write
    in between, on two connections of one file; returns their errors and the final count."""
    errors: list[Exception] = []
    has_read, web_committed = threading.Event(), threading.Event()

    def worker(alias):
        with transaction.atomic(using=alias), connections[alias].cursor() as cur:
            cur.execute("SELECT eroded FROM threshold WHERE id = 1")
            (eroded,) = cur.fetchone()
            has_read.set()
            # The web request's write lands here (or, waiting for our lock, does not).
            web_committed.wait(1)
            cur.execute("UPDATE threshold SET eroded = %s WHERE id = 1", [eroded + 1])

    def web(alias):
        has_read.wait(10)
        with transaction.atomic(using=alias), connections[alias].cursor() as cur:
            cur.execute("UPDATE threshold SET eroded = eroded + 1 WHERE id = 1")
        web_committed.set()

    def run(body, alias):
        try:
            body(alias)
        except Exception as exc:
            errors.append(exc)
        finally:
            has_read.set()
            web_committed.set()
            connections[alias].close()

    with _database(path, options) as alias:
        with connections[alias].cursor() as cur:
            cur.execute("CREATE TABLE threshold (id integer PRIMARY KEY, eroded integer)")
            cur.execute("INSERT INTO threshold VALUES (1, 0)")
        threads = [threading.Thread(target=run, args=(body, alias)) for body in (worker, web)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with connections[alias].cursor() as cur:
            cur.execute("SELECT eroded FROM threshold WHERE id = 1")
            (eroded,) = cur.fetchone()
    return errors, eroded


def test_two_writers_on_the_demo_file_both_commit(tmp_path, demo_sqlite_options):
    errors, eroded = _writers(tmp_path / "demo.sqlite3", demo_sqlite_options)
    assert errors == []
    assert eroded == 2  # neither write lost


def test_deferred_transactions_fail_at_once_whatever_the_timeout(tmp_path, demo_sqlite_options):
    """What the demo did before: the same two writers, deferred transactions, 20 s timeout."""
    options = {k: v for k, v in demo_sqlite_options.items() if k != "transaction_mode"}
    started = time.monotonic()
    errors, eroded = _writers(tmp_path / "deferred.sqlite3", options)
    assert [str(e) for e in errors] == ["database is locked"]
    assert isinstance(errors[0], OperationalError)
    assert time.monotonic() - started < options["timeout"]  # no waiting helped
    assert eroded == 1
