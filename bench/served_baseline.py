"""The bare baseline of the served benchmark: a Django view with no middleware doing the
same indexed query as the portal page it is compared with (COUNT + LIMIT 10 + a template),
served by granian exactly like the portal (``bench/served.py`` starts both).

    granian --interface wsgi --workers 2 --blocking-threads 4 served_baseline:application

Same settings as the portal (database, persistent connections) but ``MIDDLEWARE = []`` and
this module as URLconf. ``/lines/?contract=ID`` counts the contract's lines and lists the
first 10 by number (``&limit=50``: 50); ``/traffic/?line=ID&lo=ISO&hi=ISO`` counts
(capped at 3,001) and lists the newest 10 events of one line in a period, on the
(line_id, occurred_at) index;
``/tem/?contract=ID&lo=DATE&hi=DATE`` sums the contract's monthly aggregates by cost centre
and category (the TEM report's query) and draws them as a table.
"""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "served_baseline_settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import path  # noqa: E402

PAGE = engines["django"].from_string(
    "<!doctype html><html lang=it><head><title>{{ title }}</title></head><body>"
    "<h1>{{ title }}</h1><p>Tot. record {{ count }}</p><table>"
    "{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}"
    "</table></body></html>"
)


def _page(title: str, count: int, rows) -> HttpResponse:
    return HttpResponse(PAGE.render({"title": title, "count": count, "rows": rows}))


def lines(request):
    cid = int(request.GET["contract"])
    # ``limit``: as many rows as the portal page shows (Monitoring's deep page: 50).
    limit = min(int(request.GET.get("limit", 10)), 50)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM records_line WHERE contract_id = %s", [cid])
        count = cur.fetchone()[0]
        cur.execute(
            "SELECT msisdn, state, activation_date FROM records_line WHERE contract_id = %s "
            "ORDER BY msisdn LIMIT %s",
            [cid, limit],
        )
        return _page("Linee", count, cur.fetchall())


def tem(request):
    """The TEM report's read: the contract's monthly aggregates of the period summed by
    cost centre and traffic category (one GROUP BY), the cost centres' names, a pivot table
    drawn by the template."""
    cid, lo, hi = int(request.GET["contract"]), request.GET["lo"], request.GET["hi"]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT cost_centre_key, category, SUM(net_amount) FROM records_usagecontractmonth "
            "WHERE contract_id = %s AND month >= %s AND month <= %s GROUP BY 1, 2",
            [cid, lo, hi],
        )
        sums = cur.fetchall()
        cur.execute(
            "SELECT id, code || ' - ' || name FROM records_costcentre WHERE contract_id = %s",
            [cid],
        )
        names = {0: "Senza centro di costo", **dict(cur.fetchall())}
    cols = sorted({c for _k, c, _v in sums})
    cells = {(k, c): v for k, c, v in sums}
    rows = [
        [names.get(k, k), *(cells.get((k, c), 0) for c in cols)]
        for k in sorted({k for k, _c, _v in sums})
    ]
    return _page("Report TEM", len(rows), [["", *cols], *rows])


def traffic(request):
    args = [int(request.GET["line"]), request.GET["lo"], request.GET["hi"]]
    where = "WHERE line_id = %s AND occurred_at >= %s AND occurred_at < %s"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM records_trafficevent {where} LIMIT 3001) c",
            args,
        )
        count = cur.fetchone()[0]
        cur.execute(
            "SELECT occurred_at, category, called_number, duration_seconds, volume_kb, "
            f"net_amount FROM records_trafficevent {where} ORDER BY occurred_at DESC LIMIT 10",
            args,
        )
        return _page("Traffico", count, cur.fetchall())


urlpatterns = [path("lines/", lines), path("traffic/", traffic), path("tem/", tem)]
