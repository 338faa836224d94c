"""Browser test of "Fatture aziendali" (F-7.4.1): filters, PDF and FatturaPA XML downloads;
1280 and 360 px."""

from __future__ import annotations

import datetime
import re

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
        # at 360 px the cell's name carries its card label ("N° fattura 7X00000311")
        number = page.get_by_role("cell", name=re.compile(r"^(N° fattura )?7X00000311$"))
        expect(number).to_be_visible()
        # the key columns of an invoice are on screen at any width: number, amount, PDF
        row = page.locator("tbody tr").first
        for label in ("N° fattura", "Importo", "Scadenza", "PDF"):
            cell = row.locator(f'td[data-label="{label}"]')
            cell.scroll_into_view_if_needed()
            expect(cell).to_be_in_viewport(ratio=0.95)
        # the PDF takes a moment: the click says so at once, next to the icon (read in the
        # click's own task, before the download starts), and the note goes when the file comes
        link = page.get_by_title("Scarica la fattura 7X00000311 in PDF")
        with page.expect_download(timeout=60_000) as dl:  # a PDF on a busy machine
            note = link.evaluate(
                """a => { a.click(); const n = a.nextElementSibling;
                          return n && n.getAttribute('role') === 'status' ? n.innerText : ''; }"""
            )
        assert "Preparazione in corso" in note
        expect(page.locator(".portale-preparing")).to_have_count(0)
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
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_title(f"Scarica la fattura elettronica {inv.number} (XML FatturaPA)").click()
    with open(dl.value.path(), "rb") as fh:
        root = ET.fromstring(fh.read())
    xml_due = root.findtext(".//DettaglioPagamento/ImportoPagamento")
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_title(f"Scarica la fattura {inv.number} in PDF").click()
    with open(dl.value.path(), "rb") as fh:
        text = pdf_text(fh.read())
    pdf_due = re.search(r"Netto a pagare\s+([0-9.]+,[0-9]{2}) €", text).group(1)
    assert xml_due == "146.41" and pdf_due == "146,41"  # 178.62 = 146.41 + 32.21 VAT
    assert not page.console_errors, page.console_errors
