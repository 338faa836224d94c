"""Benchmark of TEM (G-56, issue 13): reports from the usage aggregates vs a raw GROUP BY,
the invoice audit of a large invoice, rating throughput with and without the aggregates.

    createdb -h 127.0.0.1 -U postgres -T bench100k tem_bench      # the perf helper's DB
    .venv/bin/python bench/tem_bench.py --database-url postgres://postgres@127.0.0.1:5432/tem_bench

Not a test: prints figures. On the copy of ``bench100k`` (100,000-line contract 888010100000)
it migrates, gives the lines ``--centres`` cost centres, adds rated events by SQL until the
contract has ``--events`` in September-October 2026 (bimester 5/2026), rebuilds the
aggregates, then measures:

1. the TEM report "whole contract, 2 months, by cost centre and traffic type"
   (``tem.selectors.report``, and the page through the Django stack) against the same
   figures from a bare GROUP BY over the raw events, in the same run; the figures must match;
2. the audit of the contract's 5/2026 invoice (every line, fee and traffic charge), run as
   the background job runs it (``tem.services.invoice_audit_run``);
3. the eBill navigation of that 100,000-line invoice: invoices → the invoice (summary,
   totals by service, a page of lines; a later page, a sort, a search) → one line's charges
   and billed events, each page through the whole Django stack;
4. rating throughput (the real engine) with the aggregates maintained and without, in
   alternating rounds of ``--rate`` fresh events each.

10,000,000 events (the issue's profile): ``--events 10000000`` adds the missing ones by SQL
(``INSERT … SELECT generate_series``, 500,000 a statement) and rebuilds the aggregates;
about 0.45 GB of disk per million events with their indexes.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page_timing import pct, timed_get  # noqa: E402
from traffic_common import setup_django  # noqa: E402

CONTRACT = "888010100000"
START = datetime.date(2026, 9, 1)
END = datetime.date(2026, 10, 1)  # last month included


def _sql(sql: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.rowcount


def _scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchone()[0]


def _timed(fn, runs: int) -> tuple[float, float, object]:
    out = fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), pct(times, 95), out


def ensure_centres(contract, n: int) -> None:
    from portale.records.models import CostCentre

    if CostCentre.objects.filter(contract=contract).count() >= n:
        return
    CostCentre.objects.bulk_create(
        [CostCentre(contract=contract, code=f"CDC{i:03d}", name=f"Ufficio {i}") for i in range(n)],
        ignore_conflicts=True,
    )
    ids = list(
        CostCentre.objects.filter(contract=contract).order_by("pk").values_list("pk", flat=True)
    )
    t = time.perf_counter()
    _sql(
        "UPDATE records_line l SET cost_centre_id = (%s::bigint[])[1 + (l.id %% %s)] "
        "WHERE l.contract_id = %s",
        [ids, len(ids), contract.pk],
    )
    print(f"  {len(ids)} cost centres assigned round robin ({time.perf_counter() - t:.1f} s)")


INSERT_EVENTS = """
INSERT INTO records_trafficevent (line_id, occurred_at, category, type, detail, apn,
    called_number, operator, duration_seconds, volume_kb, gross_amount, net_amount, option,
    rating_unit, charging, roaming_zone, rated_at)
SELECT l.ids[(1 + g %% l.n)::int],
       %(start)s::timestamptz + ((g * 7919) %% (61 * 86400)) * interval '1 second',
       c.cat, c.typ, '', '', CASE WHEN c.cat IN ('VOCE','SMS_MMS') THEN '3399902123' ELSE '' END,
       'TIM', CASE WHEN c.cat = 'VOCE' THEN 30 + (g * 31) %% 600 ELSE 0 END,
       CASE WHEN c.cat = 'DATI' THEN 100 + (g * 53) %% 20000 ELSE 0 END,
       round((g %% 997) / 1000.0, 4), round(((g %% 997) / 1000.0) * ((g %% 3) / 2.0), 4), '',
       'Secondi', CASE WHEN g %% 50 = 0 THEN 'PERSONALE' ELSE 'AZIENDALE' END,
       (ARRAY['','','','','','','','','UE','EXTRA_UE'])[(1 + (g / 7) %% 10)::int],
       CASE WHEN %(rated)s THEN now() ELSE NULL END
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
CROSS JOIN (SELECT array_agg(id ORDER BY id) ids, count(*) n FROM records_line
            WHERE contract_id = %(contract)s AND state <> 'CESSATO') l
CROSS JOIN LATERAL (SELECT (ARRAY['VOCE','VOCE','VOCE','DATI','DATI','DATI','DATI','DATI',
                                  'SMS_MMS','SERVIZI_INTERATTIVI'])[(1 + g %% 10)::int] cat) c0
