"""Keyset pagination of the list component (issue 17): deep pages read no large OFFSET.

Every page reached by the pager's links (next, previous, the numbered neighbours, the last
page) shows exactly the rows ``OFFSET (page-1)*size LIMIT size`` showed, for sorts on
unique, tied, NULL-able, decimal and joined columns, both directions; and the SQL of those
pages has no OFFSET beyond the pages skipped (query capture; runs on SQLite and, with
``DATABASE_URL``, on PostgreSQL).
"""

import datetime
import re
from decimal import Decimal
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _

from portale.core.lists import (
    DATE,
    MONEY,
    Column,
    FilterForm,
    LineSearchField,
    Table,
    keyset,
    line_search,
)
from portale.records.models import Line
from portale.records.tests import factories as f

rf = RequestFactory()


class LineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


class KeyedLines(Table):
    msisdn = Column(_("Numero"), sort=True)
    contract = Column(_("Contratto"), "contract.code", sort=True)
    activation_date = Column(_("Data attivazione"), sort=True, format=DATE)
    cessation_date = Column(_("Data cessazione"), sort=True, format=DATE)
    credit = Column(_("Credito"), "company_credit", sort="company_credit", format=MONEY)

    class Meta:
        filter_form = LineFilter
        default_order = "msisdn"


def table(params, queryset=None):
    request = rf.get("/linee/", params)
    qs = queryset if queryset is not None else Line.objects.select_related("contract")
    return KeyedLines.from_request(request, qs)


def params_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def lines(contract, other_contract):
    """103 lines with ties (7 activation dates), NULL cessation dates, equal credits and
    two contracts: no column but msisdn orders them alone."""
    out = []
    for i in range(103):
        out.append(
            f.LineFactory(
                contract=contract if i % 3 else other_contract,
                activation_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=i % 7),
                cessation_date=None if i % 4 else datetime.date(2024, 1, 1 + i % 5),
                company_credit=Decimal(i % 5) + Decimal("0.50"),
            )
        )
    return out


def offset_pages(t) -> list[list[int]]:
    """The pages as ``OFFSET … LIMIT`` cut them: the reference."""
    pks = list(t.queryset.values_list("pk", flat=True))
    return [pks[i : i + t.per_page] for i in range(0, len(pks), t.per_page)]


def shown(t) -> list[int]:
    return [row.pk for row in t.page.object_list]


SORTS = [
    "msisdn",
    "-msisdn",
    "activation_date",
    "-activation_date",
    "cessation_date",
    "-cessation_date",
    "credit",
    "-contract",
]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", ["10", "25"])
def test_next_links_walk_the_same_pages_as_offset(lines, sort, size):
    t = table({"sort": sort, "per_page": size})
    reference = offset_pages(t)
    seen = [shown(t)]
    while t.next_url:
        t = table(params_of(t.next_url))
        seen.append(shown(t))
    assert seen == reference
    assert sum(len(p) for p in seen) == 103


@pytest.mark.parametrize("sort", SORTS)
def test_previous_links_from_the_last_page_walk_back_the_same_pages(lines, sort):
    first = table({"sort": sort})
    reference = offset_pages(first)
    t = table(params_of(first.page_links[-1]["url"]))  # the last page, linked without cursor
    assert t.page.number == len(reference)
    seen = [shown(t)]
    while t.previous_url:
        t = table(params_of(t.previous_url))
        seen.append(shown(t))
    assert seen[::-1] == reference


@pytest.mark.parametrize("sort", ["msisdn", "-activation_date", "cessation_date"])
def test_numbered_neighbours_and_reload_show_the_offset_rows(lines, sort):
    t = table({"sort": sort, "page": "3"})
    reference = offset_pages(t)
    assert shown(t) == reference[2]
    for link in t.page_links:
        if "number" in link and not link["current"]:
            assert shown(table(params_of(link["url"]))) == reference[link["number"] - 1]
    # the same page re-read from its own cursor (a selection posted to it, a reload)
    here = table(params_of(t.url()))
    assert shown(here) == reference[2]


