"""Configurazione sui terminali (F-7.7.5): OS → model, pratica "Configurazione terminali"."""

import pytest
from django.urls import reverse

from portale.cases.models import Case

pytestmark = pytest.mark.django_db
URL = reverse("support:terminals")


def _data(**changes):
    return {
        "request_token": "t1",
        "os": "iOS",
        "model": "iPhone 15",
        "request_type": "POSTA",
        "phone": "3351234567",
        "description": "Configurare la posta dell'ente",
        **changes,
    }


def test_it_works(client, roa):
    client.force_login(roa)
    assert "data-models" in client.get(URL).content.decode()
    client.post(URL, _data())
    case = Case.objects.get()
    assert case.description == "Configurazione terminali"
    assert (case.payload["os"], case.payload["model"]) == ("iOS", "iPhone 15")


def test_a_model_of_another_system_is_refused(client, roa):
    client.force_login(roa)
    body = client.post(URL, _data(model="Google Pixel 8")).content.decode()
    assert "Scegli un'opzione valida" in body or "valida" in body
    assert not Case.objects.exists()


def test_it_is_for_the_referents_only(client, employee):
    client.force_login(employee)
    assert client.get(URL).status_code == 403
