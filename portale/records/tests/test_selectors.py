"""Reads other apps rely on, and the portal scope of every contract- or line-bound model."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from portale.core.capabilities import Profile
from portale.core.context import PortalContext
from portale.records import selectors
from portale.records.models import Contract, Line, LineState, PersonalRecharge, Referent, Sim
from portale.records.models.aggregates import UsageContractMonth, UsageLineMonth
from portale.records.models.dual_billing import DualBillingTally
from portale.records.models.lines import LineTally
from portale.records.models.scoping import PortalQuerySet
from portale.records.models.services import LineServiceTally
from portale.records.models.usage import ThresholdTally
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


def referent(contract) -> PortalContext:
    return PortalContext(user=None, contract=contract, profiles=frozenset({Profile.ROA}))


def employee(line) -> PortalContext:
    """An employee only: the context selects the line's contract, with no referent role."""
    return PortalContext(
        user=None, contract=line.contract, line=line, profiles=frozenset({Profile.DIP})
    )


# One row per contract- or line-bound model, hanging off ``line`` (and its contract).
USAGE_KEY = {"month": datetime.date(2026, 10, 1), "category": "VOCE", "charging": "AZIENDALE"}

ROWS = {
    "Referent": lambda line: f.ReferentFactory(
        contract=line.contract,  # one referent per role and contract
        role=Referent.Role.values[Referent.objects.filter(contract=line.contract).count()],
    ),
    "Line": lambda line: line,
    "LineTally": lambda line: LineTally.objects.get(
        contract=line.contract, tariff_plan=line.tariff_plan, state=line.state
    ),
    "LineServiceTally": lambda line: LineServiceTally.objects.get(
        contract=line.contract, description=f.LineServiceFactory(line=line).description
    ),
    "DualBillingTally": lambda line: DualBillingTally.objects.get(
        contract=line.contract, kind=f.DualBillingFactory(line=line).kind
    ),
    "ThresholdTally": lambda line: ThresholdTally.objects.get(
        contract=line.contract, kind=f.ThresholdFactory(line=line).kind
    ),
    "Sim": lambda line: f.SimFactory(line=line),
    "LineService": lambda line: f.LineServiceFactory(line=line),
    "ContractService": lambda line: f.ContractServiceFactory(contract=line.contract),
    "Device": lambda line: f.DeviceFactory(contract=line.contract, line=line),
    "DualBilling": lambda line: f.DualBillingFactory(line=line),
    "DualBillingOption": lambda line: f.DualBillingOptionFactory(line=line),
    "Bundle": lambda line: f.BundleFactory(line=line),
    "Threshold": lambda line: f.ThresholdFactory(line=line),
    "TrafficEvent": lambda line: f.TrafficEventFactory(line=line),
    "ServiceSms": lambda line: f.ServiceSmsFactory(line=line),
    "PersonalRecharge": lambda line: PersonalRecharge.objects.create(
        line=line, amount=10, channel="APP", recharged_at=timezone.now()
    ),
    "Invoice": lambda line: f.InvoiceFactory(contract=line.contract),
    "CostCentre": lambda line: f.CostCentreFactory(contract=line.contract),
    "UsageLineMonth": lambda line: UsageLineMonth.objects.create(
        line=line, **USAGE_KEY, first_day=USAGE_KEY["month"], last_day=USAGE_KEY["month"]
    ),
    "UsageContractMonth": lambda line: UsageContractMonth.objects.create(
        contract=line.contract, cost_centre_key=line.pk, **USAGE_KEY
    ),
    "PersonalInvoice": lambda line: f.PersonalInvoiceFactory(dual_billing__line=line),
}


def _bound(model) -> bool:
    return any(
        isinstance(field, models.ForeignKey) and field.related_model in (Contract, Line)
        for field in model._meta.get_fields()
    )


def test_every_contract_or_line_bound_model_has_a_portal_scope():
    records_models = apps.get_app_config("records").get_models()
    bound = {m.__name__ for m in records_models if _bound(m)}
    unscoped = {
        m.__name__
        for m in records_models
        if _bound(m) and not isinstance(m.objects.all(), PortalQuerySet)
    }
    assert unscoped == set()
    assert bound <= set(ROWS)  # and each is exercised below


@pytest.mark.parametrize("name", sorted(ROWS))
def test_for_portal_reads_the_contract_for_a_referent_and_the_line_for_an_employee(name):
    model = apps.get_model("records", name)
    mine = f.LineFactory()
    colleague = f.LineFactory(contract=mine.contract)
    other = f.LineFactory()
    rows = {line: ROWS[name](line) for line in (mine, colleague, other)}
    scope = model.portal_scope

    def seen(ctx, **kwargs):
        return set(model.objects.for_portal(ctx, **kwargs))

    if scope.contract:
        assert seen(referent(mine.contract)) >= {rows[mine], rows[colleague]}
        assert rows[other] not in seen(referent(mine.contract))
    else:  # personal data: a referent reads none of it through the contract
        assert seen(referent(mine.contract)) == set()
    if scope.line:
        assert seen(employee(mine)) == {rows[mine]}
        both = PortalContext(
            user=None, contract=mine.contract, line=mine, profiles=frozenset({Profile.ROA})
        )
        assert seen(both, own_line=True) == {rows[mine]}
    else:
        assert seen(employee(mine)) == set()
    assert seen(PortalContext(user=None)) == set()


