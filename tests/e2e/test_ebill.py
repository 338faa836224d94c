"""Browser test of eBill (F-7.4.1 eye icon, F-7.4.2): the eBill referent opens eBill from
"Fatture aziendali" in a new window (the hand-off, P-11), walks an invoice down to one
line's billed traffic whose totals are the PDF's, creates a cost centre, assigns lines by
CSV and sees the allocation; 1280 and 360 px."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.billing.invoicing import invoices_generate
from portale.core.pdf import pdf_text
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, data, voice
from portale.records.tests import factories as f

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _issue(contract):
    a = f.LineFactory(contract=contract, msisdn="3391230001")
    b = f.LineFactory(contract=contract, msisdn="3391230002")
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("W1", a.msisdn, "2026-07-10T10:00:00", 600),
                voice("W2", a.msisdn, "2026-07-11T10:00:00", 97),
                data("W3", a.msisdn, "2026-08-02T10:00:00", 123457),
                voice("W4", b.msisdn, "2026-08-12T10:00:00", 1234),
            ]
        )
    )
    invoice = invoices_generate(today=datetime.date(2026, 9, 20), depth=1).company[0]
    return invoice, a, b


def test_ebill_from_fatture_aziendali_down_to_a_line_and_cost_centres(
    new_page, live_server, ebill, contract, shot
):
    invoice, a, b = _issue(contract)
    page = new_page(1280)
    force_login(page, ebill, live_server.url)
    page.goto(reverse("billing:invoices"))
    expect(page.get_by_text("clicca sul simbolo dell'occhio")).to_be_visible()
    eye = page.get_by_title(f"Visualizza il traffico della fattura {invoice.number} su eBill")
    assert eye.get_attribute("target") == "_blank"
    with page.context.expect_page() as opened:
        eye.click()
    ebill_page = opened.value
    ebill_page.wait_for_load_state()
    expect(ebill_page.get_by_role("heading", name=f"Fattura {invoice.number}")).to_be_visible()
    shot(ebill_page, "ebill_invoice_1280")
    total = ebill_page.locator("#ebill-total").inner_text()
    with ebill_page.expect_download(timeout=60_000) as dl:
        ebill_page.locator("#ebill-invoice-pdf").click()
    with open(dl.value.path(), "rb") as fh:
        pdf = pdf_text(fh.read())
    assert total in pdf
    # down to one line and its billed traffic
    ebill_page.get_by_role("link", name=a.msisdn).click()
    expect(ebill_page.get_by_role("heading", name=re.compile(f"Linea {a.msisdn}"))).to_be_visible()
    line_total = ebill_page.locator("#ebill-line-total").inner_text()
    assert line_total in pdf
    rows = ebill_page.locator("#ebill-line-charges tbody tr")
    for i in range(rows.count()):
        amount = rows.nth(i).locator("td").last.inner_text()
        assert amount in pdf
    expect(ebill_page.get_by_text("Tot. eventi 3")).to_be_visible()
    expect(ebill_page.get_by_text("non corrisponde")).to_have_count(0)
    shot(ebill_page, "ebill_line_1280")
    # Gestione dei Centri di Costo: create one, assign the lines by CSV, see the allocation
    ebill_page.get_by_role("link", name="Gestione dei Centri di Costo").click()
    ebill_page.locator("#id_nuovo-code").fill("CDC-UFF")
    ebill_page.locator("#id_nuovo-name").fill("Uffici")
    ebill_page.get_by_role("button", name="CREA").click()
    expect(ebill_page.get_by_text("Centro di costo CDC-UFF creato.")).to_be_visible()
    csv = f"LINEA;CENTRO_DI_COSTO\n{a.msisdn};CDC-UFF\n{b.msisdn};CDC-UFF\n".encode()
    ebill_page.set_input_files(
        "input[name=csv-file]", files=[{"name": "cdc.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    ebill_page.get_by_role("button", name="CARICA").click()
    expect(ebill_page.get_by_text("File applicato: 2 linee assegnate.")).to_be_visible()
    shot(ebill_page, "ebill_centres_1280")
    ebill_page.locator("#ebill-allocation-link").click()
    table = ebill_page.locator(f"#ebill-allocation-{invoice.number}")
    row = table.locator("tbody tr", has_text="CDC-UFF")
    expect(row).to_have_count(1)
    taxable = table.locator("tfoot td").inner_text()
    expect(row.locator("td").last).to_have_text(taxable)
    assert taxable in pdf
    shot(ebill_page, "ebill_allocation_1280")
    assert not page.console_errors, page.console_errors


def test_ebill_pages_at_360(new_page, live_server, ebill, contract, shot):
    invoice, a, _b = _issue(contract)
    page = new_page(360)
    force_login(page, ebill, live_server.url)
    page.goto(reverse("ebill:open") + "?to=" + reverse("ebill:invoice", args=[invoice.pk]))
    expect(page.get_by_role("heading", name=f"Fattura {invoice.number}")).to_be_visible()
    shot(page, "ebill_invoice_360")
    for name in (
        "ebill:home",
        "ebill:traffic_subscriptions",
        "ebill:centres",
        "ebill:prepaid_recharges",
    ):
        page.goto(reverse(name))
        expect(page.locator("#ebill-title")).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"{name} overflows: {width}px"
        shot(page, f"ebill_{name.split(':')[1]}_360")
    assert not page.console_errors, page.console_errors
