"""The records services behind Gestione SIM, and rating obeying a blocked line."""

from decimal import Decimal

import pytest

from portale.rating.ingest import import_cdr_bytes
from portale.rating.services import REFUSED_SUSPENDED
from portale.rating.tests.helpers import cdr_bytes, voice
from portale.records import services
from portale.records.models import LineState, Sim, TrafficEvent
from portale.records.services import RecordError
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def test_line_block_refuses_a_ceased_line_and_another_contracts_line(contract, other_contract):
    ceased = f.LineFactory(contract=contract, state=LineState.CEASED)
    with pytest.raises(RecordError):
        services.line_block(contract=contract, line_id=ceased.pk)
    live = f.LineFactory(contract=other_contract)
    with pytest.raises(RecordError):
        services.line_block(contract=contract, line_id=live.pk)
    live.refresh_from_db()
    assert live.state == LineState.ACTIVE


def test_sim_replace_takes_only_the_contracts_unused_stock(contract, other_contract):
    old = f.SimFactory(line__contract=contract)
    foreign_stock = f.SimFactory(line=None, contract=other_contract, state=Sim.State.STOCK)
    active_elsewhere = f.SimFactory(line__contract=contract)
    for iccid in (foreign_stock.iccid, active_elsewhere.iccid, "8939010009999999999"):
        with pytest.raises(RecordError):
            services.sim_replace(
                contract=contract, line_id=old.line_id, old_iccid=old.iccid, new_iccid=iccid
            )
    old.refresh_from_db()
    assert old.state == Sim.State.ACTIVE


def test_sim_replace_on_a_suspended_line_keeps_the_new_sim_blocked(contract):
    old = f.SimFactory(
        line__contract=contract, line__state=LineState.SUSPENDED, state=Sim.State.BLOCKED
    )
    stock = f.SimFactory(line=None, contract=contract, state=Sim.State.STOCK, msisdn="3290000650")
    new = services.sim_replace(
        contract=contract, line_id=old.line_id, old_iccid=old.iccid, new_iccid=stock.iccid
    )
    assert (new.line_id, new.state) == (old.line_id, Sim.State.BLOCKED)
    new.refresh_from_db()
    assert new.msisdn == old.line.msisdn  # the line's number, not the stock one


def test_rating_refuses_the_traffic_of_a_blocked_line_until_it_is_unblocked(contract):
    line = f.SimFactory(line__contract=contract).line
    services.line_block(contract=contract, line_id=line.pk)
    import_cdr_bytes(cdr_bytes([voice("B1", line.msisdn, "2021-09-01T09:00:00", 120)]))
    refused = TrafficEvent.objects.get(external_id="B1")
    assert refused.rated_at is not None
    assert (refused.gross_amount, refused.net_amount, refused.option) == (0, 0, REFUSED_SUSPENDED)
    services.line_unblock(contract=contract, line_id=line.pk)
    import_cdr_bytes(cdr_bytes([voice("B2", line.msisdn, "2021-09-01T10:00:00", 120)]))
    carried = TrafficEvent.objects.get(external_id="B2")
    assert carried.gross_amount > Decimal(0) and carried.option != REFUSED_SUSPENDED
