"""Served benchmark (issue 17): the portal as in production against a bare Django view.

    createdb -h 127.0.0.1 -U postgres -T bench100k served_copy     # never write to bench100k
    .venv/bin/python bench/served.py --database-url postgres://postgres@127.0.0.1:5432/served_copy

Needs ``wrk`` (``apt-get install wrk``) and a database built by ``bench/served_data.py``
(demo set + ``demo_data --lines 100000`` + rated traffic on the large contract).

It starts two granian servers on the same database, each as README's production command
(``--interface wsgi --workers 2 --blocking-threads 4``, or ``--threads``, ``DEBUG=0``, collected static
files): the portal, and the bare baseline (``served_baseline.py``: no middleware, the same
indexed query as COUNT + LIMIT 10 + a template). It logs in through the real two-factor
flow (password form, then the SMS code read from the outbox row, as the SMS gateway would)
``--sessions`` times for the ROA of the large contract and for an employee of it, then for
each key page runs ``wrk`` with ``--connections`` connections for ``--duration`` seconds,
portal and baseline interleaved (the order alternates each round), ``--rounds`` times, and
prints req/s, p50/p95/p99, errors and the portal/baseline throughput ratio, with the goals.
``--floor`` starts a third server (``served_floor.py``): the baseline's views behind the
portal's whole middleware stack for the same logged-in users, so each row also shows the
most a portal page could serve with the portal's middleware and the bare page's work
("floor"), and the portal's page frame with nothing in it, for the same user ("frame"): no
page of the portal, however little its own work, serves more than that empty page. For a
page that misses the goal, the goals' lines then print the machine's time per request
(cores / req/s) that the page's own work takes beyond the empty page, and what the goal
would leave it.

Every answer that is not a 200 counts as an error (a redirect to the login page too). The
logins write OTP and session rows, and the bench empties the bench users' OTP history first
(the per-number SMS limit would refuse a second run within 15 minutes): use a copy.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
GRANIAN = [sys.executable, "-m", "granian"]
ROA = "roa.grande@demo.it"
EMPLOYEE = "dipendente.grande@demo.it"
PASSWORD = "Demo.Portale8!"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    p.add_argument("--template", default="", help="create the database from this one first")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--sessions", type=int, default=4, help="logins per user")
    p.add_argument("--pages", default="", help="comma-separated page names (default all)")
    p.add_argument("--port", type=int, default=8731, help="portal port (baseline: +1)")
    p.add_argument("--keep-servers", action="store_true")
    p.add_argument(
        "--threads", type=int, default=4, help="granian --blocking-threads (both servers)"
    )
    p.add_argument("--workers", type=int, default=2, help="granian --workers (both servers)")
    p.add_argument(
        "--floor",
        action="store_true",
        help="also serve the bare views behind the portal's middleware (served_floor.py)",
    )
    p.add_argument(
        "--collectstatic", action="store_true", help="collect again (default: when missing)"
    )
    args = p.parse_args()
    if not args.database_url:
        p.error("--database-url (a copy of bench100k) is required")
    return args


def server_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        PORTALE_DEMO="0",
        SECRET_KEY="served-bench-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(VAR / "static"),
        HUEY_SQLITE_FILE=str(VAR / "huey.sqlite3"),
        DJANGO_SETTINGS_MODULE="portale.settings.base",
        PYTHONPATH=f"{ROOT}:{BENCH}",
    )
    return env


def create_database(url: str, template: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


TALLIES = (
    "records_linetally",
    "records_lineservicetally",
    "records_dualbillingtally",
    "records_thresholdtally",
)


def vacuum_tallies(url: str) -> None:
    """VACUUM the maintained totals of the copy: loading 100,000 lines updated their few rows
    100,000 times, and with autovacuum off (as on this machine) every read of an aggregate
    walked the dead versions (51 ms instead of 0.1 ms for "Su linea"); production vacuums
    them itself (records/0011 sets their autovacuum thresholds)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for table in TALLIES:
            if conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0]:
                conn.execute(f"VACUUM (ANALYZE) {table}")


