"""Visualizza Listino (F-7.2.3): a PDF built from the price-list records."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from portale.core.pdf import pdf_text
from portale.records.models import PriceItem, PriceList

pytestmark = pytest.mark.django_db


def test_price_list_pdf_from_records(client, employee):
    listino = PriceList.objects.create(
        version="8.3", date=datetime.date(2026, 10, 1), is_current=True
    )
    PriceList.objects.create(version="8.2", date=datetime.date(2025, 10, 1))
    items = [
        ("TARIFFA", "PA8", "Profilo PA 8", "mese", Decimal("5.0000")),
        ("OPZIONE", "M20", "Pacchetto M20", "mese", Decimal("12.5000")),
        ("STS", "RIF-USC", "RIF USCENTE", "mese", Decimal("1.0000")),
        ("APPARATO", "705935", "NOKIA N73 RED AND WHITE", "rata", Decimal("9.9900")),
        ("TRAFFICO", "VOCE-NAZ", "Traffico voce nazionale", "minuto", Decimal("0.0125")),
    ]
    for kind, code, desc, unit, price in items:
        PriceItem.objects.create(
            price_list=listino, kind=kind, code=code, description=desc, unit=unit, price=price
        )
    client.force_login(employee)  # every profile may download the price list
    response = client.get(reverse("inventory:price_list"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Listino_Convenzione_8.3.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for needle in (
        "8.3",
        "01/10/2026",
        "Profili tariffari",
        "Profilo PA 8",
        "Pacchetto M20",
        "RIF USCENTE",
        "NOKIA N73",
        "12,50",
        "0,0125",
    ):
        assert needle in text, needle


def test_no_price_list_yet(client, roa):
    client.force_login(roa)
    response = client.get(reverse("inventory:price_list"))
    assert response.status_code == 200
    assert "non è al momento disponibile" in response.content.decode()
