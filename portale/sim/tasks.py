"""Periodic jobs of Gestione SIM (Huey, see ``portale.core.tasks``)."""

from __future__ import annotations

from huey import crontab

from portale.core.tasks import periodic_task

from .services import automatic_recharges_run, monthly_recharges_run


@periodic_task(crontab(minute="*/15"), retries=3)
def automatic_recharges() -> None:
    """Every quarter of an hour: timed recharges that are due, parametric ones under their
    threshold (F-7.3.4). A failed run (a lock timeout) is retried 10 s later rather than at
    the next tick: each recharge locks its service and checks again whether it is due, so a
    retry does only what the next tick would."""
    automatic_recharges_run()


@periodic_task(crontab(minute="10", hour="*", day="1"), retries=3)
def monthly_recharges() -> None:
    """On the first day of the month (every hour: the next tick retries what failed): the
    automatic monthly recharge, following each line's CONFERMA/RINUNCIA (F-7.3.3). A failed
    run is also retried 10 s later, so the day's last tick (23:10) cannot leave lines without
    the month's recharge."""
    monthly_recharges_run()
