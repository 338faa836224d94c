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
        code=DualBillingOption.COMPANY_OPTIONS[name],
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


def card_mandate(user, *, status: str = "confirmed"):
    """A card registration the PSP reported (what ``payments.mandate_start`` + the hosted page
    leave behind): token and masked card only."""
    import secrets
    from decimal import Decimal

    from portale.dualbilling.forms import CARD_PURPOSE
    from portale.payments.models import Payment

    return Payment.objects.create(
        kind=Payment.Kind.MANDATE,
        variant="sandbox",
        method="CARD",
        user=user,
        purpose=CARD_PURPOSE,
        order_number=f"{secrets.randbelow(10**10):010d}",
        description="Domiciliazione TIM TUO",
        total=Decimal("0"),
        currency="EUR",
        return_url="/",
        status=status,
        billing_first_name="Mario",
        billing_last_name="Rossi",
        card_brand="VISA",
        card_expiry="12/39",
        card_masked="*****4242",
        psp_token="sbx_test_token",
    )


def master_user(contract):
    from django.contrib.auth import get_user_model

    from portale.records.selectors import master_referent

    return get_user_model().objects.get(mobile=master_referent(contract=contract).mobile)
