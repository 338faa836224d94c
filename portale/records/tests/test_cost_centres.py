"""Cost centres: codes unique per contract, lines allocated only within their contract."""

import pytest

from portale.records import selectors, services
from portale.records.services import RecordError
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def test_create_normalises_the_code_and_refuses_a_duplicate():
    contract = f.ContractFactory()
    centre = services.cost_centre_create(contract=contract, code="  cdc  ragioneria ", name="R")
    assert centre.code == "CDC RAGIONERIA"
    with pytest.raises(RecordError, match="esiste già"):
        services.cost_centre_create(contract=contract, code="CDC Ragioneria")
    # the same code on another contract is another cost centre
    services.cost_centre_create(contract=f.ContractFactory(), code="CDC RAGIONERIA")


def test_create_refuses_an_empty_code():
    with pytest.raises(RecordError, match="obbligatorio"):
        services.cost_centre_create(contract=f.ContractFactory(), code="   ")


def test_assign_allocates_and_unallocates_lines():
    centre = f.CostCentreFactory()
    a, b = f.LineFactory(contract=centre.contract), f.LineFactory(contract=centre.contract)
    assert (
        services.lines_cost_centre_assign(
            contract=centre.contract, assignments={a.pk: centre.pk, b.pk: centre.pk}
        )
        == 2
    )
    counted = selectors.cost_centres_of_contract(contract=centre.contract).get()
    assert counted.lines.count() == 2
    services.lines_cost_centre_assign(contract=centre.contract, assignments={a.pk: None})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.cost_centre_id, b.cost_centre_id) == (None, centre.pk)


def test_assign_refuses_another_contracts_line_or_centre_and_changes_nothing():
    centre = f.CostCentreFactory()
    own = f.LineFactory(contract=centre.contract)
    foreign_line = f.LineFactory()
    foreign_centre = f.CostCentreFactory()
    with pytest.raises(RecordError):
        services.lines_cost_centre_assign(
            contract=centre.contract, assignments={own.pk: centre.pk, foreign_line.pk: centre.pk}
        )
    with pytest.raises(RecordError):
        services.lines_cost_centre_assign(
            contract=centre.contract, assignments={own.pk: foreign_centre.pk}
        )
    own.refresh_from_db()
    assert own.cost_centre_id is None


def test_delete_unallocates_its_lines():
    centre = f.CostCentreFactory()
    line = f.LineFactory(contract=centre.contract, cost_centre=centre)
    assert services.cost_centre_delete(contract=centre.contract, cost_centre_id=centre.pk) == 1
    line.refresh_from_db()
    assert line.cost_centre_id is None
