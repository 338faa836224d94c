"""Deep pages of the lists sorted by the line's number (issue 17): "Su linea", "Servizi su
linea (STS)" and "Monitoring soglie" read a page typed without a cursor by the boundary
jump of ``portale.core.lists.keyset`` along the index of the listed table's own copy of the
line's number (migration 0014), and list exactly the rows, in exactly the order, the
join to the line gave before: on every page, both directions, walking the pager too.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Concat
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from portale.core.lists import keyset
from portale.inventory.tables import DETAILS
from portale.records.models import Line, LineService, Sim, Threshold
from portale.thresholds import selectors as thresholds
from portale.thresholds.tables import MonitoringTable

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(contract, other_contract):
    """~70 lines of the contract, numbered out of creation order: One Number (main and
    secondary SIMs), replaced SIMs on live lines (not listed), ceased lines (their ceased
    SIMs listed), several STS per line (APN descriptions), thresholds live and ceased; and
    rows of another contract, one line moved there from this contract."""
    lines = []
    for i in range(70):
        msisdn = f"3357{(i * 37) % 100:02d}{i:04d}"
        state = "CESSATO" if i % 9 == 0 else "ATTIVO"
        ln = data.line(contract, msisdn=msisdn, state=state, one_number=i % 5 == 0)
        lines.append(ln)
        if i % 7 == 0:  # a replaced SIM
            data.sim(ln, state=Sim.State.CEASED)
        data.sim(ln, state=Sim.State.CEASED if state == "CESSATO" else Sim.State.ACTIVE)
        if ln.one_number:
            data.sim(ln, role=Sim.Role.SECONDARY)
        data.sts(ln, "RIF USCENTE")
        if i % 3 == 0:
            data.sts(ln, "Filtro APN", kind="APN", apn=f"apn{i % 4}.ente.it")
            data.sts(ln, "BLOCCO SATELLITARE", state="CESSATO")
        threshold(ln, state="CESSATO" if i % 4 == 0 else "ATTIVO")
    for ln in data.populate(other_contract, prefix="339999"):
        threshold(ln)
    Line.objects.filter(pk=lines[1].pk).update(contract=other_contract)
    return lines


def threshold(line, state="ATTIVO"):
    return Threshold.objects.create(
        line=line,
        kind=Threshold.Kind.SPENDING,
        type=Threshold.Type.INFORMATIVE,
        period=Threshold.Period.MONTHLY,
        description=Threshold.Description.INFO_SPENDING,
        value=Decimal("50"),
        available=Decimal("50"),
        state=state,
        activation_date=datetime.date(2024, 1, 1),
    )


# --- the lists as they were read before: scoped and sorted through the join to the line -----
def old_sims(contract, desc: bool) -> list[int]:
    one_number = Case(
        When(line__one_number=True, role=Sim.Role.MAIN, then=Value("Principale")),
        When(line__one_number=True, role=Sim.Role.SECONDARY, then=Value("Secondaria")),
        default=Value(""),
        output_field=CharField(),
    )
    qs = (
        Sim.objects.filter(line__contract=contract)
        .filter(~Q(state=Sim.State.CEASED) | Q(line__state="CESSATO"))
        .annotate(o=one_number)
    )
    sign = "-" if desc else ""
    return list(qs.order_by(f"{sign}line__msisdn", f"{sign}o", f"{sign}pk").values_list("pk"))


def old_services(contract, desc: bool) -> list[int]:
    label = Case(
        When(
            kind=LineService.Kind.APN_FILTER,
            then=Concat("description", Value(" – "), "apn", output_field=CharField()),
        ),
        default="description",
        output_field=CharField(),
    )
    qs = LineService.objects.filter(line__contract=contract).annotate(o=label)
    sign = "-" if desc else ""
    return list(qs.order_by(f"{sign}line__msisdn", f"{sign}o", f"{sign}pk").values_list("pk"))


def old_thresholds(contract, desc: bool) -> list[int]:
    qs = Threshold.objects.filter(line__contract=contract)
    sign = "-" if desc else ""
    return list(qs.order_by(f"{sign}line__msisdn", f"{sign}pk").values_list("pk"))


def sims_table(contract, params):
    kind = DETAILS["linee"]
    return kind.table(kind.rows(contract), QueryDict(params), total=lambda: kind.total(contract))


def services_table(contract, params):
    kind = DETAILS["sts"]
    return kind.table(kind.rows(contract), QueryDict(params))


def monitoring_table(contract, params):
    qs = thresholds.monitoring_thresholds(contract=contract, live_only=False)
    total = lambda: thresholds.contract_thresholds_count(contract=contract, live_only=False)  # noqa: E731
    return MonitoringTable(qs, QueryDict(params), total=total)


LISTS = [
    ("numero", sims_table, old_sims, "records_sim", "listed_contract_id"),
    ("numero", services_table, old_services, "records_lineservice", "line_contract_id"),
    ("msisdn", monitoring_table, old_thresholds, "records_threshold", "line_contract_id"),
]


def pks(table) -> list[int]:
    return [table.row_pk(r) for r in table.page.object_list]


def offset_of(sql: str) -> int:
    match = re.search(r"OFFSET (\d+)", sql)
    return int(match.group(1)) if match else 0


@pytest.mark.parametrize("sort, build, old, source, scope", LISTS)
@pytest.mark.parametrize("desc", [False, True])
def test_every_typed_page_lists_the_rows_the_join_listed(
    many, contract, monkeypatch, sort, build, old, source, scope, desc
):
    """Every page typed without a cursor, its rows against the OFFSET pages of the old
    joined order; past ``JUMP_OFFSET`` rows from both ends it is a jump: a narrow read of
    the listed table alone (no join, scoped by its own copy of the line's contract, OFFSET
    along the index), then a range read from that key with no OFFSET."""
    monkeypatch.setattr(keyset, "JUMP_OFFSET", 20)
    reference = [pk for (pk,) in old(contract, desc)]
    assert len(reference) > 60
    order = f"{'-' if desc else ''}{sort}"
    pages = [reference[i : i + 10] for i in range(0, len(reference), 10)]
    jumped = 0
    for number, expected in enumerate(pages, start=1):
        with CaptureQueriesContext(connection) as ctx:
            table = build(contract, f"sort={order}&page={number}")
            assert pks(table) == expected, number
        assert table.count == len(reference)
        listed = [q["sql"] for q in ctx.captured_queries if "LIMIT" in q["sql"]]
        narrow = [q for q in listed if offset_of(q)]
        if (number - 1) * 10 >= 20 and len(reference) - number * 10 >= 20:
            jumped += 1
            assert len(listed) == 2 and len(narrow) == 1, listed
            boundary, row_read = narrow[0], listed[-1]
            # the boundary: the key columns of the listed table, scoped and sorted by its
            # own columns, without the joins of the page's other columns
            head, tail = boundary.split(" FROM ", 1)
            where = tail.split(" WHERE ", 1)[1]
            assert '"line_msisdn"' in head and '"records_line".' not in head + where, boundary
            assert " JOIN " not in boundary, boundary  # the listed table alone
            assert f'"{source}"."{scope}" = ' in where
            assert offset_of(boundary) >= 20
            # the page: a range of the copied number from that key (read forwards from the
            # start's boundary or backwards from the end's), no OFFSET
            assert re.search(rf'"{source}"."line_msisdn" (>=|<=) ', row_read), row_read
            assert offset_of(row_read) == 0
        else:
            assert offset_of(listed[-1]) < 20 and len(listed) == 1, listed
    assert jumped >= 2


@pytest.mark.parametrize("sort, build, old, source, scope", LISTS)
def test_the_pager_walks_the_same_rows(many, contract, sort, build, old, source, scope):
    reference = [pk for (pk,) in old(contract, False)]
    table = build(contract, f"sort={sort}")
    seen = pks(table)
    while table.next_url:
        query = {k: v[0] for k, v in parse_qs(urlsplit(table.next_url).query).items()}
        table = build(contract, "&".join(f"{k}={v}" for k, v in query.items()))
        seen += pks(table)
    assert seen == reference


@pytest.mark.parametrize("build", [sims_table, services_table, monitoring_table])
def test_the_first_sort_column_is_taken_as_indexed(many, contract, build):
    """The list component jumps only where an index of the listed table leads the order
    (after the contract the scope fixes): these three now qualify."""
    table = build(contract, "")
    assert keyset.indexed(table.filtered_queryset, table._keys[0])
    searched = build(contract, "linea=01")  # the search by last digits keeps the scope
    assert keyset.indexed(searched.filtered_queryset, searched._keys[0])


def test_the_search_by_last_digits_still_finds_the_sims(many, contract):
    line = Line.objects.filter(contract=contract, state="ATTIVO").order_by("pk")[3]
    table = sims_table(contract, f"linea={line.msisdn[-4:]}")
    assert {r["numero"] for r in table.page.object_list} == {line.msisdn}
    moved = many[1]  # moved to the other contract: not listed here any more
    assert sims_table(contract, f"linea={moved.msisdn[-4:]}").count == 0


def test_the_boundary_reads_the_listed_table_alone_only_where_it_may(many, contract):
    """``keyset.narrow`` drops the page's joins only when the scope, the search and the keys
    read the listed table alone (a subquery of its own is fine): the same keys either way."""
    keys = sims_table(contract, "")._keys
    rows = DETAILS["linee"].rows(contract).order_by(*keyset.order_by(keys))
    searched = rows.filter(line_id__in=Line.objects.filter(msisdn__endswith="1").values("pk"))
    for qs in (rows, searched):
        alone = keyset.narrow(qs, keys)
        assert alone is not None and " JOIN " not in str(alone.values_list("pk").query)
        n = qs.count()
        assert n > 3
        for offset in (0, n // 2, n - 1):
            expected = list(qs.values_list("numero", "listed_role", "pk")[offset])
            assert keyset.boundary(qs, keys, offset) == expected
        assert keyset.boundary(qs, keys, n) is None
    joined = rows.filter(line__state="ATTIVO")  # the scope reads the line: kept as it is
    assert keyset.narrow(joined, keys) is None
    assert keyset.narrow(rows, [keyset.KeyField("line__msisdn", False, False)]) is None
