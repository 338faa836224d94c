"""Background jobs of the threshold engine (Huey, ``portale.core.tasks``)."""

from __future__ import annotations

from huey import crontab

from portale.core.jobs import DurableJob, register
from portale.core.tasks import periodic_task, task

from . import engine


@task(priority=10)
def erode_task(by_kind: dict[str, list[int]] | list[int]) -> int:
    """Erode the thresholds a rated batch moved (kind → lines; queued by the after_rating
    hook). A list is a batch's event ids, as queued before the consumption was kept by
    rating: still accepted, the lines are then found from the events."""
    if isinstance(by_kind, list):
        return len(engine.erode_batch(event_ids=by_kind).events)
    return len(engine.erode_lines(by_kind=by_kind).events)


@task(priority=10)
def erode_line_task(line_id: int) -> int:
    """Erode every active threshold of one line: the sweep's wake-up of a line whose
    thresholds stayed due (``Threshold.erosion_due_at``) after their erosion task was lost."""
    return len(engine.erode_lines(line_ids=[line_id]).events)


# The durable side of the erosions: the job's row is the threshold due for erosion (the
# rating transaction marks it, the erosion clears it); the sweep wakes its line.
EROSIONS = register(
    DurableJob(name="threshold_erosions", task=erode_line_task, due=engine.due_erosions)
)


@periodic_task(crontab(minute="*/5"), retries=3)
def thresholds_reset() -> int:
    """A new day or month: thresholds start again (and lines blocked by them are unblocked).
    Idempotent (it resets only what is due), so a failed run (a lock timeout) is retried
    seconds later rather than at the next tick."""
    return engine.reset_due()


@periodic_task(crontab(minute="0", hour="8"))
def thresholds_daily_digest() -> int:
    """G-36: about 08:00, yesterday's "Avanzamento Soglie" to the ROA and traffic managers."""
    from .services import digests_send

    return digests_send()


@periodic_task(crontab(minute="30", hour="3"))
def roaming_thresholds_provision() -> int:
    """G-33: every line has its extra-UE roaming data threshold (50 €, monthly)."""
    from portale.records.services import roaming_thresholds_provision as provision

    return provision()
