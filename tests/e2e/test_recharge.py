"""Browser test of Ricarica aziendale "a tempo" (guide §7.3.4, P-09).

The ROA files a timed recharge through the wizard (card, line, parameters, "Conferma dei
dati" with the summary and the list of lines downloaded, INVIA); the amount is typed as the
portal writes amounts ("20,00"; "20.50" refused next to the field); fulfilment activates the
service; the periodic job recharges the line 7 days later; the employee sees the company
credit and the service SMS.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portale.cases.models import Case
from portale.fulfilment import engine
from portale.records.tests import factories as f
from portale.sim.services import automatic_recharges_run

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_timed_recharge_through_the_wizard_then_the_periodic_job(
    new_page, live_server, roa, contract
):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    line = f.SimFactory(
        line__contract=contract, line__tariff_plan=plan, line__company_credit=Decimal("3")
    ).line
    employee = f.UserFactory(mobile=line.msisdn)
    page = new_page(1280)
    page.set_default_timeout(60_000)  # the PDFs are rendered by WeasyPrint on a shared machine
    force_login(page, roa, live_server.url)

    page.goto(reverse("sim:company_recharge"))
    page.get_by_role("link", name="Scegli la ricarica a tempo").click()
    page.get_by_role("radio", name=f"Seleziona {line.msisdn}").check()
    page.get_by_role("button", name="AVANTI").click()
    page.select_option("#id_frequenza", "7")
    amount = page.locator("#id_importo")
    expect(amount).to_have_attribute("type", "text")  # a number input would refuse "20,00"
    expect(amount).to_have_accessible_description(
        "Minimo 5€ - Max 50€. In euro interi, ad esempio 20."
    )
    amount.fill("60")
    page.get_by_role("button", name="PROSEGUI").click()
    expect(page.locator("#id_importo_error")).to_have_text("Inserisci un importo da 5 a 50 €.")
    page.fill("#id_importo", "20.50")  # a dot is no decimal point: refused, not read as 20,50
    page.get_by_role("button", name="PROSEGUI").click()
    expect(page.locator("#id_importo_error")).to_have_text(
        "Inserisci un importo in euro interi, ad esempio 20."
    )
    expect(page.locator("#id_importo")).to_have_value("20.50")  # what was typed stays
    expect(page.locator("#id_importo")).to_have_attribute("aria-invalid", "true")
    page.fill("#id_importo", "20,00")  # the portal's own format
    page.get_by_role("button", name="PROSEGUI").click()

    expect(page.get_by_role("heading", name="Conferma dei dati")).to_be_visible()
    with page.expect_download(timeout=60_000):
        page.get_by_role("link", name="Scarica il pdf con il riepilogo dei dati").click()
    with page.expect_download(timeout=60_000):
        page.get_by_role("link", name=re.compile("Elenco delle linee")).click()
    page.reload()
    page.get_by_role("button", name="INVIA").click()
    expect(page.locator("#case-number")).to_contain_text(re.compile(r"7-\d{11}"))
    case = Case.objects.get()
    assert case.type_label == "RICHIESTA RICARICA AZIENDALE"

    engine.run_until_idle()
    assert automatic_recharges_run(now=timezone.now() + datetime.timedelta(days=7)) == 1

    employee_page = new_page(1280)
    force_login(employee_page, employee, live_server.url)
    employee_page.goto(reverse("myline:consumption"))
    expect(employee_page.locator("[data-credit=company]")).to_have_text("23,00 €")
    employee_page.goto(reverse("myline:service_sms"))
    expect(employee_page.get_by_text("RICARICA A TEMPO 20 EURO")).to_be_visible()
