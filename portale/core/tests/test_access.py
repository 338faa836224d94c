"""Every URL of the project, every profile: access exactly as the capability registry says.

A view must carry an access mark (``capability_required``, ``public_view`` or
``login_only``); an unmarked view fails here. URLs with parameters need a scope case
(``<app>/tests/scope.py``: ``SCOPE_CASES = {"ns:name": builder}``) giving an object of the
user's own contract or line and one of another contract; the other one must answer 404.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portale.accounts.backends import SECOND_FACTOR_BACKEND
from portale.core import capabilities
from portale.core.context import build_context

SKIP_NAMESPACES = {"admin", "djdt"}


@dataclass
class Route:
    name: str  # "namespace:name"
    callback: object
    params: list[str]


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(p.url_patterns, full)
        elif isinstance(p, URLPattern):
            if not p.name:
                continue
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield Route(name, p.callback, list(p.pattern.converters.keys()))


def project_routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if not r.name.startswith("static")]


def scope_cases() -> dict:
    cases = {}
    for cfg in apps.get_app_configs():
        if not cfg.name.startswith("portale."):
            continue
        try:
            mod = importlib.import_module(f"{cfg.name}.tests.scope")
        except ModuleNotFoundError:
            continue
        cases.update(mod.SCOPE_CASES)
    return cases


def access_of(callback) -> str:
    if getattr(callback, "capability", None):
        return f"capability:{callback.capability}"
    return getattr(callback, "access", "")


def test_every_view_is_guarded():
    unguarded = [r.name for r in project_routes() if not access_of(r.callback)]
    assert not unguarded, f"views without an access mark: {unguarded}"


def test_every_capability_code_on_a_view_exists():
    for r in project_routes():
        code = getattr(r.callback, "capability", None)
        if code:
            assert code in capabilities.REGISTRY, r.name


def test_every_parametrised_url_has_a_scope_case():
    cases = scope_cases()
    missing = [r.name for r in project_routes() if r.params and r.name not in cases]
    assert not missing, f"add these URLs to a tests/scope.py SCOPE_CASES: {missing}"


def _expected_allowed(route: Route, user) -> bool:
    access = access_of(route.callback)
    if access == "public":
        return True
    if user is None:
        return False
    if access == "login":
        return True
    code = access.split(":", 1)[1]
    # The session of a user logged in with both factors (force_login's SecondFactorBackend).
    ctx = build_context(user=user, session={BACKEND_SESSION_KEY: SECOND_FACTOR_BACKEND})
    return capabilities.get(code).allows(ctx)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )


def _check(client, url, route, user, label):
    response = client.get(url)
    allowed = _expected_allowed(route, user)
    if access_of(route.callback) == "public":
        # A public step may send a visitor back to the start (e.g. the OTP step without a
        # pending login): any answer but a refusal is access.
        assert response.status_code not in (403, 404), (
            f"{route.name} as {label}: {response.status_code}"
        )
    elif allowed:
        assert response.status_code not in (403, 404) and not _is_login_redirect(response), (
            f"{route.name} as {label}: expected access, got {response.status_code}"
        )
    elif user is None:
        assert _is_login_redirect(response), f"{route.name} anonymous: {response.status_code}"
    else:
        assert response.status_code in (403, 404), (
            f"{route.name} as {label}: expected 403, got {response.status_code}"
        )


@pytest.mark.django_db
def test_access_matches_the_registry_for_every_profile(client, users_by_profile):
    routes = [r for r in project_routes() if not r.params]
    assert routes
    for route in routes:
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
    for route in [r for r in project_routes() if r.params]:
        builder = cases[route.name]
        spec = builder(env)
        user = spec.get("user")
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        if spec.get("prepare"):
            spec["prepare"](client)
        own = client.get(reverse(route.name, kwargs=spec["own"]))
        assert own.status_code not in (403, 404), f"{route.name} own object: {own.status_code}"
        foreign = client.get(reverse(route.name, kwargs=spec["foreign"]))
        assert foreign.status_code == 404, f"{route.name} foreign object: {foreign.status_code}"


@dataclass
class ScopeEnv:
    """What a scope-case builder gets: one user per profile and two contracts.

    A builder returns ``{"user": <who asks, None for anonymous>, "own": kwargs, "foreign": kwargs}``
    and optionally ``"prepare"``: a callable run with the logged-in client before the requests
    (e.g. a hand-off grant in its session, ``core/tests/handoff_helpers.py``).
    """

    users: dict
    contract: object
    other_contract: object
