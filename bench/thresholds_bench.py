"""Benchmark: rating throughput with the threshold engine off and on, same events, same run.

    .venv/bin/python bench/thresholds_bench.py --events 2000000 --lines 100000

PostgreSQL by default (``--database-url``, or ``$BENCH_DATABASE_URL``; database
``thresholds_bench``). Generates a CDR file of ``--events`` rows spread over ``--lines``
lines and over the current month up to today (so every event falls in the thresholds'
current periods), imports it unrated, gives ``--with-thresholds`` (20 %) of the lines a
spending threshold (half daily, half monthly, a third DISPOSITIVA) and every line the G-33
roaming one, then rates everything twice from scratch: once with the threshold engine off
(the ``after_rating`` hook removed and the consumption rating keeps for the thresholds,
``records.services.thresholds_consumption_add``, replaced by a no-op), once with both
(Huey in immediate mode, so the erosion task runs inline and its cost is counted in the
rating time: a worst case for the rater). Prints events/s for both runs, the ratio (goal
≥ 70 %), and checks a sample of thresholds against the events.

``--profile``: the events go to the lines of the large demo profile (``demo_data --lines
100000``, contract 888010100000) instead of bench lines of their own; the database's other
traffic is removed first (run it on a copy). ``--rate N`` rates the same first N events in
both runs (bounded time on a shared machine); the table still holds all ``--events``.

``--rounds K`` alternates the runs K times and prints the medians (the machine is shared:
compare ratios of one invocation); ``--warm-up`` rates once unmeasured first (the first pass
reads the events from disk, which would penalise whichever run comes first);
``--aggregates`` adds a run with the engine and the usage aggregates off (issue 13's
"rating with the aggregates against without"). Each run prints the time spent in the
aggregates, the thresholds' consumption and the erosion task.

``--latency-worker``: only the latency, as the demo runs it: a real ``run_huey`` worker
(own Redis on ``--redis-port``) with the demo's periodic jobs, the CDR imported and rated by
this process, the erosion queued by the after_rating hook and run by the worker.
"""

from __future__ import annotations

import datetime
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

if "--latency-worker" not in sys.argv:
    os.environ.setdefault("HUEY_IMMEDIATE", "1")

import traffic_common as tc  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thresholds_bench"


def month_file(events: int, lines: int, numbers: list[str] | None = None) -> Path:
    from django.utils import timezone

    from portale.rating.cdr import COLUMNS

    today = timezone.localdate()
    start = datetime.datetime.combine(today.replace(day=1), datetime.time.min, tzinfo=datetime.UTC)
    tc.START, tc.DAYS = start, max(1, today.day)  # cdr_rows spreads over [START, START+DAYS)
    tc.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tag = "_profile" if numbers else ""
    path = tc.BENCH_DIR / f"cdr_month_{today:%Y%m}_{events}_{lines}{tag}.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8") as fh:
            fh.write(",".join(COLUMNS) + "\n")
            buf = []
            for row in tc.cdr_rows(events, lines, numbers or tc.msisdn, start):
                buf.append(row)
                if len(buf) >= 100_000:
                    fh.write("".join(buf))
                    buf = []
            fh.write("".join(buf))
    return path


