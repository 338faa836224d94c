"""Browser test of the list component on the back-office "Linee" (staff, 1280 px).

Sort, page, page size and search go through htmx: only the list is swapped (a marker set
on ``window`` survives) and the URL follows (hx-push-url), so reload and back work.
"""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path, reverse
from playwright.sync_api import expect

import portale.urls
from portale.core.lists import Column, Table, render_list
from portale.records.models import Line
from portale.records.tests import factories as f

from .conftest import htmx_idle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login_with_cookie(page, user, base_url):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


@pytest.fixture
def lines(db):
    a = f.ContractFactory()
    b = f.ContractFactory()
    plan = f.TariffPlanFactory(name="PA 8 PACCHETTO", category="PACCHETTO")
    sims = [
        f.SimFactory(
            line__contract=a if i % 3 else b,
            line__tariff_plan=plan if i % 2 else f.TariffPlanFactory(),
            line__activation_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=7 * i),
        )
        for i in range(37)
    ]
    return sims


def first_numbers(page, n=3):
    return page.locator("#lista-linetable tbody tr td:first-child").all_inner_texts()[:n]


def test_sort_page_and_search_the_back_office_lines(
    new_page, live_server, staff, lines, shot, axe_violations
):
    page = new_page(1280)
    login_with_cookie(page, staff, live_server.url)
    page.goto(reverse("backoffice:lines"))
    listing = page.locator("#lista-linetable")
    expect(listing.get_by_text("Tot. linee 37")).to_be_visible()
    expect(listing.get_by_text("1 - 10 di 37 linee - Pagina 1")).to_be_visible()
    numbers = sorted(Line.objects.values_list("msisdn", flat=True))
    assert first_numbers(page) == numbers[:3]
    page.evaluate("window.__noReload = true")

    # sort: Numero ↑ (default) → click → ↓
    listing.get_by_role("link", name="Numero").click()
    page.wait_for_url("**sort=-msisdn**")
    htmx_idle(page)
    assert first_numbers(page) == numbers[::-1][:3]
    assert listing.locator("th[aria-sort=descending]").inner_text().startswith("Numero")

    # page 2 keeps the order
    listing.get_by_role("link", name="Pagina 2").click()
    page.wait_for_url("**page=2**")
    htmx_idle(page)
    expect(listing.get_by_text("11 - 20 di 37 linee - Pagina 2")).to_be_visible()
    assert first_numbers(page, 10) == numbers[::-1][10:20]

    # page size 25 starts again from page 1, still sorted
    listing.get_by_label("Numero di elementi visualizzati:").select_option("25")
    page.wait_for_url("**per_page=25**")
    htmx_idle(page)
    expect(listing.get_by_text("1 - 25 di 37 linee - Pagina 1")).to_be_visible()
    assert len(first_numbers(page, 100)) == 25
    assert page.evaluate("window.__noReload") is True  # htmx swapped the list only
    shot(page, "backoffice-lines-sorted-1280")

    # search by the last digits of an ICCID (8 of them: the factories' MSISDNs and
    # ICCIDs may share shorter endings, e.g. 3392000249 and …0000000249)
    target = lines[11]
    page.get_by_label("Linea:").fill(target.iccid[-8:])
    page.get_by_role("button", name="CERCA").click()
    page.wait_for_url(f"**linea={target.iccid[-8:]}**")
    htmx_idle(page)
    expect(listing.get_by_text("Tot. linee 1")).to_be_visible()
    assert first_numbers(page) == [target.line.msisdn]
    shot(page, "backoffice-lines-search-1280")

    # RESETTA shows every line again, keeping the order and page size
    listing.get_by_role("link", name="RESETTA").click()
    page.wait_for_url(lambda url: "linea=" not in url)
    htmx_idle(page)
    assert "per_page=25" in page.url and "sort=-msisdn" in page.url
    expect(listing.get_by_text("Tot. linee 37")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    assert not page.console_errors, page.console_errors

    # the URL is the state: a reload shows the same list
    page.reload()
    expect(
        page.locator("#lista-linetable").get_by_text("1 - 25 di 37 linee - Pagina 1")
    ).to_be_visible()
    found = axe_violations(page)
    assert not found, found


def test_the_list_works_without_javascript(browser, live_server, staff, lines):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = ctx.new_page()
        login_with_cookie(page, staff, live_server.url)
        page.goto(reverse("backoffice:lines"))
        page.get_by_role("link", name="Numero").click()
        assert "sort=-msisdn" in page.url
        page.get_by_label("Numero di elementi visualizzati:").select_option("50")
        page.get_by_role("button", name="Applica").click()
        expect(page.get_by_text("1 - 37 di 37 linee - Pagina 1")).to_be_visible()
        page.get_by_label("Linea:").fill(lines[3].line.msisdn)
        page.get_by_role("button", name="CERCA").click()
        expect(page.get_by_text("Tot. linee 1")).to_be_visible()
        assert "per_page=50" in page.url and "sort=-msisdn" in page.url
    finally:
        ctx.close()


def test_the_list_fits_a_phone(new_page, live_server, staff, lines, shot):
    page = new_page(360, 740)
    login_with_cookie(page, staff, live_server.url)
    page.goto(reverse("backoffice:lines"))
    expect(page.get_by_text("1 - 10 di 37 linee - Pagina 1")).to_be_visible()
    # the rows stack as cards; the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "backoffice-lines-360")
    # a search that finds nothing: the message is on screen, not centred across the whole
    # (wider than the phone) table and half cut off
    page.get_by_label("Linea:").fill("0000000")
    page.get_by_role("button", name="CERCA").click()
    page.wait_for_url("**linea=0000000**")
    htmx_idle(page)
    empty = page.locator("#lista-linetable [data-list=empty]")
    expect(empty).to_have_text("Nessun elemento trovato.")
    # the table itself fits the phone (its rows are cards), and so does the message
    table_width = page.locator("#lista-linetable table").evaluate("t => t.scrollWidth")
    assert table_width <= 360
    box = empty.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    shot(page, "backoffice-lines-empty-360")


@pytest.fixture
def many_lines(db):
    contract = f.ContractFactory()
    plan = f.TariffPlanFactory()
    return [f.SimFactory(line__contract=contract, line__tariff_plan=plan) for _ in range(100)]


def test_the_pager_stays_on_one_row_on_a_phone(new_page, live_server, staff, many_lines, shot):
    """360 px: "<", the numbers and ">" on one row, up to the longest pager a list draws, in
    the middle of many pages ("< 1 … 3 4 5 6 7 … 10 >"); ">" used to wrap alone to a second
    row from eight items on."""
    page = new_page(360, 740)
    login_with_cookie(page, staff, live_server.url)
    page.goto(reverse("backoffice:lines"))
    pager = page.locator("#lista-linetable ul.pagination")

    def rows():
        return set(pager.locator("li").evaluate_all("l => l.map(li => li.offsetTop)"))

    assert len(rows()) == 1, rows()
    pager.get_by_role("link", name="Pagina 3").click()
    expect(page.get_by_text("21 - 30 di 100 linee - Pagina 3")).to_be_visible()
    htmx_idle(page)
    pager.get_by_role("link", name="Pagina 5").click()
    expect(page.get_by_text("41 - 50 di 100 linee - Pagina 5")).to_be_visible()
    htmx_idle(page)
    assert pager.locator("li").count() == 11
    assert len(rows()) == 1, rows()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "list-pager-360")


