"""Maintenance of the usage aggregates (``models.aggregates``): the one place that writes them.

``records.services`` exposes these as its ``usage_aggregates_*`` services; the rating engine
calls ``usage_aggregates_add`` in the transaction that rates the events, and the cost-centre
services call ``move_lines`` when lines change centre.

Adding is an upsert that *increments* (``INSERT … ON CONFLICT (key) DO UPDATE SET x = x +
excluded.x``), one statement per chunk of rows, valid on PostgreSQL and SQLite alike: two
raters adding to the same contract row at once both count (the row lock of the upsert
serialises them; the rating line locks already serialise the line rows). On PostgreSQL
the rows travel as one array per column (``unnest``), not as thousands of placeholders.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DateField, Max, Min, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from .models import Line, TrafficEvent, UsageContractMonth, UsageLineMonth
from .models.aggregates import KEY, SUMS

CHUNK = 500


@dataclass
class Sums:
    events: int = 0
    duration_seconds: int = 0
    volume_kb: int = 0
    gross_amount: Decimal = Decimal(0)
    net_amount: Decimal = Decimal(0)
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    def add_event(self, ev: TrafficEvent, day: datetime.date) -> None:
        self.events += 1
        self.duration_seconds += ev.duration_seconds
        self.volume_kb += ev.volume_kb
        self.gross_amount += ev.gross_amount
        self.net_amount += ev.net_amount
        self.first_day = day if self.first_day is None else min(self.first_day, day)
        self.last_day = day if self.last_day is None else max(self.last_day, day)

    def values(self, sign: int = 1) -> list:
        return [
            sign * self.events,
            sign * self.duration_seconds,
            sign * self.volume_kb,
            sign * self.gross_amount,
            sign * self.net_amount,
        ]


def _local_day(when: datetime.datetime, tz) -> datetime.date:
    return when.astimezone(tz).date() if timezone.is_aware(when) else when.date()


def _pg_array(values) -> str:
    """A PostgreSQL array literal: one text parameter instead of one per element."""

    def item(v) -> str:
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return str(v)

    return "{" + ",".join(item(v) for v in values) + "}"


def _upsert(model, key_fields: list[str], rows: list[list], extra: dict[str, str]) -> None:
    """``rows``: key values then the SUMS (then ``extra``'s columns) in that order."""
    if not rows:
        return
    table = model._meta.db_table
    columns = [model._meta.get_field(f).column for f in [*key_fields, *SUMS, *extra]]
    qn = connection.ops.quote_name
    updates = [
        f"{qn(c)} = {qn(table)}.{qn(c)} + excluded.{qn(c)}"
        for c in columns[len(key_fields) : len(key_fields) + len(SUMS)]
    ]
    pg = connection.vendor == "postgresql"
    for name, how in extra.items():
        c = qn(model._meta.get_field(name).column)
        fn = {"min": "LEAST" if pg else "min", "max": "GREATEST" if pg else "max"}[how]
        updates.append(f"{c} = {fn}({qn(table)}.{c}, excluded.{c})")
    conflict = ", ".join(qn(model._meta.get_field(f).column) for f in key_fields)
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
    tail = f" ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(updates)}"
    with connection.cursor() as cur:
        if pg:
            # One array per column: a handful of parameters however many rows (psycopg
            # spends more time parsing thousands of placeholders than the server upserting).
            names = [*key_fields, *SUMS, *extra]
            types = [model._meta.get_field(f).db_type(connection) for f in names]
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            cur.execute(
                f"{head}SELECT * FROM unnest({arrays}){tail}",
                [_pg_array(col) for col in zip(*rows, strict=True)],
            )
            return
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values = ", ".join([placeholders] * len(chunk))
            cur.execute(f"{head}VALUES {values}{tail}", [v for row in chunk for v in row])


def add_events(events: Iterable[TrafficEvent], lines: dict[int, Line] | None = None) -> int:
    """Add rated events to both levels. The caller holds the lines' rating lock and its
    transaction; ``lines`` (id → the locked ``Line``, as rating loaded it) spares the query
    of their contract and cost centre. Returns how many line rows were touched."""
    by_line: dict[tuple, Sums] = defaultdict(Sums)
    line_ids = set()
    tz = timezone.get_current_timezone()
    for ev in events:
        day = _local_day(ev.occurred_at, tz)
        key = (ev.line_id, day.replace(day=1), ev.category, ev.roaming_zone, ev.charging)
        by_line[key].add_event(ev, day)
        line_ids.add(ev.line_id)
    if not by_line:
        return 0
    if lines is not None and line_ids <= lines.keys():
        owners = {pk: (lines[pk].contract_id, lines[pk].cost_centre_id or 0) for pk in line_ids}
    else:
        owners = {
            pk: (contract_id, centre or 0)
            for pk, contract_id, centre in Line.objects.filter(pk__in=line_ids).values_list(
                "pk", "contract_id", "cost_centre_id"
            )
        }
    by_contract: dict[tuple, Sums] = defaultdict(Sums)
    for (line_id, *rest), s in by_line.items():
        c = by_contract[(*owners[line_id], *rest)]
        for f in SUMS:
            setattr(c, f, getattr(c, f) + getattr(s, f))
    _upsert(
        UsageLineMonth,
        ["line", *KEY],
        [[*k, *s.values(), s.first_day, s.last_day] for k, s in sorted(by_line.items())],
        {"first_day": "min", "last_day": "max"},
    )
    _upsert(
        UsageContractMonth,
        ["contract", "cost_centre_key", *KEY],
        [[*k, *s.values()] for k, s in sorted(by_contract.items())],
        {},
    )
    return len(by_line)


def move_lines(moves: dict[int, tuple[int, int]]) -> None:
    """Lines changing cost centre (``line_id → (old key, new key)``, 0 = none): their month
    sums leave the old centre's contract rows and join the new one's. The caller holds the
    lines locked, so no rating adds to them meanwhile."""
    moves = {
        pk: (old or 0, new or 0) for pk, (old, new) in moves.items() if (old or 0) != (new or 0)
    }
    if not moves:
        return
    delta: dict[tuple, Sums] = defaultdict(Sums)
    rows = (
        UsageLineMonth.objects.filter(line_id__in=list(moves))
        .values("line_id", "line__contract_id", *KEY)
        .annotate(**{f"s_{f}": Sum(f) for f in SUMS})
    )
    for r in rows:
        old, new = moves[r["line_id"]]
        key = tuple(r[k] for k in KEY)
        for centre, sign in ((old, -1), (new, 1)):
            d = delta[(r["line__contract_id"], centre, *key)]
            for f in SUMS:
                setattr(d, f, getattr(d, f) + sign * (r[f"s_{f}"] or 0))
    _upsert(
        UsageContractMonth,
        ["contract", "cost_centre_key", *KEY],
        [[*k, *s.values()] for k, s in sorted(delta.items())],
        {},
    )
    UsageContractMonth.objects.filter(
        contract_id__in={k[0] for k in delta}, events=0, net_amount=0, gross_amount=0
    ).delete()


def line_months_from_events(qs=None):
    """The line-level sums recomputed from the rated events (rebuild and the exactness test)."""
    qs = TrafficEvent.objects.all() if qs is None else qs
    return (
        qs.filter(rated_at__isnull=False)
        .annotate(
            month=TruncMonth("occurred_at", output_field=DateField()), day=TruncDate("occurred_at")
        )
        .values("line_id", *KEY)
        .annotate(
            s_events=Count("pk"),
            s_duration_seconds=Sum("duration_seconds"),
            s_volume_kb=Sum("volume_kb"),
            s_gross_amount=Sum("gross_amount"),
            s_net_amount=Sum("net_amount"),
            first=Min("day"),
            last=Max("day"),
        )
        .order_by()
    )


def contract_months_from_lines():
    """The contract roll-up recomputed from the line rows (by the lines' current centre)."""
    return (
        UsageLineMonth.objects.values("line__contract_id", "line__cost_centre_id", *KEY)
        .annotate(**{f"s_{f}": Sum(f) for f in SUMS})
        .order_by()
    )


def rebuild() -> tuple[int, int]:
    """Both levels recomputed from the rated events (existing data, the demo, a repair)."""
    UsageContractMonth.objects.all().delete()
    UsageLineMonth.objects.all().delete()
    batch: list[UsageLineMonth] = []
    n_lines = 0
    for r in line_months_from_events().iterator(chunk_size=5000):
        batch.append(
            UsageLineMonth(
                line_id=r["line_id"],
                **{k: r[k] for k in KEY},
                **{f: r[f"s_{f}"] or 0 for f in SUMS},
                first_day=r["first"],
                last_day=r["last"],
            )
        )
        if len(batch) >= 5000:
            UsageLineMonth.objects.bulk_create(batch)
            n_lines += len(batch)
            batch = []
    UsageLineMonth.objects.bulk_create(batch)
    n_lines += len(batch)
    contract_rows = [
        UsageContractMonth(
            contract_id=r["line__contract_id"],
            cost_centre_key=r["line__cost_centre_id"] or 0,
            **{k: r[k] for k in KEY},
            **{f: r[f"s_{f}"] or 0 for f in SUMS},
        )
        for r in contract_months_from_lines().iterator(chunk_size=5000)
    ]
    UsageContractMonth.objects.bulk_create(contract_rows, batch_size=5000)
    return n_lines, len(contract_rows)
