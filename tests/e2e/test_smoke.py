"""Browser smoke test of the page frame: public home and a private page, desktop and 360 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portale.public.demo import load_public_demo_content

from .conftest import htmx_idle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "mobile": 360}


def assert_no_serious_axe(axe_violations, page, where):
    found = axe_violations(page)
    assert not found, f"axe-core ({where}): " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} -> {v['nodes']}" for v in found
    )


@pytest.mark.parametrize("size", WIDTHS)
def test_public_home(new_page, shot, axe_violations, size):
    load_public_demo_content()
    page = new_page(WIDTHS[size])
    page.goto(reverse("public:index"))
    for label in [
        "Portale di eCaring della Convenzione Telefonia Mobile 8",
        "UTENTI REGISTRATI CONVENZIONE 7",
        "PUBBLICATO IL 16/06/2021 - 12:00",
        "TUTTI GLI ARTICOLI",
        "TUTTI I DOCUMENTI",
        "Numero verde fonia",
        "Privacy Policy & Cookie",
    ]:
        expect(page.get_by_text(label, exact=False).first, label).to_be_visible()
    expect(page.get_by_role("link", name="REGISTRATI ORA").first).to_be_visible()
    expect(page.get_by_role("link", name="Accedi")).to_be_visible()
    expect(page.get_by_role("link", name="News", exact=True).first).to_be_visible()
    expect(page.get_by_role("link", name="Documenti", exact=True).first).to_be_visible()
    shot(page, f"public-home-{size}")
    assert_no_serious_axe(axe_violations, page, f"public home {size}")
    assert not page.console_errors, page.console_errors

    page.get_by_role("link", name="TUTTI I DOCUMENTI").click()
    expect(page.get_by_role("heading", name="Documenti", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Scarica (PDF)").first).to_be_visible()
    shot(page, f"public-documents-{size}")
    assert_no_serious_axe(axe_violations, page, f"documents {size}")

    for name, heading in [
        ("news_list", "News"),
        ("contacts", "Contatti"),
        ("privacy", "Privacy Policy & Cookie"),
    ]:
        page.goto(reverse(f"public:{name}"))
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        shot(page, f"public-{name}-{size}")
        assert_no_serious_axe(axe_violations, page, f"{name} {size}")
    page.get_by_role("link", name="News", exact=True).first.click()
    page.get_by_role("link", name="Articolo completo").first.click()
    expect(page.get_by_role("heading", name="UTENTI REGISTRATI CONVENZIONE 7")).to_be_visible()
    shot(page, f"public-article-{size}")
    assert_no_serious_axe(axe_violations, page, f"article {size}")


@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.parametrize("who", ["roa", "employee"])
def test_private_frame(request, new_page, login, shot, axe_violations, size, who):
    user = request.getfixturevalue(who)
    page = new_page(WIDTHS[size])
    login(page, user)
    assert "/area-privata/" in page.url

    user_button = page.locator("#user-menu-button")
    expect(user_button).to_be_visible()
    assert user.short_name in user_button.inner_text()
    expect(page.get_by_role("link", name="Hai bisogno di aiuto? Contattaci!")).to_be_visible()
    expect(page.get_by_text("Contratto:").first).to_be_visible()
    toggler = page.locator("button.custom-navbar-toggler")
    menu = page.locator("#main-nav")
    first_menu = "Linee e listino"
    if size == "mobile":
        expect(toggler).to_be_visible()
        expect(page.get_by_role("button", name=first_menu)).to_be_hidden()
        shot(page, f"private-home-{who}-{size}")
        toggler.click()
        expect(menu).to_be_visible()
        page.wait_for_timeout(400)
        menu.get_by_role("button", name=first_menu).click()
        expect(menu.locator(".dropdown-menu.show").first).to_be_visible()
        page.wait_for_timeout(400)
        shot(page, f"private-menu-open-{who}-{size}", full_page=False)
        assert_no_serious_axe(axe_violations, page, f"mobile menu open {who}")
        page.locator("#main-nav .close-menu").click()
        page.wait_for_timeout(400)
    else:
        expect(toggler).to_be_hidden()
        shot(page, f"private-home-{who}-{size}")

    # The user menu: Dati personali, (Dati aziendali for a referent) and Esci.
    user_button.click()
    expect(page.get_by_role("link", name="Dati personali")).to_be_visible()
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Esci")).to_be_visible()
    shot(page, f"private-usermenu-{who}-{size}", full_page=False)
    assert_no_serious_axe(axe_violations, page, f"user menu open {who} {size}")
    page.keyboard.press("Escape")

    if size == "desktop":
        page.get_by_role("button", name=first_menu).click()
        expect(page.locator("#main-nav .dropdown-menu.show").first).to_be_visible()
        page.wait_for_timeout(500)  # let the fade-in end before measuring colours
        shot(page, f"private-dropdown-{who}-{size}", full_page=False)
        assert_no_serious_axe(axe_violations, page, f"menu open {who} {size}")
        page.keyboard.press("Escape")

    assert_no_serious_axe(axe_violations, page, f"private home {who} {size}")
    assert not page.console_errors, page.console_errors

    page.goto(reverse("accounts:personal_data"))
    expect(page.locator("h1").first).to_be_visible()
    shot(page, f"private-personal-data-{who}-{size}")
    assert_no_serious_axe(axe_violations, page, f"personal data {who} {size}")

    page.locator("#user-menu-button").click()
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url("**/")
    htmx_idle(page)
    expect(page.get_by_role("link", name="Accedi")).to_be_visible()


def test_contract_selector(new_page, login, shot, axe_violations, roa, contract):
    from portale.records.models import Referent
    from portale.records.tests import factories as f

    second = f.ContractFactory(administration=contract.administration)
    f.ReferentFactory(contract=second, role=Referent.Role.MASTER, mobile=roa.mobile)
    page = new_page(1280)
    login(page, roa)
    badge = page.locator(".portal-contract-badge")
    first_code = min(contract.code, second.code)
    other_code = max(contract.code, second.code)
    assert first_code in badge.inner_text()
    # P-02: the drop-down "Contratto" of the welcome section posts to core:contract_select.
    form = page.locator(f"form[action='{reverse('core:contract_select')}']").first
    expect(form).to_be_visible()
    form.locator("select[name=contract]").select_option(label=other_code)
    form.locator("button[type=submit]").click()
    expect(page.locator(".portal-contract-badge")).to_contain_text(other_code)
    shot(page, "private-contract-selected-desktop", full_page=False)
    assert_no_serious_axe(axe_violations, page, "contract selector")


@pytest.mark.parametrize("size", WIDTHS)
def test_private_page_with_breadcrumb(new_page, login, shot, axe_violations, roa, size):
    """A function page in the frame: breadcrumb "Home > …", title, help bar, contract badge."""
    page = new_page(WIDTHS[size])
    login(page, roa)
    link = page.locator("#main-nav .dropdown-menu a.list-item").first
    href = link.get_attribute("href")
    resp = page.goto(href)
    assert resp is not None and resp.ok, f"{href}: {resp and resp.status}"
    crumbs = page.get_by_role("navigation", name="Percorso di navigazione")
    expect(crumbs.get_by_role("link", name="Home")).to_be_visible()
    expect(page.locator("h1").first).to_be_visible()
    expect(page.get_by_role("link", name="Hai bisogno di aiuto? Contattaci!")).to_be_visible()
    expect(page.locator(".portal-contract-badge")).to_contain_text("Contratto:")
    page.locator(".portal-info-btn").focus()
    expect(page.locator(".tooltip")).to_be_visible()
    page.wait_for_timeout(400)
    shot(page, f"private-function-page-{size}", full_page=False)
    assert_no_serious_axe(axe_violations, page, f"function page {href} {size}")