def start(env, port: int, app: str, log: Path, threads=4, workers=2) -> subprocess.Popen:
    cmd = GRANIAN + [
        "--interface", "wsgi", "--workers", str(workers), "--blocking-threads", str(threads),
        "--host", "127.0.0.1", "--port", str(port), "--no-ws", app,
    ]  # fmt: skip
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    import requests

    for _ in range(240):
        if proc.poll() is not None:
            sys.exit(f"server stopped: see {log}\n{log.read_text()[-2000:]}")
        try:
            requests.get(url, timeout=2, allow_redirects=False)
            return
        except requests.RequestException:
            time.sleep(0.5)
    sys.exit(f"server not answering: {url}")


def login(base: str, username: str, handoff: str = "") -> str:
    """The real two-step login (then the ``handoff`` link's system opened in the same
    session, when given); returns the session cookie header."""
    import requests

    from portale.core.models import OutboxMessage

    user = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
    mobile = user.objects.get(username=username).mobile
    s = requests.Session()
    page = s.get(f"{base}/accesso/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    since = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    r = s.post(
        f"{base}/accesso/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": f"{base}/accesso/login/"},
        allow_redirects=True,
    )
    assert "/login/codice/" in r.url, f"login of {username} failed: {r.url}"
    sms = OutboxMessage.objects.filter(recipient=mobile, pk__gt=since).order_by("-pk").first()
    code = re.search(r"\b(\d{6})\b", sms.text).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    r = s.post(
        r.url,
        data={"csrfmiddlewaretoken": token, "code": code},
        headers={"Referer": r.url},
        allow_redirects=False,
    )
    assert r.status_code == 302 and "/accesso/" not in r.headers["Location"], r.status_code
    if handoff:
        open_system(s, base, handoff)
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items())


def open_system(s, base: str, link: str) -> None:
    """Open a system of the hand-off (TEM) as the user's browser does: the portal link's page
    posts its single-use token to the system's entry, which keeps the grant in the session."""
    import html

    page = s.get(base + link)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert page.status_code == 200 and action, f"{link}: no hand-off form ({page.status_code})"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    entry = base + html.unescape(action.group(1))
    r = s.post(entry, data=fields, headers={"Referer": base + link}, allow_redirects=False)
    assert r.status_code in (302, 303), f"hand-off to {entry} answered {r.status_code}"


def pages(roa_contract, line) -> list[tuple[str, str, str, str]]:
    """(name, who, portal path, baseline path) of each key page."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from portale.myline.selectors import SUBSCRIPTION_CATEGORIES, detail_window, local_bounds

    today = timezone.localdate()
    lo, hi = detail_window(today)
    start = max(lo, today - datetime.timedelta(days=30))
    t_lo, t_hi = local_bounds(start, today)
    bare_lines = f"/lines/?contract={roa_contract.pk}"
    # Deep pages: the middle of the list, whatever the contract's size (page 5,000 of 10,000
    # on the 100,000-line contract; page 500 on a 10,000-line one).
    from portale.records.models import Sim, Threshold

    deep = max(2, Sim.objects.filter(line__contract=roa_contract).count() // 10 // 2)
    thresholds = Threshold.objects.filter(line__contract=roa_contract).count()
    mon_deep = max(1, thresholds // 50 // 2 - 1)
    bare_traffic = f"/traffic/?line={line.pk}&lo={t_lo.isoformat()}&hi={t_hi.isoformat()}"
    bare_traffic = bare_traffic.replace("+", "%2B")
    detail = reverse("inventory:detail_list", args=["linee"])
    cats = "".join(f"&categoria={k}" for k in SUBSCRIPTION_CATEGORIES)
    traffic = (
        f"{reverse('myline:consumption_detail')}?vedi=1&dal={start:%Y-%m-%d}"
        f"&al={today:%Y-%m-%d}{cats}"
    )
    out = [
        ("home", "roa", reverse("home:index"), bare_lines),
        ("aggregate", "roa", reverse("inventory:aggregate_list", args=["linee"]), bare_lines),
        ("detail p1", "roa", detail, bare_lines),
        ("detail deep", "roa", f"{detail}?page={deep}", bare_lines),
        # Page 5000 as a user reaches it: the pager's link from page 4999 (keyset cursor).
        ("detail deep link", "roa", f"{NEXT_OF}{detail}?page={deep - 1}", bare_lines),
        ("search digits", "roa", f"{detail}?linea=54321", bare_lines),
        ("pratiche", "roa", reverse("cases:history"), bare_lines),
        ("fatture", "roa", reverse("billing:invoices"), bare_lines),
        ("traffico dip.", "employee", traffic, bare_traffic),
    ]
    # TEM (G-56): the whole contract, the two months of traffic, cost centre x traffic type.
    months = [today.replace(day=1) - datetime.timedelta(days=1), today]
    # Its baseline runs the report's own query (the monthly aggregates by cost centre and
    # category) and draws its table, rather than a 10-line list.
    bare_tem = (
        f"/tem/?contract={roa_contract.pk}&lo={months[0].replace(day=1):%Y-%m-%d}"
        f"&hi={months[1].replace(day=1):%Y-%m-%d}"
    )
    out.append(
        (
            "tem report",
            "roa",
            f"{reverse('tem:report')}?da={months[0]:%Y-%m}&a={months[1]:%Y-%m}"
            "&righe=cdc&colonne=tipo",
            bare_tem,
        )
    )
    for name, url_name in (("monitoring soglie", "thresholds:monitoring"),):
        with contextlib.suppress(NoReverseMatch):
            mon = reverse(url_name)
            out.append((name, "roa", mon, bare_lines))
            out.append(
                (
                    "monitoring deep",
                    "roa",
                    f"{NEXT_OF}{mon}?page={mon_deep}&per_page=50",
                    f"{bare_lines}&limit=50",  # as many rows as the page
                )
            )
            out.append(("monitoring search", "roa", f"{mon}?linea=54321", bare_lines))
    return out


def tem_link() -> str:
    from django.urls import reverse

    return reverse("billing:tem")


NEXT_OF = "next-of:"  # the page's "Pagina successiva" link, as a user follows it


def resolve_path(base: str, path: str, cookie: str) -> str:
    """``next-of:<path>``: GET the page and return its pager's next link (with its cursor)."""
    if not path.startswith(NEXT_OF):
        return path
    import html

    import requests

    page = requests.get(base + path.removeprefix(NEXT_OF), headers={"Cookie": cookie})
    found = re.search(r'href="([^"]+)"[^>]*aria-label="Pagina successiva"', page.text)
    if not found:
        raise SystemExit(f"{path}: no next-page link")
    return html.unescape(found.group(1))


