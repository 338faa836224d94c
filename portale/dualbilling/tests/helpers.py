"""Builders for the TIM TUO tests (effects, pages, scope)."""

from __future__ import annotations

from portale.records.models import DualBilling, DualBillingOption, Line
from portale.records.tests import factories as f

CF = "RSSMRA80A01H501U"
IBAN = "IT60X0542811101000000123456"
ADDRESS = {
    "toponym": "VIA",
    "street": "Roma",
    "number": "1",
    "province": "PG",
    "city": "Perugia",
    "cap": "06121",
}


def prepaid_plan():
    return f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")


def line(contract, *, prepaid: bool = False, enabled: bool = False, **kw) -> Line:
    extra = {"line__tariff_plan": prepaid_plan()} if prepaid else {}
    return f.SimFactory(
        line__contract=contract, line__dual_billing_enabled=enabled, **extra, **kw
    ).line


def active_line(contract, *, prepaid: bool = False, **kw) -> Line:
    ln = line(contract, prepaid=prepaid, enabled=True)
    kind = DualBilling.Kind.PREPAID if prepaid else DualBilling.Kind.SUBSCRIPTION
    _billing(ln, kind, **kw)
    return ln


def _billing(ln, kind, **kw):
    if kind == DualBilling.Kind.PREPAID:
        kw.setdefault("code", None)
    return f.DualBillingFactory(line=ln, kind=kind, state="ATTIVO", **kw)


def company_option(ln, name):
    return f.DualBillingOptionFactory(
        line=ln,
        scope=DualBillingOption.Scope.COMPANY,
        family=DualBillingOption.Family.COMPANY,
        code=name,
        name=name,
        price=0,
    )


def mandate_data(**over) -> dict:
    return {
        "iban": IBAN,
        "signatory_first_name": "Mario",
        "signatory_last_name": "Rossi",
        "signatory_fiscal_code": CF,
        "holder_first_name": "Mario",
        "holder_last_name": "Rossi",
        "holder_fiscal_code": CF,
        "holder_address": "VIA ROMA 1, 06121 PERUGIA (PG)",
        **over,
    }


def activation_data(**over) -> dict:
    return {
        "fiscal_code": CF,
        "first_name": "Mario",
        "last_name": "Rossi",
        **ADDRESS,
        "sms_number": "",
        "conditions": "on",
        "email": "mario.rossi@example.it",
        **over,
    }
