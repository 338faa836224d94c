"""Benchmark of "Linee e listino" on the large demo profile (issue 5). Not a test.

Set up once (PostgreSQL shown; SQLite works the same without DATABASE_URL)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/issue5 DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py demo_data --lines 100000

then::

    .venv/bin/python bench/inventory_bench.py [--runs 30] [--skip-memory]

It measures, through the whole Django stack (middleware, session, templates) with the test
client logged in as a referent of the 100,000-line contract:

* p50/p95 of the aggregate pages ("Su linea", "Servizi su Linea (STS)");
* p50/p95 of the detail page "Su linea" (first page, a deep page, sorted by ICCID);
* p50/p95 of a line search (a whole number, the last 8 digits of an ICCID);
* the 100,000-line detail export to .xlsx as the worker builds it (``export_write``),
  against writing the same rows straight with XlsxWriter (same query, constant-memory
  workbook), and the Python heap peak of the export at 10,000 and 100,000 rows.

Everything it writes (a bench referent and user, export jobs and files) is rolled back or
deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
os.environ.setdefault("DEBUG", "1")

from page_timing import timed_get  # noqa: E402


def baseline_xlsx(contract, path: str) -> int:
    """The same rows, straight: one values_list query and a constant-memory workbook."""
    import xlsxwriter

    from portale.inventory import selectors

    qs = selectors.detail_lines(contract).order_by("numero", "one_number", "pk")
    keys = ("numero", "one_number", "iccid", "profilo", "attivazione", "cessazione", "stato")
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet()
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    for c, label in enumerate(
        ("Numero", "One number", "ICCID", "Profilo tariffario", "Data Attivazione",
         "Data cessazione", "Stato")
    ):  # fmt: skip
        ws.write_string(0, c, label)
    n = 0
    for n, row in enumerate(qs.values_list(*keys).iterator(chunk_size=2000), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c in (4, 5):
                ws.write_datetime(n, c, value, date_fmt)
            else:
                ws.write_string(n, c, value)
    wb.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from portale.core import export_jobs as services
    from portale.core.models import ExportJob
    from portale.records.demo.logins import BULK_CONTRACT_CODE
    from portale.records.models import Contract, Line, Referent, Sim
    from portale.records.tests.factories import UserFactory

    settings.ALLOWED_HOSTS = ["*"]
    contract = Contract.objects.filter(code=BULK_CONTRACT_CODE).first()
    if contract is None:
        sys.exit("Large profile missing: run `manage.py demo_data --lines 100000` first.")
    n_lines = Line.objects.filter(contract=contract).count()
    n_sims = Sim.objects.filter(contract=contract).count()
    from portale.records.models.services import LineService

    n_sts = LineService.objects.filter(line__contract=contract).count()
    print(f"# Linee e listino benchmark — {connection.vendor}, contract {contract.code}")
    print(f"# {n_lines} lines, {n_sims} SIMs, {n_sts} STS; {args.runs} runs per URL\n")

    msisdns = list(
        Line.objects.filter(contract=contract).values_list("msisdn", flat=True)[
            :: max(1, n_lines // 500)
        ]
    )
    iccids = list(
        Sim.objects.filter(contract=contract).values_list("iccid", flat=True)[
            :: max(1, n_sims // 500)
        ]
    )
    rng = random.Random(5)

    class Rollback(Exception):
        pass

    results = []
    try:
        with transaction.atomic():
            ref = Referent.objects.create(
                contract=contract,
                role=Referent.Role.EBILL,
                first_name="Bench",
                last_name="Inventory",
                fiscal_code="BNCNVN80A01H501X",
                mobile="3399990555",
                email="bench.inventory@example.it",
            )
            user = UserFactory(username="bench.inventory@example.it", mobile=ref.mobile)
            client = Client()
            client.force_login(user)

            agg = lambda k: reverse("inventory:aggregate_list", args=[k])  # noqa: E731
            det = reverse("inventory:detail_list", args=["linee"])
            rows = [
                ("aggregate Su linea", agg("linee"), None),
                ("aggregate Servizi su Linea (STS)", agg("sts"), None),
                ("detail Su linea, page 1", det, None),
                (
                    "detail Su linea, page 5000 (25/page)",
                    det,
                    lambda: {"page": 4000, "per_page": 25},
                ),
                ("detail Su linea, sorted by ICCID desc", det, lambda: {"sort": "-iccid"}),
                ("detail STS, page 1", reverse("inventory:detail_list", args=["sts"]), None),
                ("search: whole line number", det, lambda: {"linea": rng.choice(msisdns)}),
                ("search: last 8 ICCID digits", det, lambda: {"linea": rng.choice(iccids)[-8:]}),
                (
                    "search STS by line number",
                    reverse("inventory:detail_list", args=["sts"]),
                    lambda: {"linea": rng.choice(msisdns)},
                ),  # fmt: skip
            ]
            print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8}  status")
            for label, url, params in rows:
                p50, p95, status = timed_get(client, url, args.runs, params)
                results.append((label, p50, p95))
                print(f"{label:45} {p50:8.1f} {p95:8.1f}  {status}")

            # --- the 100,000-line export --------------------------------------------------
            print("\n# detail export 'ConsistenzaDettaglioLinee' to .xlsx")
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                n = baseline_xlsx(contract, os.path.join(tmp, "baseline.xlsx"))
                base = time.perf_counter() - t0
                base_size = os.path.getsize(os.path.join(tmp, "baseline.xlsx"))
            job = ExportJob.objects.create(
                user=user, contract=contract, kind="ConsistenzaDettaglioLinee", format="xlsx"
            )
            t0 = time.perf_counter()
            services.export_write(job)
            ours = time.perf_counter() - t0
            print(
                f"straight XlsxWriter (same query): {n} rows in {base:6.2f} s ({base_size / 1e6:.1f} MB)"
            )
            print(
                f"portal export job (export_write): {job.rows} rows in {ours:6.2f} s "
                f"({job.file.size / 1e6:.1f} MB)  ratio {ours / base:.2f}x (goal <= 1.5x)"
            )
            services.export_delete(job=job)

            if not args.skip_memory:
                print("\n# Python heap peak during the export (tracemalloc)")
                for limit in (10_000, None):
                    job = ExportJob.objects.create(
                        user=user,
                        contract=contract,
                        kind="ConsistenzaDettaglioLinee",
                        format="xlsx",
                    )
                    if limit:
                        # the same export on the first 10,000 SIMs only
                        last = (
                            Sim.objects.filter(line__contract=contract)
                            .order_by("line__msisdn")
                            .values_list("line__msisdn", flat=True)[limit - 1]
                        )
                        job.params = {"sort": ["numero"]}
                        job.save()
                        from portale.inventory import tables

                        spec = tables.DETAILS["linee"]
                        orig = spec.rows

                        def limited(c, _orig=orig, _last=last):
                            return _orig(c).filter(line__msisdn__lte=_last)

                        object.__setattr__(spec, "rows", limited)
                    tracemalloc.start()
                    services.export_write(job)
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                    if limit:
                        object.__setattr__(spec, "rows", orig)
                    print(f"{job.rows:>7} rows: peak {peak / 1e6:6.1f} MB")
                    services.export_delete(job=job)
            raise Rollback
    except Rollback:
        pass
    print("\n(bench data rolled back)")


if __name__ == "__main__":
    main()
