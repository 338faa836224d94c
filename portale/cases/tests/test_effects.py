"""Every operation fulfilment carries out, filed with valid input and fulfilled, changes the
records as the guide says, and only through ``records.services`` (the write guard is on).

An app that implements a new operation with an effect adds its row to ``CASES``: the first
test fails until it does. One worked by a person (``manual``) is closed by the back office.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from portale.cases import lifecycle, operations, services
from portale.cases.models import CaseState, Shipment
from portale.cases.tests.helpers import ebill_referent
from portale.dualbilling.tests import effects as dualbilling_effects
from portale.fulfilment import engine
from portale.records.models import LineState, Sim
from portale.records.testing import records_write_guard
from portale.records.tests import factories as f

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
            "Luca",  # names as typed: the records hold them so, never re-cased
            "Verdi",
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


def _sim_block(contract):
    sim = f.SimFactory(line__contract=contract)

    def check():
        sim.line.refresh_from_db()
        sim.refresh_from_db()
        assert (sim.line.state, sim.state) == (LineState.SUSPENDED, Sim.State.BLOCKED)

    return {"line": str(sim.line.pk)}, check


def _sim_unblock(contract):
    sim = f.SimFactory(
        line__contract=contract, line__state=LineState.SUSPENDED, state=Sim.State.BLOCKED
    )

    def check():
        sim.line.refresh_from_db()
        sim.refresh_from_db()
        assert (sim.line.state, sim.state) == (LineState.ACTIVE, Sim.State.ACTIVE)

    return {"line": str(sim.line.pk)}, check


def _sim_change(contract):
    old = f.SimFactory(line__contract=contract, line__one_number=True)
    secondary = f.SimFactory(line=old.line, role=Sim.Role.SECONDARY)
    stock = f.SimFactory(line=None, contract=contract, state=Sim.State.STOCK)
    payload = {"sim": str(secondary.pk), "new_iccid": stock.iccid[-10:], "causale": "GUASTO"}

    def check():
        secondary.refresh_from_db()
        stock.refresh_from_db()
        old.refresh_from_db()
        assert secondary.state == Sim.State.CEASED
        assert (stock.line_id, stock.role, stock.state) == (
            old.line_id,
            Sim.Role.SECONDARY,  # One Number: the new SIM takes the secondary's place
            Sim.State.ACTIVE,
        )
        assert (old.role, old.state) == (Sim.Role.MAIN, Sim.State.ACTIVE)

    return payload, check


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


def _bundle_flags(contract):
    plan = f.TariffPlanFactory(name="PA 8 PACCHETTO", category="PACCHETTO")
    off = dict.fromkeys(("extra_bundle", "over_bundle_national", "over_bundle_extra_eu"), False)
    package = f.LineFactory(contract=contract, tariff_plan=plan, **off)
    consumption = f.LineFactory(contract=contract, over_bundle_extra_eu=True)
    righe = (
        "NUMERO;EXTRA_BUNDLE;OVER_BUNDLE_NAZIONALE_UE;OVER_BUNDLE_EXTRA_UE\n"
        f"{package.msisdn};S;S;\n{consumption.msisdn};;;N\n"
    )

    def check():
        package.refresh_from_db()
        consumption.refresh_from_db()
        assert (package.extra_bundle, package.over_bundle_national) == (True, True)
        assert not package.over_bundle_extra_eu
        assert not consumption.over_bundle_extra_eu

    return {"righe": righe}, check


def _prepaid(contract, credit="0"):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    return f.LineFactory(contract=contract, tariff_plan=plan, company_credit=credit)


def _company_recharge(contract):
    line = _prepaid(contract, credit="1.50")

    def check():
        line.refresh_from_db()
        assert line.company_credit == Decimal("23.50")
        sms = line.service_sms.get()
        assert "RICARICA ONE SHOT 22 EBU ric è stata attivata" in sms.text

    return {"tipo": "one_shot", "line": str(line.pk), "importo": "22"}, check


def _recharge_mode(mode: str):
    def build(contract):
        line = _prepaid(contract)
        line.auto_recharge = mode
        line.save()

        def check():
            from portale.records.services import RECHARGE_OVERRIDES

            service = line.services.get()
            assert service.description == RECHARGE_OVERRIDES[mode]
            assert service.activation_date.day == 1 and service.parameters["mode"] == mode

        return {"righe": f"NUMERO\n{line.msisdn}\n"}, check

    return build


def _network_services(contract):
    from portale.records.models import NetworkCategory

    NetworkCategory.objects.create(code="INT", description="Internazionale")
    NetworkCategory.objects.create(code="ROAM", description="Roaming")
    line = f.LineFactory(contract=contract)

    def check():
        assert set(line.blocked_categories.values_list("code", flat=True)) == {"INT", "ROAM"}

    return {"line": str(line.pk), "blocked": ["INT", "ROAM"]}, check


def _rif_profile(contract):
    from portale.records.models import RifProfile

    RifProfile.objects.create(code="RIF01", description="Solo chiamate nazionali")
    line = f.LineFactory(contract=contract)

    def check():
        line.refresh_from_db()
        assert line.rif_profile.code == "RIF01"

    return {"line": str(line.pk), "profile": "RIF01"}, check


def _imei_block(contract):
    from portale.cases.tests.helpers import pdf_upload
    from portale.records.models import Device

    line = f.LineFactory(contract=contract)
    device = Device.objects.create(
        imei="490154203237518",
        description="SMARTPHONE",
        nmu_code="NMU1",
        service_type="NOLEGGIO",
        contract=contract,
        line=line,
    )
    payload = {
        "variante": "conosciuto",
        "imei": device.imei,
        "numero": line.msisdn,
        "evento": "FURTO",
        "data_evento": "2026-01-10",
    }
    files = {"documento_denuncia": pdf_upload(), "documento_documento": pdf_upload("ci.pdf")}

    def check():
        device.refresh_from_db()
        assert device.state == Device.State.BLOCKED

    return payload, check, files


def _deferred_activation(contract):
    f.TariffPlanFactory()  # "PA 8": a voice SIM's new line (G-23)
    stock = f.SimFactory(
        line=None,
        contract=contract,
        state=Sim.State.STOCK,
        iccid="8939010007712345678",
        msisdn="3297712345",
        activation_date=None,
    )

    def check():
        stock.refresh_from_db()
        line = stock.line
        assert (line.msisdn, line.contract_id, line.state) == (
            "3297712345",
            contract.pk,
            LineState.ACTIVE,
        )
        assert (stock.role, stock.state) == (Sim.Role.MAIN, Sim.State.ACTIVE)

    return {"righe": f"NUMERO;ICCID\n3297712345;{stock.iccid[-10:]}\n"}, check


def _hot_stock(contract):
    payload = {
        "fonia": "2",
        "m2m_standard": "1",
        "m2m_pin_disable": "0",
        "toponym": "VIA",
        "street": "Mazzini",
        "number": "7",
        "province": "RM",
        "city": "Roma",
        "cap": "00195",
    }

    def check():
        stock = Sim.objects.filter(contract=contract, state=Sim.State.STOCK, line__isnull=True)
        assert sorted(stock.values_list("kind", flat=True)) == ["FONIA", "FONIA", "M2M_STD"]
        shipment = Shipment.objects.get(order__case__operation="hot_stock")
        assert shipment.state == Shipment.State.DELIVERED and shipment.events.count() == 4

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


def _personal_recharge(contract):
    from payments import PaymentStatus

    from portale.myline.tests.helpers import timtuo_prepaid_line
    from portale.payments.models import Payment

    line = timtuo_prepaid_line(contract, credit=Decimal("5"))
    paid = Payment.objects.create(
        variant="sandbox",
        method="CARTA",
        user=f.UserFactory(mobile=line.msisdn),
        purpose="personal_recharge",
        reference={"line_id": line.pk},
        order_number="C2E2AE1CE9",
        return_url="/",
        total=Decimal("20"),
        currency="EUR",
        status=PaymentStatus.CONFIRMED,
    )

    def check():
        line.refresh_from_db()
        assert line.personal_credit == Decimal("25.00") and line.company_credit == 0
        assert line.personal_recharges.get().reference == paid.order_number

    return {"line_id": str(line.pk), "amount": "20", "order": paid.order_number}, check


def _timtuoric(family: str, code: str, *, cease: bool = False):
    def build(contract):
        from portale.myline.tests.helpers import option_price_list, timtuo_prepaid_line
        from portale.records.models import DualBillingOption

        option_price_list()
        line = timtuo_prepaid_line(contract, roaming=True)
        if cease:
            f.DualBillingOptionFactory(line=line, family=family, code=code, name=code)

        def check():
            option = DualBillingOption.objects.filter(line=line, family=family).latest("pk")
            assert option.code == code
            assert option.state == ("CESSATO" if cease else "ATTIVO")

        payload = {"line_id": str(line.pk), "family": family}
        if not cease:
            payload["option"] = code
        return payload, check

    return build


CASES = {
    "deferred_activation": _deferred_activation,
    "hot_stock": _hot_stock,
    "personal_recharge": _personal_recharge,
    "timtuoric_pack_nat_on": _timtuoric("PACC_NAZ", "M4"),
    "timtuoric_pack_nat_off": _timtuoric("PACC_NAZ", "S4", cease=True),
    "timtuoric_plaf_nat_on": _timtuoric("PLAF_AGG", "4GB Plus"),
    "timtuoric_plaf_nat_off": _timtuoric("PLAF_NAZ", "DATI10", cease=True),
    "timtuoric_pack_extue_on": _timtuoric("PACC_EXTUE", "RXU"),
    "timtuoric_pack_extue_off": _timtuoric("PACC_EXTUE_X", "RXU-X", cease=True),
    "timtuoric_plaf_extue_on": _timtuoric("PLAF_EXTUE_X", "RXD-X"),
    "timtuoric_plaf_extue_off": _timtuoric("PLAF_EXTUE", "RXD", cease=True),
    "imei_block": _imei_block,
    "network_services": _network_services,
    "rif_profile": _rif_profile,
    "recharge_confirm": _recharge_mode("CONFERMA"),
    "recharge_waive": _recharge_mode("RINUNCIA"),
    "company_recharge": _company_recharge,
    "bundle_flags": _bundle_flags,
    "sim_block": _sim_block,
    "sim_unblock": _sim_unblock,
    "sim_change": _sim_change,
    "employee_sim_change": _sim_change,
    "threshold_activate": _threshold_activate,
    "threshold_change": _threshold_change,
    "roaming_threshold_value": _roaming_value,
    "roaming_threshold_type": _roaming_type,
    "threshold_cease": _threshold_cease,
    "referent_replace": _referent_replace,
    "referent_contacts": _referent_contacts,
    "invoice_address": _address("invoice_address", "Ufficio economato"),
    "docs_address": _address("docs_address", ""),
    **dualbilling_effects.CASES,
}


def test_every_operation_with_an_effect_has_a_case_here():
    assert {op.code for op in operations.implemented() if op.effect} == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_filed_and_fulfilled_it_changes_the_records(code, roa, staff, contract):
    # files: declared documents; line: the employee's own line (§9 operations)
    payload, check, files, line = (*CASES[code](contract), None, None)[:4]
    with records_write_guard():
        case = services.case_file(
            operation=code, actor=roa, contract=contract, payload=payload, files=files, line=line
        )
        engine.run_until_idle()
        if operations.get(code).manual:  # worked by a person: the back office closes it
            lifecycle.case_take(case=case, operator=staff)
            lifecycle.case_close(case=case, operator=staff)
            engine.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.effect_applied_at, case.last_error
    check()
