"""The project-wide access checks, run on this engine's URLs only (cases, company, fulfilment)."""

import pytest
from django.urls import reverse

from portale.core.tests.test_access import (
    ScopeEnv,
    _check,
    project_routes,
    scope_cases,
)

MINE = ("cases:", "company:", "fulfilment:")


def _routes(with_params: bool):
    return [
        r for r in project_routes() if r.name.startswith(MINE) and bool(r.params) == with_params
    ]


@pytest.mark.django_db
def test_access_matches_the_registry(client, users_by_profile):
    for route in _routes(False):
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
    for route in _routes(True):
        spec = cases[route.name](env)
        client.force_login(spec["user"])
        own = client.get(reverse(route.name, kwargs=spec["own"]))
        assert own.status_code not in (403, 404), f"{route.name} own: {own.status_code}"
        foreign = client.get(reverse(route.name, kwargs=spec["foreign"]))
        assert foreign.status_code == 404, f"{route.name} foreign: {foreign.status_code}"
