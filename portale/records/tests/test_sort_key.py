"""The line's sort key copied onto SIMs, STS and thresholds (issue 17, migration 0014):
the database triggers keep it equal to what the join to the line gives, whatever changes
the line or the row — renumbered, ceased and back, moved between contracts, One Number on
and off, a SIM replaced, ceased or activated from the hot stock, rows loaded in bulk, a
stale instance saved in full — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portale.records import bulk, services
from portale.records.models import Line, LineService, Sim, Threshold
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def expected_sim(sim: Sim) -> tuple:
    """What the copies must be, from the SIM's line read through the join."""
    line = sim.line
    if line is None:
        return ("", "", None)
    listed = sim.state != Sim.State.CEASED or line.state == "CESSATO"
    role = sim.role if line.one_number else ""
    return (line.msisdn, role, line.contract_id if listed else None)


def check_all() -> None:
    """Every SIM, STS and threshold of the database carries its line's keys."""
    sims = Sim.objects.select_related("line")
    got = {s.pk: (s.line_msisdn, s.listed_role, s.listed_contract_id) for s in sims}
    assert got == {s.pk: expected_sim(s) for s in sims}
    for model in (LineService, Threshold):
        rows = model.objects.select_related("line")
        got = {r.pk: (r.line_msisdn, r.line_contract_id) for r in rows}
        assert got == {r.pk: (r.line.msisdn, r.line.contract_id) for r in rows}, model


def threshold(line: Line, **kw) -> Threshold:
    return Threshold.objects.create(
        line=line,
        kind=Threshold.Kind.SPENDING,
        type=Threshold.Type.INFORMATIVE,
        period=Threshold.Period.MONTHLY,
        description=Threshold.Description.INFO_SPENDING,
        value=Decimal("50"),
        available=Decimal("50"),
        activation_date=datetime.date(2024, 1, 1),
        **kw,
    )


@pytest.fixture
def line(contract):
    ln = f.LineFactory(contract=contract, msisdn="3391111111")
    f.SimFactory(line=ln)
    f.LineServiceFactory(line=ln)
    threshold(ln)
    return ln


def test_rows_created_on_a_line_carry_its_number_and_contract(line, contract):
    sim = Sim.objects.get(line=line)
    assert (sim.line_msisdn, sim.listed_role, sim.listed_contract_id) == (
        "3391111111",
        "",
        contract.pk,
    )
    service = LineService.objects.get(line=line)
    assert (service.line_msisdn, service.line_contract_id) == ("3391111111", contract.pk)
    check_all()


def test_a_renumbered_line_renumbers_its_rows(line):
    Line.objects.filter(pk=line.pk).update(msisdn="3392222222")
    assert set(Sim.objects.values_list("line_msisdn", flat=True)) == {"3392222222"}
    assert LineService.objects.get().line_msisdn == "3392222222"
    assert Threshold.objects.get().line_msisdn == "3392222222"
    check_all()


def test_a_ceased_line_lists_its_ceased_sims_and_a_revived_one_does_not(line, contract):
    old = Sim.objects.get(line=line)
    old.state = Sim.State.CEASED
    old.save(update_fields=["state"])
    f.SimFactory(line=line)
    assert Sim.objects.get(pk=old.pk).listed_contract_id is None  # replaced, live line
    line.state = "CESSATO"
    line.cessation_date = line.activation_date
    line.save()
    assert set(Sim.objects.values_list("listed_contract_id", flat=True)) == {contract.pk}
    check_all()
    line.state = "ATTIVO"
    line.cessation_date = None
    line.save()
    assert Sim.objects.get(pk=old.pk).listed_contract_id is None
    check_all()


def test_suspending_a_line_keeps_its_keys(line):
    services.line_block(contract=line.contract, line_id=line.pk)
    sim = Sim.objects.get(line=line)
    assert sim.state == Sim.State.BLOCKED and sim.listed_contract_id == line.contract_id
    check_all()


