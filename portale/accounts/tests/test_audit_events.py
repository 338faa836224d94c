"""The audit log records logins to the admin, back-office actions, contract switches,
document downloads and every dispositive request (issue 15.7, G-49)."""

import pytest
from django.test import Client
from django.urls import reverse

from portale.accounts.audit import payload_hash
from portale.accounts.models import SecurityEvent
from portale.billing.tests.scope import make_invoice
from portale.cases import lifecycle
from portale.cases.models import Case
from portale.cases.tests.helpers import draft_for, phone_case
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def test_a_dispositive_request_is_audited_with_profile_contract_ip_and_payload_hash(roa, contract):
    client = Client(REMOTE_ADDR="203.0.113.10")
    draft = draft_for(roa, contract)
    client.force_login(roa)
    response = client.post(reverse("cases:confirm", args=[draft.token]))
    assert response.status_code == 302
    case = Case.objects.get()
    event = SecurityEvent.objects.get(kind=Kind.REQUEST_FILED)
    assert event.user == roa and event.ip == "203.0.113.10" and event.created_at
    assert f"pratica {case.number}" in event.detail
    assert f"contratto {contract.code}" in event.detail
    assert "profilo ROA+USER" in event.detail
    assert f"payload sha256 {payload_hash(case.payload)}" in event.detail


def test_payload_hash_is_canonical():
    assert payload_hash({"a": 1, "b": [2]}) == payload_hash({"b": [2], "a": 1})
    assert payload_hash({"a": 1}) != payload_hash({"a": 2})


def test_a_contract_switch_is_audited(client, roa, other_contract):
    f.ReferentFactory(contract=other_contract, mobile=roa.mobile)
    client.force_login(roa)
    response = client.post(reverse("core:contract_select"), {"contract": other_contract.pk})
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.CONTRACT_SWITCH)
    assert event.user == roa and other_contract.code in event.detail


def test_a_document_download_is_audited(client, roa, contract):
    invoice = make_invoice(contract, "7X00000311", "4/2021")
    client.force_login(roa)
    assert client.get(reverse("billing:invoices")).status_code == 200
    assert not SecurityEvent.objects.filter(kind=Kind.DOCUMENT_DOWNLOAD).exists()
    client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    event = SecurityEvent.objects.get(kind=Kind.DOCUMENT_DOWNLOAD)
    assert event.user == roa and "fattura_7X00000311.pdf" in event.detail


def test_a_back_office_action_by_another_operator_is_audited(contract):
    first = f.UserFactory(is_staff=True, mobile="")
    second = f.UserFactory(is_staff=True, mobile="")
    case = phone_case(contract)
    lifecycle.case_take(case=case, operator=first)
    client = Client()
    client.force_login(second)
    response = client.post(reverse("backoffice:close", args=[case.pk]), {"outcome": "Fatto"})
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.BACKOFFICE_ACTION)
    assert event.user == second
    assert f"close pratica {case.number}" in event.detail
    assert f"assegnatario #{first.pk}" in event.detail and "operatore diverso" in event.detail


def test_the_assignee_acting_is_audited_without_the_mark(contract):
    operator = f.UserFactory(is_staff=True, mobile="")
    case = phone_case(contract)
    client = Client()
    client.force_login(operator)
    client.post(reverse("backoffice:take", args=[case.pk]))
    event = SecurityEvent.objects.get(kind=Kind.BACKOFFICE_ACTION)
    assert event.user == operator and f"take pratica {case.number}" in event.detail
    assert "operatore diverso" not in event.detail
