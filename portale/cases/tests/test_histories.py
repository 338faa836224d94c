"""Storico pratiche (F-7.3.1) and Storico ordini (F-7.3.2)."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portale.cases import lifecycle, services
from portale.cases.models import Case, Order, Shipment
from portale.fulfilment import engine
from portale.records.tests.factories import LineFactory

from .helpers import draft_for, phone_case

pytestmark = pytest.mark.django_db


def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_history_columns_and_every_channel(client, roa, contract, other_contract):
    portal = services.draft_submit(draft=draft_for(roa, contract))
    phone = phone_case(contract, operation="network_services")
    phone_case(other_contract)
    client.force_login(roa)
    response = client.get(reverse("cases:history"))
    body = response.content.decode()
    for heading in ("N° pratica", "Tipo pratica", "Contratto", "Linea", "Provenienza", "Stato"):
        assert heading in body
    assert "Apertura" in body and "Chiusura" in body
    assert portal.number in body and phone.number in body
    assert "REFERENTI" in body and "SERVIZI DI RETE" in body
    assert "CONSIP8" in body and "Telefono" in body
    assert "Tot. record 2" in body
    assert Case.objects.filter(contract=other_contract).get().number not in body


def test_history_window_is_the_ten_days_before_the_date(client, roa, contract):
    inside = phone_case(contract)
    Case.objects.filter(pk=inside.pk).update(opened_at=_at(10))
    edge_out = phone_case(contract, operation="rif_profile")
    Case.objects.filter(pk=edge_out.pk).update(opened_at=_at(12))
    client.force_login(roa)
    body = client.get(reverse("cases:history")).content.decode()
    assert inside.number in body and edge_out.number not in body
    anchor = (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    body = client.get(reverse("cases:history"), {"data": anchor}).content.decode()
    assert inside.number in body and edge_out.number in body


def test_history_refuses_a_future_date(client, roa):
    client.force_login(roa)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    body = client.get(reverse("cases:history"), {"data": future}).content.decode()
    assert "La data non può essere nel futuro" in body


def test_history_newest_first_and_export(client, roa, contract):
    old = phone_case(contract)
    Case.objects.filter(pk=old.pk).update(opened_at=_at(3))
    new = phone_case(contract, operation="rif_profile")
    client.force_login(roa)
    body = client.get(reverse("cases:history")).content.decode()
    assert body.index(new.number) < body.index(old.number)
    response = client.post(reverse("cases:history"), {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for c in next(book.active.iter_rows(min_row=1, max_row=1))]
    assert values[:3] == ["N° pratica", "Tipo pratica", "Contratto"]
    assert book.active.max_row == 3
    csv = client.post(reverse("cases:history"), {"export": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert new.number in text and old.number in text


def test_history_reads_contract_and_line_with_the_cases(client, roa, contract):
    """Contratto and Linea are values of the case's row (issue 17): the page reads the cases
    in two queries (count, page) with no query per row, and the export has the same cells."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    line = LineFactory(contract=contract)
    with_line = phone_case(contract, line=line)
    without = phone_case(contract, operation="rif_profile")
    Case.objects.filter(pk=without.pk).update(opened_at=_at(1))
    client.force_login(roa)
    with CaptureQueriesContext(connection) as c:
        response = client.get(reverse("cases:history"))
    rows = {r[0]["text"]: r for r in response.context["table"].rows}
    assert rows[with_line.number][2]["text"] == contract.code
    assert rows[with_line.number][3]["text"] == line.msisdn
    assert rows[without.number][3]["text"] == ""
    assert len([q for q in c if '"cases_case"' in q["sql"]]) == 2
    csv = client.post(reverse("cases:history"), {"export": "csv"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    exported = {row.split(";")[0]: row.split(";") for row in lines[1:]}
    assert exported[with_line.number][2:4] == [contract.code, line.msisdn]
    assert exported[without.number][2:4] == [contract.code, ""]


def test_rejected_case_shows_its_reason(client, roa, contract):
    case = services.draft_submit(draft=draft_for(roa, contract))
    lifecycle.case_reject(case=case, reason="Referente già cessato")
    client.force_login(roa)
    body = client.get(reverse("cases:history")).content.decode()
    assert "Scartato" in body and "Referente già cessato" in body
    # the reason stands with the state, not in an "Esito" column the guide does not have
    assert ">Esito<" not in body
    outcome = r"<span>Scartato<br><small[^>]*data-outcome>Referente già cessato</small></span>"
    assert re.search(outcome, body)


def test_orders_list_detail_truck_and_legend(client, roa, contract, other_contract):
    case = phone_case(contract, operation="sim_change")
    order = case.orders.get()
    Shipment.objects.create(order=order, address="VIA ROMA 1, 00184 ROMA (RM)")
    lifecycle.case_close(case=case, outcome="ok")
    engine.run_until_idle()
    plain = phone_case(contract, operation="sim_block").orders.get()
    foreign = phone_case(other_contract, operation="sim_change").orders.get()
    client.force_login(roa)
    body = client.get(reverse("cases:orders")).content.decode()
    for heading in ("ID ordine", "Data creazione", "Canale di acquisizione", "Stato lavorazione"):
        assert heading in body
    assert "Spedizione" in body and "Legenda degli stati di spedizione" in body
    assert "il tuo ordine è in corso di lavorazione" in body
    assert order.number in body and plain.number in body and foreign.number not in body
    assert reverse("cases:shipment", args=[order.number]) in body
    assert reverse("cases:shipment", args=[plain.number]) not in body
    detail = client.get(reverse("cases:order_detail", args=[order.number])).content.decode()
    assert "CAMBIO SIM" in detail and "Attivo" in detail
    tracking = client.get(reverse("cases:shipment", args=[order.number])).content.decode()
    assert "Consegnato" in tracking and "Spedizione affidata al corriere" in tracking
    assert client.get(reverse("cases:shipment", args=[plain.number])).status_code == 404
    assert client.get(reverse("cases:order_detail", args=[foreign.number])).status_code == 404
    export = client.post(reverse("cases:orders"), {"export": "csv"})
    assert order.number in b"".join(export.streaming_content).decode("utf-8-sig")


def test_another_contracts_case_outcome_is_a_404(client, roa, mandatario, contract):
    theirs = services.draft_submit(draft=draft_for(mandatario, contract))
    client.force_login(roa)
    assert client.get(reverse("cases:outcome", args=[theirs.number])).status_code == 404


def test_demo_cases_command(contract, roa, client):
    from django.core.management import call_command

    LineFactory(contract=contract)
    call_command("demo_cases")
    call_command("demo_cases")  # idempotent
    assert Case.objects.filter(contract=contract).count() == 5
    client.force_login(roa)
    body = client.get(reverse("cases:history")).content.decode()
    assert "Tot. record 5" in body and "Importo non previsto dal listino" in body
    body = client.get(reverse("cases:orders")).content.decode()
    assert ">Attivo</td>" in body
    # Every demo ordine says where it came from ("Canale di acquisizione" was blank).
    orders = Order.objects.filter(contract=contract)
    assert orders.exists() and not orders.filter(channel="").exists()
    assert set(orders.values_list("channel", flat=True)) <= {"Telefono", "Fax", "Email"}


def test_the_date_survives_sorting_and_export(client, roa, contract):
    old = phone_case(contract)
    Case.objects.filter(pk=old.pk).update(opened_at=_at(15))
    client.force_login(roa)
    anchor = (timezone.localdate() - datetime.timedelta(days=8)).strftime("%d/%m/%Y")
    response = client.get(reverse("cases:history"), {"data": anchor})
    table = response.context["table"]
    sort_url = table.url(sort="number")
    assert "data=" in sort_url
    assert old.number in client.get(sort_url).content.decode()
    export = client.post(table.export_action, {"export": "csv"})
    assert old.number in b"".join(export.streaming_content).decode("utf-8-sig")


def test_order_lines_follow_the_order_and_the_export_has_one_row_per_line(client, roa, contract):
    from portale.cases.models import OrderState
    from portale.fulfilment.engine import advance_order

    first, second = LineFactory(contract=contract), LineFactory(contract=contract)
    case = services.case_create(
        contract=contract,
        operation="recharge_waive",
        channel="TELEFONO",
        payload={"lines": [{"line_id": first.pk}, {"line_id": second.pk}]},
    )
    order = case.orders.get()
    assert [i.line for i in order.items.all()] == [first, second]
    assert {i.state for i in order.items.all()} == {OrderState.APPROVED}

    lifecycle.case_take(case=case, operator=None)
    assert {i.state for i in order.items.all()} == {OrderState.WORKING}
    lifecycle.case_close(case=case, outcome="ok", apply_effect=False)
    advance_order(order_id=order.pk, now=timezone.now() + datetime.timedelta(hours=1))
    assert {i.state for i in order.items.all()} == {OrderState.ISSUED}

    client.force_login(roa)
    detail = client.get(reverse("cases:order_detail", args=[order.number])).content.decode()
    assert first.msisdn in detail and second.msisdn in detail and "Stato servizio" in detail

    export = client.post(reverse("cases:orders"), {"export": "csv"})
    rows = [
        r.split(";") for r in b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    ]
    header = rows[0]
    assert header[-5:] == ["Linea", "ICCID", "Servizio", "Quantità", "Stato servizio"]
    lines = {r[header.index("Linea")]: r for r in rows[1:] if r[0] == order.number}
    assert set(lines) == {first.msisdn, second.msisdn}
    assert {r[-1] for r in lines.values()} == {"Emesso"}
    assert {r[header.index("Servizio")] for r in lines.values()} == {"Rinuncia ricarica aziendale"}