def test_a_referent_who_is_also_an_employee_reads_the_contract(contract, sim):
    colleague = f.LineFactory(contract=contract)
    both = PortalContext(
        user=None,
        contract=contract,
        line=sim.line,
        profiles=frozenset({Profile.ROA, Profile.DIP}),
    )
    assert set(Line.objects.for_portal(both)) == {sim.line, colleague}
    assert list(Line.objects.for_portal(both, own_line=True)) == [sim.line]


def test_the_scope_refuses_a_model_without_the_asked_binding(contract):
    with pytest.raises(TypeError, match="Referent is not bound to a line"):
        Referent.objects.for_line(f.LineFactory(contract=contract))


def test_lines_for_a_mobile(contract):
    active = f.LineFactory(contract=contract, msisdn="3351112222")
    f.LineFactory(contract=contract, msisdn="3351113333", state=LineState.CEASED)
    assert selectors.line_for_mobile(mobile="3351112222") == active
    assert selectors.line_for_mobile(mobile="3351113333") is None
    assert selectors.line_for_mobile(mobile="") is None
    assert selectors.active_line_for_mobile(mobile="3351112222") == active
    active.state = LineState.SUSPENDED
    active.save()
    assert selectors.line_for_mobile(mobile="3351112222") == active
    assert selectors.active_line_for_mobile(mobile="3351112222") is None


def test_referents_of_a_contract(contract):
    master = f.ReferentFactory(contract=contract, role=Referent.Role.MASTER)
    ebill = f.ReferentFactory(contract=contract, role=Referent.Role.EBILL)
    f.ReferentFactory()  # another contract
    assert set(selectors.referents_of_contract(contract=contract)) == {master, ebill}
    assert list(selectors.referents_of_contract(contract=contract, roles=["EBILL"])) == [ebill]
    assert selectors.master_referent(contract=contract) == master
    assert set(selectors.referents_for_portal(ctx=referent(contract))) == {master, ebill}


def test_sims_on_the_lines_of_a_contract(contract, sim):
    f.SimFactory(contract=contract, line=None, state=Sim.State.STOCK)  # hot stock: no line
    f.SimFactory(iccid="8939010009991234567")  # another contract
    assert list(selectors.sims_on_lines_of_contract(contract=contract)) == [sim]
    assert list(selectors.sims_with_iccid_ending(digits="1234567890")) == [sim]


def test_services_of_a_line(contract, sim):
    f.LineServiceFactory(line=sim.line, description="RIF USCENTE")
    f.LineServiceFactory(line=sim.line, description="BLOCCO SATELLITARE", state="CESSATO")
    assert selectors.services_of_line(line=sim.line).count() == 2
    assert selectors.services_of_line(line=sim.line, include_ceased=False).count() == 1


def test_tim_tuo_of_a_line(sim):
    assert selectors.dual_billing_of_line(line=sim.line) is None
    billing = f.DualBillingFactory(line=sim.line)
    assert selectors.dual_billing_of_line(line=sim.line) == billing
    assert selectors.dual_billings_of_contract(contract=sim.contract, kind=billing.kind).get() == (
        billing
    )


def test_traffic_of_a_line_in_a_window(sim):
    now = timezone.now()
    f.TrafficEventFactory(line=sim.line, occurred_at=now - datetime.timedelta(days=1))
    f.TrafficEventFactory(
        line=sim.line, occurred_at=now - datetime.timedelta(days=90), net_amount=Decimal("1")
    )
    f.TrafficEventFactory(occurred_at=now - datetime.timedelta(days=1))  # another line
    recent = selectors.traffic_of_line(line=sim.line, start=now - datetime.timedelta(days=60))
    assert recent.count() == 1
    assert selectors.traffic_of_line(line=sim.line, paid_only=True).count() == 1
    assert selectors.traffic_of_line(line=sim.line, categories=[]).count() == 0


def test_invoices_for_the_portal(contract):
    recent = f.InvoiceFactory(
        contract=contract,
        emission_date=datetime.date(2026, 5, 1),
        due_date=datetime.date(2026, 6, 1),
    )
    f.InvoiceFactory(contract=contract)  # issued in 2021
    f.InvoiceFactory()  # another contract
    ctx = referent(contract)
    assert selectors.invoices_for_portal(ctx=ctx).count() == 2
    assert list(selectors.invoices_for_portal(ctx=ctx, since=datetime.date(2026, 1, 1))) == [recent]


def test_current_price_list():
    assert selectors.current_price_list() is None
    f.PriceListFactory(is_current=False)
    current = f.PriceListFactory(is_current=True)
    assert selectors.current_price_list() == current