# --- P-08 selection, on a list declared here and served by a test URLconf ------------------
class PickLines(Table):
    msisdn = Column("Numero", sort=True)
    contract = Column("Contratto", "contract.code", sort=True)

    class Meta:
        select = "multi"
        default_order = "msisdn"
        counter_label = "Tot. linee"
        noun = "linee"


def pick_lines(request):
    table = PickLines.from_request(request, Line.objects.select_related("contract"))
    return render_list(request, table, "backoffice/list_page.html", {"title": "Scegli le linee"})


urlpatterns = [path("prova-selezione/", pick_lines), *portale.urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_selection_is_kept_across_pages(new_page, live_server, staff, lines, shot):
    page = new_page(1280)
    login_with_cookie(page, staff, live_server.url)
    page.goto("/prova-selezione/")
    listing = page.locator("#lista-picklines")
    numbers = sorted(Line.objects.values_list("msisdn", flat=True))
    listing.get_by_label(f"Seleziona {numbers[0]}").check()
    expect(listing.get_by_text("1 elemento selezionato")).to_be_visible()
    listing.get_by_label(f"Seleziona {numbers[1]}").check()
    expect(listing.get_by_text("2 elementi selezionati")).to_be_visible()
    # focus stays on the box just ticked (htmx keeps the focused element by its id)
    assert page.evaluate("document.activeElement.id").startswith("lista-picklines-sel-")

    listing.get_by_role("link", name="Pagina 2").click()
    page.wait_for_url("**page=2**")
    htmx_idle(page)
    listing.get_by_label(f"Seleziona {numbers[12]}").check()
    expect(listing.get_by_text("3 elementi selezionati")).to_be_visible()

    listing.get_by_role("link", name="Pagina 1").click()
    page.wait_for_url("**page=1**")
    htmx_idle(page)
    expect(listing.get_by_label(f"Seleziona {numbers[0]}")).to_be_checked()
    expect(listing.get_by_label(f"Seleziona {numbers[1]}")).to_be_checked()
    expect(listing.get_by_label(f"Seleziona {numbers[2]}")).not_to_be_checked()

    listing.get_by_label("Seleziona tutti gli elementi della pagina").check()
    expect(listing.get_by_text("11 elementi selezionati")).to_be_visible()
    expect(listing.get_by_label(f"Seleziona {numbers[9]}")).to_be_checked()
    shot(page, "lists-selection-1280")
    listing.get_by_label("Seleziona tutti gli elementi della pagina").uncheck()
    expect(listing.get_by_text("1 elemento selezionato")).to_be_visible()
    assert not page.console_errors, page.console_errors
