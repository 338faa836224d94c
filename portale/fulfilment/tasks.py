"""Background tasks of the fulfilment engine (Huey): a tick, and a task per filed pratica."""

from __future__ import annotations

from huey import crontab

from portale.cases.platform import enqueue_on_commit, periodic_task, task

from . import services


@task(retries=3, retry_delay=10)
def fulfil_case(case_id: int) -> None:
    """Advance a pratica as far as it is due; an exception makes Huey retry it."""
    services.advance_case(case_id=case_id)


@periodic_task(crontab(minute="*"))
def fulfilment_tick() -> None:
    services.tick()


def schedule_case(case_id: int) -> None:
    """Called inside the filing transaction: the task runs once the pratica is committed."""
    enqueue_on_commit(fulfil_case, case_id)
