"""Browser test of the requests engine (guide §7.1, §7.3.1-7.3.2, Appendix 1).

A ROA replaces a referent and changes the invoice address in the guide's modals ("SALVA" files
the pratica directly: P-09 leaves out §7.1.2 and §7.1.3; a double click files one), finds both
pratiche in "Storico pratiche", lets fulfilment run, and sees the changes on "Dati aziendali".
Screenshots at 1280 and 360 px go to var/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.cases import lifecycle
from portale.cases.models import Case, RequestDraft, Shipment
from portale.cases.tests.helpers import ebill_referent, phone_case
from portale.fulfilment import engine
from portale.records.models import LegalRepresentative

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _filed_number(page) -> str:
    """The pratica number in the confirmation message after the modal's SALVA."""
    alert = page.locator(".alert-success").filter(has_text="è stata aperta la pratica")
    expect(alert).to_be_visible()
    return re.search(r"7-\d{11}", alert.inner_text()).group(0)


def test_replacing_a_referent_files_the_pratica_from_the_modal(
    new_page, live_server, roa, staff, contract, other_contract, tmp_path, shot
):
    staff_user = staff
    LegalRepresentative.objects.create(
        administration=contract.administration,
        first_name="VINCENZO",
        last_name="BARRA",
        email="v.barra@example.it",
        mobile="3284150683",
        fiscal_code="BRRVCF70A01A944E",
    )
    ref = ebill_referent(contract)
    order_case = phone_case(contract, operation="sim_change")
    Shipment.objects.create(
        order=order_case.orders.get(), address="VIA DELLE SCUOLE 2/D, 40132 BOLOGNA (BO)"
    )
    page = new_page(1280)
    force_login(page, roa, live_server.url)

    # --- Gestione referenti → ⋮ → Sostituisci referente -------------------------------
    page.goto(reverse("company:referents"))
    expect(page.get_by_text("Tot. record 2")).to_be_visible()
    page.locator(f"#ref-menu-{ref.pk}").click()
    page.get_by_role("link", name="Sostituisci referente").wait_for(state="visible")
    page.wait_for_timeout(300)
    shot(page, "cases-referents-menu-1280", full_page=False)
    page.get_by_role("link", name="Sostituisci referente").click()
    modal = page.get_by_role("dialog", name="Sostituisci referente")
    expect(modal).to_be_visible()
    shot(page, "company-referent-modal-1280")
    page.fill("#id_first_name", "Luca")
    page.fill("#id_last_name", "Verdi")
    page.fill("#id_fiscal_code", "VRDLCU80A01H501X")  # wrong check character
    page.fill("#id_mobile", "3351112223")
    page.fill("#id_email", "luca.verdi@comune.example.it")
    modal.get_by_role("button", name="SALVA").click()
    modal = page.get_by_role("dialog", name="Sostituisci referente")
    expect(modal.get_by_text("Codice fiscale non valido")).to_be_visible()  # in the modal
    assert page.input_value("#id_last_name") == "Verdi"  # the form keeps what was typed
    shot(page, "cases-referent-error-1280")
    page.fill("#id_fiscal_code", "VRDLCU80A01H501G")
    modal.get_by_role("button", name="SALVA").dblclick()  # a double click: one pratica
    referent_case = _filed_number(page)
    assert Case.objects.filter(description="Referenti").count() == 1
    assert not RequestDraft.objects.exists()  # no "Conferma dei dati" step
    expect(page.get_by_text("In lavorazione").first).to_be_visible()
    shot(page, "company-referent-filed-1280")

    # --- Dati contratto e indirizzi → MODIFICA (fatture) ---------------------------------
    page.goto(reverse("company:addresses"))
    page.locator("#indirizzo-fatture").get_by_role("link", name="MODIFICA", exact=True).click()
    expect(page.get_by_role("dialog", name="Modifica dati di spedizione fatture")).to_be_visible()
    page.fill("#id_attention_of", "Ufficio economato")
    page.select_option("#id_toponym", "VIA")
    page.fill("#id_street", "Indipendenza")
    page.fill("#id_number", "8")
    page.select_option("#id_province", "BO")
    page.wait_for_selector("#id_city option[value='Bologna']", state="attached")
    page.select_option("#id_city", "Bologna")
    page.fill("#id_cap", "00184")  # not a CAP of Bologna
    page.get_by_role("button", name="SALVA").click()
    expect(page.get_by_text("Il CAP 00184 non corrisponde al comune scelto")).to_be_visible()
    assert (
        page.input_value("#id_street") == "INDIPENDENZA"
        or page.input_value("#id_street") == "Indipendenza"
    )
    shot(page, "cases-address-error-1280")
    page.fill("#id_cap", "40121")
    page.get_by_role("button", name="SALVA").click()
    address_case = _filed_number(page)
    expect(page.get_by_text("Modifica in lavorazione")).to_be_visible()
    case = Case.objects.get(number=address_case)
    assert case.description == "Modifica recapito rendiconto"
    assert case.payload["street"] == "INDIPENDENZA" and case.payload["cap"] == "40121"

    # --- Storico pratiche ----------------------------------------------------------------
    page.goto(reverse("cases:history"))
    expect(page.get_by_text(referent_case)).to_be_visible()
    expect(page.get_by_text(address_case)).to_be_visible()
    expect(page.get_by_text("MODIFICA RECAPITO RENDICONTO")).to_be_visible()
    expect(page.get_by_text(order_case.number)).to_be_visible()  # the phone case, too
    shot(page, "cases-history-1280")
    page.goto(reverse("company:referents"))
    expect(page.get_by_text("In lavorazione")).to_be_visible()  # G-09/G-10: pending
    assert page.get_by_text("Verdi").count() == 0

    # --- fulfilment runs -----------------------------------------------------------------
    lifecycle.case_close(case=order_case, outcome="SIM sostituita")  # the back office works it
    engine.run_until_idle()
    page.goto(reverse("cases:history"))
    assert page.locator("td", has_text="Chiuso").count() >= 2
    page.goto(reverse("company:referents"))
    expect(page.get_by_role("cell", name="Verdi", exact=True)).to_be_visible()  # as typed
    expect(page.get_by_role("cell", name="3351112223", exact=True)).to_be_visible()
    shot(page, "cases-referents-after-1280")
    page.goto(reverse("company:addresses"))
    expect(page.get_by_text("VIA INDIPENDENZA, 8")).to_be_visible()
    expect(page.get_by_text("UFFICIO ECONOMATO")).to_be_visible()
    shot(page, "cases-addresses-after-1280")

    # --- Storico ordini, shipment --------------------------------------------------------
    page.goto(reverse("cases:orders"))
    shot(page, "cases-orders-1280")
    page.get_by_role("link", name="Vedi lo stato della spedizione").first.click()
    expect(page.get_by_text("Spedizione affidata al corriere")).to_be_visible()
    expect(page.get_by_role("cell", name="Consegnato", exact=True)).to_be_visible()
    shot(page, "cases-shipment-1280")

    # --- the operator's console -------------------------------------------------------
    staff = new_page(1280)
    force_login(staff, staff_user, live_server.url)
    staff.goto(reverse("backoffice:queue") + "?p-stato=CHIUSO")
    expect(staff.get_by_text(referent_case)).to_be_visible()
    shot(staff, "cases-console-1280")
    staff.get_by_role("link", name=referent_case).click()
    expect(staff.get_by_text("REFERENTI")).to_be_visible()
    shot(staff, "cases-console-detail-1280")

    # --- 360 px ---------------------------------------------------------------------------
    small = new_page(360, 780)
    force_login(small, roa, live_server.url)
    for name, url in [
        ("cases-history-360", reverse("cases:history")),
        ("cases-orders-360", reverse("cases:orders")),
        ("cases-referents-360", reverse("company:referents")),
        ("cases-address-form-360", reverse("company:address_edit", args=["documentazione"])),
        ("cases-profile-360", reverse("company:profile")),
    ]:
        small.goto(url)
        shot(small, name)
    other = ebill_referent(contract)
    small.goto(reverse("company:referent_contacts", args=[other.pk]))
    shot(small, "company-referent-modal-360")
    small.fill("#id_mobile", "3351112299")
    small.get_by_role("button", name="SALVA").click()
    _filed_number(small)
    shot(small, "company-referent-filed-360")
    assert not page.console_errors and not small.console_errors and not staff.console_errors
