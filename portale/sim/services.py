"""Back-end jobs of Gestione ricariche: the automatic company recharges (F-7.3.4).

The job only decides which services to look at; each run is one ``records.services`` call,
which locks the service and its line and checks whether it is due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.utils import timezone

from portale.records import selectors as read
from portale.records import services as records
from portale.records.models import Contract

logger = logging.getLogger(__name__)


class RechargeRunIncomplete(Exception):
    """Some recharges of a run failed (each logged); every other one was done. Raised at the
    end so the task's retry runs again: each recharge checks again whether it is due, so the
    retry does only the ones that failed."""


def _each(items: Iterable, run: Callable[..., int], what: str) -> int:
    """``run`` every item in its own transaction (the records service's), so one that fails
    (a lock timeout, a line in an unexpected state) does not leave the lines after it without
    their recharge until it is mended."""
    done, failed = 0, []
    for item in items:
        try:
            done += run(item)
        except Exception:
            logger.exception("%s %s failed", what, item)
            failed.append(item)
    if failed:
        raise RechargeRunIncomplete(f"{len(failed)} {what} failed: {failed[:20]}")
    return done


def automatic_recharges_run(*, now=None) -> int:
    """Run every active timed or parametric recharge that is due; returns how many ran."""
    ids = read.active_recharge_services(kinds=records.AUTOMATIC_RECHARGES).values_list(
        "pk", flat=True
    )
    return _each(
        ids.iterator(chunk_size=2000),
        lambda service_id: records.recharge_service_run(service_id=service_id, now=now),
        "automatic recharge of service",
    )


def monthly_recharges_run(*, today=None, now=None) -> int:
    """The start-of-month automatic recharge of every rechargeable line whose mode (and this
    month's Conferma/Rinuncia) says so; idempotent within the month."""
    today = today or timezone.localdate()
    month = today.strftime("%Y-%m")
    lines = (
        read.prepaid_lines_with_auto_recharge(modes=records.RECHARGE_OVERRIDES)
        .values_list("pk", "contract_id")
        .order_by("pk")
    )
    contracts: dict[int, Contract] = {}

    def recharge(item: tuple[int, int]) -> int:
        line_id, contract_id = item
        contract = contracts.get(contract_id)
        if contract is None:
            contract = contracts[contract_id] = read.contract_by_pk(pk=contract_id)
        return records.line_monthly_recharge(
            contract=contract, line_id=line_id, month=month, now=now
        )

    return _each(lines.iterator(chunk_size=2000), recharge, "monthly recharge of line")
