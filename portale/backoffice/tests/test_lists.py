"""Back-office lists "Linee" and "Contratti": access, sort, page, search, htmx, export."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from portale.records.models import Contract, Line
from portale.records.tests import factories as f

LINES = reverse("backoffice:lines")
CONTRACTS = reverse("backoffice:contracts")


@pytest.fixture
def data(contract, other_contract):
    for i in range(30):
        f.SimFactory(
            line__contract=contract,
            line__activation_date=datetime.date(2022, 1, 1) + datetime.timedelta(days=i),
        )
    for _ in range(7):
        f.SimFactory(line__contract=other_contract)
    return contract, other_contract


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize("url", [LINES, CONTRACTS, reverse("backoffice:index")])
def test_non_staff_get_403(client, roa, employee, url):
    for user in (roa, employee):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LINES, CONTRACTS])
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "accesso" in response["Location"]


def test_index_links_to_the_lists(staff_client):
    html = staff_client.get(reverse("backoffice:index")).content.decode()
    assert LINES in html and CONTRACTS in html
    assert reverse("backoffice:queue") in html and reverse("backoffice:orders") in html


def test_lines_page_shape(staff_client, data):
    response = staff_client.get(LINES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tot. linee 37" in html
    assert "1 - 10 di 37 linee - Pagina 1" in html
    assert "Numero di elementi visualizzati:" in html
    for label in ["Numero", "Contratto", "Ente", "Profilo tariffario", "Stato", "Data attivazione"]:
        assert f"{label}&nbsp;<span" in html
    assert "CERCA" in html and "RESETTA" in html
    assert 'name="export" value="xlsx"' in html and 'name="export" value="csv"' in html
    assert "<html" in html
    assert response["Vary"].count("HX-Request") == 1


def test_htmx_request_returns_only_the_fragment(staff_client, data):
    response = staff_client.get(
        LINES,
        {"sort": "-msisdn", "page": "2"},
        headers={"HX-Request": "true", "HX-Target": "lista-linetable"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lista-linetable"')
    assert "<html" not in html and "<header" not in html
    assert "11 - 20 di 37 linee - Pagina 2" in html


def test_sorting_both_ways(staff_client, data):
    expected = sorted(Line.objects.values_list("contract__code", "msisdn"))
    asc = staff_client.get(LINES, {"sort": "contract", "per_page": "50"}).context["table"]
    assert [r[0]["text"] for r in asc.rows] == [m for _, m in expected]
    desc = staff_client.get(LINES, {"sort": "-contract", "per_page": "50"}).context["table"]
    codes = [r[1]["text"] for r in desc.rows]
    assert codes == sorted(codes, reverse=True) and codes[0] != codes[-1]


def test_unknown_sort_is_ignored(staff_client, data):
    response = staff_client.get(LINES, {"sort": "contract__administration__seat__street"})
    assert response.status_code == 200
    assert response.context["table"].ordering[0].name == "msisdn"


@pytest.mark.parametrize(("value", "rows"), [("25", 25), ("50", 37), ("1000", 10), ("-1", 10)])
def test_page_size(staff_client, data, value, rows):
    table = staff_client.get(LINES, {"per_page": value}).context["table"]
    assert len(table.rows) == rows


def test_search_by_iccid_last_digits_and_msisdn(staff_client, data):
    # A fixed line, and 8 ICCID digits: the factories' MSISDNs and ICCIDs may share shorter
    # endings (3392000123 and …0000000123), which would make a random pick flaky.
    line = Line.objects.order_by("pk")[3]
    iccid = line.sims.get().iccid
    for term in (iccid[-8:], line.msisdn):
        table = staff_client.get(LINES, {"linea": term}).context["table"]
        assert table.count == 1 and table.rows[0][0]["text"] == line.msisdn


def test_search_by_contract_code(staff_client, data):
    contract, other = data
    table = staff_client.get(LINES, {"contratto": other.code}).context["table"]
    assert table.count == 7
    assert {r[1]["text"] for r in table.rows} == {other.code}


def test_invalid_contract_code_is_explained(staff_client, data):
    html = staff_client.get(LINES, {"contratto": "abc"}).content.decode()
    assert "Il codice contratto è fatto di cifre" in html
    assert "Tot. linee 37" in html


def test_csv_export_has_every_filtered_row(staff_client, data):
    contract, _other = data
    response = staff_client.post(
        LINES,
        {"export": "csv"},
        query_params={"contratto": contract.code, "sort": "-activation_date"},
    )
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == [
        "Numero",
        "Contratto",
        "Ente",
        "Profilo tariffario",
        "Stato",
        "Data attivazione",
    ]
    expected = Line.objects.filter(contract=contract).order_by("-activation_date", "-pk")
    assert [r[0] for r in rows[1:]] == [line.msisdn for line in expected]
    first = expected[0]
    assert rows[1] == [
        first.msisdn,
        contract.code,
        contract.administration.name,
        first.tariff_plan.name,
        "ATTIVO",
        first.activation_date.strftime("%d/%m/%Y"),
    ]


def test_xlsx_export_matches_the_database(staff_client, data):
    response = staff_client.post(LINES, {"export": "xlsx"})
    assert isinstance(response, FileResponse)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    db = [
        (
            line.msisdn,
            line.contract.code,
            line.contract.administration.name,
            line.tariff_plan.name,
            line.get_state_display(),
            datetime.datetime.combine(line.activation_date, datetime.time()),
        )
        for line in Line.objects.select_related("contract__administration", "tariff_plan").order_by(
            "msisdn"
        )
    ]
    assert rows == db
    assert len(rows) == 37  # the whole list, not the page


def test_contracts_list(staff_client, data):
    contract, other = data
    response = staff_client.get(CONTRACTS, {"sort": "-line_count"})
    table = response.context["table"]
    assert table.counter_text == f"Tot. contratti {Contract.objects.count()}"
    assert [r[0]["text"] for r in table.rows][:2] == [contract.code, other.code]
    assert table.rows[0][4]["text"] == "30"
    assert table.rows[0][4]["url"].endswith(f"?contratto={contract.code}")
    html = response.content.decode()
    for label in ["Contratto", "Ente", "Tipologia offerta", "Data di attivazione", "Linee"]:
        assert f"{label}&nbsp;<span" in html


def test_contracts_search_and_export(staff_client, data):
    contract, other = data
    table = staff_client.get(CONTRACTS, {"ente": other.administration.name}).context["table"]
    assert [r[0]["text"] for r in table.rows] == [other.code]
    response = staff_client.post(
        CONTRACTS, {"export": "xlsx"}, query_params={"ente": other.administration.fiscal_code}
    )
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert list(ws.iter_rows(min_row=2, values_only=True)) == [
        (
            other.code,
            other.administration.name,
            other.offer,
            datetime.datetime.combine(other.activation_date, datetime.time()),
            7,
        )
    ]
