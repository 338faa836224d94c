"""Browser test of TIM TUO end to end (guide §7.4.5, §9.2.1.1.1, §9.2.1.2).

The ROA enables a line; its employee activates TIM TUO with SEPA direct debit through the
whole wizard (conditions and summary downloaded); the pratica and the ordine appear for the
ROA; fulfilment creates the personal account (8882…); the next personal invoice, issued by
the billing engine, shows in "La mia fattura" and downloads. Screenshots in var/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portale.billing import bimesters
from portale.billing.invoicing import personal_invoice_issue
from portale.cases.models import Case, CaseState
from portale.cases.platform import pdf_text
from portale.dualbilling.tests import helpers as h
from portale.fulfilment import engine
from portale.records.models import DualBilling
from portale.records.tests import factories as f

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _download(page, link_name, tmp_path):
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name=link_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(str(target))
    return target.read_bytes()


def _confirm_and_send(page, tmp_path, *, lines: bool = False) -> Case:
    expect(page.get_by_role("button", name="INVIA")).to_be_visible()
    text = pdf_text(_download(page, "Scarica il pdf con il riepilogo dei dati", tmp_path))
    if lines:  # P-09: a multi-line request's list of lines is downloaded too
        text += pdf_text(_download(page, re.compile("Elenco delle linee"), tmp_path))
    page.get_by_role("button", name="INVIA").click(timeout=60_000)
    page.wait_for_load_state()
    number = re.search(r"7-\d{11}", page.locator("#case-number").inner_text()).group(0)
    case = Case.objects.get(number=number)
    case.summary_text = text
    return case


def test_roa_enables_employee_activates_with_sepa(
    new_page, live_server, roa, contract, tmp_path, shot
):
    line = h.line(contract)
    employee = f.UserFactory(
        mobile=line.msisdn,
        entity_fiscal_code=contract.administration.fiscal_code,
        first_name="Mario",
        last_name="Rossi",
    )

    # --- ROA: Abilitazione SIM al servizio → Conferma dei dati → INVIA ---------------------
    page = new_page(1280)
    force_login(page, roa, live_server.url)
    page.goto(reverse("dualbilling:enable"))
    expect(page.get_by_role("row").filter(has_text=line.msisdn)).to_contain_text("No")
    page.get_by_label(f"Seleziona {line.msisdn}").check()
    page.wait_for_load_state("networkidle")
    shot(page, "timtuo-enable-1280")
    # the request's list of lines is rendered now (a PDF): as a person waits for it
    page.get_by_role("button", name="PROSEGUI").click(timeout=60_000)
    case = _confirm_and_send(page, tmp_path, lines=True)
    assert line.msisdn in case.summary_text
    assert case.description == "Attivazione TIM TUO Azienda" and case.orders.count() == 1
    engine.run_until_idle()
    line.refresh_from_db()
    assert line.dual_billing_enabled

    # --- Employee: Gestisci → Associa → the wizard ------------------------------------------
    emp = new_page(1280)
    force_login(emp, employee, live_server.url)
    emp.goto(reverse("dualbilling:manage"))
    shot(emp, "timtuo-manage-associa-1280")
    emp.get_by_role("link", name="Associa", exact=True).click()
    emp.fill("#id_fiscal_code", h.CF)
    emp.get_by_role("button", name="AVANTI").click()
    expect(emp.get_by_text("Codice fiscale certificato")).to_be_visible()
    expect(emp.locator("#id_first_name")).to_have_value("Mario")
    emp.get_by_role("button", name="AVANTI").click()
    emp.select_option("#id_toponym", "VIA")
    emp.fill("#id_street", "Roma")
    emp.fill("#id_number", "1")
    emp.select_option("#id_province", "PG")
    expect(emp.locator("#id_city option[value='Perugia']")).to_have_count(1)
    emp.select_option("#id_city", "Perugia")
    emp.fill("#id_cap", "06121")
    emp.get_by_role("button", name="AVANTI").click()
    emp.locator("label", has_text="Domiciliazione bancaria/postale").click()
    emp.get_by_role("button", name="AVANTI").click()
    emp.fill("#id_iban", "DE89370400440532013000")  # a foreign IBAN is refused
    emp.get_by_role("button", name="AVANTI").click()
    expect(emp.locator("#id_iban_error")).to_contain_text("italiano")
    emp.fill("#id_iban", h.IBAN)
    emp.get_by_role("button", name="AVANTI").click()
    expect(emp.locator("#id_holder_fiscal_code")).to_have_value(h.CF)
    shot(emp, "timtuo-mandate-1280")
    emp.get_by_role("button", name="AVANTI").click()
    # acceptance: the conditions must be downloaded before they can be accepted
    emp.locator("label[for=id_conditions]").click()  # Bootstrap Italia checkbox
    emp.get_by_role("button", name="AVANTI").click()
    expect(emp.locator("#id_conditions_error")).to_contain_text("download")
    expect(emp.locator("#id_conditions")).to_be_checked()  # the value is kept
    conditions = pdf_text(
        _download(emp, 'Scarica le "Condizioni relative al servizio TIM TUO" (PDF)', tmp_path)
    )
    assert "Condizioni relative al servizio TIM TUO" in conditions
    emp.get_by_role("button", name="AVANTI").click()
    activation = _confirm_and_send(emp, tmp_path)
    assert h.IBAN in activation.summary_text and h.CF in activation.summary_text
    assert activation.description == "Domiciliazione tim tuo"
    order = activation.orders.get()
    assert activation.line_id == line.pk

    # --- the ROA sees the pratica and the ordine ------------------------------------------
    page.goto(reverse("cases:history"))
    expect(page.get_by_text(activation.number)).to_be_visible()
    page.goto(reverse("cases:orders"))
    expect(page.get_by_text(order.number)).to_be_visible()

    # --- fulfilment creates the personal account -----------------------------------------
    engine.run_until_idle()
    activation.refresh_from_db()
    assert activation.state == CaseState.CLOSED, activation.last_error
    billing = DualBilling.objects.get(line=line, state="ATTIVO")
    assert re.fullmatch(r"8882\d{8}", billing.code)
    assert billing.payment_method == "BANCA" and billing.iban_masked.endswith("3456")
    emp.goto(reverse("dualbilling:manage"))
    expect(emp.get_by_role("row").filter(has_text=line.msisdn)).to_contain_text("ROSSI")
    emp.goto(reverse("dualbilling:report"))
    row = emp.get_by_role("row").filter(has_text=billing.code)
    expect(row).to_contain_text("DOMICILIATA")
    shot(emp, "timtuo-report-1280")

    # --- the next personal invoice shows in "La mia fattura" ------------------------------
    b, y = bimesters.bimester_of(timezone.localdate())
    invoice = personal_invoice_issue(billing=billing, b=b, y=y)
    emp.goto(reverse("dualbilling:invoices"))
    expect(emp.get_by_role("row").filter(has_text=invoice.bimester)).to_be_visible()
    shot(emp, "timtuo-invoices-1280")
    with emp.expect_download(timeout=60_000) as info:
        emp.get_by_role("link", name=f"Scarica la fattura {invoice.number} in PDF").click()
    assert info.value.suggested_filename == f"fattura-{invoice.number}.pdf"
    phone = new_page(360)
    force_login(phone, employee, live_server.url)
    phone.goto(reverse("dualbilling:invoices"))
    shot(phone, "timtuo-invoices-360")
    phone.goto(reverse("dualbilling:manage"))
    shot(phone, "timtuo-manage-360")
    # On a phone the line is a card of labelled cells: "Modifica" is on screen, no scrolling.
    edit = phone.get_by_role("link", name="Modifica", exact=True)
    expect(edit).to_be_in_viewport()
    box = edit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    expect(phone.locator('td[data-label="Cognome"]')).to_have_text("ROSSI")
