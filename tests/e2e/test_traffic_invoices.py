"""Browser test of "Fatture aziendali" (F-7.4.1): filters, PDF and FatturaPA XML downloads;
1280 and 360 px."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portale.billing.tests.scope import make_invoice
from portale.core.pdf import pdf_text

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_company_invoices_page(new_page, live_server, roa, contract, employee_line, shot):
    today = timezone.localdate()
    for i, (bim, state) in enumerate(
        (("4/2021", "Scoperta"), ("5/2021", "Pagata"), ("6/2021", "Pagata"))
    ):
        make_invoice(
            contract,
            f"7X{311 + i:08d}",
            bim,
            payment_state=state,
            emission_date=today - datetime.timedelta(days=30 * (3 - i)),
        )
    for width in (1280, 360):
        page = new_page(width)
        force_login(page, roa, live_server.url)
        page.goto(reverse("billing:invoices"))
        expect(page.get_by_role("heading", name="Fatture aziendali")).to_be_visible()
        expect(page.get_by_text("Tot. fatture 3")).to_be_visible()
        shot(page, f"traffic_invoices_{width}")
        page.select_option("select[name=pagamento]", "Scoperta")
        page.get_by_role("button", name="CERCA").click()
        page.get_by_text("Tot. fatture 1").wait_for()
        expect(page.get_by_role("cell", name="7X00000311", exact=True)).to_be_visible()
        with page.expect_download() as dl:
            page.get_by_title("Scarica la fattura 7X00000311 in PDF").click()
        with open(dl.value.path(), "rb") as fh:
            assert "7X00000311" in pdf_text(fh.read())
        page.get_by_role("link", name="RESETTA").click()
        page.get_by_text("Tot. fatture 3").wait_for()
        assert page.locator("select[name=pagamento]").input_value() == ""
        assert not page.console_errors, page.console_errors


def test_ebill_referent_downloads_the_xml_and_the_pdf_with_the_same_amount_due(
    new_page, live_server, ebill, contract
):
    import re
    import xml.etree.ElementTree as ET

    from portale.billing.invoicing import einvoices_complete, invoices_complete

    inv = make_invoice(contract, "7X00000411", "4/2021", amount="178.62")
    einvoices_complete()  # what the nightly job does: the XML file, then the stored PDF
    invoices_complete()
    page = new_page(1280)
    force_login(page, ebill, live_server.url)
    page.goto(reverse("billing:invoices"))
    expect(page.get_by_role("cell", name="Consegnata")).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_title(f"Scarica la fattura elettronica {inv.number} (XML FatturaPA)").click()
    with open(dl.value.path(), "rb") as fh:
        root = ET.fromstring(fh.read())
    xml_due = root.findtext(".//DettaglioPagamento/ImportoPagamento")
    with page.expect_download() as dl:
        page.get_by_title(f"Scarica la fattura {inv.number} in PDF").click()
    with open(dl.value.path(), "rb") as fh:
        text = pdf_text(fh.read())
    pdf_due = re.search(r"Netto a pagare\s+([0-9.]+,[0-9]{2}) €", text).group(1)
    assert xml_due == "146.41" and pdf_due == "146,41"  # 178.62 = 146.41 + 32.21 VAT
    assert not page.console_errors, page.console_errors
