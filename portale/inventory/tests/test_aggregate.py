"""Consistenze aggregate (F-7.2.1): the six lists, grouped, sorted, counted, exported."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from portale.inventory import selectors

pytestmark = pytest.mark.django_db


def test_lines_grouped_by_profile_and_state(populated, contract):
    rows = list(selectors.aggregate_lines(contract).order_by("stato", "profilo"))
    assert [(r["totale"], r["profilo"], r["stato"]) for r in rows] == [
        (1, "PA 8", "ATTIVO"),
        (2, "RICARICABILE Business VOLTE", "ATTIVO"),
        (3, "RICARICABILE Business VOLTE", "CONGELATO"),
    ]


def test_line_services_grouped(populated, contract):
    rows = {
        (r["descrizione"], r["stato"]): r["totale"]
        for r in selectors.aggregate_line_services(contract)
    }
    assert rows[("RIF USCENTE", "ATTIVO")] == 5
    assert rows[("BLOCCO SATELLITARE", "ATTIVO")] == 1


def test_page_shows_guide_columns_and_counter(roa_client, populated):
    response = roa_client.get(reverse("inventory:aggregate_list", args=["linee"]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "In questa sezione sono visualizzate le consistenze presenti sul contratto selezionato",
        "Tot. record 3",
        "Tot. linee",
        "Profilo tariffario",
        "RICARICABILE Business VOLTE",
        "CONGELATO",
        "1 - 3 di 3 record",
    ):
        assert text in html
    assert "339999" not in html


@pytest.mark.parametrize(
    "kind,headers,first",
    [
        ("sts", ["Tot. servizi", "Descrizione servizio", "Stato"], None),
        ("timtuo-abbonamento", ["Tot. servizi", "Stato"], None),
        ("timtuo-ricaricabile", ["Tot. servizi", "Stato"], "CESSATO"),
        ("apparati", ["Tot. servizi", "Codice NMU", "Tipo servizio", "Stato"], "705935"),
        ("sac", ["Tot. SAC", "Descrizione servizio", "Stato"], "TIM TUO A CONTRATTO"),
    ],
)
def test_every_aggregate_list(roa_client, populated, kind, headers, first):
    response = roa_client.get(reverse("inventory:aggregate_list", args=[kind]))
    html = response.content.decode()
    assert response.status_code == 200
    for h in headers:
        assert h in html
    if first:
        assert first in html


def test_sort_descending_by_total(roa_client, populated):
    url = reverse("inventory:aggregate_list", args=["linee"])
    html = roa_client.get(url, {"sort": "-totale"}).content.decode()
    assert html.index("CONGELATO") < html.index("PA 8")


def test_synchronous_export_xlsx_and_csv(roa_client, populated):
    url = reverse("inventory:aggregate_list", args=["linee"])
    response = roa_client.post(url, {"export": "xlsx"})
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == ("Tot. linee", "Profilo tariffario", "Stato")
    assert rows[1:] == [
        (1, "PA 8", "ATTIVO"),
        (2, "RICARICABILE Business VOLTE", "ATTIVO"),
        (3, "RICARICABILE Business VOLTE", "CONGELATO"),
    ]
    response = roa_client.post(url, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[0] == [
        "Tot. linee",
        "Profilo tariffario",
        "Stato",
    ]


def test_unknown_kind_is_404(roa_client):
    assert roa_client.get(reverse("inventory:aggregate_list", args=["boh"])).status_code == 404


def test_other_contract_counts_never_leak(roa_client, contract, other_contract):
    from . import data

    data.populate(other_contract, prefix="339999")
    html = roa_client.get(reverse("inventory:aggregate_list", args=["linee"])).content.decode()
    assert "Tot. record 0" in html


def test_a_device_type_is_not_repeated_in_its_description(db, contract):
    """ "NOLEGGIO Samsung…" stays so; a bare model name gets its service type once."""
    from portale.inventory.selectors import aggregate_devices

    from .data import device

    device(
        contract,
        description="NOLEGGIO Samsung Galaxy S5",
        service_type="NOLEGGIO",
        service_description="",
    )
    device(
        contract, nmu="1", description="Nokia 3310", service_type="NOLEGGIO", service_description=""
    )
    labels = sorted(r["tipo_servizio"] for r in aggregate_devices(contract))
    assert labels == ["NOLEGGIO Nokia 3310", "NOLEGGIO Samsung Galaxy S5"]
