"""The "Dettaglio traffico" page path: the capped count written out, two queries a page."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

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


def test_capped_count_matches_the_orm_without_compiling_an_aggregate(events):
    qs = sel.events(events, DAY, DAY, ["VOCE", "DATI"])
    assert sel.count_capped(qs) == 13 == qs.count()
    assert sel.count_capped(qs, limit=4) == 5 == qs.order_by()[:5].count()
    assert sel.count_capped(sel.events(events, DAY, DAY, ["VOCE"], paid_only=True)) == 12
    assert sel.count_capped(sel.events(events, DAY, DAY, [])) == 0  # no category: empty
    with CaptureQueriesContext(connection) as c:
        sel.count_capped(qs)
    assert len(c) == 1 and "LIMIT" in c[0]["sql"] and "GROUP BY" not in c[0]["sql"]
    assert "__count" not in c[0]["sql"]  # not the ORM aggregate over a subquery
    # a query with a join is still counted by the ORM, correctly
    joined = qs.filter(line__msisdn=events.msisdn)
    assert sel.count_capped(joined) == 13


@pytest.mark.parametrize("table_class", [SubscriptionTrafficTable, PrepaidTrafficTable])
def test_detail_page_is_two_queries_and_the_count_is_not_an_orm_aggregate(events, table_class):
    qs = sel.events(events, DAY, DAY, ["VOCE", "DATI"])
    with CaptureQueriesContext(connection) as c:
        table, truncated = sel.detail_table(table_class, qs, QueryDict("sort=-occurred_at"))
        rows = table.rows
        exported = list(table.export_rows())
    assert not truncated and len(rows) == 10 and len(exported) == 13
    # count, page, export
    assert len(c) == 3
    assert "__count" not in c[0]["sql"] and "LIMIT" in c[1]["sql"]
    assert TrafficEvent.objects.count() == 14
