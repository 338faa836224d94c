"""Writes to the records: locked, validated, refused with an Italian message."""

import pytest

from portale.records import services
from portale.records.models import Referent
from portale.records.services import RecordError
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def test_referent_update_changes_only_the_person():
    ref = f.ReferentFactory(role=Referent.Role.EBILL)
    services.referent_update(
        contract=ref.contract, referent_id=ref.pk, mobile="3351112233", email="nuovo@ente.it"
    )
    ref.refresh_from_db()
    assert (ref.mobile, ref.email, ref.role) == ("3351112233", "nuovo@ente.it", "EBILL")


def test_referent_update_refuses_a_referent_of_another_contract():
    ref = f.ReferentFactory(role=Referent.Role.EBILL)
    other = f.ContractFactory()
    with pytest.raises(RecordError):
        services.referent_update(contract=other, referent_id=ref.pk, email="x@ente.it")


def test_referent_update_refuses_invalid_data_and_changes_nothing():
    ref = f.ReferentFactory(role=Referent.Role.EBILL)
    before = ref.email
    with pytest.raises(RecordError):
        services.referent_update(contract=ref.contract, referent_id=ref.pk, email="non-una-email")
    ref.refresh_from_db()
    assert ref.email == before


def test_referent_update_accepts_only_person_fields():
    ref = f.ReferentFactory(role=Referent.Role.EBILL)
    with pytest.raises(TypeError):
        services.referent_update(contract=ref.contract, referent_id=ref.pk, role="MASTER")


def test_contract_address_set_keeps_the_old_address():
    contract = f.ContractFactory()
    old = contract.invoice_address
    new = services.contract_address_set(
        contract=contract,
        kind="invoice_address",
        toponym="VIA",
        street="ROMA",
        number="1",
        province="PG",
        city="PERUGIA",
        cap="06121",
        attention_of="UFFICIO ECONOMATO",
    )
    contract.refresh_from_db()
    old.refresh_from_db()  # still there, for the invoices that point to it
    assert contract.invoice_address == new and new.attention_of == "UFFICIO ECONOMATO"
    assert contract.docs_address_id != new.pk


def test_contract_address_set_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        services.contract_address_set(
            contract=f.ContractFactory(),
            kind="seat",
            toponym="VIA",
            street="ROMA",
            number="1",
            province="PG",
            city="PERUGIA",
            cap="06121",
        )