def page_sql(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "records_line"' in q["sql"] and "LIMIT" in q["sql"]]


def offset_of(sql: str) -> int:
    match = re.search(r"OFFSET (\d+)", sql)
    return int(match.group(1)) if match else 0


def test_a_deep_page_reached_by_the_pager_reads_no_offset(lines):
    """The 4th page of 10 by "next": a keyset range read. The 3rd page typed without a
    cursor, in the middle of the list, needs an OFFSET, so the assertion can fail."""
    t = table({})
    for _step in range(2):
        t = table(params_of(t.next_url))
    url = t.next_url
    with CaptureQueriesContext(connection) as ctx:
        deep = table(params_of(url))
        rows = shown(deep)
    assert deep.page.number == 4 and rows == offset_pages(deep)[3]
    (sql,) = page_sql(ctx.captured_queries)
    assert offset_of(sql) == 0, sql
    assert '"records_line"."msisdn" >' in sql  # the keyset bound

    with CaptureQueriesContext(connection) as ctx:
        typed = table({"page": "3"})  # no cursor, middle of 5 pages: read with an OFFSET
        assert shown(typed) == offset_pages(typed)[2]
    (sql,) = page_sql(ctx.captured_queries)
    assert offset_of(sql) == 20


def test_the_last_page_and_its_neighbours_are_read_from_the_end(lines):
    last = table({"page": "11"})  # 103 rows: the last page holds 3
    with CaptureQueriesContext(connection) as ctx:
        rows = shown(last)
    assert rows == offset_pages(last)[10]
    (sql,) = page_sql(ctx.captured_queries)
    assert offset_of(sql) == 0 and "DESC" in sql
    before_last = table({"page": "10"})
    with CaptureQueriesContext(connection) as ctx:
        rows = shown(before_last)
    assert rows == offset_pages(before_last)[9]
    (sql,) = page_sql(ctx.captured_queries)
    assert offset_of(sql) == 3 and "DESC" in sql
    assert table({"page": "99"}).page.number == 11  # out of range → the last page


def narrow_and_page_sql(queries) -> tuple[list[str], list[str]]:
    """The boundary reads (the key columns only) and the reads of the page's rows (every
    column of the line), among the list's queries with a LIMIT."""
    wide = ('"msisdn"', '"activation_date"', '"cessation_date"', '"company_credit"')
    listed = page_sql(queries)
    rows = [q for q in listed if all(c in q.split(" FROM ")[0] for c in wide)]
    return [q for q in listed if q not in rows], rows


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_typed_without_cursor_shows_the_offset_rows(lines, sort, monkeypatch):
    """A typed page past ``JUMP_OFFSET`` rows from both ends (here 20) is found by its
    boundary key: the same rows as OFFSET for ties, NULLs, descending and joined sorts, on
    every page, whether its nearer end is the start or the end of the list. (Every sort
    column is taken as indexed here: the rows must be right whatever the database's plan.)"""
    monkeypatch.setattr(keyset, "JUMP_OFFSET", 20)
    monkeypatch.setattr(keyset, "indexed", lambda queryset, field: True)
    reference = offset_pages(table({"sort": sort}))
    jumped = 0
    for number in range(1, len(reference) + 1):
        with CaptureQueriesContext(connection) as ctx:
            t = table({"sort": sort, "page": str(number)})
            assert shown(t) == reference[number - 1], number
        assert t.page.number == number
        narrow, rows = narrow_and_page_sql(ctx.captured_queries)
        (row_sql,) = rows
        if narrow:
            jumped += 1
            (boundary_sql,) = narrow
            assert offset_of(boundary_sql) >= 20 and offset_of(row_sql) == 0, row_sql
        else:
            assert offset_of(row_sql) < 20
    assert jumped == 6  # pages 3 to 8 of 11: at least 20 rows from either end


def test_a_deep_typed_page_reads_its_rows_without_offset(lines, monkeypatch):
    """The middle page of a longer list (the bench's ``?page=5000``, small): one narrow
    read of its first key, then a range read; "Pagina N", the last page and a number past
    the end as before."""
    monkeypatch.setattr(keyset, "JUMP_OFFSET", 100)
    head = lines[0]
    many = [
        Line(
            contract=head.contract,
            tariff_plan=head.tariff_plan,
            msisdn=f"34{i:08d}",
            activation_date=head.activation_date,
        )
        for i in range(300)
    ]
    Line.objects.bulk_create(many)
    t = table({"per_page": "25"})
    middle = t.paginator.num_pages // 2
    reference = list(t.queryset.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        deep = table({"per_page": "25", "page": str(middle)})
        rows = shown(deep)
    assert rows == reference[(middle - 1) * 25 : middle * 25]
    assert deep.pager_text.endswith(f"Pagina {middle}")
    narrow, (row_sql,) = narrow_and_page_sql(ctx.captured_queries)
    assert len(narrow) == 1 and offset_of(narrow[0]) == (middle - 1) * 25
    assert offset_of(row_sql) == 0 and '"records_line"."msisdn" >=' in row_sql, row_sql
    last = table({"per_page": "25", "page": "99999"})  # past the end: the last page, as ever
    assert last.page.number == t.paginator.num_pages == 17
    assert shown(last) == reference[16 * 25 :]


def test_a_deep_page_sorted_on_a_column_no_index_holds_keeps_the_offset_read(lines, monkeypatch):
    """Sorted on an unindexed column or on a joined table's, both reads sort the whole list:
    the boundary read would be a second sort, not a jump."""
    monkeypatch.setattr(keyset, "JUMP_OFFSET", 20)
    for sort in ("activation_date", "-contract", "msisdn"):
        with CaptureQueriesContext(connection) as ctx:
            t = table({"sort": sort, "page": "5"})
            assert shown(t) == offset_pages(t)[4]
        narrow, (row_sql,) = narrow_and_page_sql(ctx.captured_queries)
        if sort == "msisdn":  # unique, so indexed: the jump
            assert narrow and offset_of(row_sql) == 0
        else:
            assert not narrow and offset_of(row_sql) == 40, sort


def test_skipping_two_pages_offsets_by_one_page_at_most(lines):
    t = table({"page": "1"})
    t = table(params_of(t.next_url))  # page 2, with its cursor
    link = next(x for x in t.page_links if x.get("number") == 4)
    with CaptureQueriesContext(connection) as ctx:
        rows = shown(table(params_of(link["url"])))
    assert rows == offset_pages(t)[3]
    (sql,) = page_sql(ctx.captured_queries)
    assert offset_of(sql) == 10


def test_a_cursor_of_another_sort_or_search_or_a_forged_one_is_ignored(lines):
    t = table({"sort": "activation_date", "page": "2"})
    cursor = params_of(t.next_url)["cursor"]
    reference = offset_pages(table({"sort": "-msisdn"}))
    assert shown(table({"sort": "-msisdn", "page": "3", "cursor": cursor})) == reference[2]
    forged = cursor[:-2] + "xx"
    assert shown(table({"sort": "-msisdn", "page": "3", "cursor": forged})) == reference[2]
    resized = table({"sort": "activation_date", "per_page": "25", "page": "3", "cursor": cursor})
    assert shown(resized) == offset_pages(resized)[2]


def test_sort_and_search_links_drop_the_cursor_and_the_export_too(lines):
    t = table({"page": "2"})
    t = table(params_of(t.next_url))
    assert "cursor" in t.url()
    for header in t.headers:
        if header.get("sortable"):
            assert "cursor" not in header["url"]
    assert "cursor" not in dict(t.search_hidden) and "cursor" not in dict(t.size_hidden)
    assert "cursor" not in t.export_action


def test_rows_added_between_clicks_keep_the_walk_continuous(lines, contract):
    """Keyset's own gain: a line added before the page being read does not shift the next
    page by one (OFFSET would show a row twice)."""
    t = table({})
    t = table(params_of(t.next_url))  # page 2
    last_seen = shown(t)[-1]
    f.LineFactory(contract=contract, msisdn="3300000000")  # sorts first
    following = table(params_of(t.next_url))
    ordered = list(following.queryset.values_list("pk", flat=True))
    assert shown(following)[0] == ordered[ordered.index(last_seen) + 1]


class GroupedByDate(Table):
    """A table that reads its rows its own way (a GROUP BY, as the aggregate lists)."""

    day = Column(_("Giorno"), lambda r: r["activation_date"], sort="activation_date")
    lines = Column(_("Linee"), lambda r: r["n"], sort="n")

    @cached_property
    def queryset(self):
        return (
            self.base_queryset.values("activation_date")
            .annotate(n=Count("pk"))
            .order_by("activation_date")
        )

    @cached_property
    def paginator(self):
        return Paginator(list(self.queryset), self.per_page)


def test_a_table_reading_its_rows_its_own_way_keeps_its_pages(contract):
    for i in range(50):
        f.LineFactory(contract=contract, activation_date=datetime.date(2021, 1, 1 + i % 25))
    t = GroupedByDate(Line.objects.all(), QueryDict("page=2"))
    rows = [(r["activation_date"].day, r["n"]) for r in t.page.object_list]
    assert rows == [(day, 2) for day in range(11, 21)]
    assert t.cursor == "" and "cursor" not in t.next_url