def fast_load(path: Path, line_ids: list[int], events: int, sample: int = 20_000) -> None:
    """``--fast-load``: the first ``sample`` rows of the CDR file through the real importer,
    then the table filled up to ``events`` with one SQL statement copying them onto the
    other lines (same services, zones and amounts; ids, lines and times shifted within the
    month). The importer parses and checks every row in Python: on a shared 2-core machine
    2,000,000 rows take longer than the benchmark itself."""
    from django.db import connection

    from portale.rating.ingest import import_cdr_bytes
    from portale.rating.models import CdrFile

    with path.open("rb") as fh:
        head = b"".join(fh.readline() for _ in range(sample + 1))
    t = time.perf_counter()
    r = import_cdr_bytes(head, name=f"sample-{path.name}", rate=False)
    copies = max(0, (events - r.imported) // max(1, r.imported))
    month_days = max(1, timezone_today().day)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_lines (n int PRIMARY KEY, id bigint)")
        cur.execute(
            "INSERT INTO bench_lines SELECT ordinality - 1, id "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS u(id)",
            [line_ids],
        )
        cur.execute(
            """
            WITH tpl AS (
                SELECT e.*, row_number() OVER (ORDER BY e.id) - 1 AS i
                FROM records_trafficevent e WHERE e.rated_at IS NULL
            )
            INSERT INTO records_trafficevent (
                external_id, occurred_at, category, type, detail, apn, called_number,
                operator, duration_seconds, volume_kb, gross_amount, net_amount, option,
                rating_unit, charging, roaming_zone, rated_at, line_id, sim_id)
            SELECT 'F' || k || '-' || tpl.id,
                   tpl.occurred_at + make_interval(secs => (k * 7919 %% (%s * 86400 - 90000))),
                   category, type, detail, apn, called_number, operator, duration_seconds,
                   volume_kb, gross_amount, net_amount, option, rating_unit, charging,
                   roaming_zone, NULL, bl.id, NULL
            FROM tpl CROSS JOIN generate_series(1, %s) AS k
            JOIN bench_lines bl ON bl.n = (tpl.i + k * %s) %% %s
            """,
            [month_days, copies, r.imported, len(line_ids)],
        )
        added = cur.rowcount
        cur.execute("DROP TABLE bench_lines")
        cur.execute("ANALYZE records_trafficevent")
    CdrFile.objects.create(sha256=f"fast-load-{path.name}"[:64], name=path.name, rows=events)
    print(
        f"fast load: {r.imported:,} events through the importer + {added:,} copied by SQL "
        f"in {time.perf_counter() - t:.1f} s"
    )


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def reset(line_ids: list[int], share: float) -> None:
    """Unrated events, fresh counters, and the thresholds as just activated."""
    from django.db import connection
    from django.utils import timezone

    from portale.records.models import Threshold
    from portale.thresholds.models import ThresholdEvent

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE records_trafficevent SET rated_at = NULL, net_amount = 0 "
            "WHERE rated_at IS NOT NULL"
        )
        cur.execute("DELETE FROM rating_bundlecounter")
        cur.execute("DELETE FROM records_servicesms")
    ThresholdEvent.objects.all().delete()
    Threshold.objects.filter(line_id__in=line_ids).delete()
    today = timezone.localdate()
    rows = []
    step = max(1, round(1 / share))
    for n, pk in enumerate(line_ids[::step]):
        blocking = n % 3 == 0
        daily = n % 2 == 0
        rows.append(
            Threshold(
                line_id=pk,
                kind="SPESA",
                type="DISPOSITIVA" if blocking else "INFORMATIVA",
                period="GIORNALIERO" if daily else "MENSILE",
                description="SOGLIA DISPO SPESA PA" if blocking else "SOGLIA INFO SPESA PA",
                value=Decimal(20 if daily else 200),
                available=Decimal(20 if daily else 200),
                activation_date=today.replace(day=1),
                period_start=today if daily else today.replace(day=1),
            )
        )
    # The G-33 roaming threshold on every line, as roaming_thresholds_provision makes it
    # (here in bulk: nothing is rated yet, so nothing to count and no line to lock).
    for pk in line_ids:
        rows.append(
            Threshold(
                line_id=pk,
                kind="DATI_EXTRA_UE",
                type="INFORMATIVA",
                period="MENSILE",
                description="SOGLIA INFO VALORE DATI EXTRA UE PA",
                value=Decimal(50),
                available=Decimal(50),
                activation_date=today.replace(day=1),
                period_start=today.replace(day=1),
            )
        )
    Threshold.objects.bulk_create(rows, batch_size=5000)


def run(label: str, batch: int, limit: int | None) -> float:
    from portale.rating.services import rate_pending

    t = time.perf_counter()
    r = rate_pending(batch_size=batch, limit=limit)
    s = time.perf_counter() - t
    print(f"{label}: rated {r.rated:,} events in {s:.1f} s = {r.rated / s:,.0f} events/s")
    return r.rated / s


