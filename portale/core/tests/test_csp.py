"""The Content-Security-Policy header built once (core/csp.py): the same header as
django-csp's, a per-view policy or a nonce still honoured, a settings change applied."""

from __future__ import annotations

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from portale.core.csp import CSPMiddleware, settings_policy

HEADER = "Content-Security-Policy"


def _run(middleware_cls, view, path="/area-privata/"):
    return middleware_cls(view)(RequestFactory().get(path))


def _page(request):
    return HttpResponse("<p>x</p>")


def test_the_header_is_django_csps_own():
    ours, theirs = _run(CSPMiddleware, _page), _run(DjangoCSPMiddleware, _page)
    assert ours[HEADER] == theirs[HEADER] and "object-src 'none'" in ours[HEADER]
    assert settings_policy.cache_info().hits >= 1  # built once, read after


def test_a_view_with_its_own_policy_or_none_is_honoured():
    updated = _run(CSPMiddleware, csp_update({"img-src": "https://tiles.example.it"})(_page))
    assert "https://tiles.example.it" in updated[HEADER]
    assert HEADER not in _run(CSPMiddleware, csp_exempt()(_page))


def test_a_nonce_read_by_the_page_goes_into_the_header():
    def page(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response = _run(CSPMiddleware, page)
    nonce = response.content.decode().split("'")[1]
    assert f"'nonce-{nonce}'" in response[HEADER]


def test_a_settings_change_is_applied():
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "https://x.it"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        assert "https://x.it" in _run(CSPMiddleware, _page)[HEADER]
    assert "https://x.it" not in _run(CSPMiddleware, _page)[HEADER]


@pytest.mark.django_db
def test_the_portal_speaks_italian_whatever_the_browser_asks(client):
    """One language: an English browser gets the Italian portal."""
    response = client.get("/accesso/login/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="it">' in body and "Campo obbligatorio" not in body
    response = client.post("/accesso/login/", {"username": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Campo obbligatorio." in response.content.decode()  # Django's message, in Italian
