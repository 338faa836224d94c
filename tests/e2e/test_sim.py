"""Browser test of Blocco/sblocco carta SIM (guide §7.3.7, P-12).

The ROA blocks a line through the confirmation pop-up, sees the pratica number, lets
fulfilment run and finds the line SOSPESO in "Consistenze di dettaglio"; then unblocks it the
same way (and once cancels the pop-up, which files nothing). Screenshots go to var/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.cases.models import Case
from portale.fulfilment import engine
from portale.records.tests import factories as f

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _row(page, msisdn):
    return page.locator("table.portale-list-table tbody tr", has_text=msisdn)


def _detail_state(page, msisdn) -> None:
    page.goto(reverse("inventory:detail_list", args=["linee"]) + f"?linea={msisdn}")
    return _row(page, msisdn)


def test_block_then_unblock_through_the_pop_up(new_page, live_server, roa, contract, shot):
    line = f.SimFactory(line__contract=contract).line
    f.SimFactory(line__contract=contract)  # another line, untouched
    page = new_page(1280)
    force_login(page, roa, live_server.url)

    page.goto(reverse("sim:block"))
    expect(page.get_by_text("Tot. record 2")).to_be_visible()
    # Annulla closes the pop-up and files nothing
    _row(page, line.msisdn).get_by_role("link", name="Blocca SIM").click()
    dialog = page.get_by_role("alertdialog", name="Conferma blocco")
    expect(dialog).to_contain_text(f"L'utenza {line.msisdn} risulta attiva.")
    dialog.get_by_role("link", name="Annulla").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert not Case.objects.exists()

    _row(page, line.msisdn).get_by_role("link", name="Blocca SIM").click()
    shot(page, "sim-block-popup-1280", full_page=False)
    page.get_by_role("alertdialog").get_by_role("button", name="Conferma").click()
    expect(page.locator("#case-number")).to_contain_text(re.compile(r"7-\d{11}"))
    number = re.search(r"7-\d{11}", page.locator("#case-number").inner_text()).group(0)
    case = Case.objects.get(number=number)
    assert case.type_label == "FURTO/SMARRIMENTO SIM" and case.orders.count() == 1

    engine.run_until_idle()
    expect(_detail_state(page, line.msisdn)).to_contain_text("SOSPESO")

    page.goto(reverse("sim:block"))
    _row(page, line.msisdn).get_by_role("link", name="Sblocca SIM").click()
    dialog = page.get_by_role("alertdialog", name="Conferma sblocco")
    expect(dialog).to_contain_text(f"L'utenza {line.msisdn} risulta sospesa.")
    dialog.get_by_role("button", name="Conferma").click()
    expect(page.locator("#case-number")).to_be_visible()
    engine.run_until_idle()
    expect(_detail_state(page, line.msisdn)).to_contain_text("ATTIVO")
    assert list(Case.objects.order_by("opened_at").values_list("description", flat=True)) == [
        "Furto/Smarrimento SIM",
        "Ritrovamento SIM",
    ]