CROSS JOIN LATERAL (SELECT c0.cat, CASE c0.cat WHEN 'VOCE' THEN 'MOC' WHEN 'DATI' THEN 'GPRS'
                    WHEN 'SMS_MMS' THEN 'SMS' ELSE 'SERVIZIO' END typ) c
"""


def period_events(contract) -> int:
    return _scalar(
        "SELECT count(*) FROM records_trafficevent e JOIN records_line l ON l.id = e.line_id "
        "WHERE l.contract_id = %s AND e.occurred_at >= %s AND e.occurred_at < %s",
        [contract.pk, "2026-09-01", "2026-11-01"],
    )


def ensure_events(contract, target: int) -> None:
    """Rated events inserted by SQL up to ``target``; when the aggregates exist already, the
    new events are added to them through the rating's own service (else rebuilt later)."""
    from portale.records import services as records
    from portale.records.models import TrafficEvent, UsageLineMonth

    have = period_events(contract)
    last_id = TrafficEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    chunk = 500_000
    done = 0
    t = time.perf_counter()
    while have + done < target:
        n = min(chunk, target - have - done)
        lo = 10_000_000 + have + done
        _sql(INSERT_EVENTS, {"start": "2026-09-01T00:00:00+02:00", "lo": lo, "hi": lo + n - 1,
                             "contract": contract.pk, "rated": True})  # fmt: skip
        done += n
        print(f"  +{done:,} rated events ({time.perf_counter() - t:.0f} s)", flush=True)
    if done:
        _sql("VACUUM ANALYZE records_trafficevent")
    if done > 200_000 and UsageLineMonth.objects.exists():  # faster rebuilt than added
        t = time.perf_counter()
        rl, rc = records.usage_aggregates_rebuild()
        print(f"  aggregates rebuilt after the load in {time.perf_counter() - t:.0f} s: "
              f"{rl:,} line rows, {rc:,} contract rows", flush=True)  # fmt: skip
        analyze()
        return
    if done and UsageLineMonth.objects.exists():
        from django.db import transaction

        new = TrafficEvent.objects.filter(pk__gt=last_id).order_by("pk")
        with transaction.atomic():
            for start in range(0, done, 5000):
                records.usage_aggregates_add(events=list(new[start : start + 5000]))


def analyze() -> None:
    """Fresh planner statistics after a bulk load (autovacuum would take them later)."""
    for table in ("records_usagelinemonth", "records_usagecontractmonth", "records_line",
                  "billing_invoicelinecharges", "billing_trafficcutoff"):  # fmt: skip
        _sql(f"ANALYZE {table}")


