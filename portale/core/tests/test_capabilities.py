"""The capability registry drives the menus: profiles add up, an employee sees three menus."""

import pytest

from portale.core import capabilities
from portale.core.context import build_context


def _menus(user):
    return [
        entry["menu"].code for entry in capabilities.menu_for(build_context(user=user, session={}))
    ]


def _items(user):
    ctx = build_context(user=user, session={})
    return {
        item["cap"].code
        for entry in capabilities.menu_for(ctx)
        for _group, items in entry["groups"]
        for item in items
    }


@pytest.mark.django_db
def test_an_employee_sees_only_the_employee_menus(employee):
    # FEATURES "Menu map": a DIP-only user sees Linee e listino, Fatturazione e traffico, Assistenza.
    assert set(_menus(employee)) <= {"lines", "billing", "support"}
    assert "myline.consumption" in _items(employee)
    assert "cases.history" not in _items(employee)


@pytest.mark.django_db
def test_a_roa_without_a_line_has_no_employee_functions(roa):
    items = _items(roa)
    assert "cases.history" in items and "inventory.aggregate" in items
    assert not any(code.startswith("myline.") for code in items)


@pytest.mark.django_db
def test_profiles_add_up_in_the_menu(roa, contract):
    from portale.records.tests import factories as f

    f.SimFactory(line__contract=contract, line__msisdn=roa.mobile)
    items = _items(roa)
    assert "cases.history" in items and "myline.consumption" in items


@pytest.mark.django_db
def test_prepaid_only_functions_follow_the_line(employee, prepaid_employee):
    prepaid = {
        c.code for c in capabilities.allowed(build_context(user=prepaid_employee, session={}))
    }
    subscription = {c.code for c in capabilities.allowed(build_context(user=employee, session={}))}
    assert "myline.recharge" in prepaid and "myline.recharge" not in subscription
    assert "myline.dual_invoice" in subscription and "myline.dual_invoice" not in prepaid


@pytest.mark.django_db
def test_a_traffic_manager_gets_thresholds_not_inventories(traffic_manager):
    allowed = {
        c.code for c in capabilities.allowed(build_context(user=traffic_manager, session={}))
    }
    assert "thresholds.monitoring" in allowed
    assert "inventory.aggregate" not in allowed and "cases.history" not in allowed


def test_every_capability_names_a_known_menu():
    menus = {m.code for m in capabilities.MENUS}
    assert all(c.menu in menus for c in capabilities.REGISTRY.values())
