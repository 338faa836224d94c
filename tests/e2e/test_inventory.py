"""Browser tests of "Linee e listino" (guide §7.2): every list searched, sorted and paged;
an export requested, built by the worker (Huey runs immediately in tests), downloaded,
opened with openpyxl and compared with the database; screenshots at 1280 and 360 px."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.core.models import ExportJob
from portale.inventory import selectors
from portale.records.models import Sim
from portale.records.models.dual_billing import DualBilling
from portale.records.tests import factories as f

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture
def inventory(contract, other_contract):
    """37 lines (one with One Number), their STS, 12 TIM TUO, 12 devices, 3 SAC; plus
    another contract whose rows must never appear."""
    from portale.inventory.tests import data

    pa8 = f.TariffPlanFactory(name="PA 8", category="CONSUMO")
    ric = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    lines = []
    for i in range(37):
        line = f.LineFactory(
            contract=contract,
            msisdn=f"33125{i:05d}",
            tariff_plan=pa8 if i % 3 else ric,
            state="CONGELATO" if i % 10 == 9 else "ATTIVO",
            activation_date=D(2021, 1, 1) + datetime.timedelta(days=5 * i),
            one_number=i == 0,
        )
        f.SimFactory(line=line, iccid=f"89390100000{i:08d}")
        lines.append(line)
        data.sts(line, "RIF USCENTE", fee=Decimal("1.50"))
        data.sts(line, "VOCE VOLTE eBU_obb", pct=Decimal("80"), fee=Decimal("10"))
    f.SimFactory(line=lines[0], iccid="8939010000099999999", role=Sim.Role.SECONDARY)
    data.sts(lines[1], "Filtro APN", kind="APN", apn="intranet.ente.it")
    for i in range(12):
        data.dual_billing(lines[i], last=f"ROSSI{i:02d}", first="MARIO")
        data.device(contract, line_obj=lines[i], nmu=f"7059{i:02d}")
    for i in range(12, 15):
        data.dual_billing(lines[i], DualBilling.Kind.PREPAID)
    for name in ("TIM TUO A CONTRATTO", "EMM", "FLEET MANAGEMENT"):
        data.sac(contract, name)
    data.populate(other_contract, prefix="339999")
    return lines


@pytest.fixture
def roa_page(new_page, live_server, roa):
    def make(width=1280):
        page = new_page(width)
        force_login(page, roa, live_server.url)
        return page

    return make


def cells(page, list_id, column=1):
    return page.locator(f"#{list_id} tbody tr td:nth-child({column})").all_inner_texts()


def htmx(page, action):
    """Run ``action`` and wait until htmx has swapped and settled the list."""
    page.evaluate(
        "() => { window.__settled = false; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.__settled = true; }, {once: true}); }"
    )
    action()
    page.wait_for_function("window.__settled === true")


def click_header(page, list_id, label):
    htmx(page, page.locator(f"#{list_id} thead a", has_text=label).click)


def go_page(page, list_id, number):
    htmx(page, page.locator(f"#{list_id} .pagination a", has_text=str(number)).first.click)


def search(page, list_id, **fields):
    for name, value in fields.items():
        page.fill(f"#{list_id} input[name={name}]", value)
    htmx(page, page.locator(f"#{list_id}").get_by_role("button", name="CERCA").click)


def pager(page, list_id) -> str:
    return page.locator(f"#{list_id} [data-list=pager]").inner_text()


def counter(page, list_id) -> str:
    return page.locator(f"#{list_id} [data-list=counter]").inner_text()


def test_aggregate_lists(roa_page, inventory, shot):
    page = roa_page()
    page.goto(reverse("inventory:aggregate"))
    for label in ("Su linea", "Servizi su linea (STS)", "Servizi a contratto (SAC)"):
        expect(page.get_by_role("link", name=label).first).to_be_visible()
    shot(page, "inventory_aggregate_landing_1280")
    page.get_by_role("link", name="Su linea").first.click()
    lid = "lista-linesaggregate"
    assert "In questa sezione sono visualizzate le consistenze" in page.content()
    assert counter(page, lid) == "Tot. record 4"
    # default order: Stato, then profile (G-47)
    assert cells(page, lid, 3) == ["ATTIVO", "ATTIVO", "CONGELATO", "CONGELATO"]
    click_header(page, lid, "Tot. linee")
    totals = [int(t) for t in cells(page, lid, 1)]
    assert totals == sorted(totals)
    click_header(page, lid, "Tot. linee")
    assert [int(t) for t in cells(page, lid, 1)] == sorted(totals, reverse=True)
    assert sum(totals) == 37
    assert "1 - 4 di 4 record - Pagina 1" in page.content()
    shot(page, "inventory_aggregate_lines_1280")
    # the synchronous export: a real .xlsx straight away
    with page.expect_download(timeout=60_000) as info:
        page.locator(f"#{lid} [data-export=xlsx]").click()
    wb = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == ("Tot. linee", "Profilo tariffario", "Stato")
    db = {
        (r["totale"], r["profilo"], r["stato"])
        for r in selectors.aggregate_lines(inventory[0].contract)
    }
    assert set(rows[1:]) == db

    expectations = {
        "sts": ("lista-lineservicesaggregate", "Tot. record 3", "RIF USCENTE"),
        "timtuo-abbonamento": ("lista-dualbillingaggregate", "Tot. record 1", "ATTIVO"),
        "timtuo-ricaricabile": ("lista-dualbillingaggregate", "Tot. record 1", "ATTIVO"),
        "apparati": ("lista-devicesaggregate", "Tot. record 12", "705900"),
        "sac": ("lista-contractservicesaggregate", "Tot. record 3", "TIM TUO A CONTRATTO"),
    }
    for kind, (list_id, count, text) in expectations.items():
        page.goto(reverse("inventory:aggregate_list", args=[kind]))
        assert counter(page, list_id) == count, kind
        assert text in page.locator(f"#{list_id} tbody").inner_text(), kind
        assert "339999" not in page.content()
        shot(page, f"inventory_aggregate_{kind}_1280")
    # Apparati: 12 groups → two pages; sort by NMU code descending
    lid = "lista-devicesaggregate"
    page.goto(reverse("inventory:aggregate_list", args=["apparati"]))
    click_header(page, lid, "Codice NMU")
    click_header(page, lid, "Codice NMU")
    assert cells(page, lid, 2)[0] == "705911"
    go_page(page, lid, 2)
    assert pager(page, lid).startswith("11 - 12")
    assert cells(page, lid, 2) == ["705901", "705900"]


def test_detail_lines_search_sort_page_imei_and_export(roa_page, roa, inventory, shot, contract):
    page = roa_page()
    page.goto(reverse("inventory:detail_list", args=["linee"]))
    lid = "lista-linesdetail"
    assert counter(page, lid) == "Tot. record 38"  # 37 lines + the One Number secondary SIM
    assert cells(page, lid, 1)[:3] == ["3312500000", "3312500000", "3312500001"]
    assert cells(page, lid, 2)[:2] == ["Principale", "Secondaria"]
    assert "1 - 10 di 38 record - Pagina 1" in page.content()
    shot(page, "inventory_detail_lines_1280")
    # paging and page size
    go_page(page, lid, 4)
    assert pager(page, lid).startswith("31 - 38")
    htmx(page, lambda: page.select_option(f"#{lid} select", "25"))
    assert pager(page, lid).startswith("1 - 25 di 38")
    # sort by Numero descending
    page.goto(reverse("inventory:detail_list", args=["linee"]))
    click_header(page, lid, "Numero")
    assert cells(page, lid, 1)[0] == "3312500036"
    # search by line number, then by the last digits of an ICCID
    search(page, lid, linea="3312500007")
    assert counter(page, lid) == "Tot. record 1"
    search(page, lid, linea="00000012")
    assert counter(page, lid) == "Tot. record 1" and cells(page, lid, 1) == ["3312500012"]
    # another contract's line is never found
    search(page, lid, linea="3399997228")
    assert counter(page, lid) == "Tot. record 0"
    # IMEI "Richiedi": shown in place
    search(page, lid, linea="3312500000")
    device_imei = inventory[0].devices.get().imei
    page.locator(f"#{lid} tbody tr", has_text="Principale").get_by_role(
        "link", name="Richiedi"
    ).click()
    page.wait_for_selector(f"#{lid} .portale-imei")
    assert page.locator(f"#{lid} .portale-imei").first.inner_text() == device_imei
    assert "/imei/" not in page.url
    shot(page, "inventory_detail_lines_imei_1280")

    # export: requested from the list, built by the worker, listed in I miei Export
    page.goto(reverse("inventory:detail_list", args=["linee"]))
    page.locator(f"#{lid} [data-export=xlsx]").click()
    page.wait_for_load_state()
    assert "presa in carico" in page.content()
    page.get_by_role("link", name="I miei Export").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="AGGIORNA").click()
    elid = "lista-exporttable"
    row = page.locator(f"#{elid} tbody tr").first
    assert (
        "Consistenze di dettaglio - Su linea" in row.inner_text()
        and "Completato" in row.inner_text()
    )
    shot(page, "inventory_exports_1280")
    with page.expect_download(timeout=60_000) as info:
        row.get_by_role("link", name="Scarica").click()
    assert info.value.suggested_filename.startswith("ConsistenzaDettaglioLinee_")
    wb = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == (
        "Numero",
        "One number",
        "ICCID",
        "Profilo tariffario",
        "Data attivazione",
        "Data cessazione",
        "Stato",
    )

    def norm(v):
        if isinstance(v, datetime.datetime):
            return v.date()
        return v or None

    got = [tuple(norm(v) for v in r) for r in rows[1:]]
    expected = [
        tuple(
            norm(r[k])
            for k in (
                "numero",
                "one_number",
                "iccid",
                "profilo",
                "attivazione",
                "cessazione",
                "stato",
            )
        )
        for r in selectors.detail_lines(contract).order_by("numero", "one_number", "pk")
    ]
    assert got == expected and len(got) == 38
    assert not any(str(r[0]).startswith("339999") for r in got)
    # the trash icon deletes request and file
    page.goto(reverse("inventory:exports"))
    page.locator(f"#{elid} tbody tr").first.get_by_role("link", name="Elimina").click()
    page.get_by_role("button", name="ELIMINA").click()
    page.wait_for_load_state()
    assert "L'export è stato eliminato." in page.content()
    assert not ExportJob.objects.filter(user=roa).exists()


def test_detail_sts_timtuo_devices_sac(roa_page, roa, inventory, shot, contract):
    page = roa_page()
    # STS: 75 services → 8 pages, "% a carico Ente", "Canone €", APN in the description
    page.goto(reverse("inventory:detail_list", args=["sts"]))
    lid = "lista-lineservicesdetail"
    assert counter(page, lid) == "Tot. record 75"
    head = page.locator(f"#{lid} thead").inner_text()
    assert "% a carico Ente" in head and "Canone €" in head
    search(page, lid, linea="3312500001")
    body = page.locator(f"#{lid} tbody").inner_text()
    assert "Filtro APN – intranet.ente.it" in body and "1,50 €" in body
    shot(page, "inventory_detail_sts_1280")
    page.goto(reverse("inventory:detail_list", args=["sts"]))
    click_header(page, lid, "Canone €")
    click_header(page, lid, "Canone €")
    assert cells(page, lid, 7)[0] == "10,00 €"
    go_page(page, lid, 8)
    assert pager(page, lid).startswith("71 - 75")

    # TIM TUO abbonato: four search fields
    page.goto(reverse("inventory:detail_list", args=["timtuo-abbonamento"]))
    lid = "lista-dualbillingsubscriptiondetail"
    assert "Servizi TIM TUO in abbonamento" in page.locator("h1").inner_text()
    assert counter(page, lid) == "Tot. record 12"
    search(page, lid, cognome="rossi03")
    assert counter(page, lid) == "Tot. record 1" and cells(page, lid, 1) == ["3312500003"]
    assert cells(page, lid, 3) == ["R. - MARIO"]
    search(page, lid, cognome="", codice_fiscale="LCSSVT80A01H501U")
    assert counter(page, lid) == "Tot. record 12"
    shot(page, "inventory_detail_timtuo_abb_1280")
    page.goto(reverse("inventory:detail_list", args=["timtuo-abbonamento"]))
    click_header(page, lid, "Numero")
    assert cells(page, lid, 1)[0] == "3312500011"
    go_page(page, lid, 2)
    assert pager(page, lid).startswith("11 - 12")

    # TIM TUO ricaricabile: RICHIEDI EXPORT → I miei Export → download → rows = DB
    page.goto(reverse("inventory:detail_list", args=["timtuo-ricaricabile"]))
    assert "su cui è attivo il servizio TIM TUO per linee ricaricabili" in page.content()
    shot(page, "inventory_detail_timtuo_ric_1280")
    page.get_by_role("button", name="RICHIEDI EXPORT").click()
    page.wait_for_load_state()
    page.goto(reverse("inventory:exports"))
    row = page.locator("#lista-exporttable tbody tr").first
    assert (
        "Consistenze di dettaglio - Servizi TIM TUO ricaricabile" in row.inner_text()
        and "Completato" in row.inner_text()
    )
    with page.expect_download(timeout=60_000) as info:
        row.get_by_role("link", name="Scarica").click()
    rows = list(
        openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).active.iter_rows(
            values_only=True
        )
    )
    expected = sorted(
        selectors.detail_dual_billing(contract, "RICARICABILE").values_list("numero", flat=True)
    )
    assert [r[0] for r in rows[1:]] == expected == ["3312500012", "3312500013", "3312500014"]

    # Apparati: search by IMEI, sort, page
    page.goto(reverse("inventory:detail_list", args=["apparati"]))
    lid = "lista-devicesdetail"
    assert counter(page, lid) == "Tot. record 12"
    imei = inventory[5].devices.get().imei
    search(page, lid, imei=imei[-6:])
    assert cells(page, lid, 1) == [imei]
    page.goto(reverse("inventory:detail_list", args=["apparati"]))
    click_header(page, lid, "Codice NMU")
    click_header(page, lid, "Codice NMU")
    assert cells(page, lid, 3)[0] == "705911"
    go_page(page, lid, 2)
    assert pager(page, lid).startswith("11 - 12")
    shot(page, "inventory_detail_devices_1280")

    # SAC
    page.goto(reverse("inventory:detail_list", args=["sac"]))
    lid = "lista-contractservicesdetail"
    assert counter(page, lid) == "Tot. record 3"
    click_header(page, lid, "Descrizione servizio")
    assert cells(page, lid, 1)[0] == "TIM TUO A CONTRATTO"
    search(page, lid, descrizione="fleet")
    assert cells(page, lid, 1) == ["FLEET MANAGEMENT"]
    shot(page, "inventory_detail_sac_1280")


def test_accessibility(roa_page, inventory, axe_violations):
    page = roa_page()
    for url in (
        reverse("inventory:aggregate"),
        reverse("inventory:aggregate_list", args=["linee"]),
        reverse("inventory:detail_list", args=["linee"]),
        reverse("inventory:detail_list", args=["timtuo-abbonamento"]),
        reverse("inventory:detail_list", args=["timtuo-ricaricabile"]),
        reverse("inventory:exports"),
    ):
        page.goto(url)
        assert axe_violations(page) == [], url


def test_mobile_360(roa_page, inventory, shot):
    page = roa_page(360)
    for name, url in (
        ("aggregate_landing", reverse("inventory:aggregate")),
        ("aggregate_lines", reverse("inventory:aggregate_list", args=["linee"])),
        ("detail_lines", reverse("inventory:detail_list", args=["linee"])),
        ("detail_sts", reverse("inventory:detail_list", args=["sts"])),
        ("detail_timtuo_abb", reverse("inventory:detail_list", args=["timtuo-abbonamento"])),
        ("detail_timtuo_ric", reverse("inventory:detail_list", args=["timtuo-ricaricabile"])),
        ("exports", reverse("inventory:exports")),
    ):
        page.goto(url)
        # nothing wider than the viewport except inside the scrolling table
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (name, overflow)
        shot(page, f"inventory_{name}_360")
    assert not page.console_errors


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_my_exports_icons_and_empty_message(roa_page, roa, contract, shot, axe_violations):
    """F-7.2.4: download icon (inert until COMPLETATO) and trash icon; the empty message is
    readable on a phone."""
    from portale.inventory.tests import data

    # no exports yet: at 360 px the message is on screen, not centred off to the right
    page = roa_page(360)
    page.goto(reverse("inventory:exports"))
    empty = page.locator("#lista-exporttable [data-list=empty]")
    assert empty.inner_text() == "Non ci sono export richiesti."
    assert empty.is_visible() and _inside_viewport(page, empty)
    shot(page, "inventory_exports_empty_360")

    done = data.done_job(roa, contract)
    ExportJob.objects.create(
        user=roa, contract=contract, kind="ConsistenzaDettaglioSTS", format="xlsx"
    )
    for width in (1280, 360):
        page = roa_page(width)
        page.goto(reverse("inventory:exports"))
        listing = page.locator("#lista-exporttable")
        assert listing.locator("[data-list=empty]").count() == 0
        done_row = listing.locator("tbody tr", has_text="Consistenze di dettaglio - Su linea")
        running_row = listing.locator(
            "tbody tr", has_text="Consistenze di dettaglio - Servizi su linea (STS)"
        )
        download = done_row.get_by_role(
            "link", name="Scarica Consistenze di dettaglio - Su linea del"
        )
        trash = done_row.get_by_role("link", name="Elimina Consistenze di dettaglio - Su linea del")
        for icon in (download, trash):
            svg = icon.locator("svg.icon")
            assert svg.is_visible() and svg.bounding_box()["width"] > 0
        # the words are for screen readers only: the cells show icons
        shown = done_row.evaluate(
            """row => [...row.querySelectorAll('td')].map(td => {
                const c = td.cloneNode(true);
                c.querySelectorAll('.visually-hidden').forEach(e => e.remove());
                return c.textContent.trim();
            })"""
        )
        assert shown[-2:] == ["", ""], shown  # the two icon cells show no words
        assert running_row.get_by_role("link", name="Scarica").count() == 0
        expect(running_row.locator("[data-action-disabled='1'] svg")).to_be_visible()
        assert running_row.get_by_role(
            "link", name="Elimina Consistenze di dettaglio - Servizi su linea (STS) del"
        ).count()
        page.mouse.move(0, 0)
        shot(page, f"inventory_exports_icons_{width}")
        if width == 1280:
            assert axe_violations(page) == []
            with page.expect_download(timeout=60_000) as info:
                download.click()
            assert info.value.suggested_filename == done.filename
            trash.click()
            page.wait_for_load_state()
            assert "Vuoi eliminare l'export" in page.content()
    assert not page.console_errors


def test_price_list_download(new_page, live_server, employee, db):
    from portale.records.models import PriceItem, PriceList

    listino = PriceList.objects.create(version="8.1", date=D(2026, 9, 1), is_current=True)
    PriceItem.objects.create(
        price_list=listino, kind="TARIFFA", code="PA8", description="PA 8", price=Decimal("5")
    )
    page = new_page(1280)
    force_login(page, employee, live_server.url)
    response = page.request.get(live_server.url + reverse("inventory:price_list"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert re.search(r"Listino_Convenzione_8\.1\.pdf", response.headers["content-disposition"])
    assert io.BytesIO(response.body()).read(4) == b"%PDF"
