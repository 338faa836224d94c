"""Benchmark of "Monitoring soglie" on the large demo profile (issue 11). Not a test.

Set up once (PostgreSQL shown; SQLite works the same without DATABASE_URL)::

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/thresholds_pages DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py demo_data --lines 100000

then::

    .venv/bin/python bench/thresholds_pages_bench.py [--runs 30]

Through the whole Django stack, logged in as a traffic manager of the 100,000-line contract
(the demo gives every line its G-33 roaming threshold and a quarter of them a spending
one), it prints p50/p95 in ms of "Monitoring erosione" (first page, a deep page, a line
search), the erosion pop-up, "Ricerca avanzata" (no search, Erosione ≥ 80 %, DISPOSITIVA
+ MENSILE) and the time of the CSV of every line. The bench referent is rolled back.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
os.environ.setdefault("DEBUG", "1")

from page_timing import pct, timed_get  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=30)
    args = p.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from portale.records.demo.logins import BULK_CONTRACT_CODE
    from portale.records.models import Contract, Line, Referent, Threshold
    from portale.records.tests.factories import UserFactory

    settings.ALLOWED_HOSTS = ["*"]
    contract = Contract.objects.filter(code=BULK_CONTRACT_CODE).first()
    if contract is None:
        sys.exit("Large profile missing: run `manage.py demo_data --lines 100000` first.")
    n = Threshold.objects.filter(line__contract=contract).count()
    lines = list(
        Line.objects.filter(contract=contract, thresholds__isnull=False)
        .values_list("pk", "msisdn")
        .distinct()[:500]
    )
    print(f"# Monitoring soglie — {connection.vendor}, contract {contract.code}, {n:,} thresholds")
    rng = random.Random(11)

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            ref = Referent.objects.create(
                contract=contract,
                role=Referent.Role.TRAFFIC_MANAGER,
                first_name="Bench",
                last_name="Soglie",
                fiscal_code="BNCSGL80A01H501X",
                mobile="3399990556",
                email="bench.soglie@example.it",
            )
            user = UserFactory(username="bench.soglie@example.it", mobile=ref.mobile)
            client = Client()
            client.force_login(user)
            mon = reverse("thresholds:monitoring")
            adv = reverse("thresholds:advanced")
            # Page 2000 as a user reaches it: the "Pagina successiva" link of page 1999
            # (with the keyset cursor, where the list component gives one).
            page = client.get(mon, {"page": 1999, "per_page": 50}).content.decode()
            found = re.search(r'href="([^"]+)"[^>]*aria-label="Pagina successiva"', page)
            deep_link = html.unescape(found.group(1)) if found else f"{mon}?page=2000&per_page=50"
            rows = [
                ("Monitoring erosione, page 1", mon, None),
                (
                    "Monitoring erosione, page 2000 (50/page)",
                    mon,
                    lambda: {"page": 2000, "per_page": 50},
                ),
                (
                    "Monitoring erosione, page 2000 by the pager",
                    None,
                    lambda: deep_link,
                ),
                (
                    "Monitoring erosione, search a line",
                    mon,
                    lambda: {"linea": rng.choice(lines)[1]},
                ),
                (
                    "erosion pop-up",
                    None,
                    lambda: reverse("thresholds:erosion", args=[rng.choice(lines)[0]]),
                ),
                ("Ricerca avanzata, no search", adv, None),
                ("Ricerca avanzata, Erosione >= 80%", adv, lambda: {"erosione": "80"}),
                (
                    "Ricerca avanzata, DISPOSITIVA MENSILE",
                    adv,
                    lambda: {"tipologia": "DISPOSITIVA", "periodo": "MENSILE"},
                ),
            ]
            print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8}")
            for label, url, params in rows:
                if url is None:  # the URL itself varies
                    times = []
                    for _ in range(args.runs):
                        u = params()
                        t0 = time.perf_counter()
                        client.get(u)
                        times.append((time.perf_counter() - t0) * 1000)
                    p50, p95 = pct(times, 50), pct(times, 95)
                else:
                    p50, p95, status = timed_get(client, url, args.runs, params)
                    assert status == 200, (label, status)
                print(f"{label:45} {p50:8.0f} {p95:8.0f}")
            t0 = time.perf_counter()
            response = client.post(adv, {"export": "csv"})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            size = len(body)
            print(
                f"{'CSV of every line (Scarica il file CSV)':45} "
                f"{(time.perf_counter() - t0) * 1000:8.0f} ms, {size / 1e6:.1f} MB"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