def latency(line_id: int, label: str = "inline") -> None:
    """From a CDR import to the recorded 100 % event of a 1 € DISPOSITIVA threshold."""
    from django.db import connection
    from django.utils import timezone

    from portale.rating.ingest import import_cdr_bytes
    from portale.rating.tests.helpers import cdr_bytes, voice
    from portale.records import services as records
    from portale.records.models import Line, Threshold
    from portale.thresholds.models import ThresholdEvent

    with connection.cursor() as cur:  # events left unrated by --rate: out of the way
        cur.execute("UPDATE records_trafficevent SET rated_at = now() WHERE rated_at IS NULL")
    line = Line.objects.get(pk=line_id)
    Threshold.objects.filter(line=line, kind="SPESA").delete()
    t = records.threshold_activate(
        line=line, type="DISPOSITIVA", period="GIORNALIERO", value=Decimal(1)
    )
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
    data = cdr_bytes([voice(f"LAT{time.time_ns()}", line.msisdn, when, 120, zone="EXTRA_UE")])
    t0 = time.perf_counter()
    import_cdr_bytes(data, name="latency.csv")
    while not ThresholdEvent.objects.filter(threshold=t, kind="100").exists():
        if time.perf_counter() - t0 > 120:
            print("latency: no 100% event after 120 s")
            return
        time.sleep(0.05)
    print(
        f"latency CDR import → 100% event ({label}): {time.perf_counter() - t0:.2f} s (goal < 60 s)"
    )


