import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.billing.invoicing import invoices_generate
from portale.core.pdf import pdf_text
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, data, voice
from portale.records.models import Bundle, Line, LineService, ServiceSms, TrafficEvent
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def _iso(days_ago: int, hour: int = 10) -> str:
    d = timezone.localdate() - datetime.timedelta(days=days_ago)
    return f"{d:%Y-%m-%d}T{hour:02d}:00:00"


def _this_month_days_ago() -> int:
    return 0 if timezone.localdate().day == 1 else 1


@pytest.fixture
def traffic(employee_line):
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
    d = _this_month_days_ago()
    m = employee_line.msisdn
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("T1", m, _iso(d, 9), 240, called="3399902123"),  # in bundle
                voice("T2", m, _iso(d, 10), 180),  # 1 min in, 2 min over: 0.04
                data("T3", m, _iso(d, 11), 2784, type="DATI WAP", detail="Navigazione Wap"),
                voice("T4", m, _iso(d, 12), 60, zone="EXTRA_UE", called="0044123456"),
            ]
        ),
        name="demo.csv",
    )


def test_cdr_events_priced_on_the_employee_pages_and_in_the_invoice_pdf(
    client, employee, employee_line, traffic
):
    client.force_login(employee)
    # Riepilogo dei consumi: voice over bundle 0.04 + extra-UE 1.00, data 0.0272
    html = client.get(reverse("myline:consumption_summary")).content.decode()
    assert "Traffico voce" in html and "1,04 €" in html and "0,03 €" in html
    # the breakdown names the kind of traffic, not the call-record code
    assert "Chiamate effettuate: 1,04 €" in html and "MOC:" not in html
    assert f"Linea:</strong> {employee_line.msisdn}" in html
    html = client.get(
        reverse("myline:consumption_summary"), {"vista": "nazionali"}
    ).content.decode()
    assert "PACCHETTO 5 MINUTI" in html and "0,00 minuti rimasti su 5,00" in html
    # Dettaglio traffico
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    params = {
        "vedi": "1",
        "dal": f"{start:%Y-%m-%d}",
        "al": f"{today:%Y-%m-%d}",
        "categoria": ["generico", "dati", "interattivi", "eventi"],
    }
    html = client.get(reverse("myline:consumption_detail"), params).content.decode()
    assert "Dettaglio del tuo traffico online netto bundle" in html and "Tot. record 4" in html
    assert "3399902***" in html and "3399902123" not in html and "0044123***" in html
    assert (
        "0,0800" in html and "0,0600" in html and "0,0400" in html and "PACCHETTO 5 MINUTI" in html
    )
    assert "2,7 MB" in html and "Kbyte" in html and "1,0000 €" in html  # 2784 KB, P-23
    # export (csv) of the same search
    r = client.post(reverse("myline:consumption_detail"), {"export": "csv"}, query_params=params)
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert "3399902***" in body and body.count("\n") == 5
    # paid only
    html = client.get(
        reverse("myline:consumption_detail"), {**params, "solo_pagamento": "on"}
    ).content.decode()
    assert "Tot. record 3" in html
    # Tipologia traffico (current month up to yesterday)
    if today.day > 1:
        html = client.get(reverse("myline:consumption_types")).content.decode()
        assert "GENERICO" in html and "1,04 €" in html
    # The next invoice carries them
    month = timezone.localdate()
    b = (month.month - 1) // 2 + 1
    nb_end = datetime.date(month.year + (b == 6), 1 if b == 6 else 2 * b + 1, 15)
    r = invoices_generate(today=nb_end, depth=1)
    inv = r.company[0]
    text = pdf_text(inv.pdf.read())
    assert employee_line.msisdn in text and "1,04 €" in text and "0,03 €" in text


def test_services_tab(client, employee, employee_line):
    LineService.objects.create(
        line=employee_line,
        description="RF IN ROAMING",
        activation_date=datetime.date(2021, 4, 6),
        monthly_fee=Decimal("10"),
    )
    client.force_login(employee)
    html = client.get(reverse("myline:consumption")).content.decode()
    for label in (
        "Servizi attivi",
        "Riepilogo dei consumi",
        "Dettaglio traffico",
        "Tipologia traffico",
    ):
        assert label in html
    assert "RF IN ROAMING" in html and "06/04/2021" in html and "% ripartizione dipendente" in html


def test_detail_validation(client, employee):
    client.force_login(employee)
    r = client.get(
        reverse("myline:consumption_detail"),
        {"vedi": "1", "dal": "2020-01-10", "al": "2020-01-01", "tipologia": "PERSONALE"},
    )
    html = r.content.decode()
    assert "non può precedere" in html and "Il periodo deve essere compreso" in html
    assert len(r.context["form"].errors["al"]) == 1  # one message for one problem
    assert "Seleziona almeno una categoria." in html
    assert "disponibile solo se attivo il servizio TIM TUO" in html


