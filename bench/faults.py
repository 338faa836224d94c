"""Fault test: the soak load (bench/soak.py) while the worker is killed, Redis is stopped and
PostgreSQL is restarted; then every success is checked in the database.

Starts the documented deployment on loopback (granian 2 workers × 16 blocking threads, one
``run_huey`` worker) with **its own Redis** on ``--redis-port`` (stopping it disturbs nobody
else) and a stand-in SMS provider on ``--sms-port`` (it counts what it receives, slowly, so a
kill often lands in the middle of a delivery). Meanwhile this process writes background work
of every kind: an SMS every ``--sms-every`` s (outbox durable job) and, on each referent of
the ROA's first contract, a "Modifica contatti referente" pratica as soon as the previous one
closed (fulfilment durable job; its closing e-mail is an outbox job too); the simulated users
file "Scrivici" pratiche and ask for exports (export durable job). The faults:

1. ``--kill-at`` s: SIGKILL the worker (its running task dies with it), start a new one;
2. ``--redis-at`` s: stop Redis for ``--redis-down`` s (wake-up calls fail), then start it
   again, empty (the worst case: no persistence);
3. ``--postgres-at`` s: restart the PostgreSQL cluster ``--pg-cluster`` (``pg_ctlcluster``).
   Use a cluster of your own (``pg_createcluster 15 faults --port 5433``, the demo data
   loaded into it, ``DATABASE_URL`` on that port): the script refuses a cluster that does not
   serve ``DATABASE_URL`` and the machine's shared one on 5432 unless ``--allow-shared``.

Then it waits (the durable-job sweep runs every minute; the stuck timeouts are lowered to
``--stuck-after`` s for the run) and checks in the database that every request that got a
success is there exactly once, every pratica filed is closed with one closing e-mail, and
every queued job finished exactly once: each SMS reached the provider once, each export was
built once.

    pg_createcluster 15 faults --port 5433 -- --auth=trust && pg_ctlcluster 15 faults start
    export DATABASE_URL=postgres://postgres@127.0.0.1:5433/soak PORTALE_DEMO=1 \\
        DJANGO_SETTINGS_MODULE=portale.settings.base
    createdb -h 127.0.0.1 -p 5433 -U postgres soak && .venv/bin/python manage.py migrate \\
        && .venv/bin/python manage.py collectstatic --noinput && .venv/bin/python manage.py demo_setup
    .venv/bin/python bench/faults.py --users 100 --duration 300 --pg-cluster 15/faults
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak  # noqa: E402


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    return proc


class SmsProvider(ThreadingHTTPServer):
    """A stand-in SMS gateway on loopback: counts every text it accepts."""

    daemon_threads = True

    def __init__(self, port: int, delay: float):
        self.received: Counter[str] = Counter()  # requests per text
        self.keys: dict[str, set[str]] = {}  # text → Idempotency-Keys seen
        self.lock = threading.Lock()
        self.delay = delay
        super().__init__(("127.0.0.1", port), _SmsHandler)


class _SmsHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        time.sleep(self.server.delay)
        with self.server.lock:
            text = body.get("text", "")
            self.server.received[text] += 1
            self.server.keys.setdefault(text, set()).add(self.headers.get("Idempotency-Key", ""))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


def check_postgres_target(cluster: str, allow_shared: bool) -> str:
    """The cluster to restart must be the one DATABASE_URL uses, and not the shared one."""
    version, name = cluster.split("/", 1)
    port = int(Path(f"/etc/postgresql/{version}/{name}/postgresql.conf").read_text().split(
        "\nport = ", 1)[1].split()[0])  # fmt: skip
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if url.port != port:
        sys.exit(f"--pg-cluster {cluster} listens on {port}, DATABASE_URL on {url.port}: refused")
    if port == 5432 and not allow_shared:
        sys.exit("refusing to restart the shared PostgreSQL on 5432 (use --allow-shared)")
    return f"{version} {name} (port {port})"


class Producer:
    """Background work written by this process during the faults (as the portal's services
    write it): SMS through the outbox, referent pratiche through fulfilment."""

    def __init__(self, sms_every: float, run_id: str):
        from portale.accounts.models import User
        from portale.records.models import Referent

        self.sms_every, self.run_id = sms_every, run_id
        self.sms_ok: list[str] = []
        self.cases_ok: list[tuple[int, str]] = []  # (pk, e-mail filed)
        self.failures: Counter[str] = Counter()
        self.roa = User.objects.get(username=soak.PROFILE_LOGINS["ROA"])
        mine = Referent.objects.filter(mobile=self.roa.mobile).select_related("contract")
        self.contract = mine.first().contract
        # Their e-mail changes, never their mobile (the mobile grants the profile, E-03).
        self.referents = list(
            Referent.objects.filter(
                contract=self.contract, role__in=["EBILL", "MESSAGING", "TRAFFIC"]
            )
        )
        self.stop = threading.Event()

    def run(self):
        from django.db import close_old_connections

        i = 0
        rng = random.Random(19)
        while not self.stop.is_set():
            i += 1
            try:
                self._sms(i)
                if i % 4 == 0:
                    self._pratiche(i, rng)
            except Exception as exc:  # the database restarting: try again next round
                self.failures[type(exc).__name__] += 1
                close_old_connections()
            self.stop.wait(self.sms_every)

    def _sms(self, i: int) -> None:
        from portale.core.notifications import send_sms

        text = f"faults {self.run_id} sms {i}"
        send_sms(to="3470000000", text=text, kind="faults")
        self.sms_ok.append(text)

    def _pratiche(self, i: int, rng) -> None:
        from portale.cases import services
        from portale.cases.lifecycle import OPEN_STATES
        from portale.cases.models import Case

        for ref in self.referents:
            key = f"referent:{ref.pk}"
            if Case.objects.filter(conflict_key=key, state__in=OPEN_STATES).exists():
                continue
            email = f"faults.{self.run_id}.{i}@ente.example.it"
            case = services.case_file(
                operation="referent_contacts",
                actor=self.roa,
                contract=self.contract,
                payload={"referent": str(ref.pk), "mobile": ref.mobile, "email": email},
                idempotency_key=f"faults:{self.run_id}:{i}:{ref.pk}",
            )
            self.cases_ok.append((case.pk, email))


def check_background(producer: Producer, provider: SmsProvider, wait: float) -> bool:
    """Every SMS sent once, every pratica closed with one closing e-mail, nothing pending."""
    from django.db import close_old_connections

    from portale.cases.lifecycle import OPEN_STATES
    from portale.cases.models import Case, CaseState
    from portale.core.models import OutboxMessage

    pks = [pk for pk, _ in producer.cases_ok]
    deadline = time.monotonic() + wait
    while True:
        close_old_connections()
        open_cases = Case.objects.filter(pk__in=pks, state__in=OPEN_STATES).count()
        unsent = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING],
            created_at__gte=producer.since,
        ).count()
        if (not open_cases and not unsent) or time.monotonic() > deadline:
            break
        time.sleep(5)
    rows = OutboxMessage.objects.filter(kind="faults", text__startswith=f"faults {producer.run_id}")
    row_count = Counter(rows.values_list("text", flat=True))
    states = Counter(rows.values_list("status", flat=True))
    attempts = Counter(rows.values_list("attempts", flat=True))
    with provider.lock:
        received = Counter(provider.received)
        keys = {text: set(k) for text, k in provider.keys.items()}
    sms = producer.sms_ok
    lost = [t for t in sms if received[t] == 0]
    repeated = [t for t in sms if received[t] > 1]  # a request again: a kill mid-send
    twice = [t for t in sms if len(keys.get(t, ())) > 1 or "" in keys.get(t, ())]
    doubled_rows = [t for t in sms if row_count[t] != 1]
    print(
        f"\nSMS: {len(sms)} accepted, {sum(row_count.values())} outbox rows, states "
        f"{dict(states)}, attempts {dict(sorted(attempts.items()))}; provider received "
        f"{sum(received[t] for t in sms)} requests: lost {len(lost)}, requested again "
        f"{len(repeated)} (the worker killed after the provider had it: same Idempotency-Key, "
        f"delivered once by a provider honouring it), sent twice under two keys {len(twice)}, "
        f"rows not exactly one {len(doubled_rows)}"
    )
    cases = {c.pk: c for c in Case.objects.filter(pk__in=pks).select_related("contract")}
    closed = [c for c in cases.values() if c.state == CaseState.CLOSED]
    mails = Counter()
    for subject, status in OutboxMessage.objects.filter(
        kind="case", created_at__gte=producer.since
    ).values_list("subject", "status"):
        mails[(subject, status)] += 1
    one_mail = 0
    for case in closed:
        sent = [n for (subject, status), n in mails.items() if case.number in subject]
        one_mail += sum(sent) == 1
    effects = Counter(c.state for c in cases.values())
    # The effect of the last closed pratica of each referent is on the record.
    from portale.records.models import Referent

    emails = set(Referent.objects.filter(pk__in=[r.pk for r in producer.referents]).values_list(
        "email", flat=True))  # fmt: skip
    last = {}
    for pk, email in producer.cases_ok:
        if pk in cases and cases[pk].state == CaseState.CLOSED:
            last[cases[pk].payload.get("referent_id")] = email
    applied = sum(1 for email in last.values() if email in emails)
    print(
        f"pratiche (fulfilment): {len(pks)} filed, {len(cases)} rows, states {dict(effects)}; "
        f"closed {len(closed)}, with exactly one closing e-mail {one_mail}; last e-mail on the "
        f"record for {applied}/{len(last)} referents; producer errors {dict(producer.failures)}"
    )
    return not lost and not twice and not doubled_rows and len(closed) == len(pks) == one_mail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--sms-port", type=int, default=8199)
    parser.add_argument("--sms-every", type=float, default=0.5, help="seconds between SMS")
    parser.add_argument("--kill-at", type=float, default=40)
    parser.add_argument("--redis-at", type=float, default=90)
    parser.add_argument("--redis-down", type=float, default=30)
    parser.add_argument("--postgres-at", type=float, default=180)
    parser.add_argument("--pg-cluster", default="", help="e.g. 15/faults (empty: no restart)")
    parser.add_argument("--allow-shared", action="store_true")
    parser.add_argument("--stuck-after", type=int, default=60, help="seconds (jobs' timeout)")
    parser.add_argument("--export-share", type=float, default=0.1)
    parser.add_argument("--write-share", type=float, default=0.03)
    parser.add_argument("--wait", type=float, default=300, help="seconds to wait for the jobs")
    args = parser.parse_args()
    load_args = soak.parse_args(
        [
            "--users", str(args.users), "--duration", str(args.duration),
            "--base-url", f"http://127.0.0.1:{args.port}",
            "--export-share", str(args.export_share), "--write-share", str(args.write_share),
        ]
    )  # fmt: skip
    pg_target = check_postgres_target(args.pg_cluster, args.allow_shared) if args.pg_cluster else ""
    run_id = f"{int(time.time())}"
    settings_env = {
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "HUEY_NAME": "faults",
        "NOTIFY_SMS_BACKEND": "http",
        "SMS_HTTP_URL": f"http://127.0.0.1:{args.sms_port}/sms",
        "NOTIFY_STUCK_AFTER_SECONDS": str(args.stuck_after),
        "EXPORT_STUCK_AFTER_SECONDS": str(args.stuck_after),
        "FULFILMENT_DELAYS": '{"take": 2, "work": 3, "order_step": 3}',
    }
    os.environ.update(settings_env)  # this process writes jobs too: same queue, same settings
    soak._setup_django()
    from django.utils import timezone

    provider = SmsProvider(args.sms_port, delay=0.3)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    redis = start_redis(args.redis_port)
    env = dict(os.environ)
    procs = soak.serve(args.port, env)
    events: list[str] = []
    try:
        soak.wait_up("127.0.0.1", args.port)
        sessions, pages = soak._sessions_and_pages(args.users, 19)
        pages = soak.probe(pages, sessions, "127.0.0.1", args.port)
        print(
            f"# faults: {args.users} users, {args.duration:.0f} s, own Redis :{args.redis_port}, "
            f"PostgreSQL restarted: {pg_target or 'no'}; load average {soak.load_average()}"
        )
        since = timezone.now()
        producer = Producer(args.sms_every, run_id)
        producer.since = since
        shared = soak.Shared()
        t0 = time.monotonic()

        def faults():
            nonlocal redis
            plan = sorted(
                [(args.kill_at, "kill"), (args.redis_at, "redis")]
                + ([(args.postgres_at, "postgres")] if args.pg_cluster else [])
            )
            for at, what in plan:
                time.sleep(max(0, t0 + at - time.monotonic()))
                if what == "kill":
                    procs[1].send_signal(signal.SIGKILL)
                    procs[1].wait()
                    procs[1] = soak.start_worker(env)
                    events.append(f"{at:.0f} s: worker SIGKILLed and started again")
                elif what == "redis":
                    redis.terminate()
                    redis.wait()
                    events.append(f"{at:.0f} s: Redis stopped for {args.redis_down:.0f} s")
                    time.sleep(args.redis_down)
                    redis = start_redis(args.redis_port)
                    events.append(f"{at + args.redis_down:.0f} s: Redis started again (empty)")
                else:
                    version, name = args.pg_cluster.split("/", 1)
                    began = time.monotonic()
                    subprocess.run(["pg_ctlcluster", version, name, "restart"], check=False)
                    events.append(
                        f"{at:.0f} s: PostgreSQL {args.pg_cluster} restarted "
                        f"({time.monotonic() - began:.1f} s)"
                    )
                    restart_window.extend([began - t0, time.monotonic() - t0])

        restart_window: list[float] = []
        injector = threading.Thread(target=faults, daemon=True)
        injector.start()
        writer = threading.Thread(target=producer.run, daemon=True)
        writer.start()
        start, duration = soak.run_load(load_args, shared, sessions, pages)
        producer.stop.set()
        injector.join()
        writer.join(timeout=60)
        for event in events:
            print(f"  fault at {event}")
        soak.report(shared, args.duration, start)
        errors = [r for r in shared.results if r.cause]
        if restart_window:
            # A request overlapping the restart (a write is a GET then a POST: it may start
            # a few seconds before), or the first seconds after it.
            low, high = restart_window[0], restart_window[1] + 5
            outside = [
                r for r in errors if r.started - start > high or r.started + r.seconds - start < low
            ]
            print(
                f"errors inside the PostgreSQL restart window ({low:.0f}–{high:.0f} s): "
                f"{len(errors) - len(outside)}; outside: {len(outside)} "
                f"{dict(Counter((r.page, r.cause) for r in outside).most_common(5))}"
            )
        ok = soak.check_pratiche(shared)
        ok = soak.check_exports(shared, since, args.wait) and ok
        ok = check_background(producer, provider, args.wait) and ok
        print(f"# load average at end: {soak.load_average()}")
        print("RESULT:", "0 jobs lost, 0 run twice" if ok else "LOST OR DOUBLED JOBS")
        return 0 if ok else 1
    finally:
        for p in [*procs, redis]:  # only the processes this script started
            p.terminate()
        for p in [*procs, redis]:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        provider.shutdown()


if __name__ == "__main__":
    sys.exit(main())
