"""A URL that only acts, opened with a GET: a page of the portal, not a blank 405
(``MethodNotAllowedPageMiddleware``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_works(client, roa):
    client.force_login(roa)
    url = reverse("core:contract_select")
    response = client.get(url, HTTP_REFERER="http://testserver/area-privata/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    body = response.content.decode()
    assert "Nessuna azione eseguita" in body and "non viene fatto nulla" in body
    assert 'href="http://testserver/area-privata/"' in body  # back where the user was
    assert "portal-error" in body


def test_a_link_back_to_another_site_is_not_offered(client, roa):
    client.force_login(roa)
    url = reverse("core:contract_select")
    body = client.get(url, HTTP_REFERER="https://example.org/trap").content.decode()
    assert "example.org" not in body and "Torna alla pagina precedente" not in body


def test_the_anonymous_visitor_gets_the_public_layout(client):
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "Nessuna azione eseguita" in response.content.decode()


def test_a_post_is_left_alone(client, roa):
    """Only a GET is dressed: another method refused stays Django's answer."""
    client.force_login(roa)
    response = client.put(reverse("core:contract_select"))
    assert response.status_code == 405 and response.content == b""