def test_detail_is_capped_at_3000_events(client, employee, employee_line):
    now = timezone.now()
    # Seconds apart: all within the last hour, inside the three days asked at any time of
    # day (minutes apart they spanned 50 hours and lost the oldest near local midnight).
    TrafficEvent.objects.bulk_create(
        [
            TrafficEvent(
                line=employee_line,
                occurred_at=now - datetime.timedelta(seconds=i + 1),
                category="SMS_MMS",
                type="SMS MO",
                called_number="3331234567",
                rated_at=now,
            )
            for i in range(3005)
        ]
    )
    client.force_login(employee)
    today = timezone.localdate()
    params = {
        "vedi": "1",
        "dal": f"{today - datetime.timedelta(days=2):%Y-%m-%d}",
        "al": f"{today:%Y-%m-%d}",
        "categoria": "generico",
    }
    html = client.get(reverse("myline:consumption_detail"), params).content.decode()
    assert "Tot. record 3000" in html and "Visualizzati i primi 3.000 eventi" in html
    r = client.post(reverse("myline:consumption_detail"), {"export": "csv"}, query_params=params)
    assert b"".join(r.streaming_content).decode("utf-8-sig").count("\n") == 3001


def test_prepaid_pages(client, prepaid_employee):
    line = Line.objects.get(msisdn=prepaid_employee.mobile)
    line.company_credit, line.personal_credit = Decimal("12.50"), Decimal("3")
    line.save()
    Bundle.objects.create(
        line=line,
        name="Giga 5",
        unit="GB",
        scope="NAZIONALE",
        total=5,
        remaining=2,
        updated_at=timezone.now(),
    )
    import_cdr_bytes(cdr_bytes([voice("W1", line.msisdn, _iso(_this_month_days_ago()), 60)]))
    client.force_login(prepaid_employee)
    html = client.get(reverse("myline:consumption")).content.decode()
    assert "Credito residuo personale" in html and "3,00 €" in html
    assert "12,45 €" in html  # 12.50 - 0.05
    assert "ESPANDI TUTTI" in html and "CHIUDI TUTTI" in html and "2,00 GB rimasti su 5,00" in html
    assert "Riepilogo dei consumi" not in html
    today = timezone.localdate()
    html = client.get(
        reverse("myline:consumption_detail"),
        {
            "vedi": "1",
            "dal": f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m-01}",
            "al": f"{today:%Y-%m-%d}",
            "categoria": ["voce", "sms", "dati"],
        },
    ).content.decode()
    assert "Dettaglio del tuo traffico dati" in html and "Tot. record 1" in html
    assert "MOC" in html and "0,05 €" in html and "NUOVA RICERCA" in html
    html = client.get(reverse("myline:consumption_types")).content.decode()
    assert "Traffico ultimi 15 giorni" in html and "FONIA" in html and "TOTALE" in html
    assert client.get(reverse("myline:consumption_summary")).status_code == 302


def test_another_employees_line_answers_404(client, employee, contract):
    other = f.SimFactory(line__contract=contract).line
    import_cdr_bytes(cdr_bytes([voice("O1", other.msisdn, _iso(1), 60, called="3391111999")]))
    client.force_login(employee)
    for name in (
        "myline:consumption",
        "myline:consumption_summary",
        "myline:consumption_detail",
        "myline:consumption_types",
        "myline:service_sms",
    ):
        assert client.get(reverse(name), {"linea": other.msisdn}).status_code == 404, name
    today = timezone.localdate()
    html = client.get(
        reverse("myline:consumption_detail"),
        {
            "vedi": "1",
            "dal": f"{today.replace(day=1) - datetime.timedelta(days=1):%Y-%m-01}",
            "al": f"{today:%Y-%m-%d}",
            "categoria": "generico",
        },
    ).content.decode()
    assert "Tot. record 0" in html and "3391111" not in html


def test_service_sms(client, employee, employee_line):
    now = timezone.now()
    for days, text in ((3, "recente"), (45, "di un mese fa"), (200, "troppo vecchio")):
        ServiceSms.objects.create(
            line=employee_line,
            text=f"Gentile utente, SMS {text}",
            sent_at=now - datetime.timedelta(days=days),
            delivered_at=now - datetime.timedelta(days=days),
            state="CONSEGNATO",
        )
    client.force_login(employee)
    html = client.get(reverse("myline:service_sms")).content.decode()
    assert "Visualizzazione SMS di servizio" in html and "Tot. SMS 1" in html
    assert "TIMBusiness" in html and "SMS Area Clienti H24" in html and "CONSEGNATO" in html
    html = client.get(reverse("myline:service_sms"), {"periodo": "6"}).content.decode()
    assert "Tot. SMS 2" in html and "troppo vecchio" not in html
    r = client.post(reverse("myline:service_sms"), {"export": "csv"}, query_params={"periodo": "6"})
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    assert "di un mese fa" in body and "recente" in body and "troppo vecchio" not in body
