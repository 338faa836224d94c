"""The demo's seeded invoices get real charges (eBill navigation and TEM audit in make demo)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portale.billing.charges import Charges
from portale.billing.demo import invoices_demo_charges
from portale.billing.models import TrafficCutoff
from portale.records.models import Invoice, TrafficEvent
from portale.records.services import RecordError, invoice_amount_restate
from portale.records.tests import factories as f
from portale.tem.audit import audit_invoice
from portale.tem.tests.helpers import event, rate

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 11, 30)  # bimesters 4/2021 and 5/2021 are the last closed


def test_seeded_recent_invoices_get_the_engines_charges(contract):
    lines = [f.LineFactory(contract=contract) for _ in range(2)]
    when = timezone.make_aware(datetime.datetime(2021, 10, 5, 9))
    rate([event(lines[0], when, seconds=900), event(lines[1], when, category="DATI", kb=90_000)])
    TrafficEvent.objects.update(rated_at=when)  # as the seed rates them: when they occurred
    old = f.InvoiceFactory(contract=contract, bimester="3/2021")
    recent = f.InvoiceFactory(
        contract=contract,
        bimester="5/2021",
        emission_date=datetime.date(2021, 11, 15),
        due_date=datetime.date(2021, 12, 15),
    )
    assert invoices_demo_charges(today=TODAY) == 1
    recent.refresh_from_db()
    charges = Charges.from_json(TrafficCutoff.objects.get(invoice=recent).charges)
    assert recent.amount == charges.total != Decimal("1234.56")
    assert sorted(lc.msisdn for lc in charges.lines) == sorted(ln.msisdn for ln in lines)
    assert any(lc.traffic for lc in charges.lines)
    assert not TrafficCutoff.objects.filter(invoice=old).exists()  # older: left as seeded
    assert audit_invoice(invoice=recent).ok
    assert invoices_demo_charges(today=TODAY) == 0  # idempotent


def test_an_invoice_with_its_document_keeps_its_amount(contract):
    invoice = f.InvoiceFactory(contract=contract, pdf="fatture/x.pdf")
    with pytest.raises(RecordError):
        invoice_amount_restate(invoice=invoice, amount=Decimal("1.00"))
    assert Invoice.objects.get(pk=invoice.pk).amount == Decimal("1234.56")


def test_an_issued_invoice_is_indexed_by_line_and_service(contract):
    from portale.billing import selectors
    from portale.billing.invoicing import charges_index, invoice_issue
    from portale.billing.models import InvoiceLineCharges

    lines = [f.LineFactory(contract=contract) for _ in range(3)]
    rate([event(lines[0], timezone.make_aware(datetime.datetime(2021, 9, 3, 9)), seconds=900)])
    invoice = invoice_issue(contract=contract, b=5, y=2021)
    charges = selectors.invoice_document_charges(invoice=invoice)
    rows = {r.msisdn: r for r in selectors.invoice_line_rows(invoice=invoice)}
    assert set(rows) == {ln.msisdn for ln in lines}
    for lc in charges.lines:
        row = rows[lc.msisdn]
        assert (row.fees_total, row.traffic_total, row.total) == (
            lc.fees_total,
            lc.traffic_total,
            lc.total,
        )
        assert selectors.line_charges_of(row) == lc and row.line.msisdn == lc.msisdn
    summary = selectors.invoice_summary(invoice=invoice)
    assert (summary.taxable, summary.vat, summary.total) == (
        charges.taxable,
        charges.vat,
        invoice.amount,
    )
    assert sum(s["amount"] for s in summary.services) == charges.taxable
    cutoff = TrafficCutoff.objects.get(invoice=invoice)
    assert charges_index(cutoff=cutoff) == 3  # again: the same rows, not more
    assert InvoiceLineCharges.objects.filter(cutoff=cutoff).count() == 3
