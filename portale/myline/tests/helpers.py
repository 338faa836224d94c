"""Test helpers of the TIM TUO prepaid options: the price list and an enabled line."""

from __future__ import annotations

from decimal import Decimal

from portale.records.demo.catalog import PERSONAL_OPTIONS
from portale.records.models import DualBilling, DualBillingOption, Line
from portale.records.tests import factories as f


def option_price_list():
    price_list = f.PriceListFactory(is_current=True)
    for _family, code, name, price in PERSONAL_OPTIONS:
        f.PriceItemFactory(price_list=price_list, code=code, description=name, price=price)
    return price_list


def timtuo_prepaid_line(
    contract, *, credit: Decimal = Decimal("30"), roaming: bool = False
) -> Line:
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    line = f.SimFactory(
        line__contract=contract,
        line__tariff_plan=plan,
        line__dual_billing_enabled=True,
        line__personal_credit=credit,
    ).line
    f.DualBillingFactory(line=line, kind=DualBilling.Kind.PREPAID, code=None, state="ATTIVO")
    if roaming:
        f.DualBillingOptionFactory(
            line=line,
            scope=DualBillingOption.Scope.COMPANY,
            family=DualBillingOption.Family.COMPANY,
            code="TTROAM-RIC",
            name="TIM Tuo Roaming on Extra UE (per ricaricabile)",
            price=Decimal("0"),
        )
    return line
