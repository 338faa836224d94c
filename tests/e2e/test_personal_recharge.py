"""Browser tests of "La mia linea" on a prepaid line (guide §9.1.1–9.1.3, G-42).

- A prepaid employee recharges 20 € by card through the sandbox PSP's page with its 3-D
  Secure step, sees the personal credit grow and the recharge in the history; the ROA sees
  the "Ricarica manuale web/app" pratica in Storico pratiche.
- The PIN/PUK memo stays in the browser: no request the page makes carries the codes.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.fulfilment import engine
from portale.records.models import Line

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def prepaid(contract):
    from portale.myline.tests.helpers import option_price_list, timtuo_prepaid_line
    from portale.records.tests import factories as f

    option_price_list()
    line = timtuo_prepaid_line(contract, credit=Decimal("5.00"), roaming=True)
    user = f.UserFactory(mobile=line.msisdn, first_name="Francesca", last_name="Marchetti")
    return line, user


def test_recharge_by_card_with_3ds_then_credit_history_and_the_roas_pratica(
    new_page, live_server, prepaid, roa, shot, axe_violations
):
    line, user = prepaid
    page = new_page(1280)
    page.set_default_timeout(30_000)
    force_login(page, user, live_server.url)

    page.goto(reverse("myline:sim"))
    expect(page.locator("#personal-credit")).to_have_text("5,00 €")
    shot(page, "myline-sim-1280")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ricarica il tuo credito").click()
    page.locator("label", has_text="20 €").click()
    page.get_by_role("button", name="AVANTI").click()
    expect(page.get_by_text("PSD2", exact=False)).to_be_visible()
    page.locator("label", has_text="Aggiungi nuova carta").click()
    shot(page, "myline-recharge-pay-1280")
    assert axe_violations(page) == []
    page.get_by_role("button", name="AVANTI").click()

    # the sandbox PSP's hosted page, then the issuer's 3-D Secure challenge
    expect(page.get_by_role("heading", name="Paga con carta")).to_be_visible()
    assert "/psp-sandbox/" in page.url
    page.get_by_label("Titolare della carta").fill("Francesca Marchetti")
    page.get_by_label("Numero della carta").fill("4000 0000 0000 3220")
    page.get_by_label("Scadenza (MM/AA)").fill("12/39")
    page.get_by_label("CVV").fill("123")
    shot(page, "psp-sandbox-pay-1280")
    page.get_by_role("button", name="PAGA").click()
    expect(page.get_by_role("heading", name="Verifica 3-D Secure")).to_be_visible()
    page.get_by_label("Codice di verifica").fill("123456")
    shot(page, "psp-sandbox-3ds-1280")
    page.get_by_role("button", name="CONFERMA").click()

    # back on the portal: the result page
    expect(page.locator("#recharge-outcome")).to_have_text("Ricarica effettuata")
    expect(page.locator("#paid-with")).to_contain_text("*****3220")
    order = page.locator("#order-number").inner_text()
    assert re.fullmatch(r"[0-9A-F]{10}", order)
    shot(page, "myline-recharge-result-1280")

    engine.run_until_idle()  # the recharge platform applies the pratica's effect
    line.refresh_from_db()
    assert line.personal_credit == Decimal("25.00")
    page.goto(reverse("myline:sim"))
    expect(page.locator("#personal-credit")).to_have_text("25,00 €")
    page.goto(reverse("myline:recharges"))
    expect(page.get_by_text("Tot. record 1")).to_be_visible()
    expect(page.get_by_text("Ricarica da WEB")).to_be_visible()
    shot(page, "myline-recharges-1280")

    roa_page = new_page(1280)
    force_login(roa_page, roa, live_server.url)
    roa_page.goto(reverse("cases:history"))
    expect(roa_page.get_by_text("RICARICA MANUALE WEB/APP").first).to_be_visible()


def test_pin_puk_memo_never_leaves_the_browser(new_page, live_server, prepaid, shot):
    line, user = prepaid
    sim = Line.objects.get(pk=line.pk).sims.get()
    page = new_page(360, 780)
    bodies: list[str] = []
    urls: list[str] = []

    def capture(request):
        urls.append(request.url)
        data = request.post_data_buffer
        if data:
            bodies.append(data.decode("latin-1"))

    page.on("request", capture)
    force_login(page, user, live_server.url)
    page.goto(reverse("myline:pin_puk", args=[sim.pk]))
    expect(page.get_by_text(f"Linea: {line.msisdn} - ICCID: {sim.iccid}")).to_be_visible()
    page.get_by_label("PIN", exact=True).fill("12")
    page.get_by_role("button", name="SALVA").click()
    expect(page.get_by_text("Controlla i codici evidenziati.")).to_be_visible()
    page.get_by_label("PIN", exact=True).fill("4821")
    page.get_by_label("PUK 1").fill("73910264")
    page.get_by_label("PUK 2").fill("55028813")
    page.get_by_role("button", name="SALVA").click()
    expect(page.get_by_text("Promemoria salvato in questo browser.")).to_be_visible()
    shot(page, "myline-pin-puk-360")
    page.reload()
    expect(page.get_by_label("PUK 1")).to_have_value("73910264")
    stored = page.evaluate(f"window.localStorage.getItem('portale.pinpuk.{sim.iccid}')")
    assert "4821" in stored
    page.goto(reverse("myline:sim"))
    for secret in ("4821", "73910264", "55028813"):
        assert not any(secret in body for body in bodies), secret
        assert not any(secret in url for url in urls), secret
    assert urls  # the capture saw the page's requests


def test_package_activation_through_the_wizard_locks_the_line_until_applied(
    new_page, live_server, prepaid, shot, axe_violations
):
    line, user = prepaid
    page = new_page(1280)
    page.set_default_timeout(60_000)  # the summary PDF is rendered by WeasyPrint
    force_login(page, user, live_server.url)
    page.goto(reverse("myline:dual_packages"))
    family = page.locator('details[data-family="PACC_NAZ"]')
    family.locator("label", has_text="Pacchetto S4").click()
    shot(page, "myline-packages-1280")
    assert axe_violations(page) == []
    family.get_by_role("button", name="ATTIVA").click()
    expect(page.get_by_role("heading", name="Conferma dei dati")).to_be_visible()
    with page.expect_download(timeout=60_000):
        page.get_by_role("link", name="Scarica il pdf con il riepilogo dei dati").click()
    page.reload()
    page.get_by_role("button", name="INVIA").click()
    expect(page.locator("#case-number")).to_be_visible()

    page.goto(reverse("myline:dual_packages"))
    expect(page.locator("#pending-request")).to_contain_text("TIMTUORIC-ATTIV PACC TRAFF NAZ")
    expect(
        page.locator('details[data-family="PLAF_NAZ"] button[type=submit]').first
    ).to_be_disabled()
    small = new_page(360, 780)
    force_login(small, user, live_server.url)
    small.goto(reverse("myline:dual_packages"))
    shot(small, "myline-packages-360")

    engine.run_until_idle()
    page.reload()
    expect(page.locator('details[data-family="PACC_NAZ"]')).to_contain_text(
        "Opzione attiva: Pacchetto S4"
    )
    expect(page.locator("#pending-request")).to_have_count(0)
    expect(page.locator("#personal-credit")).to_have_text("0,00 €")


def test_the_amounts_sit_on_one_line_at_360_px(new_page, live_server, prepaid):
    """The amounts are a row of radio buttons: each on a row shares its top with the others
    (Bootstrap Italia's margin between stacked checks pushed every amount but the first down
    by 8 px, the first looking out of line on a phone)."""
    _line, user = prepaid
    page = new_page(360)
    force_login(page, user, live_server.url)
    page.goto(reverse("myline:recharge"))
    tops = page.evaluate(
        "() => [...document.querySelectorAll('fieldset .form-check')]"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) >= 4
    rows = sorted(set(tops))
    # the checks of a row share one top: distinct tops are whole rows apart
    assert all(b - a > 20 for a, b in zip(rows, rows[1:], strict=False)), tops
