"""EXPLAIN ANALYZE of deep list pages typed without a cursor (issue 17). Not a test.

A URL without the pager's cursor (``?page=5000`` typed or bookmarked) is read either with
an OFFSET from the nearer end of the list (``JUMP_OFFSET`` set out of reach: the read
before the boundary jump) or by the boundary jump of ``portale.core.lists.keyset`` (a
narrow read of the page's first key, then the keyset range read). For each heavy list of
the large demo contract, each order and page given, this captures the SQL of the page's
rows both ways and prints, for every statement, the best of ``--runs`` EXPLAIN (ANALYZE,
BUFFERS) execution times, the buffers it touched and its top plan nodes::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/deepjump PORTALE_DEMO=1
    .venv/bin/python bench/deep_pages.py [--runs 5] [--plans] [--only linee,sts] [--force-jump]

``--force-jump`` jumps on every order, also where the list component keeps the OFFSET
read (a first sort column on a joined table or leading no index): the measure behind that
choice.

Read only: it builds tables from the selectors and reads; it writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("PORTALE_DEMO", "1")

CONTRACT = "888010100000"


def lists(contract, only: set[str]):
    """(name, table class, scoped queryset, total, [(params), …]) of the heavy lists."""
    from portale.backoffice.tables import LineTable
    from portale.cases.models import Case
    from portale.cases.tables import CaseTable
    from portale.inventory.tables import DETAILS
    from portale.records import selectors as records
    from portale.thresholds import selectors as thresholds
    from portale.thresholds.tables import MonitoringTable

    out = []
    for slug in ("linee", "sts"):
        kind = DETAILS[slug]
        total = (lambda k=kind: k.total(contract)) if kind.total else None
        out.append(
            (
                slug,
                kind.table,
                kind.rows(contract),
                total,
                [{"page": "5000"}, {"page": "5000", "sort": "-attivazione"}],
            )
        )
    out.append(
        (
            "monitoring",
            MonitoringTable,
            thresholds.monitoring_thresholds(contract=contract, live_only=False),
            lambda: thresholds.contract_thresholds_count(contract=contract, live_only=False),
            [{"page": "2000", "per_page": "50"}, {"page": "5000", "sort": "-value"}],
        )
    )
    cases = Case.objects.for_contract(contract).select_related("contract", "line")
    out.append(("pratiche", CaseTable, cases, None, [{"page": "middle"}]))
    out.append(
        (
            "backoffice",
            LineTable,
            records.all_lines(),
            None,
            [{"page": "5000"}, {"page": "5000", "sort": "state"}],
        )
    )
    return [x for x in out if not only or x[0] in only]


def page_queries(table_class, queryset, total, params) -> tuple[list[str], float, list]:
    """The SQL of the page's row reads, their wall time (ms) and the rows' pks."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    query = QueryDict(mutable=True)
    query.update(params)
    table = table_class(queryset, query, total=total)
    if query.get("page") == "middle":
        query["page"] = str(max(1, table.paginator.num_pages // 2))
        table = table_class(queryset, query, total=total)
    table.paginator.count  # noqa: B018 - counted outside the capture
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        rows = list(table.page.object_list)
        wall = (time.perf_counter() - start) * 1000
    pks = [table.row_pk(r) for r in rows]
    return [q["sql"] for q in ctx.captured_queries], wall, pks, table


def explain(sql: str, runs: int) -> tuple[float, str, str]:
    from django.db import connection

    best, plan = None, []
    with connection.cursor() as cursor:
        for _run in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [r[0] for r in cursor.fetchall()]
            ms = float(re.search(r"Execution Time: ([\d.]+)", "\n".join(lines)).group(1))
            if best is None or ms < best:
                best, plan = ms, lines
    buffers = next((ln.strip() for ln in plan if "Buffers:" in ln), "")
    return best, buffers, plan


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--plans", action="store_true", help="print the whole plans")
    p.add_argument("--only", default="", help="linee,sts,monitoring,pratiche,backoffice")
    p.add_argument(
        "--force-jump", action="store_true", help="jump on every order (not only indexed ones)"
    )
    args = p.parse_args()

    import django

    django.setup()
    from portale.core.lists import keyset
    from portale.records.models import Contract

    contract = Contract.objects.get(code=CONTRACT)
    default_jump = keyset.JUMP_OFFSET
    if args.force_jump:
        keyset.indexed = lambda queryset, field: True
    only = {x for x in args.only.split(",") if x}
    for name, table_class, queryset, total, variants in lists(contract, only):
        for params in variants:
            results = {}
            for label, jump in (("offset", 10**12), ("jump", default_jump)):
                keyset.JUMP_OFFSET = jump
                sqls, wall, pks, table = page_queries(table_class, queryset, total, params)
                results[label] = pks
                print(f"\n== {name} {params} [{label}] page {table.page.number}/"
                      f"{table.paginator.num_pages}, {table.paginator.count} rows; "
                      f"page read in-process {wall:.1f} ms")  # fmt: skip
                for sql in sqls:
                    ms, buffers, plan = explain(sql, args.runs)
                    head = re.sub(r"\s+", " ", sql)[:160]
                    print(f"  {ms:9.2f} ms  {buffers}\n      {head}…")
                    shown = plan if args.plans else [ln for ln in plan if "->" in ln][:4]
                    for ln in shown:
                        print("      |", ln.rstrip()[:150])
            keyset.JUMP_OFFSET = default_jump
            same = results["offset"] == results["jump"]
            print(f"  same rows both ways: {same}")
            if not same:
                raise SystemExit("the two reads disagree")


if __name__ == "__main__":
    main()
