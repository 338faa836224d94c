"""Assistenza su Apparati → ticket all risk, worked by the back office, followed by the ROA
in Monitoraggio Ticket and from Storico pratiche (F-7.7.6, F-7.7.7)."""

import pytest
from django.urls import reverse

from portale.cases.models import Case, CaseState
from portale.records.models import Device
from portale.records.tests import factories as f
from portale.support.models import Ticket, TicketState

pytestmark = pytest.mark.django_db


@pytest.fixture
def rented(contract):
    return f.DeviceFactory(contract=contract)


@pytest.fixture
def point():
    return f.ServicePointFactory()


def _data(device, point, **changes):
    return {
        "device": str(device.pk),
        "problem": "GUASTO",
        "description": "Lo schermo non si accende",
        "delivery": "PDA",
        "service_point": str(point.pk),
        **changes,
    }


def _file(client, data):
    response = client.post(reverse("support:devices"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    confirm = response["Location"]
    token = confirm.rstrip("/").split("/")[-2]
    client.get(reverse("cases:summary_pdf", args=[token]))
    client.post(confirm)
    return Case.objects.get()


def test_it_works_end_to_end(client, roa, staff, contract, rented, point):
    client.force_login(roa)
    page = client.get(reverse("support:devices")).content.decode()
    assert rented.imei in page and "NOLEGGIO Samsung" in page
    case = _file(client, _data(rented, point))
    ticket = Ticket.objects.get()
    assert case.description == "Apertura tk servizio all risk" and ticket.case == case
    assert ticket.service_point == point and ticket.state == TicketState.OPEN
    assert not case.auto  # Customer Service works it

    history = client.get(reverse("cases:history")).content.decode()
    assert reverse("support:ticket", args=[case.number]) in history
    listing = client.get(reverse("support:tickets")).content.decode()
    assert case.number in listing and rented.imei in listing
    # The row's cells (read as values of the ticket's row, issue 17): the link, the device,
    # the coded request type and state by their labels.
    link = reverse("support:ticket", args=[case.number])
    assert f'<a href="{link}">{case.number}</a>' in listing
    assert f">{rented.description}</td>" in listing
    assert f">{ticket.get_problem_display()}</td>" in listing
    assert f">{ticket.get_state_display()}</td>" in listing

    client.force_login(staff)
    step = reverse("backoffice:ticket_step", args=[ticket.pk])
    client.post(step, {"step": "spedisci"})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SHIPPED and ticket.tracking_code
    client.post(step, {"step": "consegna"})
    client.post(step, {"step": "chiudi", "note": "Apparato sostituito"})
    ticket.refresh_from_db()
    case.refresh_from_db()
    assert ticket.state == TicketState.CLOSED and case.state == CaseState.CLOSED
    assert case.outcome == "Apparato sostituito"

    client.force_login(roa)
    detail = client.get(reverse("support:ticket", args=[case.number])).content.decode()
    assert "Apparato sostitutivo spedito al punto di assistenza" in detail
    assert "Ticket chiuso" in detail


def test_a_device_sold_by_instalments_is_not_eligible(client, roa, contract, point):
    sold = f.DeviceFactory(contract=contract, service_type=Device.ServiceType.INSTALMENTS)
    client.force_login(roa)
    body = client.post(reverse("support:devices"), _data(sold, point)).content.decode()
    assert "non è coperto da noleggio o manutenzione" in body
    assert not Case.objects.exists()


def test_another_contracts_device_is_refused(client, roa, other_contract, point):
    foreign = f.DeviceFactory(contract=other_contract)
    client.force_login(roa)
    client.post(reverse("support:devices"), _data(foreign, point))
    assert not Case.objects.exists()


def test_delivery_at_the_site_needs_an_address(client, roa, rented, point):
    client.force_login(roa)
    body = client.post(
        reverse("support:devices"), _data(rented, point, delivery="SEDE", service_point="")
    ).content.decode()
    assert "Scegli un indirizzo della sede o scrivine uno nuovo." in body
    case = _file(
        client,
        _data(rented, point, delivery="SEDE", service_point="", new_address="Via Roma 1, Perugia"),
    )
    assert Ticket.objects.get(case=case).delivery_address == "VIA ROMA 1, PERUGIA"


def test_a_second_ticket_on_the_same_device_waits_for_the_first(client, roa, rented, point):
    client.force_login(roa)
    _file(client, _data(rented, point))
    case = Case.objects.get()
    body = client.post(reverse("support:devices"), _data(rented, point), follow=True)
    # The refusal names the device, not the whole contract: another device can be sent.
    assert (
        f"Per l&#x27;apparato con IMEI {rented.imei} c&#x27;è già una richiesta "
        f"APERTURA TK SERVIZIO ALL RISK in lavorazione (pratica {case.number})"
    ) in body.content.decode()
    other = f.DeviceFactory(contract=rented.contract)
    response = client.post(reverse("support:devices"), _data(other, point))
    assert response.status_code == 302  # on to "Conferma dei dati"
