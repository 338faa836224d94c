"""Back-end jobs of Gestione ricariche: the automatic company recharges (F-7.3.4).

The job only decides which services to look at; each run is one ``records.services`` call,
which locks the service and its line and checks whether it is due.
"""

from __future__ import annotations

from django.utils import timezone

from portale.records import selectors as read
from portale.records import services as records
from portale.records.models import Contract


def automatic_recharges_run(*, now=None) -> int:
    """Run every active timed or parametric recharge that is due; returns how many ran."""
    ids = read.active_recharge_services(kinds=records.AUTOMATIC_RECHARGES).values_list(
        "pk", flat=True
    )
    done = 0
    for service_id in ids.iterator(chunk_size=2000):
        done += records.recharge_service_run(service_id=service_id, now=now)
    return done


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
    done = 0
    contracts: dict[int, Contract] = {}
    for line_id, contract_id in lines.iterator(chunk_size=2000):
        contract = contracts.get(contract_id)
        if contract is None:
            contract = contracts[contract_id] = read.contract_by_pk(pk=contract_id)
        done += records.line_monthly_recharge(
            contract=contract, line_id=line_id, month=month, now=now
        )
    return done
