"""Pages that frame a list their own way (SMS di servizio, Dettaglio traffico, Fatture
aziendali) answer an htmx request to the list with their fragment only, not the whole page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.billing.tests.scope import make_invoice
from portale.records.models import ServiceSms, TrafficEvent

pytestmark = pytest.mark.django_db


def htmx_get(client, url, params, target):
    return client.get(url, params, headers={"HX-Request": "true", "HX-Target": target})


def assert_fragment(response, list_id):
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<header" not in html and "<footer" not in html
    body = html.split("#}", 1)[-1].lstrip() if html.lstrip().startswith("{#") else html.lstrip()
    assert re.match(rf'<div id="{list_id}"[^>]*hx-target="this"', body), body[:200]
    assert "hx-select" not in html  # the server sends the fragment, nothing to cut out
    assert "HX-Request" in response["Vary"]
    return html


def full_page_list(client, url, params, list_id):
    html = client.get(url, params).content.decode()
    assert "<html" in html and re.search(rf'<div id="{list_id}"[^>]*hx-target="this"', html)
    return html


def test_service_sms_fragment(client, employee, employee_line):
    now = timezone.now()
    for i in range(12):
        ServiceSms.objects.create(
            line=employee_line,
            text=f"Gentile utente, SMS numero {i:02d}",
            sent_at=now - datetime.timedelta(days=1, minutes=i),
            delivered_at=now - datetime.timedelta(days=1, minutes=i),
            state="CONSEGNATO",
        )
    client.force_login(employee)
    url, lid = reverse("myline:service_sms"), "lista-servicesmstable"
    page = full_page_list(client, url, {}, lid)
    assert "Seleziona periodo:" in page and "SMS numero 00" in page
    html = assert_fragment(htmx_get(client, url, {"page": "2"}, lid), lid)
    assert "Tot. SMS 12" in html and "11 - 12 di 12 SMS - Pagina 2" in html
    assert "SMS numero 11" in html and "SMS numero 00" not in html
    assert "Seleziona periodo:" not in html  # the page's own form stays out
    assert 'data-export="csv"' in html


def test_traffic_detail_fragment(client, employee, employee_line):
    now = timezone.now()
    TrafficEvent.objects.bulk_create(
        [
            TrafficEvent(
                line=employee_line,
                occurred_at=now - datetime.timedelta(minutes=i + 1),
                category="SMS_MMS",
                type="SMS MO",
                called_number="3331234567",
                rated_at=now,
            )
            for i in range(15)
        ]
    )
    client.force_login(employee)
    today = timezone.localdate()
    params = {
        "vedi": "1",
        "dal": f"{today - datetime.timedelta(days=1):%Y-%m-%d}",
        "al": f"{today:%Y-%m-%d}",
        "categoria": "generico",
    }
    url, lid = reverse("myline:consumption_detail"), "lista-subscriptiontraffictable"
    page = full_page_list(client, url, params, lid)
    assert "NUOVA RICERCA" in page
    html = assert_fragment(htmx_get(client, url, {**params, "page": "2"}, lid), lid)
    assert "Tot. record 15" in html and "11 - 15 di 15 record - Pagina 2" in html
    assert "NUOVA RICERCA" not in html and "Periodo selezionato" not in html


def test_invoices_fragment(client, ebill, contract):
    for n in range(12):
        make_invoice(contract, f"7X000003{n:02d}", f"{n % 6 + 1}/{2021 + n // 6}")
    client.force_login(ebill)
    url, lid = reverse("billing:invoices"), "lista-invoicetable"
    page = full_page_list(client, url, {}, lid)
    assert "clicca sul simbolo dell'occhio" in page  # the text outside the list
    html = assert_fragment(htmx_get(client, url, {"page": "2"}, lid), lid)
    assert "Tot. fatture 12" in html and "11 - 12 di 12 fatture - Pagina 2" in html
    assert "CERCA" in html and "RESETTA" in html  # the search form is part of the list
    assert "clicca sulla relativa icona nella colonna PDF" not in html
    # the row actions render in the fragment as on the page (PDF icon, eBill eye if allowed)
    first = assert_fragment(htmx_get(client, url, {}, lid), lid)
    assert first.count('data-action-icon="it-file-pdf"') == 10
    assert "Scarica la fattura 7X" in first
    eye = 'data-action-icon="it-password-visible"'
    assert first.count(eye) == page.count(eye)
