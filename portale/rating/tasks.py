"""Periodic jobs of the rating engine (Huey, see ``portale.core.tasks``)."""

from __future__ import annotations

from django.conf import settings
from huey import crontab

from portale.core.tasks import periodic_task, task

from .services import rate_pending


@task()
def rate_pending_task() -> int:
    return rate_pending().rated


@periodic_task(crontab(minute="*/15"))
def simulate_live_traffic() -> None:
    """While the demo runs, every 15 minutes the lines make the traffic of the last quarter."""
    if not getattr(settings, "PORTALE_DEMO", False):
        return
    from .simulator import simulate_recent

    simulate_recent(minutes=15)


@periodic_task(crontab(minute="7"))
def rate_leftovers() -> None:
    """Hourly safety net: rate any event left unrated (e.g. imported with ``--no-rate``)."""
    rate_pending()
