"""Reintegro scorta calda di SIM (F-7.3.11, G-28, G-29): request, back office, shipment,
stock, then deferred activation."""

import re

import pytest
from django.urls import reverse

from portale.cases import lifecycle
from portale.cases import services as cases
from portale.cases.models import Case, CaseState, OrderState, RequestDraft, Shipment
from portale.fulfilment import engine
from portale.records.models import Sim
from portale.records.testing import records_write_guard

pytestmark = pytest.mark.django_db

ADDRESS = {
    "toponym": "VIA",
    "street": "Mazzini",
    "number": "7",
    "province": "RM",
    "city": "Roma",
    "cap": "00195",
}


def _payload(**changes):
    return {"fonia": "3", "m2m_standard": "0", "m2m_pin_disable": "2", **ADDRESS, **changes}


def test_the_page_prefills_the_documentation_address_and_goes_to_conferma(client, roa, contract):
    client.force_login(roa)
    page = client.get(reverse("sim:hot_stock")).content.decode()
    assert "Reintegro scorta calda di SIM" in page and "SIM M2M Pin disable (triple cut)" in page
    assert f'value="{contract.docs_address.street}"' in page  # G-28
    response = client.post(
        reverse("sim:hot_stock"), _payload(referente="Ufficio economato", email="eco@ente.it")
    )
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.payload["quantities"] == {"FONIA": 3, "M2M_STD": 0, "M2M_PIN": 2}
    assert draft.payload["delivery_address"] == "VIA MAZZINI 7, 00195 ROMA (RM)"
    assert not draft.attachments.exists()  # F-7.3.11: the summary only


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fonia": "0", "m2m_pin_disable": "0"}, "Indica almeno una quantità maggiore di zero."),
        ({"fonia": "101"}, "Al massimo 100 SIM per tipo"),
        ({"fonia": "-1"}, "La quantità non può essere negativa."),
        ({"cap": "06121"}, "Il CAP 06121 non corrisponde al comune scelto"),
        ({"street": ""}, "obbligatorio"),
        # COPY §5: which field, what is wrong, what to do; "email", the portal's word
        (
            {"email": "non-una-mail"},
            "Indirizzo email non valido: scrivilo nella forma nome@dominio.it.",
        ),
    ],
)
def test_bad_parameters_are_refused_next_to_the_field(client, roa, contract, changes, message):
    client.force_login(roa)
    body = client.post(reverse("sim:hot_stock"), _payload(**changes)).content.decode()
    assert message in body
    assert not RequestDraft.objects.exists()


def test_the_back_office_ships_and_the_sims_arrive_in_stock(roa, staff, contract):
    case = cases.case_file(operation="hot_stock", actor=roa, contract=contract, payload=_payload())
    assert case.type_label == "SCORTA CALDA SIM" and not case.orders.exists()  # Appendix 1
    engine.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and not case.auto  # waits for a person
    with records_write_guard():
        lifecycle.case_take(case=case, operator=staff)
        lifecycle.case_close(case=case, outcome="SIM preparate", operator=staff)
        order = case.orders.get()
        assert [(i.product, i.quantity) for i in order.items.all()] == [
            ("SIM Fonia (triple cut)", 3),
            ("SIM M2M Pin disable (triple cut)", 2),
        ]
        assert not Sim.objects.filter(contract=contract).exists()  # not delivered yet
        engine.run_until_idle()
    order.refresh_from_db()
    shipment = Shipment.objects.get(order=order)
    assert order.state == OrderState.ACTIVE and shipment.state == Shipment.State.DELIVERED
    assert shipment.tracking_code and shipment.address == "VIA MAZZINI 7, 00195 ROMA (RM)"
    assert [e.description for e in shipment.events.all()] == [
        "In preparazione",
        "Spedizione affidata al corriere",
        "In consegna",
        "Consegnato",
    ]
    stock = Sim.objects.filter(contract=contract, state=Sim.State.STOCK, line__isnull=True)
    assert sorted(stock.values_list("kind", flat=True)) == ["FONIA"] * 3 + ["M2M_PIN"] * 2
    assert all(s.msisdn.startswith("329") and s.iccid.startswith("8939") for s in stock)


def test_the_back_office_sees_the_parameters_and_can_reject(client, roa, staff, contract):
    case = cases.case_file(operation="hot_stock", actor=roa, contract=contract, payload=_payload())
    client.force_login(staff)
    body = client.get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()
    assert "SIM Fonia (triple cut)" in body and "VIA MAZZINI 7, 00195 ROMA (RM)" in body
    client.post(reverse("backoffice:reject", args=[case.pk]), {"reason": "Scorta sufficiente"})
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED and not case.orders.exists()
    assert not Case.objects.filter(state=CaseState.OPEN).exists()


def test_a_quantity_not_understood_is_kept_as_typed(client, roa, contract):
    """The refused "1,5" stays in the field next to its message: a number input would be
    emptied by the browser, so the quantities are text inputs with a numeric keypad."""
    client.force_login(roa)
    body = client.post(reverse("sim:hot_stock"), _payload(fonia="1,5")).content.decode()
    assert "Indica un numero intero." in body
    tag = re.search(r'<input [^>]*name="fonia"[^>]*>', body).group(0)
    assert 'type="text"' in tag and 'value="1,5"' in tag and 'inputmode="numeric"' in tag
    assert 'aria-invalid="true"' in tag
    assert not RequestDraft.objects.exists()
