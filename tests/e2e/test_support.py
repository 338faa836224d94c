"""Browser tests of Assistenza (guide §7.7): a live chat between a ROA and an operator in two
browsers, the chat closed outside service hours, and an all-risk ticket followed from
Monitoraggio Ticket and Storico pratiche after the back office ships the replacement."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portale.records.tests import factories as f
from portale.support.models import Ticket

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service_open(monkeypatch):
    monkeypatch.setattr("portale.support.hours.is_open", lambda moment=None: True)


def test_a_roa_and_an_operator_chat_live(new_page, live_server, roa, staff, service_open, shot):
    customer = new_page(1280)
    force_login(customer, roa, live_server.url)
    customer.goto("/area-privata/assistenza/chat/")
    with customer.expect_popup() as popup:
        customer.get_by_role("link", name="Inizia a chattare").click()
    window = popup.value
    window.get_by_role("button", name="Inizia Chat").click()
    window.get_by_label("Messaggio").fill("Buongiorno, non vedo le fatture di ottobre")
    window.get_by_role("button", name="Invia").click()
    expect(window.locator("#chat-log")).to_contain_text("non vedo le fatture", timeout=2_000)

    operator = new_page(1280)
    force_login(operator, staff, live_server.url)
    operator.goto("/backoffice/chat/")
    operator.locator("#chat-queue a").first.click()
    expect(operator.locator("#chat-log")).to_contain_text("non vedo le fatture", timeout=2_000)
    operator.get_by_role("button", name="Rispondi").click()
    operator.get_by_label("Messaggio").fill("Le trova in Fatture aziendali, contratto selezionato")
    operator.get_by_role("button", name="Invia").click()

    # each side sees the other's message within 2 seconds, without reloading
    expect(window.locator("#chat-log")).to_contain_text(
        "Le trova in Fatture aziendali", timeout=2_000
    )
    window.get_by_label("Messaggio").fill("Grazie!")
    window.get_by_role("button", name="Invia").click()
    expect(operator.locator("#chat-log")).to_contain_text("Grazie!", timeout=2_000)
    shot(window, "chat-cliente")
    shot(operator, "chat-operatore")
    assert not window.console_errors and not operator.console_errors


def test_outside_service_hours_the_chat_button_is_off(new_page, live_server, roa, monkeypatch):
    monkeypatch.setattr("portale.support.hours.is_open", lambda moment=None: False)
    page = new_page(360)
    force_login(page, roa, live_server.url)
    page.goto("/area-privata/assistenza/chat/")
    expect(page.get_by_role("button", name="Inizia a chattare")).to_be_disabled()
    expect(page.locator("#fuori-orario")).to_contain_text("dal lunedì al venerdì")


def test_an_all_risk_ticket_for_a_rented_device(
    new_page, live_server, roa, staff, contract, shot, tmp_path
):
    device = f.DeviceFactory(contract=contract, description="NOLEGGIO Samsung Galaxy S24 TIM")
    point = f.ServicePointFactory(name="TIM Store Perugia Centro")
    page = new_page(1280)
    force_login(page, roa, live_server.url)
    page.goto("/area-privata/assistenza/apparati/")
    page.get_by_placeholder("Cerca per descrizione o IMEI").fill("S24")
    page.get_by_label(device.imei).check()
    page.get_by_label("Tipo di problema").select_option("GUASTO")
    page.get_by_label("Descrizione del problema (max. 300 caratteri)").fill("Non si accende")
    page.get_by_label("Consegna presso punto di assistenza").check()
    page.get_by_label("Punto di assistenza").select_option(str(point.pk))
    page.get_by_role("button", name="INVIA").click()
    with page.expect_download():
        page.get_by_role("link", name="Scarica il pdf con il riepilogo dei dati").click()
    page.get_by_role("button", name="INVIA").click()
    number = page.locator("#case-number").inner_text().split()[-1]
    ticket = Ticket.objects.get(case__number=number)

    operator = new_page(1280)
    force_login(operator, staff, live_server.url)
    operator.goto("/backoffice/ticket/")
    row = operator.locator("tr", has_text=number)
    row.get_by_role("button", name="Spedisci sostitutivo").click()
    expect(operator.locator(".alert-success, .callout.success, [role=alert]").first).to_be_visible()

    page.goto("/area-privata/assistenza/ticket/")
    expect(page.locator("table")).to_contain_text("Apparato sostitutivo spedito")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#ticket-events")).to_contain_text("spedito al punto di assistenza")
    page.goto("/area-privata/pratiche/")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#ticket-number")).to_have_text(number)
    ticket.refresh_from_db()
    assert ticket.state == "SPEDITO"
    shot(page, "ticket-dettaglio")
