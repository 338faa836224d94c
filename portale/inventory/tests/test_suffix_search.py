"""Search by the last digits (P-05, issue 17): the indexed form of the lookup returns the
same rows as the suffix test across the join it replaces, on SQLite and on PostgreSQL
(CI runs the suite on both)."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.http import QueryDict

from portale.inventory import selectors
from portale.inventory.tables import LineServiceSearch, SimSearch
from portale.records import selectors as records

from . import data

pytestmark = pytest.mark.django_db

SUFFIXES = [
    "3312547300",  # a whole number
    "+39 331 254 7300",  # typed with prefix and spaces
    "7300",  # number suffix shared by two lines
    "00",  # very short: many rows
    "1",
    "8901234567",  # the short ICCID (last 10) of one SIM
    "4567",  # ICCID suffix and number suffix at once
    "0000000000",  # nothing
    "3399990001",  # a number of the other contract: nothing here
]


@pytest.fixture
def lines(contract, other_contract):
    out = []
    for n, msisdn in enumerate(["3312547300", "3312557300", "3312544567", "3312540001"]):
        ln = data.line(contract, msisdn=msisdn)
        data.sim(ln, iccid="8939010008901234567" if n == 1 else None)
        out.append(ln)
    data.sim(out[0], role="SECONDARIA")  # One Number: two SIMs on one line
    for ln in out:
        data.sts(ln)
    other = data.line(other_contract, msisdn="3399990001")
    data.sim(other, iccid="8939010000000004567")
    data.sts(other)
    return out


def old_sim_lookup(value):
    return Q(line__msisdn__endswith=value) | Q(iccid__endswith=value)


def old_line_lookup(value):
    by_iccid = records.sims_with_iccid_ending(digits=value).values("line_id")
    return Q(line__msisdn__endswith=value) | Q(line_id__in=by_iccid)


def searched(form_class, rows, typed):
    form = form_class(data=QueryDict(f"linea={typed.replace('+', '%2B')}"))
    found = sorted(form.filter(rows).values_list("pk", flat=True))
    return found, form.cleaned_data["linea"]


@pytest.mark.parametrize("typed", SUFFIXES)
def test_sim_list_search_same_rows(contract, lines, typed):
    rows = selectors.detail_lines(contract)
    found, value = searched(SimSearch, rows, typed)
    assert found == sorted(rows.filter(old_sim_lookup(value)).values_list("pk", flat=True))


@pytest.mark.parametrize("typed", SUFFIXES)
def test_line_services_search_same_rows(contract, lines, typed):
    rows = selectors.detail_line_services(contract)
    found, value = searched(LineServiceSearch, rows, typed)
    assert found == sorted(rows.filter(old_line_lookup(value)).values_list("pk", flat=True))


def test_the_fixture_covers_numbers_iccids_and_both(contract, lines):
    rows = selectors.detail_lines(contract)
    assert len(searched(SimSearch, rows, "7300")[0]) == 3  # two lines, One Number
    assert len(searched(SimSearch, rows, "8901234567")[0]) == 1  # by ICCID only
    assert len(searched(SimSearch, rows, "4567")[0]) == 2  # one by number, one by ICCID
    assert searched(SimSearch, rows, "3399990001")[0] == []


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        (lambda: records.lines_with_msisdn_ending(digits="7300"), "records_line_msisdn_reversed"),
        (lambda: records.sims_with_iccid_ending(digits="4567"), "records_sim_iccid_reversed"),
    ],
)
def test_postgresql_reads_the_suffix_from_the_reversed_index(lines, lookup, index):
    """The lookup's SQL matches the expression of its index (a cast or a function of its own
    would make it a scan of every line); the planner is told to avoid scans, as it would on
    the 100,000-line contract rather than on this handful of rows."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the index exists on PostgreSQL only")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = lookup().order_by().values("pk").explain()
    assert index in plan, plan
