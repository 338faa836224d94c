"""Servizi avanzati (F-7.6, G-37): only the services the contract has, else 404."""

import pytest
from django.urls import reverse

from portale.cases.models import Case
from portale.core.capabilities import menu_for
from portale.core.context import build_context
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def _provision(contract, *codes):
    for code in codes:
        f.ContractServiceFactory(contract=contract, code=code, description=code)


def test_it_works_for_a_provisioned_service(client, roa, contract):
    _provision(contract, "EMM")
    client.force_login(roa)
    page = client.get(reverse("services:emm")).content.decode()
    assert "Device Management AIRWATCH M8" in page and 'target="_blank"' in page
    assert "blocchi di apertura dei pop-up" in page


def test_a_service_the_contract_does_not_have_answers_404(client, roa, contract):
    _provision(contract, "EMM")
    client.force_login(roa)
    assert client.get(reverse("services:fleet")).status_code == 404
    assert client.get(reverse("services:smas_support")).status_code == 404


def test_the_menu_lists_only_provisioned_services(roa, contract):
    _provision(contract, "FLEET")
    ctx = build_context(user=roa, session={})
    advanced = [m for m in menu_for(ctx) if m["menu"].code == "advanced"]
    labels = [i["cap"].code for _g, items in advanced[0]["groups"] for i in items]
    assert labels == ["services.fleet"]


def test_the_messaging_referent_sees_only_messaging(client, messaging, contract):
    _provision(contract, "MESSAGING", "EMM")
    client.force_login(messaging)
    assert client.get(reverse("services:messaging")).status_code == 200
    assert client.get(reverse("services:emm")).status_code == 403


def test_smas_credentials_reset_files_servizio_rif(client, roa, contract):
    _provision(contract, "SMAS")
    client.force_login(roa)
    response = client.post(
        reverse("services:smas_reset"),
        {
            "request_token": "t",
            "full_name": "Mario Rossi",
            "phone": "3351234567",
            "email": "mario@ente.it",
            "request_type": "RESET",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:outcome", args=[case.number])
    assert case.description == "Servizio RIF" and case.payload["request_type"] == "RESET"
    assert not case.orders.exists()
