"""The §7.5 operations' rules, on every channel (``case_file`` validates with the forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portale.cases import services
from portale.cases.models import CaseState
from portale.fulfilment import engine as fulfilment
from portale.records.models import Threshold
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def _file(roa, contract, operation, payload):
    return services.case_file(operation=operation, actor=roa, contract=contract, payload=payload)


def _refused(roa, contract, operation, payload) -> dict:
    with pytest.raises(services.InvalidRequest) as exc:
        _file(roa, contract, operation, payload)
    return exc.value.errors


def _line(contract, category="CONSUMO", name="PA 8"):
    plan = f.TariffPlanFactory(name=name, category=category)
    return f.SimFactory(line__contract=contract, line__tariff_plan=plan).line


def _threshold(line, **kw):
    kw.setdefault("type", "INFORMATIVA")
    kw.setdefault(
        "description",
        "SOGLIA DISPO SPESA PA" if kw["type"] == "DISPOSITIVA" else "SOGLIA INFO SPESA PA",
    )
    return f.ThresholdFactory(line=line, **kw)


def test_zero_euro_with_informativa_is_refused(roa, contract):
    line = _line(contract)
    base = {"lines": [str(line.pk)], "period": "MENSILE", "value": "0"}
    errors = _refused(roa, contract, "threshold_activate", {**base, "type": "INFORMATIVA"})
    assert "Dispositiva" in str(errors)
    case = _file(roa, contract, "threshold_activate", {**base, "type": "DISPOSITIVA"})
    assert case.orders.get().items.get().line == line


def test_g34_limits(roa, contract):
    line = _line(contract)
    base = {"lines": [str(line.pk)], "period": "MENSILE", "type": "INFORMATIVA"}
    for bad in ("10000", "-1", "10,123", "dieci"):
        _refused(roa, contract, "threshold_activate", {**base, "value": bad})
    _file(roa, contract, "threshold_activate", {**base, "value": "9999"})


def test_activation_only_on_subscription_lines_without_a_spending_threshold(roa, contract):
    prepaid = _line(contract, "RICARICABILE", "RICARICABILE Business VOLTE")
    busy = _threshold(_line(contract)).line
    for line in (prepaid, busy):
        payload = {"lines": [str(line.pk)], "period": "MENSILE", "type": "INFORMATIVA"}
        _refused(roa, contract, "threshold_activate", {**payload, "value": "10"})


def test_a_line_of_another_contract_is_refused(roa, contract, other_contract):
    foreign = _line(other_contract)
    payload = {"lines": [str(foreign.pk)], "period": "MENSILE", "type": "INFORMATIVA"}
    _refused(roa, contract, "threshold_activate", {**payload, "value": "10"})
    t = _threshold(foreign)
    _refused(roa, contract, "threshold_cease", {"thresholds": [str(t.pk)], "type": "INFORMATIVA"})


def test_mixed_types_in_one_variation_are_refused(roa, contract):
    info = _threshold(_line(contract))
    dispo = _threshold(_line(contract), type="DISPOSITIVA")
    payload = {"thresholds": [str(info.pk), str(dispo.pk)], "change": "importo", "value": "20"}
    assert "stessa tipologia" in str(_refused(roa, contract, "threshold_change", payload))
    both_info = _threshold(_line(contract))
    payload["thresholds"] = [str(info.pk), str(both_info.pk)]
    case = _file(roa, contract, "threshold_change", payload)
    fulfilment.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED, case.last_error
    info.refresh_from_db()
    both_info.refresh_from_db()
    assert info.value == both_info.value == Decimal("20.00")


def test_changing_a_zero_euro_threshold_to_informativa_is_refused(roa, contract):
    zero = _threshold(_line(contract), type="DISPOSITIVA", value=Decimal(0), available=Decimal(0))
    payload = {"thresholds": [str(zero.pk)], "change": "tipologia", "type": "INFORMATIVA"}
    _refused(roa, contract, "threshold_change", payload)
    roaming = f.ThresholdFactory(
        line=_line(contract),
        kind="DATI_EXTRA_UE",
        type="DISPOSITIVA",
        description="SOGLIA DISPO VALORE DATI EXTRA UE PA",
        value=Decimal(0),
        available=Decimal(0),
    )
    payload = {"thresholds": [str(roaming.pk)], "type": "INFORMATIVA"}
    _refused(roa, contract, "roaming_threshold_type", payload)


def test_roaming_period_is_not_a_choice_and_roaming_cannot_be_ceased(roa, contract):
    roaming = f.ThresholdFactory(
        line=_line(contract),
        kind="DATI_EXTRA_UE",
        description="SOGLIA INFO VALORE DATI EXTRA UE PA",
    )
    payload = {"thresholds": [str(roaming.pk)], "type": "INFORMATIVA"}
    _refused(roa, contract, "threshold_cease", payload)
    payload = {"thresholds": [str(roaming.pk)], "change": "periodo", "period": "GIORNALIERO"}
    _refused(roa, contract, "threshold_change", payload)


def test_cessation_confirms_the_type_and_a_busy_line_is_refused(roa, contract):
    t = _threshold(_line(contract))
    wrong = {"thresholds": [str(t.pk)], "type": "DISPOSITIVA"}
    # COPY §5: what is wrong and what to do, under "Tipologia soglia da cessare"
    assert _refused(roa, contract, "threshold_cease", wrong)["type"] == [
        "Le soglie selezionate sono di tipologia INFORMATIVA: scegli INFORMATIVA, oppure "
        "torna alla lista con INDIETRO e cambia la selezione."
    ]
    _file(roa, contract, "threshold_cease", {"thresholds": [str(t.pk)], "type": "INFORMATIVA"})
    # The pratica is open: no second threshold request on that line.
    payload = {"thresholds": [str(t.pk)], "change": "importo", "value": "30"}
    assert "in lavorazione" in str(_refused(roa, contract, "threshold_change", payload))


def test_summary_lists_every_line(roa, contract):
    lines = [_line(contract) for _ in range(3)]
    payload = {
        "lines": [str(ln.pk) for ln in lines],
        "period": "GIORNALIERO",
        "type": "DISPOSITIVA",
        "value": "10",
    }
    case = _file(roa, contract, "threshold_activate", payload)
    labels = [row[0] for row in case.summary]
    for ln in lines:
        assert any(ln.msisdn in label for label in labels)
    order = case.orders.get()
    assert {i.line_id for i in order.items.all()} == {ln.pk for ln in lines}
    assert Threshold.objects.filter(line__in=lines).count() == 0  # not before fulfilment
