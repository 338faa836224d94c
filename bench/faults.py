"""Fault test: the soak load (bench/soak.py) while the worker is killed and Redis is stopped.

Starts the documented deployment on loopback (granian 2 workers × 16 blocking threads, one
``run_huey`` worker) with **its own Redis** on ``--redis-port`` (so stopping it disturbs
nobody else), runs the load, and meanwhile:

1. ``--kill-at`` s: SIGKILL the worker (its running task dies with it), start a new one;
2. ``--redis-at`` s: stop Redis for ``--redis-down`` s (export requests keep arriving: their
   wake-up calls fail), then start it again, empty (the worst case: no persistence);
3. optionally ``--postgres-restart-at`` s: ``pg_ctlcluster <ver> main restart`` — off by
   default, since it restarts the machine's shared PostgreSQL for everyone.

Then it waits for the durable-job sweep and checks in the database that every export
request that got a success exists exactly once and was built, and prints the soak figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soak PORTALE_DEMO=1 \\
    DJANGO_SETTINGS_MODULE=portale.settings.base \\
      .venv/bin/python bench/faults.py --users 50 --duration 120
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--kill-at", type=float, default=20)
    parser.add_argument("--redis-at", type=float, default=50)
    parser.add_argument("--redis-down", type=float, default=30)
    parser.add_argument("--postgres-restart-at", type=float, default=0)
    parser.add_argument("--export-share", type=float, default=0.2)
    parser.add_argument("--export-wait", type=float, default=300)
    args = parser.parse_args()
    load_args = soak.parse_args(
        [
            "--users", str(args.users), "--duration", str(args.duration),
            "--base-url", f"http://127.0.0.1:{args.port}",
            "--export-share", str(args.export_share),
        ]
    )  # fmt: skip
    soak._setup_django()
    from django.utils import timezone

    redis = start_redis(args.redis_port)
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "HUEY_NAME": "faults",
    }
    procs = soak.serve(args.port, env)
    events: list[str] = []
    try:
        soak.wait_up("127.0.0.1", args.port)
        sessions, pages = soak._sessions_and_pages(args.users, 19)
        pages = soak.probe(pages, sessions, "127.0.0.1", args.port)
        print(f"# faults: {args.users} users, {args.duration:.0f} s, own Redis :{args.redis_port}")
        since = timezone.now()
        shared = soak.Shared()
        t0 = time.monotonic()

        def faults():
            nonlocal redis
            plan = sorted(
                [(args.kill_at, "kill"), (args.redis_at, "redis")]
                + ([(args.postgres_restart_at, "postgres")] if args.postgres_restart_at else [])
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
                    version = sorted(os.listdir("/etc/postgresql"))[-1]
                    subprocess.run(["pg_ctlcluster", version, "main", "restart"], check=False)
                    events.append(f"{at:.0f} s: PostgreSQL restarted")

        injector = threading.Thread(target=faults, daemon=True)
        injector.start()
        start, duration = soak.run_load(load_args, shared, sessions, pages)
        injector.join()
        for event in events:
            print(f"  fault at {event}")
        soak.report(shared, args.duration, start)
        ok = soak.check_exports(shared, since, args.export_wait)
        print("RESULT:", "0 jobs lost, 0 built twice" if ok else "LOST OR DOUBLED JOBS")
        return 0 if ok else 1
    finally:
        for p in [*procs, redis]:  # only the processes this script started
            p.terminate()
        for p in [*procs, redis]:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    sys.exit(main())
