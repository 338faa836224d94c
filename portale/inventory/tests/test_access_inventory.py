"""The project-wide access walk (core/tests/test_access.py) restricted to this app's URLs,
so the inventory's guards and scope are checked even while other apps are being built."""

import pytest
from django.urls import reverse

from portale.core.tests.test_access import ScopeEnv, _check, project_routes, scope_cases


def _routes():
    return [r for r in project_routes() if r.name.startswith("inventory:")]


def test_every_inventory_url_is_guarded_and_has_a_scope_case():
    routes = _routes()
    assert {r.name for r in routes} >= {
        "inventory:aggregate",
        "inventory:detail",
        "inventory:price_list",
        "inventory:exports",
    }
    cases = scope_cases()
    for r in routes:
        assert getattr(r.callback, "capability", None), r.name
        if r.params:
            assert r.name in cases, r.name


@pytest.mark.django_db
def test_access_matches_the_registry(client, users_by_profile):
    for route in [r for r in _routes() if not r.params]:
        url = reverse(route.name)
        client.logout()
        _check(client, url, route, None, "anonymous")
        for label, user in users_by_profile.items():
            client.force_login(user)
            _check(client, url, route, user, label)


@pytest.mark.django_db
def test_objects_outside_scope_answer_404(client, users_by_profile, contract, other_contract):
    cases = scope_cases()
    env = ScopeEnv(users=users_by_profile, contract=contract, other_contract=other_contract)
    for route in [r for r in _routes() if r.params]:
        spec = cases[route.name](env)
        client.force_login(spec["user"])
        own = client.get(reverse(route.name, kwargs=spec["own"]))
        assert own.status_code not in (403, 404), f"{route.name} own: {own.status_code}"
        foreign = client.get(reverse(route.name, kwargs=spec["foreign"]))
        assert foreign.status_code == 404, f"{route.name} foreign: {foreign.status_code}"
