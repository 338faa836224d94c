"""Browser test of TEM (G-56): filter by cost centre and traffic type, the chart and its
table agree, the xlsx export carries the page's figures; 1280 and 360 px."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from portale.records import services as records
from portale.records.tests import factories as f
from portale.tem import selectors
from portale.tem.tests.helpers import at, event, rate

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def traffic(contract):
    months = selectors.recent_months(2)
    a = records.cost_centre_create(contract=contract, code="UFFICIO A", name="Protocollo")
    b = records.cost_centre_create(contract=contract, code="UFFICIO B", name="Tributi")
    lines = [f.LineFactory(contract=contract) for _ in range(4)]
    records.lines_cost_centre_assign(
        contract=contract,
        assignments={lines[0].pk: a.pk, lines[1].pk: a.pk, lines[2].pk: b.pk},
    )
    evs = []
    for i, line in enumerate(lines):
        for m in months:
            evs.append(event(line, at(m, 3 + i), seconds=900 + 120 * i))
            evs.append(event(line, at(m, 5 + i), category="DATI", kb=250_000 * (i + 1)))
            evs.append(event(line, at(m, 6), category="SMS_MMS"))
            evs.append(event(line, at(m, 7), category="DATI", kb=40_000, zone="EXTRA_UE"))
    rate(evs)
    return {"a": a, "b": b, "months": months}


def _num(text: str) -> Decimal:
    return Decimal(text)


def test_tem_filter_chart_table_and_xlsx_agree(
    new_page, live_server, roa, contract, traffic, shot, axe_violations, tmp_path
):
    for width in (1280, 360):
        portal = new_page(width)
        force_login(portal, roa, live_server.url)
        portal.goto(reverse("home:index"))
        if width < 992:
            portal.get_by_role("button", name="Mostra/Nascondi il menu").click()
        portal.get_by_role("button", name="Fatturazione e traffico").click()
        # "Modulo TEM" opens TEM in a new window through the hand-off
        with portal.expect_popup() as popup:
            portal.get_by_role("link", name=re.compile("^Modulo TEM")).click()
        page = popup.value
        page.console_errors = []
        page.on("pageerror", lambda exc, p=page: p.console_errors.append(str(exc)))
        expect(page.get_by_role("heading", name="Report di spesa")).to_be_visible()
        assert page.url.endswith(reverse("tem:report"))
        # Bootstrap Italia draws the checkbox on its label: a click on the label ticks it
        filters = page.get_by_role("form", name="Filtri del report")
        filters.get_by_text("UFFICIO A - Protocollo", exact=True).click()
        filters.get_by_text("UFFICIO B - Tributi", exact=True).click()
        kinds = filters.get_by_role("group", name="Tipologia traffico")
        kinds.get_by_text("Dati", exact=True).click()
        kinds.get_by_text("Voce", exact=True).click()
        expect(page.get_by_label("UFFICIO A - Protocollo")).to_be_checked()
        page.get_by_role("button", name="APPLICA FILTRI").click()
        page.wait_for_selector("#tem-chart svg")
        table = page.locator("#tem-table")
        rows = [t.strip() for t in table.locator("tbody th").all_inner_texts()]
        assert rows == ["UFFICIO A - Protocollo", "UFFICIO B - Tributi"]
        headers = [t.strip() for t in table.locator("thead th").all_inner_texts()]
        assert headers == ["Centro di costo", "Dati", "Voce", "Totale"]
        cells = [
            [
                _num(v)
                for v in r.locator("td").evaluate_all("tds => tds.map(td => td.dataset.value)")
            ]
            for r in table.locator("tbody tr").all()
        ]
        # the chart draws exactly the table's figures (series = columns, categories = rows)
        option = page.evaluate(
            "() => { const o = echarts.getInstanceByDom(document.getElementById('tem-chart'))"
            ".getOption(); return {cats: o.yAxis[0].data, series: o.series.map(s => "
            "({name: s.name, data: s.data}))}; }"
        )
        assert option["cats"] == rows
        assert [s["name"] for s in option["series"]] == ["Dati", "Voce"]
        for j, series in enumerate(option["series"]):
            assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in series["data"]] == [
                row[j] for row in cells
            ]
        grand = _num(page.locator("#tem-grand-total").get_attribute("data-value"))
        assert grand == sum(row[-1] for row in cells) > 0
        shot(page, f"tem_report_{width}")
        if width == 1280:
            assert axe_violations(page) == []
            page.locator(".tem-table-wrap").focus()  # the table is reachable by keyboard
            assert page.evaluate("() => document.activeElement.getAttribute('role')") == "region"
            with page.expect_download() as info:
                page.get_by_role("link", name="ESPORTA IN EXCEL").click()
            path = tmp_path / "tem.xlsx"
            info.value.save_as(path)
            sheet = load_workbook(path).active
            data = list(sheet.iter_rows(values_only=True))
            assert list(data[0]) == headers
            body = [[Decimal(str(v)).quantize(Decimal("0.01")) for v in r[1:]] for r in data[1:-1]]
            assert [r[0] for r in data[1:-1]] == rows and body == cells
            assert data[-1][0] == "Totale"
            assert Decimal(str(data[-1][-1])).quantize(Decimal("0.01")) == grand
        assert not page.console_errors, page.console_errors


def test_tem_other_pages_render(new_page, live_server, ebill, contract, traffic, shot):
    page = new_page(1280)
    force_login(page, ebill, live_server.url)
    for name, heading in (
        ("tem:trend", "Andamento della spesa"),
        ("tem:top_lines", "Linee con la spesa più alta"),
        ("tem:anomalies", "Anomalie"),
        ("tem:audit", "Verifica fatture"),
    ):
        page.goto(reverse(name))
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        shot(page, f"tem_{name.split(':')[1]}_1280")
    assert not page.console_errors, page.console_errors


def test_tem_invoice_audit_runs_in_the_background_and_shows_its_outcome(
    new_page, live_server, ebill, contract, shot
):
    from portale.billing.invoicing import invoice_issue
    from portale.tem.models import InvoiceAudit

    lines = [f.LineFactory(contract=contract) for _ in range(2)]
    invoice = invoice_issue(contract=contract, b=3, y=2026)
    page = new_page(1280)
    force_login(page, ebill, live_server.url)
    page.goto(reverse("tem:audit"))
    page.get_by_role("link", name=f"Verifica la fattura {invoice.number}").click()
    expect(page.get_by_text("Questa fattura non è ancora stata verificata.")).to_be_visible()
    assert not InvoiceAudit.objects.exists()  # opening the page starts nothing
    page.get_by_role("button", name="Avvia verifica").click()
    expect(page.locator("#audit-outcome")).to_have_text(
        "Nessuna differenza: la fattura corrisponde al ricalcolo.", timeout=30_000
    )
    assert InvoiceAudit.objects.count() == 1 and InvoiceAudit.objects.get().lines == len(lines)
    shot(page, "tem_audit_detail_1280")
    assert not page.console_errors, page.console_errors


def test_tem_audit_list_keeps_verifica_on_screen_on_a_phone(
    new_page, live_server, ebill, contract, shot
):
    """360 px: each invoice is a card and its "Verifica" link is on screen; the seven-column
    table scrolled sideways with every "Verifica" past the right edge."""
    from portale.billing.invoicing import invoice_issue

    f.LineFactory(contract=contract)
    invoice = invoice_issue(contract=contract, b=3, y=2026)
    page = new_page(360, 740)
    force_login(page, ebill, live_server.url)
    page.goto(reverse("tem:audit"))
    link = page.get_by_role("link", name=f"Verifica la fattura {invoice.number}")
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    card = page.locator("[data-tem=audit] tbody tr").first
    # the cells are labelled on the card (the label is drawn from data-label)
    expect(card.locator("td").first).to_have_attribute("data-label", "N° Fattura")
    assert card.evaluate("tr => getComputedStyle(tr).display") == "flex"
    shot(page, "tem_audit_360")
    assert not page.console_errors, page.console_errors
