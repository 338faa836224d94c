"""Shared set-up of the traffic benchmarks (not tests; run on demand, print figures).

Each script takes ``--database-url`` (default: ``$BENCH_DATABASE_URL`` or
postgres://postgres@127.0.0.1:5432/issue6_bench), creates the database if needed, migrates
it, and makes ``--lines`` lines on one contract. The CDR file of ``--events`` rows is
generated once into ``var/bench/`` and reused.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/issue6_bench"
CONTRACT_CODE = "888099999999"
START = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
DAYS = 60


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--events", type=int, default=10_000_000, help="traffic events (10M)")
    p.add_argument("--lines", type=int, default=10_000, help="lines the events spread over")
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    return p


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
    # Production mode: with DEBUG every statement's text is composed and kept in
    # ``connection.queries`` (a tenth of a millisecond a statement, profiled), which production
    # does not pay. The key only has to exist for the settings to load.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "traffic-bench-" + "x" * 40)
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_lines(n: int) -> dict[str, int]:
    """``n`` lines 3500000000.. on the bench contract; msisdn → id."""
    from portale.records.models import Contract, Line, TariffPlan
    from portale.records.tests import factories as f

    contract = Contract.objects.filter(code=CONTRACT_CODE).first() or f.ContractFactory(
        code=CONTRACT_CODE
    )
    plan, _ = TariffPlan.objects.get_or_create(name="PA 8", defaults={"category": "CONSUMO"})
    have = set(Line.objects.filter(contract=contract).values_list("msisdn", flat=True))
    new = [
        Line(
            msisdn=msisdn(i),
            contract=contract,
            tariff_plan=plan,
            activation_date=datetime.date(2021, 1, 1),
        )
        for i in range(n)
        if msisdn(i) not in have
    ]
    Line.objects.bulk_create(new, batch_size=5000)
    return dict(
        Line.objects.filter(
            contract=contract, msisdn__in=[msisdn(i) for i in range(n)]
        ).values_list("msisdn", "pk")
    )


def profile_lines(n: int) -> dict[str, int]:
    """The first ``n`` live (not CESSATO) lines of the large demo profile (``demo_data
    --lines``): msisdn → id, in id order; all of them when it has fewer."""
    from portale.records.demo.logins import BULK_CONTRACT_CODE
    from portale.records.models import Line

    rows = list(
        Line.objects.filter(contract__code=BULK_CONTRACT_CODE)
        .exclude(state="CESSATO")
        .order_by("pk")
        .values_list("msisdn", "pk")[:n]
    )
    if not rows:
        sys.exit(f"the large profile {BULK_CONTRACT_CODE} is missing: demo_data --lines 100000")
    if len(rows) < n:
        print(f"# the large profile has {len(rows):,} live lines (of {n:,} asked): all of them")
    return dict(rows)


def msisdn(i: int) -> str:
    return f"35{i:08d}"


SERVICES = ["VOCE"] * 30 + ["SMS"] * 12 + ["DATI"] * 55 + ["SERVIZI_INTERATTIVI"] * 2 + ["EVENTO"]
ZONES = ["NAZ"] * 90 + ["UE"] * 8 + ["EXTRA_UE"] * 2


def cdr_rows(events: int, lines: int, number=msisdn, start: datetime.datetime = START):
    """(csv line, fields) for each event: spread evenly over the lines and the 60 days from
    ``start``; ``number`` is the i-th line's msisdn, as a function or a list of numbers."""
    if not callable(number):
        number = number.__getitem__
    per_line = max(1, events // lines)
    step = DAYS * 86400 / per_line
    for i in range(events):
        line, k = i % lines, i // lines
        ts = start + datetime.timedelta(seconds=int(k * step + (i * 7919) % int(step or 1)))
        service = SERVICES[i % len(SERVICES)]
        zone = ZONES[(i // 7) % len(ZONES)]
        called = f"33{(i * 104729) % 10**8:08d}" if service in ("VOCE", "SMS") else ""
        dur = 30 + (i * 31) % 600 if service == "VOCE" else 0
        vol = 100 + (i * 53) % 20000 if service == "DATI" else 0
        price = "0.5000" if service in ("SERVIZI_INTERATTIVI", "EVENTO") else ""
        yield (
            f"B{i:09d},{number(line)},{ts:%Y-%m-%dT%H:%M:%S+00:00},{service},,,{called},ALTRO,"
            f"{dur or ''},{vol or ''},{zone},AZ,,{price}\n"
        )


def cdr_file(
    events: int, lines: int, number=msisdn, start: datetime.datetime = START, tag: str = ""
) -> Path:
    """The CDR file (generated once); ``tag`` names a variant with other numbers or dates
    (a list of numbers is the large profile's lines)."""
    from portale.rating.cdr import COLUMNS

    if not tag and not callable(number):
        tag = "_profile"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"cdr_{events}_{lines}{tag}.csv"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(",".join(COLUMNS) + "\n")
            buf = []
            for row in cdr_rows(events, lines, number, start):
                buf.append(row)
                if len(buf) >= 100_000:
                    fh.write("".join(buf))
                    buf = []
            fh.write("".join(buf))
        tmp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f} s")
    return path


def reset_traffic() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE records_trafficevent, rating_cdrfile RESTART IDENTITY")


def fmt_rate(n: int, seconds: float) -> str:
    return f"{n:,} rows in {seconds:.1f} s = {n / seconds:,.0f} rows/s"
