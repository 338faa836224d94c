"""Browser test of "Gestione soglie" (guide §7.5) end to end.

The traffic manager activates a 10 € DISPOSITIVA daily threshold on a line through the
wizard; a CDR file pushes the line past 80 % and 100 %; the erosion pop-up shows the
figures; the line's next pay-per-use event is refused; the digest of the day appears in
"Visualizzazione cronologia notifiche" with its attachment, whose rows match the database;
the back office unblocks the line and the unblock is notified. Screenshots in var/screenshots/.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.cases.models import Case, CaseState
from portale.cases.platform import pdf_text
from portale.fulfilment import engine
from portale.rating.ingest import import_cdr_bytes
from portale.rating.services import THRESHOLD_BLOCKED
from portale.rating.tests.helpers import cdr_bytes, voice
from portale.records.models import ServiceSms, Threshold, TrafficEvent
from portale.records.tests import factories as f
from portale.thresholds import services as threshold_services
from portale.thresholds.models import ThresholdEvent
from portale.thresholds.tests.helpers import at, today

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _cdr(rows, name):
    result = import_cdr_bytes(cdr_bytes(rows), name=name)
    assert result.ok, result.errors


def test_dispositiva_threshold_end_to_end(
    new_page, live_server, traffic_manager, staff, contract, tmp_path, shot
):
    line = f.SimFactory(line__contract=contract).line
    page = new_page(1280)
    force_login(page, traffic_manager, live_server.url)

    # --- Attivazione soglie di spesa: select → parameters → Conferma dei dati → INVIA --------
    page.goto(reverse("thresholds:activate"))
    expect(page.get_by_text("Tot. record 1")).to_be_visible()
    page.get_by_label(f"Seleziona {line.msisdn}").check()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="PROSEGUI").click()
    page.locator("label", has_text=re.compile("^DISPOSITIVA$")).click()  # Bootstrap Italia radios
    page.locator("label", has_text=re.compile("^GIORNALIERO$")).click()
    expect(page.get_by_label("DISPOSITIVA")).to_be_checked()
    page.fill("#id_value", "10")
    shot(page, "thresholds-activate-params-1280")
    # CONTINUA renders the list of lines (WeasyPrint): up to a minute on a loaded machine
    page.get_by_role("button", name="CONTINUA").click(timeout=60_000)
    expect(page.get_by_role("button", name="INVIA")).to_be_visible(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name="Scarica il pdf con il riepilogo dei dati").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(str(target))
    text = pdf_text(target.read_bytes())
    assert line.msisdn in text and "DISPOSITIVA" in text
    with page.expect_download(timeout=60_000) as info:  # P-09: the list of lines too
        page.get_by_role("link", name=re.compile("Elenco delle linee")).click()
    info.value.save_as(str(tmp_path / "elenco.pdf"))
    assert line.msisdn in pdf_text((tmp_path / "elenco.pdf").read_bytes())
    page.reload()
    page.get_by_role("button", name="INVIA").click()
    page.wait_for_load_state()
    number = re.search(r"7-\d{11}", page.locator("#case-number").inner_text()).group(0)
    case = Case.objects.get(number=number)
    assert case.description == "Attivazione soglie di spesa" and case.orders.count() == 1
    engine.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED, case.last_error
    threshold = Threshold.objects.get(line=line, kind="SPESA")
    assert (threshold.type, threshold.period, threshold.value) == (
        "DISPOSITIVA",
        "GIORNALIERO",
        Decimal("10.00"),
    )

    # --- A CDR file: 8,50 € (80 %) then 11 € (100 %) of extra-UE calls ---------------------
    day = today()
    _cdr([voice("S1", line.msisdn, at(day, 9), 510, zone="EXTRA_UE")], "soglie-1.csv")
    assert list(ThresholdEvent.objects.values_list("kind", flat=True)) == ["80"]
    _cdr([voice("S2", line.msisdn, at(day, 10), 150, zone="EXTRA_UE")], "soglie-2.csv")
    threshold.refresh_from_db()
    assert threshold.blocked_line and threshold.available == 0

    # --- Monitoring erosione → pop-up ---------------------------------------------------
    page.goto(reverse("thresholds:monitoring"))
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name=f"Monitoring erosione della linea {line.msisdn}").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    expect(popup.get_by_role("heading")).to_have_text(
        f"Monitoring Erosione Soglie - Linea {line.msisdn}"
    )
    row = popup.get_by_role("row").filter(has_text="SOGLIA DISPO SPESA PA")
    expect(row).to_contain_text("0,000")
    expect(row).to_contain_text("100,00 %")
    expect(row).to_contain_text("GIORNO")
    shot(popup, "thresholds-erosion-popup")
    popup.close()

    # --- The next pay-per-use event is refused -----------------------------------------
    _cdr([voice("S3", line.msisdn, at(day, 11), 60, zone="EXTRA_UE")], "soglie-3.csv")
    refused = TrafficEvent.objects.get(external_id="S3")
    assert refused.net_amount == 0 and THRESHOLD_BLOCKED in refused.option

    # --- The digest (the 08:00 job of the next day) in the notification history ---------
    assert threshold_services.digests_send(day=day) >= 1
    page.goto(reverse("thresholds:notifications"))
    subject = f"Avanzamento Soglie del {day:%d-%m-%Y}"
    expect(page.get_by_text("Tot. email inviate 1")).to_be_visible()
    expect(page.get_by_text(subject)).to_be_visible()
    page.get_by_role("link", name="Dettaglio e-mail").click()
    expect(page.get_by_text("Oggetto e-mail")).to_be_visible()
    expect(page.get_by_text(traffic_manager.email)).to_be_visible()
    shot(page, "thresholds-digest-detail-1280")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name="SCARICA ALLEGATO").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(str(target))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active.iter_rows(values_only=True)
    )
    events = list(ThresholdEvent.objects.filter(threshold=threshold).order_by("occurred_at", "pk"))
    assert len(rows) - 1 == len(events) == 2
    assert sorted(Decimal(str(r[5])) for r in rows[1:]) == sorted(e.consumed for e in events)
    assert {r[0] for r in rows[1:]} == {line.msisdn}

    # --- Back office: Sblocca ----------------------------------------------------------
    bo = new_page(1280)
    force_login(bo, staff, live_server.url)
    bo.goto(reverse("backoffice:thresholds"))
    bo.get_by_role("link", name=f"Sblocca la linea {line.msisdn}").click()
    bo.get_by_role("button", name="Sblocca").click()
    expect(bo.get_by_text(f"Linea {line.msisdn} sbloccata.")).to_be_visible()
    threshold.refresh_from_db()
    assert not threshold.blocked_line
    assert ThresholdEvent.objects.filter(threshold=threshold, kind="SBLOCCO").count() == 1
    assert ServiceSms.objects.filter(line=line, text__contains="di nuovo disponibile").exists()
    _cdr([voice("S4", line.msisdn, at(day, 12), 60, zone="EXTRA_UE")], "soglie-4.csv")
    assert TrafficEvent.objects.get(external_id="S4").net_amount == Decimal("1.0000")


def test_erosion_pop_up_under_the_content_security_policy(
    browser, live_server, traffic_manager, contract
):
    """Monitoring soglie with the CSP enforced (``new_page`` bypasses it for axe-core): the
    icon opens the pop-up, its CHIUDI closes it, opened directly CHIUDI goes back to
    Monitoring soglie; no CSP report and no 404 (the favicon) on the way."""
    line = f.SimFactory(line__contract=contract).line
    f.ThresholdFactory(line=line)
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="it-IT"
    )
    ctx.set_default_timeout(10_000)
    errors: list[str] = []
    missing: list[str] = []

    def watch(p):
        p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        p.on("pageerror", lambda exc: errors.append(str(exc)))
        p.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    ctx.on("page", watch)
    try:
        page = ctx.new_page()
        force_login(page, traffic_manager, live_server.url)
        monitoring = live_server.url + reverse("thresholds:monitoring")
        page.goto(monitoring)
        with page.expect_popup() as popup_info:
            page.get_by_role("link", name=f"Monitoring erosione della linea {line.msisdn}").click()
        popup = popup_info.value
        popup.wait_for_load_state()
        assert page.url == monitoring  # the list stays where it was
        expect(popup.get_by_role("heading")).to_have_text(
            f"Monitoring Erosione Soglie - Linea {line.msisdn}"
        )
        assert popup.evaluate("window.opener !== null")
        with popup.expect_event("close"):
            popup.get_by_role("link", name="CHIUDI").click()
        assert popup.is_closed()

        # opened directly (a bookmark, a new tab): CHIUDI is the way back to the list
        page.goto(reverse("thresholds:erosion", args=[line.pk]))
        page.get_by_role("link", name="CHIUDI").click()
        page.wait_for_url(monitoring)
        expect(page.get_by_role("heading", name="Monitoring soglie")).to_be_visible()

        csp = [e for e in errors if "Content Security Policy" in e]
        assert not csp, csp
        assert not errors, errors
        assert not missing, missing
    finally:
        ctx.close()
