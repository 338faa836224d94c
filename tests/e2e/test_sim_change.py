"""Browser test of the employee's Cambio carta SIM (guide §9.1.4, G-53).

The employee picks their SIM, types the last 10 digits of a hot-stock ICCID and the reason,
confirms in the dialog; the ROA then sees the pratica in "Storico pratiche" and its ordine in
"Storico ordini"; after fulfilment the new SIM is the one on the number.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.cases.models import Case
from portale.fulfilment import engine
from portale.records.models import Line, Sim
from portale.records.tests import factories as f

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_employee_changes_their_sim_and_the_roa_sees_it(
    new_page, live_server, employee, roa, contract
):
    line = Line.objects.get(msisdn=employee.mobile)
    old = line.sims.get()
    stock = f.SimFactory(line=None, contract=contract, state=Sim.State.STOCK)
    page = new_page(1280)
    force_login(page, employee, live_server.url)

    page.goto(reverse("myline:sim_change"))
    expect(page.get_by_text("Tot. linee 1")).to_be_visible()
    page.get_by_role("radio", name=f"Seleziona {line.msisdn}").check()
    page.get_by_role("button", name="PROSEGUI").click()
    expect(page.locator("[data-field=old-iccid]")).to_have_text(old.iccid)
    page.fill("#id_new_iccid", "12345")
    page.select_option("#id_causale", "GUASTO")
    page.get_by_role("button", name="SALVA").click()
    expect(page.get_by_text("Il nuovo ICCID è di 10 cifre")).to_be_visible()
    page.fill("#id_new_iccid", stock.iccid[-10:])
    page.get_by_role("button", name="SALVA").click()
    dialog = page.get_by_role("alertdialog", name="Conferma cambio carta SIM")
    expect(dialog).to_contain_text(stock.iccid)
    dialog.get_by_role("button", name="Conferma").click()
    expect(page.locator("#case-number")).to_contain_text(re.compile(r"7-\d{11}"))
    case = Case.objects.get()
    order = case.orders.get()

    roa_page = new_page(1280)
    force_login(roa_page, roa, live_server.url)
    roa_page.goto(reverse("cases:history"))
    expect(roa_page.get_by_text(case.number)).to_be_visible()
    expect(roa_page.get_by_text("CAMBIO SIM").first).to_be_visible()
    roa_page.goto(reverse("cases:orders"))
    expect(roa_page.get_by_text(order.number)).to_be_visible()

    engine.run_until_idle()
    stock.refresh_from_db()
    old.refresh_from_db()
    assert (stock.line_id, stock.state, old.state) == (line.pk, "ATTIVA", "CESSATA")
