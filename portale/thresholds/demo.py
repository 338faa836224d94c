"""Demo content of Gestione soglie: a past week of threshold events and the "Avanzamento
Soglie" e-mails they produced, so "Visualizzazione cronologia notifiche" (F-7.5.6) shows a
history with its attachments from the first login (idempotent)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from portale.records import selectors as record_selectors
from portale.records.services import threshold_period_start

from .models import ThresholdEvent
from .services import digest_send

DEMO_CONTRACT = "888010088938"
DAYS_AGO = (1, 3, 6, 10)  # the days with events: the digest goes out only on those


def load_thresholds_demo_history(*, today: datetime.date | None = None) -> int:
    """Events on a few spending thresholds of the demo contract on past days, then each day's
    digest as the 08:00 job would have sent it. Returns the digests sent now."""
    today = today or timezone.localdate()
    contract = record_selectors.contract_by_code(code=DEMO_CONTRACT)
    if contract is None:
        return 0
    thresholds = list(
        record_selectors.thresholds_of_contract(contract=contract)
        .filter(kind="SPESA", value__gt=0)
        .order_by("line__msisdn")[: len(DAYS_AGO) + 1]
    )
    sent = 0
    for n, days in enumerate(DAYS_AGO):
        if n >= len(thresholds):
            break
        day = today - datetime.timedelta(days=days)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 30 + n)))
        levels = ["80", "100"] if thresholds[n].type == "INFORMATIVA" else ["80"]
        for kind in levels:
            share = Decimal("0.8") if kind == "80" else Decimal("1.02")
            t = thresholds[n]
            ThresholdEvent.objects.get_or_create(
                threshold=t,
                period_start=threshold_period_start(t.period, day),
                kind=kind,
                defaults={
                    "line": t.line,
                    "contract": contract,
                    "occurred_at": at,
                    "description": t.description,
                    "type": t.type,
                    "period": t.period,
                    "value": t.value,
                    "consumed": (t.value * share).quantize(Decimal("0.0001")),
                },
            )
        sent_at = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(8, 0))
        )
        sent += len(digest_send(contract=contract, day=day, sent_at=sent_at))
    return sent
