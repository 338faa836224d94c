"""Benchmark: CDR import throughput vs a raw COPY of the same rows into the same table.

    .venv/bin/python bench/traffic_ingest.py --events 10000000   # default 10M, PostgreSQL

Steps: generate (once) a CDR file of N events over ``--lines`` lines and 60 days; COPY the
same rows (already resolved to line ids, COPY text format) straight into the empty,
indexed traffic table and time it; empty the table; import the file with the real
importer (parse + check every row + COPY to staging + INSERT ... ON CONFLICT) and time it.
Goal: import ≥ 50% of the raw COPY throughput. Rating is left to traffic_rating.py.
"""

from __future__ import annotations

import io
import time

from traffic_common import cdr_file, ensure_lines, fmt_rate, parser, reset_traffic, setup_django


def raw_copy(path, lines: dict[str, int]) -> tuple[int, float]:
    """COPY the file's rows into records_trafficevent: the conversion to COPY text is done
    before the clock starts, so this is the database's own ceiling."""
    from django.db import connection, transaction

    from portale.rating.cdr import iter_cdr
    from portale.rating.ingest import COPY_COLUMNS, copy_line

    errors: list = []
    chunks, buf, n = [], io.StringIO(), 0
    with path.open(encoding="utf-8", newline="") as fh:
        for r in iter_cdr(fh, errors, check_duplicates=False):
            buf.write(copy_line(r, lines[r.msisdn]) + "\n")
            n += 1
            if n % 200_000 == 0:
                chunks.append(buf.getvalue())
                buf = io.StringIO()
    chunks.append(buf.getvalue())
    assert not errors, errors[:3]
    cols = ", ".join(f'"{c}"' for c in COPY_COLUMNS)
    t = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY records_trafficevent ({cols}) FROM STDIN") as copy,
    ):
        for c in chunks:
            copy.write(c)
    return n, time.perf_counter() - t


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    setup_django(args.database_url)
    from portale.rating.ingest import import_cdr_file

    lines = ensure_lines(args.lines)
    path = cdr_file(args.events, args.lines)
    print(f"file: {path.name} ({path.stat().st_size / 1e6:,.0f} MB), lines: {len(lines):,}")

    reset_traffic()
    n, copy_s = raw_copy(path, lines)
    print(f"raw COPY:   {fmt_rate(n, copy_s)}")
    reset_traffic()

    t = time.perf_counter()
    result = import_cdr_file(path, rate=False)
    import_s = time.perf_counter() - t
    assert result.ok and result.imported == args.events, (result.errors[:3], result.imported)
    print(f"import_cdr: {fmt_rate(result.imported, import_s)}")
    print(f"import / raw COPY throughput: {copy_s / import_s:.0%} (goal >= 50%)")
    t = time.perf_counter()
    again = import_cdr_file(path, rate=False)
    print(
        f"same file again: already_imported={again.already_imported} in "
        f"{time.perf_counter() - t:.1f} s (hashing)"
    )


if __name__ == "__main__":
    main()
