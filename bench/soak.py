"""Soak test: N simulated users of every profile for T seconds against the portal on loopback.

Each user is a thread with its own keep-alive connection and session (a demo login of one
profile, logged in through Django's test client so no OTP is needed). It loops: a GET of a
page its profile may open (every parameterless URL the capability registry grants it),
then 1–3 s of think time. Writes, now and then: a ROA asks for a background export (a POST
of the list's export form, with a different search each time, so no two are merged), and
every profile files a "Scrivici" pratica (the form's page, then INVIA with its token). At
the end it prints requests, errors by cause, p50/p95/p99 per page, the drift between the
first and last 2 minutes (a fifth of shorter runs), the memory of the web and worker
processes at start and end, the load average, and checks in the database that every write
that got a success is there exactly once (pratiche by their idempotency key) and that every
export job was built.

Bounded and local: at most 300 users and 900 s; the base URL must be loopback.

    # the documented deployment, started by the script (PostgreSQL with demo data):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soak PORTALE_DEMO=1 \\
    DJANGO_SETTINGS_MODULE=portale.settings.base \\
      .venv/bin/python bench/soak.py --serve --users 200 --duration 600

``--serve`` starts ``granian --interface wsgi --workers 2 --blocking-threads 4`` and one
``run_huey`` worker (README "Connections") on ``--port`` and stops them at the end; without
it, point ``--base-url`` at a running portal and give ``--worker-pid`` for the memory
figures. ``bench/faults.py`` runs this load while it injects faults.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_USERS, MAX_SECONDS = 300, 900
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Profiles simulated, by the demo login that has them.
PROFILE_LOGINS = {
    "ROA": "roa@demo.it",
    "MAN": "mandatario@demo.it",
    "DIP": "dipendente@demo.it",
    "STAFF": "operatore@demo.it",
}
# Never requested: they end the session or are covered by other benches.
SKIP = re.compile(r"logout|demo:|static|djdt|admin")
EXPORT_LIST = "/area-privata/linee/consistenze-dettaglio/linee/"
WRITE_PAGE = "support:write"  # "Scrivici": a pratica filed at INVIA (every profile)


@dataclass
class Result:
    started: float
    page: str
    status: int  # 0: no answer
    seconds: float
    cause: str = ""


@dataclass
class Shared:
    results: list[Result] = field(default_factory=list)
    exports_ok: list[str] = field(default_factory=list)  # the search of each accepted request
    pratiche_ok: list[str] = field(default_factory=list)  # the token of each filed pratica
    lock: threading.Lock = field(default_factory=threading.Lock)


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per simulated login


def _sessions_and_pages(users: int, seed: int):
    """One session per simulated user (profiles in turn) and the pages of each profile."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from portale.accounts.models import User
    from portale.core import capabilities
    from portale.core.context import build_context
    from portale.core.tests.test_access import access_of, project_routes

    pages: dict[str, list[tuple[str, str]]] = {}
    people = {}
    for profile, username in PROFILE_LOGINS.items():
        user = (
            User.objects.filter(username=username).first()
            or User.objects.filter(email=username).first()
        )
        if user is None:
            continue
        people[profile] = user
        ctx = build_context(user=user, session={})
        allowed = []
        for route in project_routes():
            if route.params or SKIP.search(route.name):
                continue
            access = access_of(route.callback)
            if access.startswith("capability:"):
                if not capabilities.get(access.split(":", 1)[1]).allows(ctx):
                    continue
            elif access != "login":
                continue
            allowed.append((route.name, reverse(route.name)))
        pages[profile] = allowed
    if not people:
        sys.exit("No demo logins found: load the demo data first (manage.py demo_setup).")
    sessions = []
    profiles = list(people)
    for i in range(users):
        profile = profiles[i % len(profiles)]
        client = Client()
        client.force_login(people[profile])
        sessions.append((profile, client.cookies[settings.SESSION_COOKIE_NAME].value))
    return sessions, pages


