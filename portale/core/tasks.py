"""Background tasks: the one task API every app uses (DESIGN §2, §6).

Built on Huey's Django integration (``huey.contrib.djhuey``), configured by ``settings.HUEY``:

* SQLite storage (``var/huey.sqlite3``) by default: no server to install;
* ``PriorityRedisHuey`` when ``REDIS_URL`` is set: any number of workers on any number of
  machines share one queue;
* immediate mode in tests (``HUEY["immediate"]``): tasks run inline, in the caller's thread.

Usage::

    from portale.core.tasks import enqueue_on_commit, periodic_task, task
    from huey import crontab

    @task()                       # 3 retries, 10 s apart, doubling (see DEFAULT_*)
    def export_build(export_id: int) -> None: ...

    @periodic_task(crontab(minute="0", hour="6"))
    def thresholds_daily_report() -> None: ...

    # inside a service (atomic): the task is queued only if the transaction commits
    enqueue_on_commit(export_build, export.pk)

Tasks get their arguments pickled: pass primary keys and plain values, never model
instances, and re-read the rows in the task.

The worker is Huey's consumer, started with ``python manage.py run_huey`` (``--quiet`` in the
demo, ``-w N`` for N workers, ``-k process`` for processes instead of threads); it
autodiscovers the ``tasks`` module of every installed app, so tasks must live in (or be
imported by) ``<app>/tasks.py``. Periodic tasks are scheduled by the consumer, so run exactly
one consumer with the scheduler on (others may use ``--no-periodic``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from huey.contrib import djhuey

# One retry policy for the whole project: a transient failure (SMTP down, provider 5xx,
# lock timeout) is retried 3 times, 10 s, 20 s, 40 s after the failure.
DEFAULT_RETRIES = 3
DEFAULT_RETRY_DELAY = 10  # seconds before the first retry
DEFAULT_RETRY_BACKOFF = 2  # each further retry waits this many times longer

HUEY = djhuey.HUEY  # the configured instance (tests use it to drive queued work by hand)


def task(
    retries: int = DEFAULT_RETRIES,
    retry_delay: int = DEFAULT_RETRY_DELAY,
    *,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    priority: int | None = None,
    context: bool = False,
    name: str | None = None,
    expires: Any = None,
    timeout: int | None = None,
) -> Callable[[Callable], Any]:
    """Declare a background task (a ``djhuey.db_task``: DB connections are managed).

    ``retries``: how many times a failing run is retried (0 = never);
    ``retry_delay``: seconds before the first retry, multiplied by ``retry_backoff`` at each
    further retry; ``context=True`` passes the running ``task`` as a keyword argument
    (``task.retries`` is the number of retries left: 0 on the last attempt).
    Calling the decorated function queues it (returns a result handle); ``fn.call_local(...)``
    runs it inline.
    """
    kwargs: dict[str, Any] = {
        "retries": retries,
        "retry_delay": retry_delay,
        "retry_backoff": retry_backoff,
        "context": context,
    }
    if priority is not None:
        kwargs["priority"] = priority
    if name is not None:
        kwargs["name"] = name
    if expires is not None:
        kwargs["expires"] = expires
    if timeout is not None:
        kwargs["timeout"] = timeout
    return djhuey.db_task(**kwargs)


def periodic_task(
    validate_datetime: Callable,
    *,
    retries: int = 0,
    retry_delay: int = DEFAULT_RETRY_DELAY,
    name: str | None = None,
) -> Callable[[Callable], Any]:
    """Declare a periodic job, e.g. ``@periodic_task(crontab(minute="*/5"))``.

    The schedule is code (``huey.crontab``), evaluated by the consumer every minute.
    Periodic jobs are not retried by default: the next tick is the retry.
    """
    kwargs: dict[str, Any] = {"retries": retries, "retry_delay": retry_delay}
    if name is not None:
        kwargs["name"] = name
    return djhuey.db_periodic_task(validate_datetime, **kwargs)


def enqueue_on_commit(task_fn: Any, *args: Any, **kwargs: Any) -> None:
    """Queue ``task_fn(*args, **kwargs)`` once the current transaction commits.

    Outside a transaction (autocommit) it is queued at once; if the transaction rolls back,
    nothing is queued. The arguments are captured now. A queue failure after the commit (e.g.
    Redis unreachable) is logged, not raised: the caller's data is already committed.
    """
    signature = task_fn.s(*args, **kwargs)
    transaction.on_commit(lambda: task_fn.huey.enqueue(signature), robust=True)


__all__ = [
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_BACKOFF",
    "DEFAULT_RETRY_DELAY",
    "HUEY",
    "enqueue_on_commit",
    "periodic_task",
    "ping",
    "task",
]


@task(retries=0)
def ping(value: str = "pong") -> str:
    """Health check: returns its argument from a worker (``ping("x").get(blocking=True)``)."""
    return value
