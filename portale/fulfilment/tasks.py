"""Background tasks of the fulfilment engine (Huey).

Each filed pratica gets a task scheduled for the moment its next step is due (so the demo's
delays of a few seconds are real), and a tick every minute advances whatever is due (the
safety net: a lost task, a worker restart, ordini).
"""

from __future__ import annotations

from huey import crontab

from portale.cases.hooks import CaseFiled
from portale.core.tasks import periodic_task, task

from . import engine


@task(retries=3, retry_delay=10)
def fulfil_case(case_id: int) -> None:
    """Advance a pratica if it is due; an exception makes Huey retry it."""
    case = engine.advance_case(case_id=case_id)
    if case is not None and case.is_open and case.auto and case.due_at:
        fulfil_case.schedule(args=(case.pk,), delay=engine.seconds_until(case.due_at))


@periodic_task(crontab(minute="*"))
def fulfilment_tick() -> None:
    engine.tick()


def case_filed(event: CaseFiled) -> None:
    """The on-commit hook of every filing (registered in ``apps.py``): schedule its first step."""
    if not event.auto:
        return  # worked by hand in the back office
    if event.delay_seconds > 0:
        fulfil_case.schedule(args=(event.case_id,), delay=event.delay_seconds)
    else:
        fulfil_case(event.case_id)