def raw_group_by(contract):
    """The report's figures straight from the events: what TEM would cost without aggregates."""
    from django.db.models import Sum

    from portale.records.models import TrafficEvent

    lo = datetime.datetime(2026, 9, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    hi = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    rows = (
        TrafficEvent.objects.filter(
            line__contract=contract, occurred_at__gte=lo, occurred_at__lt=hi
        )
        .values("line__cost_centre_id", "category")
        .annotate(v=Sum("net_amount"))
        .order_by()
    )
    return {(r["line__cost_centre_id"] or 0, r["category"]): r["v"] for r in rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/tem_bench")
    p.add_argument("--events", type=int, default=2_000_000, help="rated events in Sep-Oct 2026")
    p.add_argument("--centres", type=int, default=50)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--rate", type=int, default=5000, help="events per rating round")
    p.add_argument("--rounds", type=int, default=2, help="rating rounds per mode")
    p.add_argument("--skip", default="", help="comma list of: report,audit,nav,rating")
    args = p.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    setup_django(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from portale.accounts.models import User
    from portale.records import services as records
    from portale.records.models import Contract, TrafficEvent, UsageContractMonth, UsageLineMonth
    from portale.tem import selectors
    from portale.tem.selectors import Filters, TemScope

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the Django test client
    contract = Contract.objects.get(code=CONTRACT)
    lines = contract.lines.count()
    print(f"PostgreSQL {connection.pg_version}, contract {CONTRACT}: {lines:,} lines")
    ensure_centres(contract, args.centres)
    ensure_events(contract, args.events)
    n_events = period_events(contract)
    total_events = TrafficEvent.objects.count()
    if not UsageLineMonth.objects.exists() or "--rebuild" in sys.argv:
        t = time.perf_counter()
        rl, rc = records.usage_aggregates_rebuild()
        print(f"  aggregates rebuilt from {total_events:,} events in "
              f"{time.perf_counter() - t:.1f} s: {rl:,} line rows, {rc:,} contract rows")  # fmt: skip
        analyze()
    print(f"Events: {n_events:,} on the contract in Sep-Oct 2026 ({total_events:,} in the DB); "
          f"aggregates: {UsageLineMonth.objects.count():,} line-month rows, "
          f"{UsageContractMonth.objects.count():,} contract-month rows")  # fmt: skip

    if "report" not in skip:
        print(
            "\n1. TEM report: whole contract, 2 months (09-10/2026), by cost centre x traffic type"
        )
        scope = TemScope((contract,))
        f = Filters(start=START, end=END)
        p50, p95, pivot = _timed(
            lambda: selectors.report(scope, f, rows="cdc", cols="tipo"), args.runs
        )
        r50, r95, raw = _timed(lambda: raw_group_by(contract), max(3, args.runs // 5))
        q = Decimal("0.01")
        diffs = [
            abs(pivot.cell(*k) - Decimal(v or 0).quantize(q, ROUND_HALF_UP)) for k, v in raw.items()
        ] + [abs(pivot.cell(r, c)) for (r, _rl) in pivot.rows for (c, _cl) in pivot.cols
             if (r, c) not in raw]  # fmt: skip
        same = max(diffs, default=Decimal(0)) == 0
        exact_total = sum(Decimal(v or 0) for v in raw.values())
        print(f"  aggregates (tem.selectors.report): p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
              f"({len(pivot.rows)} x {len(pivot.cols)} cells, total {pivot.total} EUR, source "
              f"{pivot.source})")  # fmt: skip
        print(f"  raw GROUP BY over the events:      p50 {r50:7.1f} ms  p95 {r95:7.1f} ms")
        print(f"  every cell identical to the cent: {same} ({len(raw)} cells; exact total of the "
              f"events {exact_total} EUR); speed-up at p95: {r95 / p95:.0f}x "
              f"(goal: p95 < 500 ms and >= 20x)")  # fmt: skip
        roa = User.objects.filter(username="roa.grande@demo.it").first()
        if roa is not None:
            from portale.core.tests.handoff_helpers import grant

            client = Client()
            client.force_login(roa)  # and the TEM hand-off grant, as "Modulo TEM" gives it
            grant(client, roa, profile="ROA", contract=contract, system="tem")
            params = {"da": "2026-09", "a": "2026-10", "righe": "cdc", "colonne": "tipo"}
            from django.urls import reverse

            g50, g95, status = timed_get(client, reverse("tem:report"), args.runs, lambda: params)
            print(f"  the page (GET /tem/, whole Django stack): p50 {g50:.1f} ms  p95 {g95:.1f} ms"
                  f" (status {status})")  # fmt: skip
            l50, l95, status = timed_get(
                client, reverse("tem:report"), args.runs,
                lambda: {**params, "righe": "linea", "colonne": ""},
            )  # fmt: skip
            print(f"  by line (top 100 + others, line-level aggregate): p50 {l50:.1f} ms  "
                  f"p95 {l95:.1f} ms (status {status})")  # fmt: skip

    if "audit" not in skip:
        print("\n2. Invoice audit of the contract's 5/2026 invoice (the background job's run)")
        invoice = ensure_invoice(contract)
        from portale.tem import services as tem_services
        from portale.tem.models import InvoiceAudit

        run = tem_services.invoice_audit_request(invoice=invoice)
        t = time.perf_counter()
        tem_services.invoice_audit_run(audit_id=run.pk)  # what the Huey task runs
        secs = time.perf_counter() - t
        run = InvoiceAudit.objects.get(pk=run.pk)
        print(f"  {invoice.number}: {run.lines:,} lines, {run.charges:,} charges checked in "
              f"{secs:.1f} s (goal < 60 s), state {run.state}; differences: "
              f"{run.difference_count}; total {run.billed_total} EUR "
              f"(recomputed {run.recomputed_total} EUR)")  # fmt: skip

    if "nav" not in skip:
        print("\n3. eBill invoice navigation of the 100,000-line invoice (GET, whole Django stack)")
        navigation(contract, ensure_invoice(contract), args.runs)

    if "rating" not in skip:
        print(f"\n4. Rating throughput, {args.rounds} alternating rounds of {args.rate:,} events")
        rating_rounds(contract, args.rate, args.rounds)


def ensure_invoice(contract):
    from django.utils import timezone

    from portale.billing.invoicing import (
        RatedWindow,
        charges_index,
        charges_index_missing,
        company_charges,
    )
    from portale.billing.models import TrafficCutoff
    from portale.records.models import Invoice

    invoice = Invoice.objects.filter(contract=contract, bimester="5/2026").first()
    if invoice is not None:
        if charges_index_missing():
            print("  the bench invoice indexed by line")
        return invoice
    t = time.perf_counter()
    cutoff = timezone.now()
    charges = company_charges(contract, 5, 2026, RatedWindow(until=cutoff))
    invoice = Invoice.objects.create(
        contract=contract,
        number="7X99100000",
        bimester="5/2026",
        amount=charges.total,
        emission_date=datetime.date(2026, 11, 15),
        due_date=datetime.date(2026, 12, 15),
    )
    stored = TrafficCutoff.objects.create(
        invoice=invoice, rated_before=cutoff, charges=charges.to_json()
    )
    charges_index(cutoff=stored)
    analyze()
    print(f"  issued {invoice.number} for the bench ({time.perf_counter() - t:.1f} s, no PDF): "
          f"{len(charges.lines):,} lines, {charges.total} EUR")  # fmt: skip
    return invoice


def navigation(contract, invoice, runs: int) -> None:
    """eBill: invoices → the invoice (summary, services, first page of lines) → a later page
    and a sort → one line (its charges and its billed events), as the referent walks it."""
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from portale.accounts.models import User
    from portale.billing.models import InvoiceLineCharges
    from portale.core.tests.handoff_helpers import grant

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    roa = User.objects.filter(username="roa.grande@demo.it").first()
    if roa is None:
        print("  no roa.grande@demo.it: skipped")
        return
    client = Client()
    client.force_login(roa)
    grant(client, roa, profile="ROA", contract=contract, system="ebill")
    rows = InvoiceLineCharges.objects.filter(cutoff__invoice=invoice)
    busy = (
        rows.exclude(detail__traffic=[])
        .values("line_id")
        .annotate(n=Count("pk"))
        .order_by("line_id")
        .values_list("line_id", flat=True)
        .first()
    ) or rows.values_list("line_id", flat=True).first()
    steps = [
        ("invoices", reverse("ebill:invoices"), None),
        ("invoice: summary + services + lines p.1", reverse("ebill:invoice", args=[invoice.pk]), None),
        ("invoice lines, page 50", reverse("ebill:invoice", args=[invoice.pk]), {"page": "50"}),
        ("invoice lines by total desc", reverse("ebill:invoice", args=[invoice.pk]), {"sort": "-total"}),
        ("invoice lines, search a number", reverse("ebill:invoice", args=[invoice.pk]),
         {"linea": rows.values_list("msisdn", flat=True).first()[-6:]}),
        ("one line: charges + billed events", reverse("ebill:invoice_line", args=[invoice.pk, busy]), None),
    ]  # fmt: skip
    worst = 0.0
    for label, url, params in steps:
        p50, p95, status = timed_get(client, url, runs, (lambda p=params: p) if params else None)
        worst = max(worst, p95)
        print(f"  {label:42s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (status {status})")
    print(f"  {rows.count():,} lines on the invoice; worst p95 {worst:.1f} ms (goal < 300 ms)")


def rating_rounds(contract, per_round: int, rounds: int) -> None:
    from portale.rating import services as rating
    from portale.records import services as records

    real = records.usage_aggregates_add
    results: dict[str, list[float]] = {"with": [], "without": []}
    base = 90_000_000 + int(time.time()) % 1_000_000 * 100
    for i in range(rounds):
        for mode in ("with", "without"):
            lo = base + (i * 2 + (mode == "without")) * per_round
            _sql(INSERT_EVENTS, {"start": "2026-11-01T00:00:00+01:00", "lo": lo,
                                 "hi": lo + per_round - 1, "contract": contract.pk,
                                 "rated": False})  # fmt: skip
            records.usage_aggregates_add = real if mode == "with" else (lambda **kw: 0)
            try:
                t = time.perf_counter()
                r = rating.rate_pending(batch_size=1000)
                secs = time.perf_counter() - t
            finally:
                records.usage_aggregates_add = real
            results[mode].append(r.rated / secs)
            print(f"  round {i + 1} {mode:7s} aggregates: {r.rated:,} events in {secs:.1f} s = "
                  f"{r.rated / secs:,.0f} events/s", flush=True)  # fmt: skip
            if mode == "without":  # leave the aggregates exact: drop what they did not count
                _sql("DELETE FROM records_trafficevent WHERE rated_at IS NOT NULL AND "
                     "occurred_at >= '2026-11-01' AND id IN (SELECT id FROM records_trafficevent "
                     "ORDER BY id DESC LIMIT %s)", [per_round])  # fmt: skip
    w, wo = statistics.median(results["with"]), statistics.median(results["without"])
    print(f"  median: with {w:,.0f} events/s, without {wo:,.0f} events/s: {100 * w / wo:.0f}% "
          f"(goal >= 80%)")  # fmt: skip


if __name__ == "__main__":
    main()
