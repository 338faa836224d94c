"""Build the database of the served benchmark (``bench/served.py``) on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench100k
    .venv/bin/python bench/served_data.py --database-url postgres://postgres@127.0.0.1:5432/bench100k

Migrates, loads the demo set and the large profile (``demo_data --lines``, default 100,000
lines, with its ROA and employees), then imports ``--events`` traffic events (default
2,000,000) spread evenly over the first ``--traffic-lines`` lines of the large contract
(default 10,000: 200 events a line, the demo employees' lines among them) and the 60 days
before ``--today``, rates them with the real engine, adds the thresholds of Monitoring
soglie (a roaming one on every live line, a spending one on every fourth), and runs ANALYZE. Each step is skipped
when already done, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import time

from traffic_common import cdr_file, fmt_rate, parser, setup_django


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.set_defaults(events=2_000_000, lines=100_000)
    p.add_argument("--traffic-lines", type=int, default=10_000)
    p.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    args = p.parse_args()
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from portale.rating.ingest import import_cdr_file
    from portale.rating.services import rate_pending
    from portale.records.demo.generator import analyze
    from portale.records.demo.logins import BULK_CONTRACT_CODE
    from portale.records.models import TrafficEvent

    call_command("demo_data", lines=args.lines, today=args.today, verbosity=1)
    start = datetime.datetime.combine(
        args.today - datetime.timedelta(days=60), datetime.time(), tzinfo=datetime.UTC
    )
    bulk = TrafficEvent.objects.filter(line__contract__code=BULK_CONTRACT_CODE)
    if not bulk.exists():
        path = cdr_file(
            args.events,
            args.traffic_lines,
            number=lambda i: f"366{i:07d}",
            start=start,
            tag=f"_bulk_{start:%Y%m%d}",
        )
        t = time.perf_counter()
        result = import_cdr_file(path, rate=False)
        assert result.ok, result.errors[:3]
        print(f"import: {fmt_rate(result.imported, time.perf_counter() - t)}")
    t = time.perf_counter()
    r = rate_pending(limit=None, batch_size=5000)
    if r.rated:
        print(f"rating: {fmt_rate(r.rated, time.perf_counter() - t)}")
    add_thresholds(BULK_CONTRACT_CODE, args.today)
    analyze()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM records_trafficevent")
        print(f"traffic events: {cur.fetchone()[0]:,}")


def add_thresholds(contract_code: str, today: datetime.date) -> None:
    """The Monitoring soglie load of the large contract: a G-33 roaming threshold on every
    live line and a spending one on every fourth, added by SQL (a pratica per line would
    take hours), then their consumption recomputed from the rated events."""
    from django.core.management import call_command
    from django.db import connection

    from portale.records.models import Threshold

    month = today.replace(day=1)
    t = time.perf_counter()
    insert = """
        INSERT INTO records_threshold (line_id, kind, type, period, description, value,
            available, state, activation_date, period_start, last_alert_level, blocked_line,
            consumption, consumption_period)
        SELECT l.id, %s, 'INFORMATIVA', 'MENSILE', %s, %s, %s, 'ATTIVO', l.activation_date,
               %s, 0, false, 0, %s
          FROM records_line l JOIN records_contract c ON c.id = l.contract_id
         WHERE c.code = %s AND l.state <> 'CESSATO' AND l.id %% %s = 0
           AND NOT EXISTS (SELECT 1 FROM records_threshold t
                            WHERE t.line_id = l.id AND t.kind = %s)"""
    added = 0
    with connection.cursor() as cur:
        for kind, description, value, every in (
            (Threshold.Kind.ROAMING_DATA, Threshold.Description.INFO_ROAMING, 50, 1),
            (Threshold.Kind.SPENDING, Threshold.Description.INFO_SPENDING, 100, 4),
        ):
            cur.execute(
                insert,
                [kind, description, value, value, month, month, contract_code, every, kind],
            )
            added += cur.rowcount
    if not added:
        return
    call_command("thresholds_consumption_rebuild", verbosity=0)
    print(f"thresholds: {added:,} added in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
