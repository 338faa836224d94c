"""Cambio carta SIM (F-7.3.8) and the employee's (F-9.1.4): rows, validation, effect."""

import pytest
from django.urls import reverse

from portale.cases import services as cases
from portale.cases.models import Case
from portale.fulfilment import engine
from portale.records.models import Line, LineState, Sim
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_number(contract):
    main = f.SimFactory(line__contract=contract, line__one_number=True)
    secondary = f.SimFactory(line=main.line, role=Sim.Role.SECONDARY)
    return main, secondary


@pytest.fixture
def stock(contract):
    return f.SimFactory(line=None, contract=contract, state=Sim.State.STOCK)


def _file(roa, contract, sim, digits, causale="GUASTO"):
    return cases.case_file(
        operation="sim_change",
        actor=roa,
        contract=contract,
        payload={"sim": str(sim.pk), "new_iccid": digits, "causale": causale},
    )


def _errors(roa, contract, sim, digits, causale="GUASTO"):
    with pytest.raises(cases.InvalidRequest) as exc:
        _file(roa, contract, sim, digits, causale)
    return exc.value.errors


def test_one_number_shows_a_row_per_sim(client, roa, one_number):
    main, secondary = one_number
    client.force_login(roa)
    body = client.get(reverse("sim:change")).content.decode()
    assert "Tot. linee 2" in body and "ONE NUMBER" in body
    assert main.iccid[-10:] in body and secondary.iccid[-10:] in body


def test_prosegui_opens_the_chosen_sims_form(client, roa, one_number):
    _main, secondary = one_number
    client.force_login(roa)
    url = reverse("sim:change")
    response = client.post(url, {"prosegui": "1"})
    assert response.status_code == 302 and response["Location"].startswith(url)  # none chosen
    pks = [str(s.pk) for s in Sim.objects.order_by("line__msisdn", "pk")]
    response = client.post(url, {"prosegui": "1", "page_pks": pks, "selected": [str(secondary.pk)]})
    assert response["Location"] == reverse("sim:change_sim", args=[secondary.pk])
    body = client.get(response["Location"]).content.decode()
    assert secondary.iccid in body and "893901000-" in body
    # the guide's hint, as a help text that opens a sentence
    assert "Inserisci le ultime 10 cifre del nuovo ICCID" in body


def test_salva_asks_then_files_the_pratica_and_fulfilment_swaps_the_sim(
    client, roa, contract, one_number, stock
):
    main, _secondary = one_number
    client.force_login(roa)
    url = reverse("sim:change_sim", args=[main.pk])
    data = {"new_iccid": stock.iccid[-10:], "causale": "FURTO"}
    body = client.post(url, data).content.decode()
    assert "Conferma cambio carta SIM" in body and stock.iccid in body
    assert not Case.objects.exists()
    response = client.post(url, {**data, "conferma": "1"})
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:outcome", args=[case.number])
    assert case.type_label == "CAMBIO SIM" and case.orders.get().items.get().iccid == stock.iccid
    engine.run_until_idle()
    main.refresh_from_db()
    stock.refresh_from_db()
    assert main.state == Sim.State.CEASED
    assert (stock.line_id, stock.role, stock.state) == (main.line_id, "PRINCIPALE", "ATTIVA")


def test_bad_iccids_are_refused(roa, contract, other_contract, one_number, stock):
    main, secondary = one_number
    foreign_stock = f.SimFactory(line=None, contract=other_contract, state=Sim.State.STOCK)
    assert "non è una SIM di questo contratto" in str(
        _errors(roa, contract, main, foreign_stock.iccid[-10:])
    )
    assert "già attiva o usata" in str(_errors(roa, contract, main, secondary.iccid[-10:]))
    assert "è quello della SIM da sostituire" in str(_errors(roa, contract, main, main.iccid[-10:]))
    assert "10 cifre" in str(_errors(roa, contract, main, "12345"))
    assert "causale" in _errors(roa, contract, main, stock.iccid[-10:], causale="")
    assert not Case.objects.exists()


def test_a_stock_sim_promised_to_an_open_request_is_refused(roa, contract, one_number, stock):
    main, secondary = one_number
    _file(roa, contract, main, stock.iccid[-10:])
    assert "un'altra richiesta di cambio in corso" in str(
        _errors(roa, contract, secondary, stock.iccid[-10:])
    )


def test_a_ceased_or_frozen_line_takes_no_sim_change(roa, contract, stock):
    frozen = f.SimFactory(line__contract=contract, line__state=LineState.FROZEN)
    assert "non può essere sostituita" in str(_errors(roa, contract, frozen, stock.iccid[-10:]))
    ceased = f.SimFactory(line__contract=contract, line__state=LineState.CEASED)
    assert "sim" in _errors(roa, contract, ceased, stock.iccid[-10:])


def test_another_contracts_sim_answers_404(client, roa, other_contract):
    foreign = f.SimFactory(line__contract=other_contract)
    client.force_login(roa)
    url = reverse("sim:change_sim", args=[foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"new_iccid": "0000000001", "causale": "GUASTO"}).status_code == 404


def test_the_employee_changes_their_own_sim_and_the_roa_sees_it(
    client, employee, roa, contract, stock
):
    line = Line.objects.get(msisdn=employee.mobile)
    own = line.sims.get()
    colleague = f.SimFactory(line__contract=contract)
    client.force_login(employee)
    body = client.get(reverse("myline:sim_change")).content.decode()
    assert own.iccid[-10:] in body and colleague.iccid[-10:] not in body
    assert client.get(reverse("myline:sim_change_sim", args=[colleague.pk])).status_code == 404
    url = reverse("myline:sim_change_sim", args=[own.pk])
    response = client.post(
        url, {"new_iccid": stock.iccid[-10:], "causale": "CAMBIO FORMATO", "conferma": "1"}
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:outcome", args=[case.number])
    assert (case.operation, case.line, case.contract) == ("employee_sim_change", line, contract)
    client.force_login(roa)
    history = client.get(reverse("cases:history")).content.decode()
    assert case.number in history and "CAMBIO SIM" in history
    orders = client.get(reverse("cases:orders")).content.decode()
    assert case.orders.get().number in orders
    engine.run_until_idle()
    stock.refresh_from_db()
    assert (stock.line_id, stock.state) == (line.pk, Sim.State.ACTIVE)
