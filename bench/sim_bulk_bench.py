"""Benchmark of a 10,000-line bulk request (issue 10): Abilitazione over/extra bundle. Not a test.

Against the large demo profile (PostgreSQL shown; any database works)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/issue10 DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py demo_data --lines 100000

then::

    .venv/bin/python bench/sim_bulk_bench.py [--lines 10000]

It takes the contract with the most lines (creating the missing "PACCHETTO" lines inside the
run when it has fewer than ``--lines``), builds the CSV a referent would upload, and prints:

* the time to validate and file it (``case_file``: every row checked, the pratica, its
  ordine with one row per line and the "list of lines" PDF) and the Python heap peak while
  filing;
* the process's peak resident memory (what a web process filing it needs);
* the time fulfilment takes to apply it with one worker: the engine's steps as the worker
  runs them (take, work: the operation's effect on every line, close, notification), with
  the demo's delays set to 0 so only the work is timed.

Everything it writes is rolled back at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
os.environ.setdefault("DEBUG", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument(
        "--heap", action="store_true", help="also trace the Python heap (slows the filing)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from portale.cases.models import Case
    from portale.cases.services import case_file
    from portale.fulfilment import engine
    from portale.records.models import Contract, Line, TariffPlan
    from portale.records.tests import factories as f
    from portale.sim import bulk
    from portale.sim.forms import BUNDLE_HEADER

    with transaction.atomic():
        contract = (
            Contract.objects.annotate(n=Count("lines")).order_by("-n").first()
            or f.ContractFactory()
        )
        plan, _ = TariffPlan.objects.get_or_create(
            name="PA 8 PACCHETTO", defaults={"category": "PACCHETTO"}
        )
        lines = list(
            Line.objects.filter(
                contract=contract, tariff_plan__category__in=["PACCHETTO", "RICARICABILE"]
            )
            .exclude(state="CESSATO")
            .order_by("pk")[: args.lines]
        )
        missing = args.lines - len(lines)
        if missing > 0:
            start = 3_900_000_000
            Line.objects.bulk_create(
                Line(
                    msisdn=str(start + i),
                    contract=contract,
                    tariff_plan=plan,
                    activation_date="2021-04-01",
                )
                for i in range(missing)
            )
            lines = list(
                Line.objects.filter(contract=contract, tariff_plan__category="PACCHETTO")
                .exclude(state="CESSATO")
                .order_by("pk")[: args.lines]
            )
        rows = [
            [
                line.msisdn,
                "N" if line.extra_bundle else "S",
                "",
                "S" if not line.over_bundle_extra_eu else "N",
            ]
            for line in lines
        ]
        text = bulk.render(BUNDLE_HEADER, rows)
        actor = f.UserFactory(username="bench-sim@example.it")
        print(
            f"contract {contract.code}: {len(rows)} lines in the CSV ({len(text) / 1024:.0f} KiB)"
        )

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.heap:
            tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        case = case_file(
            operation="bundle_flags", actor=actor, contract=contract, payload={"righe": text}
        )
        filed, cpu = time.perf_counter() - t0, time.process_time() - c0
        items = case.orders.get().items.count()
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"validate and file: {filed:.2f} s wall, {cpu:.2f} s CPU of this process "
            f"(goal < 10 s); load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
        )
        print(f"  process peak RSS {rss_peak:.0f} MiB (before filing {rss_before:.0f} MiB)")
        if args.heap:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"  Python heap peak while filing {peak / 2**20:.1f} MiB")
        print(
            f"  pratica {case.number}, ordine with {items} lines, documents {case.attachments.count()}"
        )

        settings.FULFILMENT_DELAYS = {"take": 0, "work": 0, "order_step": 0}
        Case.objects.filter(pk=case.pk).update(due_at=timezone.now())
        t0, c0 = time.perf_counter(), time.process_time()
        steps = 0
        while steps < 10:
            case = engine.advance_case(case_id=case.pk) or Case.objects.get(pk=case.pk)
            steps += 1
            if case.state != "APERTO" and case.state != "IN_LAVORAZIONE":
                break
        applied, cpu = time.perf_counter() - t0, time.process_time() - c0
        before = {line.pk: line.extra_bundle for line in lines}
        flipped = sum(
            before[pk] != now
            for pk, now in Line.objects.filter(pk__in=before).values_list("pk", "extra_bundle")
        )
        print(
            f"fulfilment (one worker, {steps} engine steps) of {len(rows)} lines: "
            f"{applied:.2f} s wall, {cpu:.2f} s CPU (goal < 300 s); "
            f"pratica {case.get_state_display()}, "
            f"{flipped} lines with the extra bundle flag changed"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
