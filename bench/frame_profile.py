"""Where one request of a page goes (issue 17): middleware, SQL, template rendering.

    createdb -h 127.0.0.1 -U postgres -T bench100k mycopy      # never use bench100k itself
    .venv/bin/python bench/frame_profile.py --database-url postgres://postgres@127.0.0.1:5432/mycopy

Production settings (``portale.settings.base``, ``DEBUG=0``, cached template loader), the
Django test client in-process, a session opened with both factors (``force_login`` with the
second-factor backend). For each of the pages of the "frame" group (private home,
Consistenze aggregate, Consistenze di dettaglio: page 1, a line search, the middle page typed
and reached by the pager's link; Storico pratiche, Fatture aziendali, the employee's Dettaglio
traffico, the TEM report, Monitoring soglie: page 1, the middle page of 50 rows reached by
the pager's "Pagina successiva" link as ``bench/served.py`` does, a line search) it prints, as the median of ``--runs`` requests after a warm-up: the total time,
the number of SQL statements and their time, the time spent rendering templates
(``Template.render``, without the SQL run lazily inside it) and the rest (middleware, view
code, the test client), and the CPU time of this process for the request (less sensitive to
the machine's load than wall times). ``--profile NAME`` prints the cProfile top of that page
over as many requests as were timed.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--roa", default="roa.grande@demo.it")
    p.add_argument("--employee", default="dipendente.grande@demo.it")
    p.add_argument("--pages", default="", help="comma-separated page names (default all)")
    p.add_argument("--profile", default="", help="print the cProfile top of this page")
    p.add_argument("--top", type=int, default=35)
    p.add_argument(
        "--callers", default="", help="with --profile: who calls functions matching this"
    )
    p.add_argument("--sql", action="store_true", help="print the statements of one request")
    p.add_argument("--full-sql", action="store_true", help="with --sql: not cut at 300 chars")
    args = p.parse_args()
    if not args.database_url:
        p.error("--database-url is required (a copy of bench100k)")
    return args


def setup(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        PORTALE_DEMO="0",
        SECRET_KEY="frame-profile-" + "x" * 40,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        DJANGO_SETTINGS_MODULE="portale.settings.base",
    )
    import django

    django.setup()
    from django.conf import settings

    # The test client serves static URLs from the manifest-less storage: no collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pages(contract):
    from django.urls import reverse
    from django.utils import timezone

    from portale.myline.selectors import SUBSCRIPTION_CATEGORIES
    from portale.records.models import Threshold

    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    cats = "".join(f"&categoria={k}" for k in SUBSCRIPTION_CATEGORIES)
    traffic = (
        f"{reverse('myline:consumption_detail')}?vedi=1&dal={start:%Y-%m-%d}"
        f"&al={today:%Y-%m-%d}{cats}"
    )
    out = [
        ("home", "roa", reverse("home:index")),
        ("aggregate", "roa", reverse("inventory:aggregate_list", args=["linee"])),
        ("aggregate sts", "roa", reverse("inventory:aggregate_list", args=["sts"])),
        ("pratiche", "roa", reverse("cases:history")),
        ("fatture", "roa", reverse("billing:invoices")),
        ("detail p1", "roa", reverse("inventory:detail_list", args=["linee"])),
        ("search digits", "roa", reverse("inventory:detail_list", args=["linee"]) + "?linea=54321"),
        # The middle page as served.py reaches it: typed, and by the pager's link.
        ("detail deep", "roa", reverse("inventory:detail_list", args=["linee"]) + "?page=5000"),
        (
            "detail deep link",
            "roa",
            f"{NEXT_OF}{reverse('inventory:detail_list', args=['linee'])}?page=4999",
        ),
        ("traffico dip.", "employee", traffic),
        (
            "tem report",
            "roa",
            f"{reverse('tem:report')}?da={today.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"
            f"&a={today:%Y-%m}&righe=cdc&colonne=tipo",
        ),
    ]
    # Monitoring soglie of the ROA's contract (the one the session selects): the middle page
    # of 50 rows, as served.py reaches it (the pager's link from the page before, with its
    # keyset cursor), resolved at the first request of the page.
    monitoring = reverse("thresholds:monitoring")
    thresholds = Threshold.objects.filter(line__contract=contract).count()
    mon_deep = max(1, thresholds // 50 // 2 - 1)
    out += [
        ("monitoring", "roa", monitoring),
        ("monitoring deep", "roa", f"{NEXT_OF}{monitoring}?page={mon_deep}&per_page=50"),
        ("monitoring srch", "roa", f"{monitoring}?linea=54321"),
    ]
    return out


NEXT_OF = "next-of:"


def resolve(client, url: str) -> str:
    """``next-of:<path>``: the page's "Pagina successiva" link, as a user follows it."""
    import html
    import re

    if not url.startswith(NEXT_OF):
        return url
    page = client.get(url.removeprefix(NEXT_OF)).content.decode()
    found = re.search(r'href="([^"]+)"[^>]*aria-label="Pagina successiva"', page)
    if not found:
        raise SystemExit(f"{url}: no next-page link")
    return html.unescape(found.group(1))


