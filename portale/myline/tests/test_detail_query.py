"""The "Dettaglio traffico" page path: the list's built-in cap (G-44), two queries a page."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from portale.core.lists.tables import count_upto
from portale.myline import selectors as sel
from portale.myline.tables import PrepaidTrafficTable, SubscriptionTrafficTable
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, data, voice
from portale.records.models import TrafficEvent

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 9, 1)


@pytest.fixture
def events(employee_line, contract):
    from portale.records.tests import factories as f

    other = f.SimFactory(line__contract=contract).line
    m = employee_line.msisdn
    rows = [voice(f"V{i}", m, f"2021-09-01T{i:02d}:00:00", 60) for i in range(12)]
    rows += [
        data("D1", m, "2021-09-01T13:30:00", 100),
        voice("O1", other.msisdn, "2021-09-01T09:00:00", 60),
    ]
    import_cdr_bytes(cdr_bytes(rows))
    return employee_line


def _table(table_class, qs, query="sort=-occurred_at"):
    return table_class(qs, QueryDict(query))


def test_the_cap_keeps_the_newest_events_and_counts_no_further(events, monkeypatch):
    qs = sel.events(events, DAY, DAY, ["VOCE", "DATI"])
    table = _table(SubscriptionTrafficTable, qs)
    assert table.count == 13 == qs.count() and not table.truncated
    monkeypatch.setattr(SubscriptionTrafficTable._meta, "max_rows", 4)
    table = _table(SubscriptionTrafficTable, qs, "sort=occurred_at")
    with CaptureQueriesContext(connection) as c:
        assert table.count == 4 and table.truncated
    # one query, stopped at max_rows + 1 rows
    assert len(c) == 1 and "LIMIT 5" in c[0]["sql"]
    newest = sorted(qs.values_list("occurred_at", flat=True), reverse=True)[:4]
    exported = [row[4] for row in table.export_rows()]
    assert exported == sorted(newest)  # the newest four, in the order asked
    assert _table(SubscriptionTrafficTable, sel.events(events, DAY, DAY, [])).count == 0


def test_count_upto_counts_the_rows_no_further_than_the_limit(events):
    qs = sel.events(events, DAY, DAY, ["VOCE", "DATI"]).order_by("-occurred_at")
    assert [count_upto(qs, n) for n in (1, 12, 13, 14, 3001)] == [1, 12, 13, 13, 13]
    assert count_upto(qs.distinct(), 20) == 13
    assert count_upto(qs.filter(category="DATI"), 20) == 1
    with CaptureQueriesContext(connection) as c:
        assert count_upto(qs.none(), 5) == 0
        assert count_upto(sel.events(events, DAY, DAY, []), 5) == 0
    assert len(c) == 0  # a query that cannot match sends no statement


@pytest.mark.parametrize("table_class", [SubscriptionTrafficTable, PrepaidTrafficTable])
def test_detail_page_is_two_queries(events, table_class):
    qs = sel.events(events, DAY, DAY, ["VOCE", "DATI"])
    with CaptureQueriesContext(connection) as c:
        table = _table(table_class, qs)
        rows = table.rows
        exported = list(table.export_rows())
    assert not table.truncated and len(rows) == 10 and len(exported) == 13
    # capped count, page, export: the paginator does not count a second time
    assert len(c) == 3
    assert "LIMIT 3001" in c[0]["sql"] and "LIMIT" in c[1]["sql"]
    assert TrafficEvent.objects.count() == 14


@pytest.mark.parametrize(
    ("state", "personal"),
    [(None, False), ("IN ATTIVAZIONE", False), ("ATTIVO", True), ("SOSPESO", True)],
)
def test_detail_page_reads_the_tim_tuo_state_and_the_list_in_three_queries(
    client, employee, employee_line, state, personal
):
    """What the page reads besides who the user is (issue 17): the state of the line's TIM
    TUO (one column, no join), the capped count and the page of events, never the line
    itself (its number and plan come with the cached context); "Personale" may be asked only
    with a TIM TUO active or suspended."""
    from django.urls import reverse
    from django.utils import timezone

    from portale.records.tests import factories as f

    if state:
        f.DualBillingFactory(line=employee_line, state=state)
    now = timezone.now()
    TrafficEvent.objects.bulk_create(
        TrafficEvent(
            line=employee_line,
            occurred_at=now - datetime.timedelta(minutes=i + 1),
            category="VOCE",
            type="MOC",
            charging="PERSONALE" if i % 2 else "AZIENDALE",
            rated_at=now,
        )
        for i in range(15)
    )
    client.force_login(employee)
    client.get(reverse("myline:consumption_detail"))  # the context is cached from here on
    today = timezone.localdate()
    params = {
        "vedi": "1",
        "dal": f"{today - datetime.timedelta(days=1):%Y-%m-%d}",
        "al": f"{today:%Y-%m-%d}",
        "categoria": "generico",
        "tipologia": "PERSONALE",
    }
    with CaptureQueriesContext(connection) as c:
        r = client.get(reverse("myline:consumption_detail"), params)
    assert r.status_code == 200
    html = r.content.decode()
    if personal:
        assert "Tot. record 7" in html and "disponibile solo se attivo" not in html
    else:
        assert "disponibile solo se attivo il servizio TIM TUO" in html and "table" not in r.context
    page = [q["sql"] for q in c if "records_dualbilling" in q["sql"]]
    assert len(page) == 1 and "JOIN" not in page[0]
    events = [q["sql"] for q in c if "records_trafficevent" in q["sql"]]
    assert len(events) == (2 if personal else 0)
    assert not [q["sql"] for q in c if 'FROM "records_line"' in q["sql"]]
    if personal:
        assert employee_line.msisdn in html  # "Linea:" still shows the number


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize("query", ["sort=-occurred_at", "sort=occurred_at"])
def test_the_page_reads_the_line_events_in_index_order_without_a_sort(events, query):
    """Newest first with the pk as tie-break, straight from the (line, occurred_at, id)
    index: LIMIT 10 stops after ten entries. On (line, occurred_at) alone PostgreSQL sorted
    all the period's events of the line for every page of ten (an incremental sort)."""
    table = _table(SubscriptionTrafficTable, sel.events(events, DAY, DAY, ["VOCE", "DATI"]), query)
    assert len(table.page.object_list) == 10
    with connection.cursor() as cur:  # this test's transaction only: a tiny table
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_bitmapscan = off")
    plan = table.queryset[:10].explain(format="json")
    assert "traffic_line_time_pk_idx" in plan
    assert '"Sort"' not in plan and "Incremental Sort" not in plan
