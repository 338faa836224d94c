"""Writes that keep lines, SIMs, services and thresholds consistent."""

import datetime
from decimal import Decimal

import pytest

from portale.records import services
from portale.records.models import LineState, Sim, Threshold
from portale.records.services import RecordError
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 5, 10)


@pytest.fixture
def sim():
    return f.SimFactory()


def test_suspend_and_reactivate_move_the_sims(sim):
    secondary = f.SimFactory(line=sim.line, role=Sim.Role.SECONDARY)
    services.line_set_state(line=sim.line, state=LineState.SUSPENDED)
    sim.refresh_from_db()
    secondary.refresh_from_db()
    assert (sim.state, secondary.state) == (Sim.State.BLOCKED, Sim.State.BLOCKED)
    services.line_set_state(line=sim.line, state=LineState.ACTIVE)
    sim.refresh_from_db()
    assert sim.state == Sim.State.ACTIVE


def test_cessation_ceases_everything_on_the_line(sim):
    sts = f.LineServiceFactory(line=sim.line)
    threshold = f.ThresholdFactory(line=sim.line)
    billing = f.DualBillingFactory(line=sim.line)
    line = services.line_set_state(line=sim.line, state=LineState.CEASED, on=DAY)
    assert line.cessation_date == DAY
    for obj in (sim, sts, threshold, billing):
        obj.refresh_from_db()
    assert sim.state == Sim.State.CEASED
    assert (sts.state, sts.cessation_date) == ("CESSATO", DAY)
    assert threshold.state == "CESSATO" and billing.state == "CESSATO"
    with pytest.raises(RecordError):
        services.line_set_state(line=line, state=LineState.ACTIVE)
    with pytest.raises(RecordError):
        services.line_set_state(line=line, state="BOH")


def test_sim_change_uses_a_stock_sim_of_the_contract(sim):
    stock = f.SimFactory(line=None, contract=sim.contract, state=Sim.State.STOCK)
    new = services.sim_replace(line=sim.line, new_iccid=stock.iccid, on=DAY)
    sim.refresh_from_db()
    assert new.pk == stock.pk and new.line == sim.line and new.state == Sim.State.ACTIVE
    assert sim.state == Sim.State.CEASED


def test_sim_change_refuses_a_sim_in_use_or_a_bad_iccid(sim):
    other = f.SimFactory()
    with pytest.raises(RecordError):
        services.sim_replace(line=sim.line, new_iccid=other.iccid)
    with pytest.raises(RecordError):
        services.sim_replace(line=sim.line, new_iccid="123")
    new = services.sim_replace(line=sim.line, new_iccid="8939010009999999999")
    assert new.role == Sim.Role.MAIN and new.contract == sim.contract


def test_network_categories_rif_and_bundle_flags(sim):
    f.NetworkCategoryFactory(code="INT")
    f.NetworkCategoryFactory(code="SAT")
    f.RifProfileFactory(code="RIF01")
    services.line_set_blocked_categories(line=sim.line, codes=["INT", "SAT"])
    services.line_set_blocked_categories(line=sim.line, codes=["SAT"])
    assert set(sim.line.blocked_categories.values_list("code", flat=True)) == {"SAT"}
    with pytest.raises(RecordError):
        services.line_set_blocked_categories(line=sim.line, codes=["NOPE"])
    assert services.line_set_rif_profile(line=sim.line, code="RIF01").rif_profile.code == "RIF01"
    line = services.line_set_bundle_flags(line=sim.line, over_bundle_extra_eu=True)
    assert line.over_bundle_extra_eu and not line.extra_bundle


def test_line_service_activate_and_cease(sim):
    sts = services.line_service_activate(
        line=sim.line,
        description="RICARICA A TEMPO",
        kind="RIC_TEMPO",
        parameters={"amount": 20, "frequency_days": 30},
        on=DAY,
    )
    assert sts.state == "ATTIVO" and sts.pct_charged_to_entity == 100
    sts = services.line_service_cease(service=sts, on=DAY)
    assert sts.state == "CESSATO" and sts.cessation_date == DAY


def test_bundle_erosion_returns_the_overflow(sim):
    bundle = f.BundleFactory(line=sim.line, total=Decimal(10), remaining=Decimal(3))
    assert services.bundle_erode(bundle=bundle, amount=Decimal(2)) == 0
    assert services.bundle_erode(bundle=bundle, amount=Decimal(5)) == Decimal(4)
    bundle.refresh_from_db()
    assert bundle.remaining == 0


def test_thresholds_activate_change_cease(sim):
    threshold = services.threshold_activate(
        line=sim.line,
        description=Threshold.Description.INFO_SPENDING,
        type=Threshold.Type.INFORMATIVE,
        period=Threshold.Period.MONTHLY,
        value=Decimal(100),
        on=DAY,
    )
    assert threshold.available == 100 and threshold.period_start == DAY.replace(day=1)
    with pytest.raises(RecordError):
        services.threshold_activate(
            line=sim.line,
            description=Threshold.Description.INFO_SPENDING,
            type="INFORMATIVA",
            period="MENSILE",
            value=Decimal(10),
        )
    Threshold.objects.filter(pk=threshold.pk).update(available=Decimal(60))
    threshold = services.threshold_change(threshold=threshold, value=Decimal(50))
    assert threshold.available == 10  # 40 € already consumed
    assert services.threshold_cease(threshold=threshold, on=DAY).state == "CESSATO"


def test_roaming_threshold_period_is_fixed(sim):
    threshold = f.ThresholdFactory(
        line=sim.line,
        kind=Threshold.Kind.ROAMING_DATA,
        description=Threshold.Description.INFO_ROAMING,
    )
    with pytest.raises(RecordError):
        services.threshold_change(threshold=threshold, period=Threshold.Period.DAILY)


def test_tim_tuo_cessation_ceases_the_options(sim):
    billing = f.DualBillingFactory(line=sim.line)
    option = f.DualBillingOptionFactory(line=sim.line)
    billing = services.dual_billing_cease(billing=billing, on=DAY)
    option.refresh_from_db()
    assert billing.state == "CESSATO" and option.state == "CESSATO"