def test_a_line_moved_to_another_contract_takes_its_rows(line, other_contract):
    sim = Sim.objects.get(line=line)
    Line.objects.filter(pk=line.pk).update(contract=other_contract)
    sim.refresh_from_db()
    # The SIM's own contract is not the list's scope: the line's is.
    assert sim.contract_id == line.contract_id
    assert sim.listed_contract_id == other_contract.pk
    assert LineService.objects.get().line_contract_id == other_contract.pk
    assert Threshold.objects.get().line_contract_id == other_contract.pk
    check_all()


def test_one_number_gives_the_sims_their_role_as_second_key(line):
    f.SimFactory(line=line, role=Sim.Role.SECONDARY)
    assert set(Sim.objects.values_list("listed_role", flat=True)) == {""}
    line.one_number = True
    line.save(update_fields=["one_number"])
    assert sorted(Sim.objects.values_list("listed_role", flat=True)) == [
        Sim.Role.MAIN,
        Sim.Role.SECONDARY,
    ]
    check_all()
    line.one_number = False
    line.save(update_fields=["one_number"])
    check_all()


def test_sim_replaced_and_activated_from_the_hot_stock(line, contract):
    stock = services.sims_hot_stock_receive(contract=contract, kind=Sim.Kind.VOICE, quantity=2)
    check_all()
    fresh = Sim.objects.get(pk=stock[0].pk)
    assert (fresh.line_msisdn, fresh.listed_contract_id) == ("", None)  # on no line
    old = Sim.objects.get(line=line)
    new = services.sim_replace(
        contract=contract, line_id=line.pk, old_iccid=old.iccid, new_iccid=stock[0].iccid
    )
    new.refresh_from_db()
    assert (new.line_msisdn, new.listed_contract_id) == (line.msisdn, contract.pk)
    assert Sim.objects.get(pk=old.pk).listed_contract_id is None
    (activated,) = services.sims_activate(
        contract=contract, items=[{"iccid": stock[1].iccid, "msisdn": stock[1].msisdn}]
    )
    sim = Sim.objects.get(pk=stock[1].pk)
    assert (sim.line_msisdn, sim.listed_contract_id) == (activated.msisdn, contract.pk)
    check_all()


def test_a_stale_instance_saved_in_full_does_not_write_old_keys_back(line):
    sim = Sim.objects.get(line=line)
    service = LineService.objects.get(line=line)
    Line.objects.filter(pk=line.pk).update(msisdn="3393333333")
    sim.imei = "353328110000001"
    sim.save()  # every column, the stale line_msisdn too
    service.monthly_fee = Decimal("1.00")
    service.save()
    assert Sim.objects.get(pk=sim.pk).line_msisdn == "3393333333"
    assert LineService.objects.get(pk=service.pk).line_msisdn == "3393333333"
    check_all()


def test_rows_loaded_in_bulk_and_updated_in_bulk(contract, other_contract):
    plan = f.TariffPlanFactory()
    lines = Line.objects.bulk_create(
        Line(
            msisdn=f"33400000{i:02d}",
            contract=contract if i % 2 else other_contract,
            tariff_plan=plan,
            activation_date=datetime.date(2021, 1, 1),
            one_number=i % 3 == 0,
        )
        for i in range(12)
    )
    Sim.objects.bulk_create(
        Sim(
            iccid=f"8939010009{i:09d}",
            line=ln,
            contract=ln.contract,
            role=Sim.Role.MAIN,
            state=Sim.State.CEASED if i % 4 == 0 else Sim.State.ACTIVE,
        )
        for i, ln in enumerate(lines)
    )
    LineService.objects.bulk_create(
        LineService(line=ln, description="RIF USCENTE", activation_date=ln.activation_date)
        for ln in lines
    )
    for ln in lines[:5]:
        threshold(ln)
    check_all()
    # the engines' bulk writer (consumption, erosion) leaves the keys as they are
    rows = list(Threshold.objects.all())
    for row in rows:
        row.available = Decimal("10")
        row.line_msisdn = "stale"  # never read back: not in the updated columns
    bulk.values_update(Threshold, rows, ["available"])
    Line.objects.filter(pk__in=[ln.pk for ln in lines[:6]]).update(state="CESSATO")
    check_all()
