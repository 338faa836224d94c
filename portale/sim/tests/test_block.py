"""Blocco/sblocco carta SIM (F-7.3.7): list, P-12 pop-up, pratica + ordine, effect."""

import pytest
from django.urls import reverse

from portale.cases.models import Case, CaseState
from portale.fulfilment import engine
from portale.records.models import LineState, Sim
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(contract):
    return f.SimFactory(line__contract=contract, iccid="8939010001234567890").line


@pytest.fixture
def suspended(contract):
    return f.SimFactory(
        line__contract=contract, line__state=LineState.SUSPENDED, state=Sim.State.BLOCKED
    ).line


@pytest.fixture
def ceased(contract):
    return f.SimFactory(
        line__contract=contract, line__state=LineState.CEASED, state=Sim.State.CEASED
    ).line


def test_the_list_offers_block_or_unblock_by_state(client, roa, active, suspended, ceased):
    client.force_login(roa)
    body = client.get(reverse("sim:block")).content.decode()
    assert "Tot. record 3" in body and "1234567890" in body  # ICCID: its last 10 digits
    assert reverse("sim:block_confirm", args=[active.pk]) in body
    assert reverse("sim:block_confirm", args=[suspended.pk]) in body
    assert reverse("sim:block_confirm", args=[ceased.pk]) not in body  # no action
    assert "Blocca SIM" in body and "Sblocca SIM" in body


def test_the_pop_up_asks_before_blocking(client, roa, active, suspended):
    client.force_login(roa)
    body = client.get(reverse("sim:block_confirm", args=[active.pk])).content.decode()
    assert "Conferma blocco" in body
    assert f"L'utenza {active.msisdn} risulta attiva. Vuoi bloccare la SIM?" in body
    body = client.get(reverse("sim:block_confirm", args=[suspended.pk])).content.decode()
    assert "Conferma sblocco" in body and "risulta sospesa" in body
    assert not Case.objects.exists()  # opening the pop-up files nothing


def test_confirm_files_the_pratica_and_order_then_fulfilment_blocks(client, roa, active):
    client.force_login(roa)
    response = client.post(reverse("sim:block_confirm", args=[active.pk]), {"azione": "blocca"})
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:outcome", args=[case.number])
    assert (case.type_label, case.line, case.requester) == ("FURTO/SMARRIMENTO SIM", active, roa)
    assert case.orders.get().items.get().line == active
    # while it is open, the line offers no second request
    body = client.get(reverse("sim:block")).content.decode()
    assert reverse("sim:block_confirm", args=[active.pk]) not in body
    assert "Richiesta in lavorazione" in body
    engine.run_until_idle()
    active.refresh_from_db()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and active.state == LineState.SUSPENDED
    assert set(active.sims.values_list("state", flat=True)) == {Sim.State.BLOCKED}
    # and then unblocked the same way
    client.post(reverse("sim:block_confirm", args=[active.pk]), {"azione": "sblocca"})
    unblock = Case.objects.exclude(pk=case.pk).get()
    assert unblock.type_label == "RITROVAMENTO SIM"
    engine.run_until_idle()
    active.refresh_from_db()
    assert active.state == LineState.ACTIVE


def test_a_second_block_while_one_is_open_is_refused(client, roa, active):
    client.force_login(roa)
    url = reverse("sim:block_confirm", args=[active.pk])
    client.post(url, {"azione": "blocca"})
    response = client.post(url, {"azione": "blocca"}, follow=True)
    assert Case.objects.count() == 1
    assert f"Sulla linea {active.msisdn} c&#x27;è già una richiesta in lavorazione" in (
        response.content.decode()
    )


def test_blocking_a_ceased_line_is_refused(client, roa, ceased):
    client.force_login(roa)
    url = reverse("sim:block_confirm", args=[ceased.pk])
    response = client.get(url, follow=True)
    assert "Nessuna azione disponibile" in response.content.decode()
    response = client.post(url, {"azione": "blocca"}, follow=True)
    assert "il blocco è possibile solo su una linea attiva" in response.content.decode()
    assert not Case.objects.exists()


def test_unblocking_an_active_line_is_refused(client, roa, active):
    client.force_login(roa)
    response = client.post(
        reverse("sim:block_confirm", args=[active.pk]), {"azione": "sblocca"}, follow=True
    )
    assert "lo sblocco è possibile solo su una linea sospesa" in response.content.decode()
    assert not Case.objects.exists()


def test_another_contracts_line_answers_404(client, roa, other_contract):
    foreign = f.SimFactory(line__contract=other_contract).line
    client.force_login(roa)
    url = reverse("sim:block_confirm", args=[foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"azione": "blocca"}).status_code == 404
    assert not Case.objects.exists()


def test_a_double_click_on_conferma_files_one_pratica_without_an_error(client, roa, active):
    client.force_login(roa)
    url = reverse("sim:block_confirm", args=[active.pk])
    body = client.get(url).content.decode()
    token = body.split('name="request_token" value="')[1].split('"')[0]
    first = client.post(url, {"azione": "blocca", "request_token": token})
    second = client.post(url, {"azione": "blocca", "request_token": token})
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == reverse("cases:outcome", args=[case.number])


@pytest.mark.parametrize("url_name", ["sim:block", "sim:change", "sim:recharge_mode"])
def test_pages_of_an_operation_with_an_ordine_name_both_histories(client, roa, url_name):
    """Appendix 1: these requests make a pratica and an ordine, followed in two functions."""
    client.force_login(roa)
    body = " ".join(client.get(reverse(url_name)).content.decode().split())
    assert (
        'La richiesta sarà monitorabile nelle funzioni "<strong>Storico pratiche</strong>" e '
        '"<strong>Storico ordini</strong>".'
    ) in body
