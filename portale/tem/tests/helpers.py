"""Traffic for the TEM tests: events made and rated by the real engine (so the aggregates
are maintained as in production)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from portale.rating.services import rate_events
from portale.records.models import TrafficEvent


def at(month: datetime.date, day: int = 10, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(month.year, month.month, day, hour))


def event(line, when, *, category="VOCE", seconds=0, kb=0, zone="", price=None, **kw):
    typ = {"VOCE": "MOC", "DATI": "GPRS", "SMS_MMS": "SMS", "EVENTI": "EVENTO"}.get(category, "MOC")
    return TrafficEvent(
        line=line,
        occurred_at=when,
        category=category,
        type=typ,
        duration_seconds=seconds,
        volume_kb=kb,
        roaming_zone=zone,
        charging=kw.pop("charging", "AZIENDALE"),
        called_number="3399902123",
        gross_amount=Decimal(price or 0),
        **kw,
    )


def rate(events: list[TrafficEvent]) -> list[TrafficEvent]:
    made = TrafficEvent.objects.bulk_create(events)
    rate_events(event_ids=[e.pk for e in made])
    return made


def open_tem(client, user, contract, profile: str = "ROA"):
    """Log in and hold the TEM hand-off grant of ``contract``, as "Modulo TEM" would give."""
    from portale.core.tests.handoff_helpers import grant

    client.force_login(user)
    grant(client, user, profile=profile, contract=contract, system="tem")
    return client
