"""Back-end jobs of Gestione ricariche: the automatic company recharges (F-7.3.4).

The job only decides which services to look at; each run is one ``records.services`` call,
which locks the service and its line and checks whether it is due.
"""

from __future__ import annotations

from portale.records import services as records
from portale.records.models import LineService, ServiceState


def automatic_recharges_run(*, now=None) -> int:
    """Run every active timed or parametric recharge that is due; returns how many ran."""
    ids = LineService.objects.filter(
        kind__in=list(records.AUTOMATIC_RECHARGES), state=ServiceState.ACTIVE
    ).values_list("pk", flat=True)
    done = 0
    for service_id in ids.iterator(chunk_size=2000):
        done += records.recharge_service_run(service_id=service_id, now=now)
    return done
