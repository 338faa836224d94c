import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.billing.invoicing import invoice_issue
from portale.billing.models import TrafficCutoff
from portale.records.models import Invoice, PriceItem, TariffPlan
from portale.records.tests import factories as f
from portale.tem import services
from portale.tem.audit import audit_invoice
from portale.tem.models import InvoiceAudit, InvoiceAuditDifference

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


def test_the_audit_flags_a_charge_altered_in_the_database(
    client, roa, contract, invoice, django_capture_on_commit_callbacks
):
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
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs on commit
        client.post(reverse("tem:audit_start", args=[invoice.pk]))
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


# --- the audit as a background job ------------------------------------------------------------


def test_a_get_of_the_audit_page_writes_nothing(client, roa, contract, invoice):
    open_tem(client, roa, contract)
    response = client.get(reverse("tem:audit_detail", args=[invoice.pk]))
    assert response.status_code == 200
    assert "Avvia verifica" in response.content.decode()
    assert not InvoiceAudit.objects.exists()
    assert client.get(reverse("tem:audit")).status_code == 200
    assert not InvoiceAudit.objects.exists()
    # the start URL answers only to POST
    assert client.get(reverse("tem:audit_start", args=[invoice.pk])).status_code == 405
    assert not InvoiceAudit.objects.exists()


def test_a_post_starts_one_run_and_a_double_click_makes_one(client, roa, contract, invoice):
    open_tem(client, roa, contract)
    url = reverse("tem:audit_start", args=[invoice.pk])
    first = client.post(url)  # on_commit is not run here: the run stays "In corso"
    assert first.status_code == 302
    assert first["Location"] == reverse("tem:audit_detail", args=[invoice.pk])
    client.post(url)
    [run] = InvoiceAudit.objects.all()
    assert run.state == InvoiceAudit.State.RUNNING and run.requested_by == roa
    page = client.get(reverse("tem:audit_detail", args=[invoice.pk]), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "Verifica in corso" in html and 'hx-trigger="every 2s"' in html
    assert "<html" not in html  # the polled fragment only


def test_the_worker_stores_the_outcome_and_the_page_shows_it(
    client, roa, contract, invoice, django_capture_on_commit_callbacks
):
    open_tem(client, roa, contract)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tem:audit_start", args=[invoice.pk]))
    [run] = InvoiceAudit.objects.all()
    assert run.state == InvoiceAudit.State.DONE and run.ok
    assert run.started_at and run.finished_at and run.attempts == 1
    assert run.billed_total == run.recomputed_total == invoice.amount
    assert run.lines == 3 and run.charges > 3
    html = client.get(reverse("tem:audit_detail", args=[invoice.pk])).content.decode()
    assert "Nessuna differenza" in html and "hx-trigger" not in html
    # a new run may start once the last one finished
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tem:audit_start", args=[invoice.pk]))
    assert InvoiceAudit.objects.filter(state=InvoiceAudit.State.DONE).count() == 2


def test_another_contracts_invoice_cannot_be_audited(client, roa, contract, other_contract):
    foreign = f.InvoiceFactory(contract=other_contract)
    open_tem(client, roa, contract)
    assert client.post(reverse("tem:audit_start", args=[foreign.pk])).status_code == 404
    assert not InvoiceAudit.objects.exists()


def test_the_run_service_stores_differences_and_runs_once(invoice):
    cutoff = TrafficCutoff.objects.get(invoice=invoice)
    charges = cutoff.charges
    line = charges["lines"][1]
    line["fees"].append(["Canone inventato (2 mesi)", "3.00"])
    TrafficCutoff.objects.filter(pk=cutoff.pk).update(charges=charges)
    run = services.invoice_audit_request(invoice=invoice)
    assert services.invoice_audit_request(invoice=invoice) == run  # in progress: the same
    assert services.invoice_audit_run(audit_id=run.pk) is True
    assert services.invoice_audit_run(audit_id=run.pk) is False  # finished: not again
    run.refresh_from_db()
    assert run.state == InvoiceAudit.State.DONE and not run.ok
    assert run.difference_count == 1 and run.total_mismatch
    [diff] = InvoiceAuditDifference.objects.filter(audit=run)
    assert (diff.msisdn, diff.charge, diff.billed, diff.recomputed) == (
        line["msisdn"],
        "Canone inventato (2 mesi)",
        Decimal("3.00"),
        None,
    )


def test_a_failing_run_is_retried_then_shows_an_error(invoice, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "audit_invoice", boom)
    run = services.invoice_audit_request(invoice=invoice)
    with pytest.raises(RuntimeError):
        services.invoice_audit_run(audit_id=run.pk, final=False)
    run.refresh_from_db()
    assert run.state == InvoiceAudit.State.RUNNING and run.claimed_at is None  # retried
    assert services.invoice_audit_run(audit_id=run.pk, final=True) is True
    run.refresh_from_db()
    assert run.state == InvoiceAudit.State.FAILED and "database gone" in run.error
    assert services.invoice_audit_request(invoice=invoice) != run  # a new one can start


def test_the_sweep_wakes_a_run_whose_wake_up_was_lost(invoice):
    from portale.tem.tasks import _due

    run = services.invoice_audit_request(invoice=invoice)  # on_commit never ran
    now = timezone.now()
    assert list(_due(now)) == []
    assert list(_due(now + datetime.timedelta(minutes=3))) == [run.pk]
