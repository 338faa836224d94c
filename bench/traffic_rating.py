"""Benchmark: rating throughput (events per second) on the imported, unrated traffic.

    .venv/bin/python bench/traffic_rating.py --events 10000000 --rate 1000000

Run after traffic_ingest.py (same --events/--lines: it imports the file if the table is
empty). Rates ``--rate`` events (default: all unrated) with the real engine, half of the
lines holding monthly bundles so erosion is exercised, and prints events/s.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from traffic_common import cdr_file, ensure_lines, parser, setup_django


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--rate", type=int, default=None, help="how many events to rate")
    p.add_argument("--batch", type=int, default=5000)
    args = p.parse_args()
    setup_django(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from portale.rating.ingest import import_cdr_file
    from portale.rating.services import rate_pending
    from portale.records.models import Bundle, TrafficEvent

    lines = ensure_lines(args.lines)
    if not TrafficEvent.objects.exists():
        import_cdr_file(cdr_file(args.events, args.lines), rate=False)
    with connection.cursor() as cur:  # start from unrated events each run
        cur.execute("UPDATE records_trafficevent SET rated_at = NULL WHERE rated_at IS NOT NULL")
        cur.execute("DELETE FROM rating_bundlecounter")
    ids = sorted(lines.values())
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
    t = time.perf_counter()
    r = rate_pending(limit=args.rate, batch_size=args.batch)
    s = time.perf_counter() - t
    print(
        f"rated {r.rated:,} events in {s:.1f} s = {r.rated / s:,.0f} events/s "
        f"(gross {r.gross:,.2f} €, net {r.net:,.2f} €, {len(r.line_ids):,} lines)"
    )


if __name__ == "__main__":
    main()
