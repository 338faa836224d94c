"""Periodic jobs of Gestione SIM (Huey, see ``portale.core.tasks``)."""

from __future__ import annotations

from huey import crontab

from portale.core.tasks import periodic_task

from .services import automatic_recharges_run


@periodic_task(crontab(minute="*/15"))
def automatic_recharges() -> None:
    """Every quarter of an hour: timed recharges that are due, parametric ones under their
    threshold (F-7.3.4)."""
    automatic_recharges_run()
