"""Instructions per request of the portal's pages (issue 17), counted by valgrind's callgrind.

    createdb -h 127.0.0.1 -U postgres -T bench100k mycopy      # never use bench100k itself
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python bench/page_instructions.py \\
        --database-url postgres://postgres@127.0.0.1:5432/mycopy [--pages "home,traffico dip."]

Why: on the shared machines of this project the wall and CPU times of the same code vary by
a third from one run to the next (``bench/frame_profile.py``, medians of 150 requests: the
employee's Dettaglio traffico 10.0 then 14.8 ms, same commit, same database), so a change
worth a few per cent cannot be seen in them. Callgrind counts the instructions the portal's
process executes, which does not depend on what else the machine is doing: the same code,
data and requests give the same count to a fraction of a per cent.

What it runs: one child process under callgrind, with the production settings and the
logged-in sessions of ``bench/frame_profile.py`` (its pages, its users). The child loads
every page ``--warm`` times (caches, prepared statements, lazy imports, the page frame), then
each page ``--requests`` times in a block of its own; callgrind dumps its count at each
block's edges (``--dump-before=getppid``: the child calls ``os.getppid()`` there, and
nothing else in a request does), and the script prints each block's count over its
requests. Only the portal's process is counted (middleware, view, the ORM, templates, the
test client's small share); PostgreSQL and Redis are other processes, so their work is not.
``PYTHONHASHSEED`` is fixed; after the warm-up the child freezes the objects alive, as
``portale/wsgi.py`` does in production (else one full collection lands in some block), and
no session is renewed while counting (else a session save lands in some block). A page's
count moves a little with the pages loaded before it in the process (Dettaglio traffico
alone or after two other pages: 2.5% apart): compare runs with the same ``--pages``. Slow: valgrind runs Python ~50 times slower (a few minutes).
Needs valgrind (``apt-get install -y valgrind``).
"""

from __future__ import annotations

import argparse
import gc
import glob
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    p.add_argument("--pages", default="", help="comma-separated page names (default all)")
    p.add_argument("--requests", type=int, default=10, help="counted requests per page")
    p.add_argument("--warm", type=int, default=3, help="uncounted requests per page first")
    p.add_argument("--roa", default="roa.grande@demo.it")
    p.add_argument("--employee", default="dipendente.grande@demo.it")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not args.database_url:
        p.error("--database-url is required (a copy of bench100k)")
    return args


def child(args) -> None:
    """Under callgrind: warm every page, then one block of requests per page."""
    sys.path.insert(0, str(BENCH))
    import frame_profile as fp

    fp.setup(args.database_url)
    from django.urls import reverse

    clients = fp.logged_in_clients(args.roa, args.employee)
    home = clients["roa"].get(reverse("home:index"))
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    chosen = []
    for name, who, url in fp.pages(home.wsgi_request.portal.contract):
        if wanted and name not in wanted:
            continue
        client = clients[who]
        url = fp.resolve(client, url)
        for _ in range(args.warm):
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
        chosen.append((name, client, url))
    # As the production entry point does once started (``portale/wsgi.py``): the objects
    # alive now go to the collector's permanent generation. Otherwise the one full
    # collection that walks them (~10M instructions a request of a block of 5) lands in
    # whichever block reaches the allocation threshold: Consistenze di dettaglio page 1 at
    # one commit (42.0M a request), the line search at the next (39.9M); ~30M without it.
    gc.collect()
    gc.freeze()
    for name, client, url in chosen:
        print(f"block {name}", flush=True)
        os.getppid()  # callgrind dumps the count so far: the block starts here
        for _ in range(args.requests):
            client.get(url)
        os.getppid()  # and ends here
    print("end", flush=True)


def main() -> None:
    args = parse_args()
    if args.child:
        return child(args)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--dump-before=getppid",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            *sys.argv[1:],
        ]
        env = {
            **os.environ,
            "PYTHONHASHSEED": "0",
            "PYTHONMALLOC": "malloc",
            # No session renewal while counting: a session is saved once per half minute of
            # activity (SESSION_RENEW_SECONDS), which under valgrind (a second or more a
            # request) fell in whichever block was running then: the same code's blocks
            # differed by up to 3% from one run to the next.
            "SESSION_RENEW_SECONDS": "3600",
            "SESSION_COOKIE_AGE": str(24 * 3600),
        }
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
        blocks = re.findall(r"^block (.+)$", done.stdout, re.M)
        if done.returncode != 0 or "end" not in done.stdout.split():
            sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
            raise SystemExit(f"the child failed (exit {done.returncode})")
        # A numbered dump at each call of getppid (the one at exit has no number): .1 is
        # everything before the first block, then each block and each gap in turn (.2
        # block 1, .3 the gap before block 2, .4 block 2, ...).
        counts = {}
        for path in glob.glob(out + ".*"):
            number = int(path.rsplit(".", 1)[1])
            text = Path(path).read_text(errors="replace")
            counts[number] = int(re.search(r"^totals:\s*(\d+)", text, re.M).group(1))
    # Any other call of getppid would shift the dumps: the counts would be another block's.
    if sorted(counts) != list(range(1, 2 * len(blocks) + 1)):
        raise SystemExit(f"unexpected callgrind dumps: {sorted(counts)}")
    print(
        f"instructions per request (callgrind, {args.requests} requests a page after "
        f"{args.warm} uncounted; the portal's process only)"
    )
    print(f"{'page':<18} {'instructions':>14}")
    for i, name in enumerate(blocks):
        per_request = counts[2 + 2 * i] / args.requests
        print(f"{name:<18} {per_request:>14,.0f}")


if __name__ == "__main__":
    main()
