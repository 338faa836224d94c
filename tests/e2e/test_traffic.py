"""Browser test of the employee's consumption pages (F-9.2.2) and "SMS di servizio":
a CDR file imported, its events priced on the pages; screenshots at 1280 and 360 px."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, data, voice
from portale.records.models import Bundle, Line, LineService, ServiceSms

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _when(hour: int) -> str:
    d = timezone.localdate() - datetime.timedelta(days=0 if timezone.localdate().day == 1 else 1)
    return f"{d:%Y-%m-%d}T{hour:02d}:15:00"


@pytest.fixture
def subscription_traffic(employee_line):
    Bundle.objects.create(
        line=employee_line,
        name="PACCHETTO 5 MINUTI",
        unit="MIN",
        scope="NAZIONALE",
        total=5,
        remaining=5,
        period_start=timezone.localdate().replace(day=1),
        updated_at=timezone.now(),
    )
    for desc in ("RF IN ROAMING", "SUPER INTERNET MOBILE LTE VOLTE", "BLOCCO SATELLITARE"):
        LineService.objects.create(
            line=employee_line,
            description=desc,
            activation_date=datetime.date(2021, 4, 6),
            monthly_fee=Decimal("10"),
        )
    m = employee_line.msisdn
    rows = [
        voice("E2E1", m, _when(9), 240, called="3399902123"),
        voice("E2E2", m, _when(10), 180, called="0612345678", operator="TIM"),
        data("E2E3", m, _when(11), 2784, type="DATI WAP", detail="Navigazione Wap"),
        voice("E2E4", m, _when(12), 60, zone="EXTRA_UE", called="0044123456"),
        {
            "event_id": "E2E5",
            "msisdn": m,
            "occurred_at": _when(13),
            "service": "SERVIZI_INTERATTIVI",
            "called_number": "48444",
            "content_price": "0.5000",
        },
    ]
    result = import_cdr_bytes(cdr_bytes(rows), name="e2e.csv")
    assert result.ok and result.imported == 5
    ServiceSms.objects.create(
        line=employee_line,
        text="Gentile utente, l'opzione RICARICA ONE SHOT 7 EBU ric è stata attivata sulla "
        "tua linea. Grazie da TIM Business",
        sent_at=timezone.now() - datetime.timedelta(days=2),
        delivered_at=timezone.now() - datetime.timedelta(days=2),
        state="CONSEGNATO",
    )
    return employee_line


def test_subscription_consumption_pages(
    new_page, live_server, employee, subscription_traffic, shot
):
    for width in (1280, 360):
        page = new_page(width)
        force_login(page, employee, live_server.url)
        page.goto(reverse("myline:consumption"))
        expect(page.get_by_role("heading", name="Riepilogo consumi personali")).to_be_visible()
        expect(page.get_by_text("SUPER INTERNET MOBILE LTE VOLTE")).to_be_visible()
        shot(page, f"traffic_services_{width}")

        page.get_by_role("link", name="Riepilogo dei consumi").first.click()
        page.wait_for_load_state()
        expect(page.get_by_role("rowheader", name="Traffico voce")).to_be_visible()
        page.locator("details.summary-cell summary").first.click()
        assert page.locator("details.summary-cell[open]").count() == 1
        shot(page, f"traffic_summary_{width}")

        page.get_by_role("link", name="Dettaglio traffico").first.click()
        page.wait_for_load_state()
        page.get_by_role("button", name="VISUALIZZA").click()
        page.wait_for_load_state()
        expect(
            page.get_by_role("heading", name="Dettaglio del tuo traffico online netto bundle")
        ).to_be_visible()
        expect(page.get_by_text("Tot. record 5")).to_be_visible()
        body = page.content()
        assert "3399902***" in body and "3399902123" not in body and "0,0400" in body
        with page.expect_download(timeout=60_000) as dl:
            page.locator("[data-export=csv]").click()
        with open(dl.value.path(), encoding="utf-8-sig") as fh:
            text = fh.read()
        assert "3399902***" in text and "PACCHETTO 5 MINUTI" in text
        shot(page, f"traffic_detail_{width}")

        page.goto(reverse("myline:consumption_types"))
        expect(page.get_by_text("TORNA AL DETTAGLIO TRAFFICO")).to_be_visible()
        shot(page, f"traffic_types_{width}")

        page.goto(reverse("myline:service_sms"))
        expect(page.get_by_text("Tot. SMS 1")).to_be_visible()
        expect(page.get_by_text("SMS Area Clienti H24")).to_be_visible()
        shot(page, f"traffic_service_sms_{width}")
        assert not page.console_errors, page.console_errors


def test_prepaid_credit_and_offers(new_page, live_server, prepaid_employee, shot):
    line = Line.objects.get(msisdn=prepaid_employee.mobile)
    line.company_credit, line.personal_credit = Decimal("22.00"), Decimal("7.50")
    line.save()
    for name, unit, total, left in (("Giga 5", "GB", 5, 3.2), ("Minuti 200", "MIN", 200, 150)):
        Bundle.objects.create(
            line=line,
            name=name,
            unit=unit,
            scope="NAZIONALE",
            total=total,
            remaining=left,
            updated_at=timezone.now(),
        )
    import_cdr_bytes(cdr_bytes([voice("PP1", line.msisdn, _when(9), 120)]))
    for width in (1280, 360):
        page = new_page(width)
        force_login(page, prepaid_employee, live_server.url)
        page.goto(reverse("myline:consumption"))
        expect(page.get_by_text("Credito residuo personale")).to_be_visible()
        # the 2-minute call is inside the minutes bundle: no credit used, 2 minutes eroded
        assert page.locator("[data-credit=company]").inner_text() == "22,00 €"
        page.get_by_role("button", name="ESPANDI TUTTI").click()
        assert page.locator("#offerte details[open]").count() == 2
        expect(page.get_by_text("3,20 GB rimasti su 5,00")).to_be_visible()
        expect(page.get_by_text("148,00 minuti rimasti su 200,00")).to_be_visible()
        shot(page, f"traffic_prepaid_credit_{width}")
        page.get_by_role("button", name="CHIUDI TUTTI").click()
        assert page.locator("#offerte details[open]").count() == 0
        page.goto(reverse("myline:consumption_detail"))
        page.get_by_role("button", name="VISUALIZZA").click()
        page.wait_for_load_state()
        expect(page.get_by_role("heading", name="Dettaglio del tuo traffico dati")).to_be_visible()
        expect(page.get_by_role("link", name="NUOVA RICERCA")).to_be_visible()
        shot(page, f"traffic_prepaid_detail_{width}")
        assert not page.console_errors, page.console_errors