def run_wrk(base: str, path: str, cookies: list[str], args) -> dict:
    env = dict(os.environ, SERVED_COOKIES="|".join(cookies), SERVED_PATH=path)
    cmd = [
        "wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s",
        "--timeout", "10s", "-s", str(BENCH / "served.lua"), base,
    ]  # fmt: skip
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["non200"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return r


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    if args.template:
        create_database(args.database_url, args.template)
    vacuum_tallies(args.database_url)
    VAR.mkdir(parents=True, exist_ok=True)
    env = server_env(args.database_url)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "STATIC_ROOT")})
    os.environ.update(DEBUG="0", DJANGO_SETTINGS_MODULE="portale.settings.base")
    if args.collectstatic or not (VAR / "static" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
    import django

    django.setup()
    from portale.accounts.models import OtpChallenge
    from portale.records.demo.logins import BULK_CONTRACT_CODE
    from portale.records.models import Contract, Line

    contract = Contract.objects.get(code=BULK_CONTRACT_CODE)
    mobile = __import__("django.contrib.auth", fromlist=["x"]).get_user_model()
    employee_mobile = mobile.objects.get(username=EMPLOYEE).mobile
    line = Line.objects.get(msisdn=employee_mobile)
    OtpChallenge.objects.filter(
        msisdn__in=mobile.objects.filter(username__in=[ROA, EMPLOYEE]).values("mobile")
    ).delete()

    portal_url, bare_url = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"
    floor_url = f"http://127.0.0.1:{args.port + 2}"
    logs = VAR / "served_portal.log", VAR / "served_baseline.log", VAR / "served_floor.log"
    apps = ["portale.wsgi:application", "served_baseline:application"]
    if args.floor:
        apps.append("served_floor:application")
    procs = [
        start(env, args.port + i, app, logs[i], args.threads, args.workers)
        for i, app in enumerate(apps)
    ]
    try:
        wait_up(portal_url + "/", procs[0], logs[0])
        wait_up(bare_url + "/lines/?contract=0", procs[1], logs[1])
        if args.floor:
            wait_up(floor_url + "/", procs[2], logs[2])
        sessions = {"roa": [], "employee": []}
        for _ in range(args.sessions):
            sessions["roa"].append(login(portal_url, ROA, handoff=tem_link()))
            sessions["employee"].append(login(portal_url, EMPLOYEE))
        todo = pages(contract, line)
        if args.pages:
            wanted = {p.strip() for p in args.pages.split(",")}
            todo = [p for p in todo if p[0] in wanted]
        load = os.getloadavg()
        print(
            f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
            f"{os.cpu_count()} CPUs, load average before: {load[0]:.2f} {load[1]:.2f} "
            f"{load[2]:.2f}; {args.connections} connections, {args.duration} s per run, "
            f"{args.rounds} rounds interleaved, {args.sessions} sessions per user, "
            f"{args.workers} workers x {args.threads} threads"
        )
        rows = []
        for name, who, path, bare_path in todo:
            import requests

            path = resolve_path(portal_url, path, sessions[who][0])
            check = requests.get(
                portal_url + path, headers={"Cookie": sessions[who][0]}, allow_redirects=False
            )
            if check.status_code != 200:
                print(f"{name}: {path} answered {check.status_code}, skipped")
                continue
            res = {"portal": [], "bare": []}
            order = [("portal", portal_url, path), ("bare", bare_url, bare_path)]
            if args.floor:
                # Logged in on the portal: the floor server shares its sessions (same
                # database, key and cookie).
                res["floor"], res["frame"] = [], []
                order.append(("floor", floor_url, "/floor" + bare_path))
                order.append(("frame", floor_url, "/floor/frame/"))
            for rnd in range(args.rounds):
                for kind, base, p in order if rnd % 2 == 0 else order[::-1]:
                    res[kind].append(run_wrk(base + p, p, sessions[who], args))
            rows.append((name, res))
            print_row(name, res, flush=True)
        load = os.getloadavg()
        print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print_goals(rows)
    finally:
        if not args.keep_servers:
            for proc in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=30)


