"""Write cost of the line's sort key copied onto SIMs, STS and thresholds (issue 17,
``portale/records/sortkey_sql.py``, migration 0014). Not a test.

On the large demo contract, each write below runs twice in a transaction that is rolled
back: with the database as migrated, and with the sort key triggers dropped first (DDL is
transactional on PostgreSQL; on SQLite too): the difference is what the triggers cost. The
other triggers (the tallies, ``portal_version``) fire in both runs::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/sortkey_copy PORTALE_DEMO=1
    .venv/bin/python bench/sortkey_writes.py [--rows 10000] [--runs 3]

Writes nothing that stays: every run is rolled back.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("PORTALE_DEMO", "1")

CONTRACT = "888010100000"


def writes(contract, other, rows: int):
    """(name, callable) of the writes measured, each on ``rows`` lines of the contract."""
    from django.db import connection

    from portale.records.models import Line, LineService, Sim, Threshold

    ids = list(
        Line.objects.filter(contract=contract)
        .exclude(state="CESSATO")
        .order_by("pk")
        .values_list("pk", flat=True)[:rows]
    )
    id_list = ",".join(map(str, ids))

    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement)

        return run

    def insert_sims():
        Sim.objects.bulk_create(
            [
                Sim(
                    iccid=f"8939099{i:012d}",
                    line_id=line_id,
                    contract=contract,
                    role=Sim.Role.SECONDARY,
                )
                for i, line_id in enumerate(ids)
            ],
            batch_size=1000,
        )

    def insert_services():
        LineService.objects.bulk_create(
            [
                LineService(
                    line_id=line_id,
                    description="BENCH",
                    activation_date=datetime.date(2024, 1, 1),
                )
                for line_id in ids
            ],
            batch_size=1000,
        )

    def insert_thresholds():
        Threshold.objects.bulk_create(
            [
                Threshold(
                    line_id=line_id,
                    kind=Threshold.Kind.ROAMING_DATA,
                    type=Threshold.Type.INFORMATIVE,
                    period=Threshold.Period.MONTHLY,
                    description="BENCH",
                    value=10,
                    available=10,
                    state=Threshold.State.CEASED,
                    activation_date=datetime.date(2024, 1, 1),
                )
                for line_id in ids
            ],
            batch_size=1000,
        )

    return [
        # a new number for each line: '30' + its last 8 digits (no demo number starts so)
        (
            "renumber lines",
            sql(
                "UPDATE records_line SET msisdn = '30' || substr(msisdn, length(msisdn) - 7) "
                f"WHERE id IN ({id_list})"
            ),
        ),
        (
            "cease lines",
            sql(
                "UPDATE records_line SET state = 'CESSATO', cessation_date = activation_date "
                f"WHERE id IN ({id_list})"
            ),
        ),
        (
            "suspend lines",
            sql(f"UPDATE records_line SET state = 'SOSPESO' WHERE id IN ({id_list})"),
        ),
        (
            "move lines to another contract",
            sql(f"UPDATE records_line SET contract_id = {other.pk} WHERE id IN ({id_list})"),
        ),
        (
            "block their SIMs (SIM state)",
            sql(f"UPDATE records_sim SET state = 'BLOCCATA' WHERE line_id IN ({id_list})"),
        ),
        ("insert SIMs on lines", insert_sims),
        ("insert STS", insert_services),
        ("insert thresholds", insert_thresholds),
    ]


def timed(run, *, drop: bool) -> float:
    from django.db import connection, transaction

    from portale.records import sortkey_sql

    with transaction.atomic():
        if drop:
            with connection.schema_editor(atomic=False) as editor:
                sortkey_sql.sortkey_drop(editor)
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()

    import django

    django.setup()
    from django.db import connection

    from portale.records.models import Contract

    contract = Contract.objects.get(code=CONTRACT)
    other = Contract.objects.exclude(pk=contract.pk).order_by("pk").first()
    print(f"{connection.vendor}, {args.rows} lines of {CONTRACT}, best of {args.runs} (ms)")
    print(f"{'write':34} {'no triggers':>12} {'triggers':>10} {'ratio':>6}")
    for name, run in writes(contract, other, args.rows):
        before = min(timed(run, drop=True) for _ in range(args.runs))
        after = min(timed(run, drop=False) for _ in range(args.runs))
        print(f"{name:34} {before:12.0f} {after:10.0f} {after / before:6.2f}")


if __name__ == "__main__":
    main()
