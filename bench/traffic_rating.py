"""Benchmark: rating throughput (events per second) on the imported, unrated traffic.

    .venv/bin/python bench/traffic_rating.py --events 10000000 --rate 1000000

Run after traffic_ingest.py (same --events/--lines: it imports the file if the table is
empty). Rates ``--rate`` events (default: all unrated) with the real engine, half of the
lines holding monthly bundles so erosion is exercised, and prints events/s.

``--refusals`` (issue 10): the same events rated twice in the same run, first with the
refusal rules switched off (``services.refusal`` answers "" for every event), then with
them on, after blocking direttrici (INT, ROAM, SOVRAPPR) on ``--blocked-share`` of the lines
and suspending ``--suspended-share``; prints both throughputs, the ratio (goal ≥ 90 %) and
how many events were refused. The threshold engine's hook is off in both runs (its own
benchmark is ``thresholds_bench.py``). ``--profile`` rates on the lines of the large demo
profile (``demo_data --lines 100000``) when the database holds no traffic yet it imports
``--events`` events over them (run it on a copy: the rules are left in place).
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from traffic_common import cdr_file, ensure_lines, parser, profile_lines, setup_django


def unrate_all() -> None:
    from django.db import connection

    with connection.cursor() as cur:  # start from unrated events each run
        cur.execute(
            "UPDATE records_trafficevent SET rated_at = NULL, option = '' "
            "WHERE rated_at IS NOT NULL"
        )
        cur.execute("DELETE FROM rating_bundlecounter")


def unrate_first(n: int) -> None:
    """Only the first ``n`` events (by id) unrated, every other one rated: each run of the
    comparison rates the same ``n`` events without rewriting the whole table."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM records_trafficevent ORDER BY id OFFSET %s LIMIT 1", [n])
        row = cur.fetchone()
        last = row[0] if row else None
        cur.execute(
            "UPDATE records_trafficevent SET rated_at = NULL, option = '' "
            "WHERE rated_at IS NOT NULL" + (" AND id < %s" if last else ""),
            [last] if last else [],
        )
        if last:
            cur.execute(
                "UPDATE records_trafficevent SET rated_at = now() "
                "WHERE rated_at IS NULL AND id >= %s",
                [last],
            )
        cur.execute("DELETE FROM rating_bundlecounter")


def timed_rating(label: str, limit: int | None, batch: int):
    from portale.rating.services import rate_pending

    t = time.perf_counter()
    r = rate_pending(limit=limit, batch_size=batch)
    s = time.perf_counter() - t
    print(
        f"{label}: rated {r.rated:,} events in {s:.1f} s = {r.rated / s:,.0f} events/s "
        f"(gross {r.gross:,.2f} €, net {r.net:,.2f} €, {len(r.line_ids):,} lines)"
    )
    return r.rated / s


def block_lines(ids: list[int], blocked_share: float, suspended_share: float) -> None:
    """The refusal rules' inputs: blocked direttrici on some lines, a few lines suspended."""
    from portale.records.models import Line, NetworkCategory

    codes = ["INT", "ROAM", "SOVRAPPR"]
    categories = [
        NetworkCategory.objects.get_or_create(code=code, defaults={"description": code})[0]
        for code in codes
    ]
    through = Line.blocked_categories.through
    blocked = ids[:: max(1, round(1 / blocked_share))] if blocked_share else []
    through.objects.filter(line_id__in=ids).delete()
    through.objects.bulk_create(
        [through(line_id=pk, networkcategory_id=c.pk) for pk in blocked for c in categories],
        batch_size=5000,
    )
    suspended = ids[1 :: max(1, round(1 / suspended_share))] if suspended_share else []
    Line.objects.filter(pk__in=suspended).update(state="SOSPESO")
    print(
        f"refusal rules: {len(blocked):,} lines with INT/ROAM/SOVRAPPR blocked, "
        f"{len(suspended):,} lines suspended"
    )


def compare_refusals(ids, args) -> None:
    from portale.rating import hooks, services
    from portale.records.models import TrafficEvent
    from portale.thresholds import engine

    hooks.remove_hook(engine.after_rating_hook)
    block_lines(ids, args.blocked_share, args.suspended_share)
    real_refusal = services.refusal

    reset = (lambda: unrate_first(args.rate)) if args.rate else unrate_all
    reset()
    services.refusal = lambda *a, **k: ""
    try:
        off = timed_rating("refusal rules off", args.rate, args.batch)
    finally:
        services.refusal = real_refusal
    reset()
    on = timed_rating("refusal rules on ", args.rate, args.batch)
    refused = TrafficEvent.objects.filter(option__startswith="RIFIUTATO").count()
    print(f"  events refused in the second run: {refused:,}")
    print(f"throughput with the refusal rules / without: {on / off:.0%} (goal >= 90%)")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--rate", type=int, default=None, help="how many events to rate")
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--profile", action="store_true", help="the large demo profile's lines")
    p.add_argument("--refusals", action="store_true", help="with vs without the refusal rules")
    p.add_argument("--blocked-share", type=float, default=0.1)
    p.add_argument("--suspended-share", type=float, default=0.01)
    args = p.parse_args()
    setup_django(args.database_url)
    from django.utils import timezone

    from portale.rating.ingest import import_cdr_file
    from portale.records.models import Bundle, TrafficEvent

    lines = profile_lines(args.lines) if args.profile else ensure_lines(args.lines)
    ids = sorted(lines.values())
    if not TrafficEvent.objects.exists():
        numbers = list(lines) if args.profile else None
        import_cdr_file(cdr_file(args.events, len(lines), numbers), rate=False)
    print(f"{TrafficEvent.objects.count():,} events in the table, {len(ids):,} lines")
    if args.refusals:
        compare_refusals(ids, args)
        return
    unrate_all()
    Bundle.objects.filter(line_id__in=ids).delete()
    Bundle.objects.bulk_create(
        [
            Bundle(
                line_id=pk,
                name=name,
                unit=unit,
                scope="NAZIONALE",
                total=Decimal(total),
                remaining=Decimal(total),
                period_start=datetime.date(2026, 9, 1),
                updated_at=timezone.now(),
            )
            for pk in ids[::2]
            for name, unit, total in (("500 MINUTI", "MIN", 500), ("5 GB", "GB", 5))
        ],
        batch_size=5000,
    )
    timed_rating("rated", args.rate, args.batch)


if __name__ == "__main__":
    main()
