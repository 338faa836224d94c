"""Helpers for the threshold tests: thresholds and rated traffic of today."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, data, voice
from portale.records import services as records
from portale.records.models import Threshold, TrafficEvent


def today() -> datetime.date:
    return timezone.localdate()


def at(day: datetime.date, hour: int = 10, minute: int = 0, second: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"


def spending(line, *, type="INFORMATIVA", period="GIORNALIERO", value="10", on=None):  # noqa: A002
    return records.threshold_activate(
        line=line, type=type, period=period, value=Decimal(value), on=on
    )


def call(event_id: str, msisdn: str, when: str, seconds: int, zone: str = "") -> dict:
    """A company voice call: national 0,02 €/min, extra-UE 1 €/min."""
    return voice(event_id, msisdn, when, seconds, zone=zone)


def extra_ue_data(event_id: str, msisdn: str, when: str, kb: int) -> dict:
    """Extra-UE data: 5 € per MB."""
    return data(event_id, msisdn, when, kb, zone="EXTRA_UE")


def committed():
    """Run the on-commit callbacks (the after-rating hook) as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def push(rows: list[dict], name: str = "") -> None:
    """Import a CDR file and rate it; the hooks run as after a real commit."""
    with committed():
        result = import_cdr_bytes(cdr_bytes(rows), name=name or rows[0]["event_id"])
    assert result.ok, result.errors


def period_paid(threshold: Threshold) -> Decimal:
    """The period's pay-per-use charges, recomputed here from the events (the oracle)."""
    total = Decimal(0)
    for ev in TrafficEvent.objects.filter(line=threshold.line, rated_at__isnull=False):
        day = timezone.localtime(ev.occurred_at).date()
        start = day if threshold.period == "GIORNALIERO" else day.replace(day=1)
        if start != threshold.period_start or ev.net_amount <= 0:
            continue
        if day < threshold.activation_date:
            continue  # before the threshold existed
        if threshold.kind == "SPESA" and ev.charging != "AZIENDALE":
            continue
        if threshold.kind == "DATI_EXTRA_UE" and not (
            ev.category == "DATI" and ev.roaming_zone == "EXTRA_UE"
        ):
            continue
        total += ev.net_amount
    return total
