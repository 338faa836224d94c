"""Late events: traffic rated after its bimester's invoice goes into the next invoice; one
issuing path serves company and personal invoices."""

import datetime
from decimal import Decimal

import pytest

from portale.billing import invoicing
from portale.billing.invoicing import invoices_generate
from portale.billing.models import TrafficCutoff
from portale.billing.selectors import invoice_pdf_bytes
from portale.core.pdf import pdf_text
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, voice
from portale.records.models import DualBilling, Invoice, PersonalInvoice

from .scope import make_invoice

pytestmark = pytest.mark.django_db


def _tim_tuo(line):
    return DualBilling.objects.create(
        line=line,
        kind="ABBONAMENTO",
        code="888200093221",
        activation_date=datetime.date(2021, 5, 1),
        employee_fiscal_code="RSSMRA80A01H501U",
        employee_first_name="Mario",
        employee_last_name="Rossi",
    )


def test_late_events_are_carried_into_the_next_invoice(employee_line, contract):
    _tim_tuo(employee_line)
    m = employee_line.msisdn
    import_cdr_bytes(cdr_bytes([voice("A1", m, "2021-07-10T10:00:00", 600)]))  # 0.20 €
    r = invoices_generate(today=datetime.date(2021, 9, 20), depth=1)
    assert r.company[0].amount == Decimal("0.24")  # 0.20 + VAT
    # CDRs of July arrive after the 4/2021 invoices were issued
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("L1", m, "2021-07-20T10:00:00", 300),  # 0.10 € company
                voice("L2", m, "2021-07-20T11:00:00", 300, charging="PERS"),  # 0.10 € personal
                voice("S1", m, "2021-09-05T10:00:00", 600),  # 0.20 € of bimester 5
            ]
        )
    )
    first = Invoice.objects.get(bimester="4/2021")
    first.pdf.delete(save=True)  # rendered again from the stored charges, not the records
    assert "0,24 €" in pdf_text(invoice_pdf_bytes(invoice=first))
    r = invoices_generate(today=datetime.date(2021, 11, 20), depth=1)
    nxt = r.company[0]
    assert nxt.bimester == "5/2021" and nxt.amount == Decimal("0.37")  # 0.30 + VAT
    text = pdf_text(nxt.pdf.read())
    assert "Traffico voce, periodi precedenti" in text and "0,10 €" in text
    personal = PersonalInvoice.objects.get(bimester="5/2021")
    assert personal.total == Decimal("0.12")  # the late personal 0.10 + VAT
    assert "periodi precedenti" in pdf_text(personal.pdf.read())
    assert TrafficCutoff.objects.count() == 4
    # issued once: nothing carried twice
    assert invoices_generate(today=datetime.date(2021, 11, 20), depth=2).company == []


def test_event_rated_before_the_invoice_is_not_carried_again(employee_line, contract):
    m = employee_line.msisdn
    import_cdr_bytes(cdr_bytes([voice("B1", m, "2021-07-10T10:00:00", 600)]))
    invoices_generate(today=datetime.date(2021, 9, 20), depth=1)
    r = invoices_generate(today=datetime.date(2021, 11, 20), depth=1)
    assert r.company[0].amount == 0


def test_a_seed_invoice_shown_without_its_pdf_records_nothing(employee_line, contract):
    import_cdr_bytes(cdr_bytes([voice("C1", employee_line.msisdn, "2021-07-10T10:00:00", 600)]))
    inv = make_invoice(contract, "7X00000311", "4/2021", amount="999.99")
    assert "999,99 €" in pdf_text(invoice_pdf_bytes(invoice=inv))
    assert not TrafficCutoff.objects.exists()
    r = invoices_generate(today=datetime.date(2021, 11, 20), depth=1)
    assert r.company[0].amount == Decimal("0")  # July's traffic is the seed invoice's


def test_one_issuing_path_for_company_and_personal_invoices(monkeypatch, employee_line, contract):
    _tim_tuo(employee_line)
    seen = []
    real = invoicing._issue
    monkeypatch.setattr(invoicing, "_issue", lambda kind, *a: seen.append(kind) or real(kind, *a))
    invoices_generate(today=datetime.date(2021, 9, 20), depth=1)
    assert seen == [invoicing.COMPANY, invoicing.PERSONAL]
