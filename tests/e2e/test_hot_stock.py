"""Browser test of Reintegro scorta calda and Attivazione differita SIM (F-7.3.11, F-7.3.6).

The ROA asks for hot-stock SIMs; the back office closes the pratica and the shipment is
delivered; the SIMs appear on the deferred activation page, the ROA activates one through
the manual rows, downloads the summary and the list of lines, sends it, and fulfilment puts
a live line on the SIM's number. Screenshots at 1280 and 360 px go to var/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.cases import lifecycle
from portale.cases.models import Case
from portale.fulfilment import engine
from portale.records.models import Line, Sim
from portale.records.tests import factories as f

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hot_stock_then_deferred_activation(new_page, live_server, roa, staff, contract, shot):
    f.TariffPlanFactory()  # "PA 8": the plan of a voice SIM's new line
    page = new_page(1280)
    page.set_default_timeout(60_000)  # the PDFs render in the request, on a shared machine
    force_login(page, roa, live_server.url)

    page.goto(reverse("sim:hot_stock"))
    expect(page.get_by_role("heading", name="Reintegro scorta calda di SIM")).to_be_visible()
    page.locator("#id_fonia").fill("2")
    page.locator("#id_referente").fill("Ufficio economato")
    shot(page, "sim-hot-stock-1280")
    page.get_by_role("button", name="SALVA").click()
    expect(page.get_by_role("button", name="INVIA")).to_be_visible()
    with page.expect_download(timeout=60_000):
        page.get_by_role("link", name="Scarica il pdf con il riepilogo dei dati").click()
    page.reload()
    page.get_by_role("button", name="INVIA").click()
    expect(page.locator("#case-number")).to_contain_text(re.compile(r"7-\d{11}"))
    case = Case.objects.get(operation="hot_stock")

    lifecycle.case_take(case=case, operator=staff)  # the back office prepares and ships
    lifecycle.case_close(case=case, outcome="SIM spedite", operator=staff)
    engine.run_until_idle()
    sims = list(Sim.objects.filter(contract=contract, state=Sim.State.STOCK).order_by("iccid"))
    assert len(sims) == 2

    page.goto(reverse("sim:deferred_activation"))
    expect(page.get_by_text("Tot. SIM in scorta 2")).to_be_visible()
    page.locator("#numero-1").fill(sims[0].msisdn)
    page.locator("#iccid-1").fill(sims[0].iccid[-10:])
    page.locator("#numero-2").fill(sims[1].msisdn)
    page.locator("#iccid-2").fill("8939010009999999999")  # not a SIM of the contract
    page.get_by_role("button", name="SALVA").click()
    expect(page.get_by_text("Riga 2: la SIM 8939010009999999999 non è una SIM")).to_be_visible()
    expect(page.locator("#numero-1")).to_have_value(sims[0].msisdn)  # typed values kept
    shot(page, "sim-deferred-activation-errors-1280")
    page.locator("#numero-2").fill("")
    page.locator("#iccid-2").fill("")
    page.get_by_role("button", name="SALVA").click(timeout=60_000)
    expect(page.get_by_role("button", name="INVIA")).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=60_000):
        page.get_by_role("link", name="Scarica il pdf con il riepilogo dei dati").click()
    with page.expect_download(timeout=60_000):
        page.get_by_role("link", name=re.compile("Elenco delle linee")).click()
    page.reload()
    page.get_by_role("button", name="INVIA").click()
    expect(page.locator("#case-number")).to_contain_text(re.compile(r"7-\d{11}"))
    engine.run_until_idle()
    line = Line.objects.get(msisdn=sims[0].msisdn)
    assert line.contract_id == contract.pk and line.sims.get().iccid == sims[0].iccid

    phone = new_page(360, 780)
    phone.set_default_timeout(60_000)
    force_login(phone, roa, live_server.url)
    for name, url in (
        ("sim-hot-stock-360", "sim:hot_stock"),
        ("sim-deferred-activation-360", "sim:deferred_activation"),
        ("sim-deferred-activation-help-360", "sim:deferred_activation_bulk"),
        ("sim-bundle-flags-bulk-360", "sim:bundle_flags_bulk"),
    ):
        phone.goto(reverse(url))
        overflow = phone.evaluate("() => document.documentElement.scrollWidth > innerWidth + 1")
        assert not overflow, name
        shot(phone, name)
    page.goto(reverse("sim:deferred_activation_bulk"))
    shot(page, "sim-deferred-activation-help-1280")
    page.goto(reverse("sim:recharge_mode_bulk"))
    shot(page, "sim-recharge-mode-bulk-1280")
    assert not page.console_errors and not phone.console_errors