def open_tem(client) -> None:
    """Open TEM in the ROA's session as the browser does: the portal link's page posts its
    single-use token to TEM's entry (the hand-off), which keeps the grant in the session."""
    import re

    from django.urls import reverse

    page = client.get(reverse("billing:tem")).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert client.post(action, {"token": token}).status_code in (302, 303)


def logged_in_clients(roa: str, employee: str) -> dict:
    """Test clients of the two users, their sessions opened with both factors; the ROA's
    with TEM opened (``pages()``' "who" names them)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from portale.core.auth import SECOND_FACTOR_BACKEND

    users = get_user_model().objects
    clients = {}
    for who, username in (("roa", roa), ("employee", employee)):
        c = Client()
        c.force_login(users.get(username=username), backend=SECOND_FACTOR_BACKEND)
        clients[who] = c
    open_tem(clients["roa"])
    return clients


class Timer:
    """Wall time of SQL (execute wrapper) and of template rendering (outermost render)."""

    def __init__(self):
        self.sql = 0.0
        self.queries = 0
        self.render = 0.0
        self.depth = 0
        self.sql_in_render = 0.0

    def execute(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t
            self.sql += spent
            self.queries += 1
            if self.depth:
                self.sql_in_render += spent


def main() -> None:
    args = parse_args()
    setup(args.database_url)
    from django.db import connection
    from django.template import base as template_base

    clients = logged_in_clients(args.roa, args.employee)

    timer = Timer()
    original = template_base.Template.render

    def timed_render(self, context):
        timer.depth += 1
        t = time.perf_counter()
        try:
            return original(self, context)
        finally:
            timer.depth -= 1
            if timer.depth == 0:
                timer.render += time.perf_counter() - t

    template_base.Template.render = timed_render
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    print(
        f"{datetime.datetime.now(datetime.UTC):%H:%M} UTC, load {os.getloadavg()[0]:.2f}; "
        f"median of {args.runs} requests, ms"
    )
    print(
        f"{'page':<15} {'total':>7} {'queries':>8} {'SQL':>7} {'render':>7} {'other':>7} {'CPU':>7}"
    )
    from django.urls import reverse

    home = clients["roa"].get(reverse("home:index"))
    for name, who, url in pages(home.wsgi_request.portal.contract):
        if wanted and name not in wanted:
            continue
        client = clients[who]
        url = resolve(client, url)
        r = client.get(url)
        assert r.status_code == 200, (name, r.status_code)
        rows = []
        with connection.execute_wrapper(timer.execute):
            for _ in range(args.runs):
                timer.__init__()
                t, c = time.perf_counter(), time.process_time()
                client.get(url)
                total = time.perf_counter() - t
                cpu = time.process_time() - c
                render = timer.render - timer.sql_in_render
                other = total - timer.sql - render
                rows.append((total, timer.queries, timer.sql, render, other, cpu))
        med = [statistics.median(r[i] for r in rows) for i in range(6)]
        print(
            f"{name:<15} {med[0] * 1000:>7.1f} {med[1]:>8.0f} {med[2] * 1000:>7.1f} "
            f"{med[3] * 1000:>7.1f} {med[4] * 1000:>7.1f} {med[5] * 1000:>7.1f}"
        )
        if args.sql:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            for q in captured.captured_queries:
                sql = q["sql"] if args.full_sql else q["sql"][:300]
                print(f"    {q['time']}s  {sql}")
        if args.profile == name:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.runs):  # as many as timed: one stall is not the profile
                client.get(url)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(args.top)
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
            if args.callers:
                pstats.Stats(prof).sort_stats("cumulative").print_callers(args.callers)


if __name__ == "__main__":
    main()