HEADER = False


def print_row(name: str, res: dict, flush=False) -> None:
    global HEADER
    if not HEADER:
        print(
            f"{'page':<18} {'':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'errors':>7}  share of bare"
        )
        HEADER = True
    bare = max(summary(res["bare"])["rps"], 1e-9)
    for kind in ("portal", "bare", "floor", "frame"):
        if kind not in res:
            continue
        s = summary(res[kind])
        # Portal, floor and frame as a share of the bare page (the floor's: the most a portal
        # page could reach with the portal's middleware and the bare page's work; the
        # frame's: the most any page drawn in the portal's frame could reach).
        tail = f"  {s['rps'] / bare:.0%}" if kind != "bare" else ""
        print(
            f"{name if kind == 'portal' else '':<18} {kind:>6} {s['rps']:>8.1f} "
            f"{s['p50']:>8.0f} {s['p95']:>8.0f} {s['p99']:>8.0f} {s['errors']:>7}{tail}",
            flush=flush,
        )


def summary(runs: list[dict]) -> dict:
    """Rounds together: mean throughput, median of each percentile, total errors."""
    return {
        "rps": statistics.mean(r["rps"] for r in runs),
        "p50": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p95": statistics.median(r["p95_us"] for r in runs) / 1000,
        "p99": statistics.median(r["p99_us"] for r in runs) / 1000,
        "errors": sum(r["errors"] for r in runs),
    }


def print_goals(rows) -> None:
    print("goals: each page >= 50% of the bare page's req/s, p95 < 250 ms, zero errors")
    for name, res in rows:
        p, b = summary(res["portal"]), summary(res["bare"])
        ok = p["rps"] >= 0.5 * b["rps"] and p["p95"] < 250 and p["errors"] == 0
        bound = ""
        if res.get("frame"):
            frame = summary(res["frame"])["rps"]
            bound = f"; the empty framed page: {frame / b['rps']:.0%}"
            if not ok and frame > 0.5 * b["rps"]:
                # The machine's time per request (its cores over req/s: every core is busy
                # under this load) beyond the empty framed page: what the page's own work
                # costs, and what the goal leaves it.
                cores = os.cpu_count() or 1
                own = 1000 * cores * (1 / p["rps"] - 1 / frame)
                allowed = 1000 * cores * (1 / (0.5 * b["rps"]) - 1 / frame)
                bound += f"; its own work {own:.1f} ms a request, the goal leaves {allowed:.1f}"
        print(
            f"  {name:<18} {'met' if ok else 'NOT met'}: {p['rps'] / b['rps']:.0%} of bare, "
            f"p95 {p['p95']:.0f} ms, {p['errors']} errors{bound}"
        )


if __name__ == "__main__":
    main()
