"""Exports: CSV and xlsx writers, streaming, constant memory (P-06, G-48)."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.db.models.query import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.test import RequestFactory, override_settings

from portale.core import exports
from portale.core.lists import DATE, DATETIME, INTEGER, MONEY, TEXT, Column, Table, decimal
from portale.records.models import Line
from portale.records.tests import factories as f

rf = RequestFactory()


class Col:
    def __init__(self, label, fmt):
        self.label, self.format = label, fmt


COLUMNS = [
    Col("Numero", TEXT),
    Col("Importo €", MONEY),
    Col("Soglia", decimal(3)),
    Col("Data", DATE),
    Col("Quando", DATETIME),
    Col("Pezzi", INTEGER),
]
ROWS = [
    (
        "3351234567",
        Decimal("1234.56"),
        Decimal("50"),
        datetime.date(2024, 3, 7),
        datetime.datetime(2024, 7, 1, 10, 5, tzinfo=datetime.UTC),
        1200,
    ),
    ('=HYPERLINK("x")', None, None, None, None, None),
]


def test_csv_is_excel_it():
    text = "".join(exports.iter_csv(ROWS, COLUMNS))
    assert text.startswith("\ufeffNumero;Importo €;Soglia;Data;Quando;Pezzi\r\n")
    lines = text.lstrip("\ufeff").split("\r\n")
    assert lines[1] == "3351234567;1234,56;50,000;07/03/2024;01/07/2024 12:05;1200"
    # a text cell that would run as a formula in Excel is defused
    assert lines[2].startswith('"\'=HYPERLINK(""x"")";')


def test_write_csv_to_binary_and_text_files(tmp_path):
    buf = io.BytesIO()
    exports.write_csv(ROWS, COLUMNS, buf)
    assert buf.getvalue().startswith(b"\xef\xbb\xbfNumero;")
    path = tmp_path / "x.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        exports.write_csv(ROWS, COLUMNS, fh)
    assert path.read_bytes() == buf.getvalue()


def test_xlsx_has_typed_cells():
    buf = io.BytesIO()
    exports.write_xlsx(ROWS, COLUMNS, buf, sheet_name="linee")
    buf.seek(0)
    ws = openpyxl.load_workbook(buf).active
    assert ws.title == "linee"
    assert [c.value for c in ws[1]] == ["Numero", "Importo €", "Soglia", "Data", "Quando", "Pezzi"]
    row = [c.value for c in ws[2]]
    assert row[0] == "3351234567"  # a number-looking string stays text
    assert row[1] == pytest.approx(1234.56) and isinstance(row[1], float)
    assert row[2] == 50
    assert row[3] == datetime.datetime(2024, 3, 7)
    assert row[4] == datetime.datetime(2024, 7, 1, 12, 5)
    assert row[5] == 1200
    assert ws["D2"].number_format == "dd/mm/yyyy"
    assert ws["A3"].value == '=HYPERLINK("x")' and ws["A3"].data_type == "s"  # not a formula


def test_xlsx_columns_fit_a_19_digit_iccid():
    """G-48: an ICCID (19 digits) reads whole in its column, however short the header."""
    rows = [("8939010000012345678", "ATTIVA")] + [("", "x")] * 500
    buf = io.BytesIO()
    exports.write_xlsx(iter(rows), [Col("ICCID", TEXT), Col("Stato", TEXT)], buf)
    buf.seek(0)
    ws = openpyxl.load_workbook(buf).active
    assert ws.column_dimensions["A"].width >= 21
    assert ws.max_row == 502  # the sampled rows are written once, in order
    assert ws["A2"].value == "8939010000012345678" and ws["B3"].value == "x"


def test_threshold_setting():
    assert not exports.should_run_in_background(exports.EXPORT_SYNC_MAX_ROWS)
    with override_settings(EXPORT_SYNC_MAX_ROWS=5):
        assert exports.should_run_in_background(6)
        assert not exports.should_run_in_background(5)


def test_filename():
    name = exports.export_filename("linee dettaglio", "csv")
    assert name.startswith("linee_dettaglio_") and name.endswith(".csv")


class LinesTable(Table):
    msisdn = Column("Numero", sort=True)
    activation_date = Column("Data attivazione", sort=True, format=DATE)

    class Meta:
        export_name = "linee"


@pytest.fixture
def many_lines(contract):
    return f.LineFactory.create_batch(45, contract=contract)


def test_csv_response_streams_with_the_iterator(many_lines, django_assert_num_queries):
    table = LinesTable.from_request(rf.get("/", {"sort": "-msisdn", "export": "csv"}), Line.objects)
    spy = mock.patch.object(QuerySet, "iterator", autospec=True, side_effect=QuerySet.iterator)
    with spy as iterator, django_assert_num_queries(0):
        response = table.export_response("csv")  # nothing read yet: it is a generator
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="linee_' in response["Content-Disposition"]
    with spy as iterator:
        body = b"".join(response.streaming_content).decode("utf-8")
    iterator.assert_called_once()
    assert iterator.call_args.kwargs == {"chunk_size": exports.CHUNK_SIZE}
    assert table.queryset._result_cache is None  # the rows were never materialised
    numbers = [line.split(";")[0] for line in body.lstrip("\ufeff").splitlines()[1:]]
    assert numbers == sorted((line.msisdn for line in many_lines), reverse=True)


def test_csv_is_sent_in_chunks(many_lines, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    table = LinesTable.from_request(rf.get("/"), Line.objects)
    chunks = list(table.export_response("csv").streaming_content)
    assert len(chunks) == 1 + 5  # header, then 45 rows in pieces of 10


def test_xlsx_response_is_a_file_on_disk(many_lines):
    table = LinesTable.from_request(rf.get("/"), Line.objects)
    with mock.patch.object(
        QuerySet, "iterator", autospec=True, side_effect=QuerySet.iterator
    ) as iterator:
        response = table.export_response("xlsx")
    iterator.assert_called_once()
    assert isinstance(response, FileResponse)
    assert response.file_to_stream.name is not None and not isinstance(
        response.file_to_stream, io.BytesIO
    )
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws.max_row == 46
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == sorted(
        line.msisdn for line in many_lines
    )
    response.close()