class Browser:
    """One user's keep-alive connection with its cookies."""

    def __init__(self, host: str, port: int, session: str):
        self.host, self.port = host, port
        self.cookies = {"sessionid": session}
        self.conn = None

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Host": f"{self.host}:{self.port}",
        }
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            headers["Origin"] = f"http://{self.host}:{self.port}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
                continue  # a keep-alive connection closed by the server: open a new one
            except Exception:
                self.close()  # e.g. a timeout: the connection is unusable afterwards
                raise
            for value in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, payload
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def probe(pages, sessions, host: str, port: int) -> dict[str, list[tuple[str, str]]]:
    """Keep the pages a GET may open: POST-only endpoints (405) are not pages."""
    kept = {}
    for profile, entries in pages.items():
        session = next(s for p, s in sessions if p == profile)
        browser = Browser(host, port, session)
        kept[profile] = []
        for name, path in entries:
            try:
                status, _ = browser.request("GET", path)
            except OSError:  # slow under load (a timeout): still a page
                status = 0
            if status != 405:
                kept[profile].append((name, path))
        browser.close()
    return kept


def _export(browser, path, rng, shared: Shared) -> int:
    status, body = browser.request("GET", path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    search = f"{rng.randrange(10**7):07d}"
    status, _ = browser.request(
        "POST",
        f"{path}?{urlencode({'linea': search})}",
        {"csrfmiddlewaretoken": token.group(1).decode() if token else "", "export": "csv"},
    )
    if status == 302:
        with shared.lock:
            shared.exports_ok.append(search)
    return status


def _file_pratica(browser, path, rng, shared: Shared) -> int:
    """ "Scrivici": the page, then INVIA; a 302 to the outcome page is a filed pratica."""
    status, body = browser.request("GET", path)
    if status != 200:
        return status
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    token = re.search(rb'name="request_token" value="([^"]+)"', body)
    if not csrf or not token:
        return 599  # the form is not there: counted as an error
    data = {
        "csrfmiddlewaretoken": csrf.group(1).decode(),
        "request_token": token.group(1).decode(),
        "reason": rng.choice(["TECNICA", "COMMERCIALE"]),
        "phone": f"075{rng.randrange(10**7):07d}",
        "notes": "Soak: richiesta di contatto",
    }
    status, _ = browser.request("POST", path, data)
    if status == 302:
        with shared.lock:
            shared.pratiche_ok.append(data["request_token"])
    return status


def _user(profile, session, pages, args, host, port, deadline, shared: Shared, rng):
    browser = Browser(host, port, session)
    mine = pages.get(profile) or [("home", "/")]
    write_path = dict(mine).get(WRITE_PAGE)
    while time.monotonic() < deadline:
        started = time.monotonic()
        draw = rng.random()
        if profile == "ROA" and draw < args.export_share:
            name, path, action = "export (POST)", EXPORT_LIST, _export
        elif write_path and draw > 1 - args.write_share:
            name, path, action = "pratica Scrivici (POST)", write_path, _file_pratica
        else:
            (name, path), action = rng.choice(mine), None
        try:
            if action is not None:
                status = action(browser, path, rng, shared)
            else:
                status, _ = browser.request("GET", path)
            cause = "" if status < 400 else f"HTTP {status}"
        except Exception as exc:  # a refused or broken connection is a result, not a crash
            status, cause = 0, type(exc).__name__
        with shared.lock:
            shared.results.append(Result(started, name, status, time.monotonic() - started, cause))
        time.sleep(rng.uniform(args.think_min, args.think_max))


def _rss_mb(pid: int | None) -> float | None:
    """Resident memory of a process and its children (MB), from /proc."""
    if not pid:
        return None
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def print_memory(what: str, start: float | None, end: float | None) -> None:
    growth = f" ({(end - start) / start * 100:+.1f}%)" if start and end else ""
    print(f"{what} memory: start {start} MB, end {end} MB{growth}")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def report(shared: Shared, duration: float, start: float) -> dict:
    results = shared.results
    errors = [r for r in results if r.cause]
    print(f"requests: {len(results)}   errors: {len(errors)}   load: {duration:.0f} s")
    causes = Counter(r.cause for r in errors)
    for cause, n in causes.most_common():
        print(f"  error {cause}: {n}")
    by_page = defaultdict(list)
    for r in results:
        by_page[r.page].append(r.seconds)
    print(f"\n{'page':42} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, values in sorted(by_page.items(), key=lambda kv: -len(kv[1])):
        print(
            f"{page[:42]:42} {len(values):6d} {_pct(values, 0.5):8.0f} "
            f"{_pct(values, 0.95):8.0f} {_pct(values, 0.99):8.0f}"
        )
    window = min(120.0, duration / 5)  # the first and last 2 minutes (a fifth if shorter)
    first = [r for r in results if r.started - start < window]
    last = [r for r in results if r.started - start >= duration - window]
    for label, part in (("first", first), ("last", last)):
        times = [r.seconds for r in part]
        print(
            f"{'drift:' if label == 'first' else '      '} {label} {window:.0f} s: "
            f"{len(part)} requests, {sum(1 for r in part if r.cause)} errors, "
            f"p50 {_pct(times, 0.5):.0f} ms, p95 {_pct(times, 0.95):.0f} ms, "
            f"p99 {_pct(times, 0.99):.0f} ms"
        )
    all_times = [r.seconds for r in results]
    if all_times:
        print(
            f"overall p50 {statistics.median(all_times) * 1000:.0f} ms, "
            f"p95 {_pct(all_times, 0.95):.0f} ms, p99 {_pct(all_times, 0.99):.0f} ms"
        )
    return {"requests": len(results), "errors": len(errors)}


def check_exports(shared: Shared, since, wait: float) -> bool:
    """Every accepted export request is one row, and every row gets built."""
    from django.db import close_old_connections

    from portale.core.models import ExportJob

    searches = Counter(shared.exports_ok)
    deadline = time.monotonic() + wait
    while True:
        close_old_connections()
        jobs = list(
            ExportJob.objects.filter(requested_at__gte=since, kind="ConsistenzaDettaglioLinee")
        )
        pending = [j for j in jobs if j.state == ExportJob.State.RUNNING]
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(2)
    rows = Counter(j.params.get("linea", [""])[0] for j in jobs)
    missing = [s for s in searches if rows[s] == 0]
    doubled = [s for s, n in rows.items() if n > 1]
    states = Counter(j.get_state_display() for j in jobs)
    attempts = Counter(j.attempts for j in jobs)
    print(
        f"\nexports: {sum(searches.values())} accepted, {len(jobs)} rows, states {dict(states)}, "
        f"attempts {dict(sorted(attempts.items()))}; missing {len(missing)}, doubled "
        f"{len(doubled)}, not built {len(pending)}"
    )
    return not missing and not doubled and not pending


def check_pratiche(shared: Shared) -> bool:
    """Every "Scrivici" that got its outcome page is one pratica: none missing, none doubled."""
    from django.db import close_old_connections

    from portale.cases.models import Case

    close_old_connections()
    tokens = Counter(shared.pratiche_ok)
    keys = Counter(
        key.rsplit(":", 1)[-1]
        for key in Case.objects.filter(idempotency_key__contains=":contact_request:").values_list(
            "idempotency_key", flat=True
        )
    )
    missing = [t for t in tokens if keys[t] == 0]
    doubled = [t for t in tokens if keys[t] > 1]
    print(
        f"pratiche: {sum(tokens.values())} filed (302 to the outcome), "
        f"{sum(keys[t] for t in tokens)} rows for their tokens; missing {len(missing)}, "
        f"doubled {len(doubled)}"
    )
    return not missing and not doubled


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def serve(port: int, env: dict) -> list[subprocess.Popen]:
    py = str(ROOT / ".venv/bin/python")
    web = subprocess.Popen(
        [py, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--blocking-threads", "4", "--no-ws", "portale.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = start_worker(env)
    return [web, worker]


def start_worker(env: dict) -> subprocess.Popen:
    py = str(ROOT / ".venv/bin/python")
    return subprocess.Popen(
        [py, "manage.py", "run_huey", "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def wait_up(host: str, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the portal did not answer")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--export-share", type=float, default=0.05, help="ROA loops that export")
    parser.add_argument(
        "--write-share", type=float, default=0.02, help="loops that file a Scrivici pratica"
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8123")
    parser.add_argument("--serve", action="store_true", help="start granian and a worker")
    parser.add_argument("--worker-pid", type=int, default=0)
    parser.add_argument("--web-pid", type=int, default=0, help="granian's main process")
    parser.add_argument("--export-wait", type=float, default=120, help="seconds to wait")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.duration <= MAX_SECONDS:
        parser.error(f"at most {MAX_USERS} users and {MAX_SECONDS} s")
    if urlsplit(args.base_url).hostname not in LOOPBACK:
        parser.error("loopback only")
    return args


def run_load(args, shared: Shared, sessions, pages) -> tuple[float, float]:
    url = urlsplit(args.base_url)
    rng = random.Random(args.seed)
    start = time.monotonic()
    deadline = start + args.duration
    threads = []
    for profile, session in sessions:
        t = threading.Thread(
            target=_user,
            args=(profile, session, pages, args, url.hostname, url.port or 80, deadline, shared,
                  random.Random(rng.random())),
            daemon=True,
        )  # fmt: skip
        threads.append(t)
        t.start()
        time.sleep(min(0.05, args.think_min / max(1, len(sessions))))  # ramp up
    for t in threads:
        t.join(timeout=args.duration + 60)
    return start, time.monotonic() - start


def main(argv=None) -> int:
    args = parse_args(argv)
    _setup_django()
    from django.utils import timezone

    url = urlsplit(args.base_url)
    procs = []
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    if args.serve:
        procs = serve(url.port or 80, env)
        args.web_pid, args.worker_pid = procs[0].pid, procs[1].pid
    try:
        wait_up(url.hostname, url.port or 80)
        sessions, pages = _sessions_and_pages(args.users, args.seed)
        pages = probe(pages, sessions, url.hostname, url.port or 80)
        print(
            f"# soak: {args.users} users ({', '.join(sorted(pages))}), {args.duration:.0f} s, "
            f"think {args.think_min}-{args.think_max} s, {args.base_url}"
        )
        print(f"# pages per profile: { {p: len(v) for p, v in pages.items()} }")
        rss_start = _rss_mb(args.worker_pid)
        web_start = _rss_mb(args.web_pid)
        print(f"# load average at start: {load_average()} (2 cores, shared machine)")
        since = timezone.now()
        shared = Shared()
        warm: dict[str, float | None] = {}
        sampler = threading.Timer(
            min(120.0, args.duration / 5),
            lambda: warm.update(worker=_rss_mb(args.worker_pid), web=_rss_mb(args.web_pid)),
        )
        sampler.daemon = True
        sampler.start()
        start, duration = run_load(args, shared, sessions, pages)
        print(f"# load ran {duration:.0f} s (the last requests drain after {args.duration:.0f} s)")
        report(shared, args.duration, start)
        print(f"# load average at end: {load_average()}")
        ok = check_pratiche(shared)
        ok = check_exports(shared, since, args.export_wait) and ok
        worker_end, web_end = _rss_mb(args.worker_pid), _rss_mb(args.web_pid)
        print_memory("worker", rss_start, worker_end)
        print_memory("worker after warm-up", warm.get("worker"), worker_end)
        print_memory("web (granian, all processes)", web_start, web_end)
        print_memory("web after warm-up", warm.get("web"), web_end)
        return 0 if ok else 1
    finally:
        for p in procs:  # only the processes this script started
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    sys.exit(main())
