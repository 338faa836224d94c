"""Helpers for the traffic tests: CDR files built in memory."""

from __future__ import annotations

import csv
import io

from portale.rating.cdr import COLUMNS


def cdr_bytes(rows: list[dict], columns: list[str] | None = None) -> bytes:
    columns = columns or COLUMNS
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue().encode()


def voice(event_id, msisdn, when, seconds, **kw):
    return {
        "event_id": event_id,
        "msisdn": msisdn,
        "occurred_at": when,
        "service": "VOCE",
        "called_number": kw.pop("called", "3399902123"),
        "duration_s": seconds,
        **kw,
    }


def data(event_id, msisdn, when, kb, **kw):
    return {
        "event_id": event_id,
        "msisdn": msisdn,
        "occurred_at": when,
        "service": "DATI",
        "volume_kb": kb,
        **kw,
    }