def latency_with_worker(line_id: int, redis_port: int) -> None:
    """The latency with the demo's worker: this process imports and rates, the worker erodes."""
    root = Path(__file__).resolve().parent.parent
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--quiet"],
        cwd=root, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(10)  # the worker starts (Django set-up) before the file arrives
        latency(line_id, label="demo worker, periodic jobs on")
    finally:
        for proc in (worker, redis):  # only the processes this function started
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    p = tc.parser(__doc__.splitlines()[0])
    p.set_defaults(events=2_000_000, lines=100_000, database_url=DEFAULT_URL)
    p.add_argument("--with-thresholds", type=float, default=0.2, help="share of lines (0.2)")
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--rate", type=int, default=None, help="rate only the first N events")
    p.add_argument("--profile", action="store_true", help="the large demo profile's lines")
    p.add_argument("--latency-worker", action="store_true", help="only the latency, real worker")
    p.add_argument("--redis-port", type=int, default=6393)
    p.add_argument("--fast-load", action="store_true", help="sample import + SQL copies")
    p.add_argument("--rounds", type=int, default=1, help="alternating off/on rounds (median)")
    p.add_argument("--warm-up", action="store_true", help="a first unmeasured rating pass")
    p.add_argument("--aggregates", action="store_true", help="also a run without aggregates")
    args = p.parse_args()
    if "BENCH_DATABASE_URL" in os.environ and args.database_url == DEFAULT_URL:
        args.database_url = os.environ["BENCH_DATABASE_URL"]
    if args.latency_worker:
        os.environ["REDIS_URL"] = f"redis://127.0.0.1:{args.redis_port}/0"
        os.environ["HUEY_NAME"] = "thresholds_latency"
    tc.setup_django(args.database_url)

    from portale.rating import hooks
    from portale.rating.ingest import import_cdr_file
    from portale.rating.models import CdrFile
    from portale.records.models import Threshold, TrafficEvent
    from portale.thresholds import engine
    from portale.thresholds.models import ThresholdEvent

    lines = tc.profile_lines(args.lines) if args.profile else tc.ensure_lines(args.lines)
    line_ids = sorted(lines.values())
    # The latency's line: one whose plan takes a spending threshold (not M2M, not prepaid).
    from portale.records.models import Line

    probe = (
        Line.objects.filter(pk__in=line_ids[-2000:], tariff_plan__category="CONSUMO")
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or line_ids[-1]
    )
    if args.latency_worker:
        latency_with_worker(probe, args.redis_port)
        return
    path = month_file(args.events, len(lines), list(lines) if args.profile else None)
    if not CdrFile.objects.filter(name=path.name).exists():
        tc.reset_traffic() if args.database_url.startswith("postgres") else None
        t = time.perf_counter()
        if args.fast_load:
            fast_load(path, line_ids, args.events)
        else:
            r = import_cdr_file(path, rate=False)
            print(f"imported {r.imported:,} events in {time.perf_counter() - t:.1f} s")
    print(
        f"{TrafficEvent.objects.count():,} events over {len(line_ids):,} lines"
        + (" (the large demo profile)" if args.profile else "")
    )

    from portale.records import services as records

    # The engine's share inside rating (the consumption rating keeps, where it exists) and
    # the usage aggregates can be switched off like the hook; timers show each share.
    real = {
        name: getattr(records, name)
        for name in ("thresholds_consumption_add", "usage_aggregates_add")
        if hasattr(records, name)
    }
    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(**kw):
            t0 = time.perf_counter()
            try:
                return fn(**kw)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    real_erode = engine.erode_lines
    # "on" last: the sample check below needs the erosion of the last run.
    modes = ["off"] + (["no aggregates"] if args.aggregates else []) + ["on"]
    results: dict[str, list[float]] = {m: [] for m in modes}
    if args.warm_up:  # a first pass reads the events from disk: the order would count
        reset(line_ids, args.with_thresholds)
        hooks.remove_hook(engine.after_rating_hook)
        run("warm-up   ", args.batch, args.rate)
    for i in range(args.rounds):
        for mode in modes:
            reset(line_ids, args.with_thresholds)
            spent.clear()
            engine_on = mode == "on"
            (hooks.after_rating if engine_on else hooks.remove_hook)(engine.after_rating_hook)
            for name, fn in real.items():
                off = (name == "thresholds_consumption_add" and not engine_on) or (
                    name == "usage_aggregates_add" and mode == "no aggregates"
                )
                setattr(records, name, (lambda **kw: {}) if off else timed(name, fn))
            engine.erode_lines = timed("erode task", real_erode)
            try:
                results[mode].append(run(f"round {i + 1} engine {mode:14s}", args.batch, args.rate))
            finally:
                for name, fn in real.items():
                    setattr(records, name, fn)
                engine.erode_lines = real_erode
            if spent:
                print("    in it: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()))
    hooks.after_rating(engine.after_rating_hook)
    med = {m: statistics.median(v) for m, v in results.items()}
    on, off = med["on"], med["off"]
    print("median events/s: " + ", ".join(f"{m} {v:,.0f}" for m, v in med.items()))
    print(f"throughput with the engine / without: {on / off:.0%} (goal >= 70%)")
    if args.aggregates:
        ratio = off / med["no aggregates"]
        print(f"throughput with the usage aggregates / without (engine off): {ratio:.0%} "
              "(goal >= 80%)")  # fmt: skip
    print(
        f"{Threshold.objects.filter(line_id__in=line_ids).count():,} thresholds, "
        f"{ThresholdEvent.objects.count():,} events (80/100%), "
        f"{Threshold.objects.filter(blocked_line=True).count():,} lines blocked"
    )
    # Before the latency step, which marks every event left unrated as rated.
    sample = Threshold.objects.filter(line_id__in=line_ids, kind="SPESA").order_by("?")[:50]
    bad = 0
    for t in sample:
        paid = engine.period_consumption(
            kind=t.kind, period=t.period, start=t.period_start, line_ids=[t.line_id],
            since=t.activation_date,
        ).get(t.line_id, Decimal(0))  # fmt: skip
        bad += t.available != max(Decimal(0), t.value - paid).quantize(Decimal("0.001"))
        if hasattr(t, "consumption") and t.consumption_period == t.period_start:
            bad += t.consumption != paid
    print(f"sample check: {len(sample) - bad}/{len(sample)} thresholds equal to the events")
    latency(probe)


if __name__ == "__main__":
    main()
