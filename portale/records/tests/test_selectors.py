"""Reads other apps rely on: scoped to the contract, searchable by MSISDN or ICCID."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portale.records import selectors
from portale.records.models import LineState, Referent, Sim
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return f.ContractFactory()


@pytest.fixture
def sim(contract):
    return f.SimFactory(
        iccid="8939010001234567890", line__contract=contract, line__msisdn="3312547228"
    )


def test_contract_lines_search_by_msisdn_and_iccid(contract, sim):
    other = f.SimFactory(line__contract=contract)
    f.SimFactory(iccid="8939010009934567890")  # same last digits? no: another contract
    search = selectors.contract_lines
    assert list(search(contract=contract)) == sorted([sim.line, other.line], key=lambda x: x.msisdn)
    assert list(search(contract=contract, search="3312547228")) == [sim.line]
    assert list(search(contract=contract, search="331254")) == [sim.line]
    assert list(search(contract=contract, search="8939010001234567890")) == [sim.line]
    assert list(search(contract=contract, search="1234567890")) == [sim.line]  # last 10
    assert list(search(contract=contract, search="zzz")) == []


def test_lines_of_another_contract_are_never_returned(contract, sim):
    other_contract = f.ContractFactory()
    assert selectors.line_in_contract(contract=other_contract, line_id=sim.line.pk) is None
    assert selectors.line_in_contract(contract=contract, line_id=sim.line.pk) == sim.line
    assert list(selectors.contract_lines(contract=other_contract, search=sim.iccid)) == []


def test_contract_line_filters_and_main_iccid(contract, sim):
    f.LineFactory(contract=contract, state=LineState.CEASED)
    assert selectors.contract_lines(contract=contract, exclude_ceased=True).count() == 1
    assert selectors.contract_lines(contract=contract, states=["CESSATO"]).count() == 1
    assert selectors.contract_lines(contract=contract, categories=["RICARICABILE"]).count() == 0
    annotated = selectors.contract_lines_with_main_sim(contract=contract, search=sim.line.msisdn)
    assert annotated.get().main_iccid == sim.iccid


def test_sims_of_a_one_number_line(sim):
    secondary = f.SimFactory(line=sim.line, role=Sim.Role.SECONDARY)
    assert selectors.main_sim(line=sim.line) == sim
    assert list(selectors.secondary_sims(line=sim.line)) == [secondary]
    assert list(selectors.sims_of_line(line=sim.line)) == [sim, secondary]
    assert selectors.sim_by_iccid(iccid=sim.short_iccid) == sim


def test_referents_of_a_contract(contract):
    master = f.ReferentFactory(contract=contract, role=Referent.Role.MASTER)
    ebill = f.ReferentFactory(contract=contract, role=Referent.Role.EBILL)
    f.ReferentFactory()  # another contract
    assert set(selectors.referents_of_contract(contract=contract)) == {master, ebill}
    assert list(selectors.referents_of_contract(contract=contract, roles=["EBILL"])) == [ebill]
    assert selectors.master_referent(contract=contract) == master


def test_services_of_a_line_and_aggregates(contract, sim):
    f.LineServiceFactory(line=sim.line, description="RIF USCENTE")
    f.LineServiceFactory(line=sim.line, description="BLOCCO SATELLITARE", state="CESSATO")
    assert selectors.services_of_line(line=sim.line).count() == 2
    assert selectors.services_of_line(line=sim.line, include_ceased=False).count() == 1
    counts = selectors.line_service_counts(contract=contract)
    assert {"description": "RIF USCENTE", "state": "ATTIVO", "total": 1} in counts
    found = selectors.line_services_of_contract(contract=contract, search=sim.short_iccid)
    assert found.count() == 2


def test_contract_services_devices_and_tim_tuo(contract, sim):
    f.ContractServiceFactory(contract=contract, code="EMM", description="EMM AirWatch")
    assert selectors.contract_has_service(contract=contract, code="EMM")
    assert not selectors.contract_has_service(contract=contract, code="SMAS")
    device = f.DeviceFactory(contract=contract, line=sim.line)
    assert list(selectors.devices_of_contract(contract=contract)) == [device]
    billing = f.DualBillingFactory(line=sim.line)
    assert selectors.dual_billing_of_line(line=sim.line) == billing
    f.PersonalInvoiceFactory(dual_billing=billing)
    assert len(selectors.personal_invoices_of_line(line=sim.line)) == 1


def test_traffic_of_a_line_in_a_window(sim):
    now = timezone.now()
    f.TrafficEventFactory(line=sim.line, occurred_at=now - datetime.timedelta(days=1))
    f.TrafficEventFactory(
        line=sim.line, occurred_at=now - datetime.timedelta(days=90), net_amount=Decimal("1")
    )
    recent = selectors.traffic_of_line(line=sim.line, start=now - datetime.timedelta(days=60))
    assert recent.count() == 1
    assert selectors.traffic_of_line(line=sim.line, paid_only=True).count() == 1


def test_service_points_near_a_place():
    near = f.ServicePointFactory(latitude=Decimal("41.9100"), longitude=Decimal("12.5000"))
    f.ServicePointFactory(latitude=Decimal("45.4642"), longitude=Decimal("9.1900"))  # Milano
    found = selectors.service_points_near(latitude=41.9028, longitude=12.4964)
    assert [p for p, _ in found] == [near]
    assert found[0][1] < 1.5


def test_current_price(contract):
    item = f.PriceItemFactory(price_list=f.PriceListFactory(is_current=True), code="S4")
    assert selectors.price_of(kind=item.kind, code="S4") == item.price
    assert selectors.price_of(kind=item.kind, code="XX") is None
