import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.billing.invoicing import invoice_issue
from portale.billing.models import TrafficCutoff
from portale.records.models import Invoice, PriceItem, TariffPlan
from portale.records.tests import factories as f
from portale.tem.audit import audit_invoice

from .helpers import event, open_tem, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(contract):
    lines = [f.LineFactory(contract=contract) for _ in range(3)]
    when = timezone.make_aware(datetime.datetime(2021, 9, 10, 10))
    rate([event(ln, when, seconds=600 * (i + 1)) for i, ln in enumerate(lines)])
    rate([event(lines[0], when, category="DATI", kb=500_000)])
    return invoice_issue(contract=contract, b=5, y=2021)


def test_an_untouched_invoice_matches_its_recomputation(invoice):
    result = audit_invoice(invoice=invoice)
    assert result.verifiable and result.ok and result.differences == []
    assert result.billed_total == result.recomputed_total == invoice.amount


def test_the_audit_flags_a_charge_altered_in_the_database(client, roa, contract, invoice):
    cutoff = TrafficCutoff.objects.get(invoice=invoice)
    charges = cutoff.charges
    line = charges["lines"][0]
    line["traffic"][0]["amount"] = str(Decimal(line["traffic"][0]["amount"]) + Decimal("7.00"))
    TrafficCutoff.objects.filter(pk=cutoff.pk).update(charges=charges)
    result = audit_invoice(invoice=invoice)
    assert not result.ok
    [diff] = result.differences
    assert diff.msisdn == line["msisdn"] and diff.delta == Decimal("7.00")
    assert diff.charge == line["traffic"][0]["label"]
    assert result.total_mismatch  # the stored amount no longer adds up either
    open_tem(client, roa, contract)
    html = client.get(reverse("tem:audit_detail", args=[invoice.pk])).content.decode()
    assert "1 differenza trovata" in html and line["msisdn"] in html


def test_fees_are_priced_again_from_the_convenzione_price_list(contract):
    plan = f.TariffPlanFactory(name="PA 8")
    TariffPlan.objects.filter(pk=plan.pk).update(monthly_fee=Decimal("10.00"))
    lines = [f.LineFactory(contract=contract, tariff_plan=plan) for _ in range(2)]
    invoice = invoice_issue(contract=contract, b=5, y=2021)
    assert audit_invoice(invoice=invoice).ok  # no price list: the plan's fee is the reference
    price_list = f.PriceListFactory(is_current=True)
    f.PriceItemFactory(
        price_list=price_list, kind=PriceItem.Kind.TARIFF, code="PA 8", price=Decimal("12")
    )
    result = audit_invoice(invoice=invoice)
    assert sorted(d.msisdn for d in result.differences) == sorted(ln.msisdn for ln in lines)
    assert {(d.charge, d.billed, d.recomputed) for d in result.differences} == {
        ("Canone PA 8 (2 mesi)", Decimal("20.00"), Decimal("24.00"))
    }


def test_the_audit_flags_an_invoice_amount_altered(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(amount=invoice.amount + 1)
    invoice.refresh_from_db()
    result = audit_invoice(invoice=invoice)
    assert result.total_mismatch and not result.ok


def test_another_contracts_invoice_is_not_found(client, roa, contract, other_contract):
    foreign = f.InvoiceFactory(contract=other_contract)
    open_tem(client, roa, contract)
    assert client.get(reverse("tem:audit_detail", args=[foreign.pk])).status_code == 404
