"""The hand-off to a system opened in a new window (P-11, ``core/handoff.py``), through eBill."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.urls import reverse

from portale.billing.tests.scope import make_invoice
from portale.core import handoff
from portale.core.models import HandoffUse
from portale.records.models import Referent

from .handoff_helpers import grant

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def _start(client, to=None, start="ebill:open"):
    response = client.get(handoff.start_url(start, to))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return TOKEN.search(response.content.decode()).group(1)


def _enter(client, token):
    return client.post(reverse("ebill:entry"), {"token": token})


def test_the_referent_is_handed_over_to_the_deep_link(client, ebill, contract):
    invoice = make_invoice(contract, "7X92000001")
    target = reverse("ebill:invoice", args=[invoice.pk])
    client.force_login(ebill)
    token = _start(client, target)
    assert HandoffUse.objects.count() == 0  # minting writes nothing
    response = _enter(client, token)
    assert response.status_code == 303 and response["Location"] == target
    page = client.get(target)
    assert page.status_code == 200 and invoice.number in page.content.decode()
    assert HandoffUse.objects.count() == 1


def test_a_replayed_token_is_refused(client, ebill):
    client.force_login(ebill)
    token = _start(client)
    assert _enter(client, token).status_code == 303
    again = _enter(client, token)
    assert again.status_code == 403
    assert "già stato usato" in again.content.decode()


def test_an_expired_token_is_refused(client, ebill):
    client.force_login(ebill)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 120):
        token = _start(client)
    response = _enter(client, token)
    assert response.status_code == 403
    assert "scaduto" in response.content.decode()
    assert client.get(reverse("ebill:home")).status_code == 302  # no grant: back to the portal


def test_a_forged_or_foreign_token_is_refused(client, ebill, roa):
    client.force_login(roa)
    token = _start(client)
    client.force_login(ebill)
    assert "altro utente" in _enter(client, token).content.decode()
    assert _enter(client, token[:-2] + "xx").status_code == 403


def test_the_entry_is_post_only(client, ebill):
    client.force_login(ebill)
    assert client.get(reverse("ebill:entry")).status_code == 405


def test_without_a_grant_a_page_goes_through_the_hand_off(client, ebill, contract):
    invoice = make_invoice(contract, "7X92000002")
    target = reverse("ebill:invoice", args=[invoice.pk])
    client.force_login(ebill)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == handoff.start_url("ebill:open", target)


def test_a_deep_link_outside_the_system_is_not_followed(client, ebill):
    client.force_login(ebill)
    assert client.get(handoff.start_url("ebill:open", "/area-privata/")).status_code == 404
    assert client.get(handoff.start_url("ebill:open", "https://example.com/")).status_code == 404
    # the start views themselves are not targets
    assert client.get(handoff.start_url("ebill:open", reverse("ebill:open"))).status_code == 404


def test_another_contracts_invoice_is_404(client, ebill, contract, other_contract):
    foreign = make_invoice(other_contract, "7X92000003")
    client.force_login(ebill)
    grant(client, ebill, profile="EB", contract=contract)
    assert client.get(reverse("ebill:invoice", args=[foreign.pk])).status_code == 404


def test_the_scope_is_checked_again_on_every_page(client, ebill, contract):
    client.force_login(ebill)
    _enter(client, _start(client))
    assert client.get(reverse("ebill:home")).status_code == 200
    Referent.objects.filter(mobile=ebill.mobile).delete()  # no longer the eBill referent
    response = client.get(reverse("ebill:home"))
    assert response.status_code == 403
    assert "non è più valido" in response.content.decode()
    assert handoff.SESSION_KEY not in client.session or not client.session[handoff.SESSION_KEY]


def test_a_grant_of_another_contract_is_refused(client, ebill, other_contract):
    client.force_login(ebill)
    grant(client, ebill, profile="EB", contract=other_contract)
    assert client.get(reverse("ebill:home")).status_code == 403


def test_an_employee_cannot_reach_a_company_invoice(client, employee, employee_line, contract):
    invoice = make_invoice(contract, "7X92000004")
    target = reverse("ebill:invoice", args=[invoice.pk])
    client.force_login(employee)
    # not through the portal link…
    assert client.get(handoff.start_url("ebill:open", target)).status_code == 403
    # …nor with an employee grant in the session (as after "CONSULTA")
    grant(client, employee, profile="DIP", line=employee_line)
    assert client.get(target).status_code == 403
