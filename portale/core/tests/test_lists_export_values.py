"""Exports of lists of model rows read ``values()``, not model instances (issue 17).

The rows of the file are the ones the columns give on model instances, in the same order;
the whole export is one query however many rows (no query per row); a column that needs
more than fields (a method) makes the export read instances, with the same result.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _

from portale.core import exports
from portale.core.lists import DATE, MONEY, Column, Table
from portale.core.lists.tables import ValuesRow
from portale.records.models import Line
from portale.records.tests import factories as f


class LineExport(Table):
    msisdn = Column(_("Numero"), sort=True)
    contract = Column(_("Contratto"), "contract.code", sort="contract__code")
    administration = Column(_("Ente"), "contract.administration.name")
    plan = Column(_("Profilo"), lambda r: r.tariff_plan.name.upper())
    cessation_date = Column(_("Cessazione"), sort=True, format=DATE)
    double = Column(_("Credito × 2"), "double_credit", format=MONEY)

    class Meta:
        default_order = "-msisdn"


class LineExportWithMethod(LineExport):
    state = Column(_("Stato"), "get_state_display")


def queryset():
    return (
        Line.objects.select_related("contract__administration", "tariff_plan")
        .annotate(double_credit=F("company_credit") * 2)
        .order_by()
    )


@pytest.fixture
def lines(contract, other_contract):
    return [
        f.LineFactory(
            contract=contract if i % 2 else other_contract,
            company_credit=Decimal(i) + Decimal("0.25"),
            cessation_date=datetime.date(2024, 5, i + 1) if i % 3 == 0 else None,
        )
        for i in range(25)
    ]


def from_instances(table) -> list[tuple]:
    return [tuple(c.value(obj) for c in table.export_columns) for obj in table.queryset]


def test_values_rows_equal_the_instances_rows_in_one_query(lines, monkeypatch):
    table = LineExport(queryset(), {})
    expected = from_instances(table)

    def no_instances(*args, **kwargs):
        raise AssertionError("the export built a model instance")

    monkeypatch.setattr(Line, "from_db", classmethod(no_instances))
    with CaptureQueriesContext(connection) as ctx:
        rows = list(table.export_rows())
    assert rows == expected and len(rows) == 25
    assert len(ctx.captured_queries) == 1
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "ORDER BY" in sql and "records_administration" in sql


def test_a_column_calling_a_method_reads_instances_with_the_same_result(lines):
    table = LineExportWithMethod(queryset(), {})
    rows = list(table.export_rows())
    assert rows == from_instances(table)
    assert {row[-1] for row in rows} == {lines[0].get_state_display()}


def test_the_csv_of_the_values_rows(lines):
    table = LineExport(queryset(), {"sort": "msisdn"})
    text = "".join(exports.iter_csv(table.export_rows(), table.export_columns))
    first = text.splitlines()[1].split(";")
    line = min(lines, key=lambda x: x.msisdn)
    assert first[0] == line.msisdn and first[1] == line.contract.code
    assert first[-1] == "0,50"  # 0.25 × 2, decimal comma


def test_values_row_reads_like_the_instance():
    row = ValuesRow({"pk": 1, "line__msisdn": "339", "line__id": 7}, "", frozenset({"line"}))
    assert row.line.msisdn == "339" and row.line.pk == 7 and row.pk == 1
    with pytest.raises(AttributeError):
        row.sims  # noqa: B018
