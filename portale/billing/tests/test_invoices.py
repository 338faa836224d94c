import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.billing import bimesters as bim
from portale.billing.invoicing import invoices_generate
from portale.core.pdf import pdf_text
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, voice
from portale.records.models import DualBilling, Invoice, LineService, PersonalInvoice

from .scope import make_invoice

pytestmark = pytest.mark.django_db


def test_bimesters():
    assert bim.bimester_of(datetime.date(2021, 8, 31)) == (4, 2021)
    assert bim.period(6, 2021) == (datetime.date(2021, 11, 1), datetime.date(2022, 1, 1))
    assert bim.dates(4, 2021) == (datetime.date(2021, 9, 15), datetime.date(2021, 10, 15))
    assert bim.closed_bimesters(datetime.date(2022, 1, 10), 2) == [(6, 2021), (5, 2021)]


def test_list_shows_the_contracts_invoices_of_the_last_12_months(
    client, roa, contract, other_contract
):
    make_invoice(contract, "7X00000311", "4/2021", payment_state="Scoperta")
    make_invoice(contract, "7X00000312", "5/2021", payment_state="Pagata")
    make_invoice(
        contract,
        "7X00000100",
        "1/2019",
        emission_date=timezone.localdate() - datetime.timedelta(days=400),
    )
    make_invoice(other_contract, "7X00000999", "4/2021")
    client.force_login(roa)
    html = client.get(reverse("billing:invoices")).content.decode()
    assert "Fatture aziendali" in html and "Tot. fatture 2" in html
    assert "7X00000311" in html and "178,62 €" in html and "Scoperta" in html
    assert "7X00000100" not in html and "7X00000999" not in html
    assert "CERCA" in html and "RESETTA" in html and "1 - 2 di 2 fatture" in html
    html = client.get(reverse("billing:invoices"), {"pagamento": "Pagata"}).content.decode()
    assert "Tot. fatture 1" in html and "7X00000312" in html and "7X00000311" not in html
    html = client.get(reverse("billing:invoices"), {"bimestre": "4/2021"}).content.decode()
    assert "Tot. fatture 1" in html and "7X00000311" in html
    html = client.get(reverse("billing:invoices"), {"numero": "312"}).content.decode()
    assert "Tot. fatture 1" in html and "7X00000312" in html


def test_bimester_choices_and_count_come_from_one_grouped_query(client, roa, contract):
    """The search's bimesters (newest first) and "Tot. fatture" of the unsearched list are
    read by one GROUP BY (issue 17): no COUNT; a search counts what it finds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number, bimester in [("311", "4/2021"), ("312", "5/2021"), ("313", "6/2020")]:
        make_invoice(contract, f"7X00000{number}", bimester)
    make_invoice(contract, "7X00000314", "1/2021", payment_state="Pagata")
    client.force_login(roa)
    with CaptureQueriesContext(connection) as c:
        r = client.get(reverse("billing:invoices"))
    html = r.content.decode()
    assert "Tot. fatture 4" in html and "1 - 4 di 4 fatture" in html
    choices = [v for v, _label in r.context["table"].form.fields["bimestre"].choices]
    assert choices == ["", "5/2021", "4/2021", "1/2021", "6/2020"]
    invoices = [q["sql"] for q in c if '"records_invoice"' in q["sql"]]
    assert len(invoices) == 2 and "GROUP BY" in invoices[0]
    assert not any("COUNT(*)" in sql for sql in invoices)
    html = client.get(reverse("billing:invoices"), {"pagamento": "Pagata"}).content.decode()
    assert "Tot. fatture 1" in html and "1 - 1 di 1 fattura" in html


def test_ebill_referent_sees_invoices_employee_does_not(client, ebill, employee, contract):
    make_invoice(contract, "7X00000311")
    client.force_login(ebill)
    assert client.get(reverse("billing:invoices")).status_code == 200
    client.force_login(employee)
    assert client.get(reverse("billing:invoices")).status_code == 403


def test_pdf_download_and_foreign_invoice_404(client, roa, contract, other_contract):
    own = make_invoice(contract, "7X00000311", "4/2021")
    foreign = make_invoice(other_contract, "7X00000999", "4/2021")
    client.force_login(roa)
    r = client.get(reverse("billing:invoice_pdf", args=[own.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "7X00000311" in pdf_text(r.content)
    assert client.get(reverse("billing:invoice_pdf", args=[foreign.pk])).status_code == 404


def test_periodic_job_issues_invoices_from_rated_traffic_and_fees(employee_line, contract):
    plan = employee_line.tariff_plan
    plan.monthly_fee = Decimal("5.00")
    plan.save()
    LineService.objects.create(
        line=employee_line,
        description="SUPER INTERNET MOBILE LTE VOLTE",
        activation_date=datetime.date(2021, 4, 6),
        monthly_fee=Decimal("10"),
        pct_charged_to_entity=Decimal("100"),
    )
    import_cdr_bytes(
        cdr_bytes([voice("X1", employee_line.msisdn, "2021-07-10T10:00:00", 600)])  # 0.20 €
    )
    r = invoices_generate(today=datetime.date(2021, 9, 20), depth=1)
    assert len(r.company) == 1
    inv = r.company[0]
    # 2×5 plan + 2×10 STS + 0.20 traffic = 30.20; +22% VAT = 36.84
    assert inv.bimester == "4/2021" and inv.amount == Decimal("36.84")
    assert inv.number.startswith("7X") and len(inv.number) == 10
    assert inv.payment_state == "Scoperta" and inv.emission_date == datetime.date(2021, 9, 15)
    text = pdf_text(inv.pdf.read())
    assert employee_line.msisdn in text and "Traffico voce" in text and "0,20 €" in text
    assert "36,84 €" in text
    # idempotent
    assert invoices_generate(today=datetime.date(2021, 9, 20), depth=1).company == []
    assert Invoice.objects.count() == 1


def test_personal_tim_tuo_invoice(employee_line):
    DualBilling.objects.create(
        line=employee_line,
        kind="ABBONAMENTO",
        code="888200093221",
        activation_date=datetime.date(2021, 5, 1),
        employee_fiscal_code="RSSMRA80A01H501U",
        employee_first_name="Mario",
        employee_last_name="Rossi",
    )
    import_cdr_bytes(
        cdr_bytes([voice("Y1", employee_line.msisdn, "2021-07-10T10:00:00", 300, charging="PERS")])
    )
    r = invoices_generate(today=datetime.date(2021, 9, 20), depth=1)
    assert len(r.personal) == 1
    pinv = PersonalInvoice.objects.get()
    assert pinv.total == Decimal("0.12") and pinv.number.startswith("8T")  # 0.10 + VAT
    text = pdf_text(pinv.pdf.read())
    assert "Traffico voce (Personale)" in text and "0,10 €" in text


def test_invoice_without_pdf_is_shown_from_its_stored_amount(client, roa, contract, employee_line):
    import_cdr_bytes(cdr_bytes([voice("Z1", employee_line.msisdn, "2021-07-10T10:00:00", 600)]))
    inv = make_invoice(contract, "7X00000311", "4/2021", amount="999.99")
    client.force_login(roa)
    text = pdf_text(client.get(reverse("billing:invoice_pdf", args=[inv.pk])).content)
    inv.refresh_from_db()
    assert inv.amount == Decimal("999.99") and not inv.pdf
    # 999.99 = 819.66 taxable + 180.33 VAT; the records' traffic is not this invoice's detail
    assert "819,66 €" in text and "180,33 €" in text and "999,99 €" in text
    assert "0,20 €" not in text and "dettaglio per linea non è disponibile" in text
