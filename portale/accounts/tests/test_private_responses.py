"""Private responses are never stored by the browser or a proxy (issue 15.6)."""

import pytest
from django.urls import reverse

from portale.billing.tests.scope import make_invoice

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "") and "private" in response.get(
        "Cache-Control", ""
    )


def test_private_pages_and_invoice_pdfs_are_no_store(client, roa, contract):
    client.force_login(roa)
    invoice = make_invoice(contract, "7X00000311", "4/2021")
    for url in (
        reverse("home:index"),
        reverse("billing:invoices"),
        reverse("billing:invoice_pdf", args=[invoice.pk]),
        reverse("accounts:personal_data"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_the_back_office_is_no_store(client, staff):
    client.force_login(staff)
    response = client.get(reverse("backoffice:index"))
    assert response.status_code == 200 and _no_store(response)


def test_login_steps_and_the_demo_outbox_are_no_store(client, db):
    assert _no_store(client.get(reverse("accounts:login")))
    assert _no_store(client.get("/demo/outbox/"))


def test_public_pages_stay_cacheable(client, db):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
