"""Every operation fulfilment carries out, filed with valid input and fulfilled, changes the
records as the guide says, and only through ``records.services`` (the write guard is on).

An app that implements a new operation with an effect adds its row to ``CASES``: the first
test fails until it does.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from portale.cases import operations, services
from portale.cases.models import CaseState
from portale.cases.tests.helpers import ebill_referent
from portale.fulfilment import engine
from portale.records.testing import records_write_guard

pytestmark = pytest.mark.django_db


def _referent_replace(contract):
    ref = ebill_referent(contract)
    payload = {
        "referent": str(ref.pk),
        "first_name": "Luca",
        "last_name": "Verdi",
        "fiscal_code": "VRDLCU80A01H501G",
        "mobile": "3351112223",
        "email": "luca.verdi@comune.example.it",
    }

    def check():
        ref.refresh_from_db()
        assert (ref.first_name, ref.last_name, ref.fiscal_code) == (
            "LUCA",
            "VERDI",
            "VRDLCU80A01H501G",
        )

    return payload, check


def _referent_contacts(contract):
    ref = ebill_referent(contract)
    payload = {"referent": str(ref.pk), "mobile": "3351112224", "email": "nuovi@ente.it"}

    def check():
        ref.refresh_from_db()
        assert (ref.mobile, ref.email, ref.last_name) == ("3351112224", "nuovi@ente.it", "BIANCHI")

    return payload, check


def _address(field: str, attention: str):
    def build(contract):
        old_pk = getattr(contract, field).pk
        payload = {
            "toponym": "PIAZZA",
            "street": "Italia",
            "number": "1",
            "province": "PG",
            "city": "Perugia",
            "cap": "06121",
            "attention_of": attention,
        }

        def check():
            contract.refresh_from_db()
            address = getattr(contract, field)
            assert address.pk != old_pk
            assert (address.toponym, address.street, address.city, address.cap) == (
                "PIAZZA",
                "ITALIA",
                "PERUGIA",
                "06121",
            )
            assert address.attention_of == attention.upper()

        return payload, check

    return build


def _subscription_line(contract):
    from portale.records.tests import factories as f

    return f.SimFactory(line__contract=contract).line


def _threshold_activate(contract):
    line = _subscription_line(contract)
    payload = {
        "lines": [str(line.pk)],
        "type": "DISPOSITIVA",
        "period": "GIORNALIERO",
        "value": "0",
    }

    def check():
        t = line.thresholds.get(kind="SPESA")
        assert (t.type, t.period, t.value, t.description) == (
            "DISPOSITIVA",
            "GIORNALIERO",
            0,
            "SOGLIA DISPO SPESA PA",
        )

    return payload, check


def _threshold(contract, kind="SPESA", **kw):
    from portale.records.tests import factories as f

    line = _subscription_line(contract)
    if kind == "SPESA":
        return f.ThresholdFactory(line=line, **kw)
    return f.ThresholdFactory(
        line=line,
        kind="DATI_EXTRA_UE",
        description="SOGLIA INFO VALORE DATI EXTRA UE PA",
        **kw,
    )


def _threshold_change(contract):
    t = _threshold(contract)
    payload = {"thresholds": [str(t.pk)], "change": "periodo", "period": "GIORNALIERO"}

    def check():
        t.refresh_from_db()
        assert (t.period, t.state, t.type) == ("GIORNALIERO", "ATTIVO", "INFORMATIVA")

    return payload, check


def _roaming_value(contract):
    t = _threshold(contract, kind="DATI_EXTRA_UE")
    payload = {"thresholds": [str(t.pk)], "value": "120,50"}

    def check():
        t.refresh_from_db()
        assert (str(t.value), t.available, t.period) == ("120.50", Decimal("120.500"), "MENSILE")

    return payload, check


def _roaming_type(contract):
    t = _threshold(contract, kind="DATI_EXTRA_UE")
    payload = {"thresholds": [str(t.pk)], "type": "DISPOSITIVA"}

    def check():
        t.refresh_from_db()
        assert (t.type, t.description) == ("DISPOSITIVA", "SOGLIA DISPO VALORE DATI EXTRA UE PA")

    return payload, check


def _threshold_cease(contract):
    t = _threshold(contract)
    payload = {"thresholds": [str(t.pk)], "type": "INFORMATIVA"}

    def check():
        t.refresh_from_db()
        assert t.state == "CESSATO" and t.cessation_date is not None

    return payload, check


CASES = {
    "threshold_activate": _threshold_activate,
    "threshold_change": _threshold_change,
    "roaming_threshold_value": _roaming_value,
    "roaming_threshold_type": _roaming_type,
    "threshold_cease": _threshold_cease,
    "referent_replace": _referent_replace,
    "referent_contacts": _referent_contacts,
    "invoice_address": _address("invoice_address", "Ufficio economato"),
    "docs_address": _address("docs_address", ""),
}


def test_every_automatic_operation_has_a_case_here():
    assert {op.code for op in operations.implemented() if op.automatic} == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_filed_and_fulfilled_it_changes_the_records(code, roa, contract):
    payload, check = CASES[code](contract)
    with records_write_guard():
        case = services.case_file(operation=code, actor=roa, contract=contract, payload=payload)
        engine.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.effect_applied_at, case.last_error
    check()
