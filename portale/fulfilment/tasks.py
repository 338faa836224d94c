"""Background tasks of the fulfilment engine (Huey).

Each filed pratica gets a task scheduled for the moment its next step is due (so the demo's
delays of a few seconds are real), and a tick every minute advances whatever is due (the
safety net: a lost task, a worker restart, orders).
"""

from __future__ import annotations

from django.db import transaction
from huey import crontab

from portale.cases.platform import enqueue_on_commit, periodic_task, task

from . import services


@task(retries=3, retry_delay=10)
def fulfil_case(case_id: int) -> None:
    """Advance a pratica if it is due; an exception makes Huey retry it."""
    case = services.advance_case(case_id=case_id)
    if case is not None and case.is_open and case.auto and case.due_at:
        schedule_case(case.pk, delay=services.seconds_until(case.due_at))


@periodic_task(crontab(minute="*"))
def fulfilment_tick() -> None:
    services.tick()


def schedule_case(case_id: int, *, delay: float | None = None) -> None:
    """Queue the pratica's next step once the current transaction commits."""
    if not delay or delay <= 0:
        enqueue_on_commit(fulfil_case, case_id)
        return
    transaction.on_commit(lambda: fulfil_case.schedule(args=(case_id,), delay=delay), robust=True)
