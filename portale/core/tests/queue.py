"""Test helpers that act as the task consumer (shared by the delivery tests)."""

import datetime

from portale.core.tasks import HUEY


def run_retries() -> int:
    """Act as the consumer's scheduler: run every scheduled retry, however far ahead."""
    runs = 0
    while True:
        later = HUEY._get_timestamp() + datetime.timedelta(days=1)
        due = HUEY.read_schedule(later)
        if not due:
            return runs
        for task in due:
            HUEY.execute(task, timestamp=later)
        runs += len(due)
