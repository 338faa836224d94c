"""Durable background jobs: the row is the job, the queue is only a wake-up call (DESIGN §6).

Every piece of background work of the portal follows the same four rules:

1. **The state is a database row** written in the same transaction as the request that
   needs it (an export request, a notification, a filed pratica). If the transaction rolls
   back there is no job; if it commits the job exists, whatever happens to the queue.
2. **Queueing is a wake-up call**: ``wake(kind, pk)`` queues the job's task once the
   transaction commits. If the queue is unreachable (Redis down) nothing is lost: the row
   is still pending.
3. **A periodic sweep** (``jobs_sweep``, every minute) asks every registered kind for its
   *due* rows — pending and never started after a grace period, or started by a worker
   that has been silent longer than the kind's timeout (killed, OOM, restarted) — and
   wakes them again.
4. **Running twice is harmless**: a task first *claims* its row with a conditional UPDATE
   (``claim``), so of two workers woken for the same row only one works; a finished row
   is never claimable again; and the work itself overwrites rather than appends.

A kind is declared once, next to its task::

    from portale.core.jobs import DurableJob, claim, register, wake

    EXPORTS = register(DurableJob(
        name="exports",
        task=export_build,                          # a @task taking the row's pk
        due=lambda now: ExportJob.objects.filter(    # pks the sweep should wake at ``now``
            Q(claimed_at__isnull=True, requested_at__lt=now - GRACE)
            | Q(claimed_at__lt=now - STUCK_AFTER),
            state=ExportJob.State.RUNNING,
        ).values_list("pk", flat=True),
    ))

    # in the service, inside the request's transaction:
    job = ExportJob.objects.create(...)
    wake(EXPORTS, job.pk)

    # in the task:
    if not claim(ExportJob.objects.filter(pk=pk, state=RUNNING), stale_after=STUCK_AFTER):
        return  # someone else holds it, or it is finished

The sweep runs in the consumer that has the scheduler on (``run_huey`` without
``--no-periodic``); ``python manage.py jobs_sweep`` runs one sweep by hand.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from huey import crontab

from .tasks import enqueue_on_commit, periodic_task

logger = logging.getLogger(__name__)

# How many rows of one kind a single sweep wakes: a backlog is drained a batch a minute
# instead of flooding the queue after a long outage.
SWEEP_BATCH = 500


@dataclass(frozen=True)
class DurableJob:
    """One kind of background job: its task and how to find its due rows."""

    name: str
    task: Any  # a portale.core.tasks.task taking the row's primary key
    due: Callable[[datetime.datetime], Iterable[Any]]  # → primary keys to wake at ``now``
    batch: int = SWEEP_BATCH


REGISTRY: dict[str, DurableJob] = {}


def register(kind: DurableJob) -> DurableJob:
    """Declare a kind of durable job (at import time of the module defining its task)."""
    REGISTRY[kind.name] = kind
    return kind


def wake(kind: DurableJob, pk: Any) -> None:
    """Queue the task of row ``pk`` once the current transaction commits (a wake-up call).

    A queue failure is logged, not raised: the row is committed and the sweep will find it.
    """
    enqueue_on_commit(kind.task, pk)


def claim(
    rows: QuerySet,
    *,
    stale_after: datetime.timedelta,
    now: datetime.datetime | None = None,
    claimed_field: str = "claimed_at",
    attempts_field: str | None = "attempts",
    **updates: Any,
) -> bool:
    """Make the row(s) of ``rows`` this worker's, atomically; False if it is not available.

    ``rows`` selects the row *in a claimable state* (e.g. ``filter(pk=pk, state=RUNNING)``).
    The row is taken when nobody claimed it or the last claim is older than
    ``stale_after`` (the worker that held it died). One conditional UPDATE: of two workers
    racing for the same row exactly one gets ``True``.
    """
    now = now or timezone.now()
    free = Q(**{f"{claimed_field}__isnull": True}) | Q(
        **{f"{claimed_field}__lt": now - stale_after}
    )
    values: dict[str, Any] = {claimed_field: now, **updates}
    if attempts_field:
        values[attempts_field] = F(attempts_field) + 1
    return rows.filter(free).update(**values) > 0


def sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Wake every due row of every registered kind; returns how many per kind.

    Each kind is swept on its own: a kind whose query fails does not stop the others, and
    a queue that is still unreachable only means the next sweep tries again.
    """
    now = now or timezone.now()
    woken: dict[str, int] = {}
    for kind in list(REGISTRY.values()):
        try:
            pks = list(kind.due(now))[: kind.batch]
        except Exception:
            logger.exception("jobs sweep: cannot read the due rows of %s", kind.name)
            continue
        for pk in pks:
            enqueue_on_commit(kind.task, pk)
        woken[kind.name] = len(pks)
        if pks:
            logger.warning("jobs sweep: %d %s job(s) woken again", len(pks), kind.name)
    return woken


@periodic_task(crontab(minute="*"))
def jobs_sweep() -> None:
    """The safety net of every durable job: a lost wake-up costs at most a minute."""
    sweep()
