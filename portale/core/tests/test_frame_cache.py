"""The page frame rendered once per process (issue 17) still follows the user at once:
the menu is cached by what it shows (the functions the user may use) and by the current
page, so a change of profile, of the selected contract or of the contract's services shows
on the next page, and the current page is marked in the menu — these tests fail if the
cache key misses any of them."""

import re

import pytest
from django.urls import reverse

from portale.core import frame_cache
from portale.records.models import Referent
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

HISTORY = reverse("cases:history")
INVOICES = reverse("billing:invoices")


def menu(client, url=None) -> str:
    html = client.get(url or reverse("home:index")).content.decode()
    return re.search(r'<nav class="navbar.*?</nav>', html, re.S).group(0)


def test_a_profile_change_shows_in_the_menu_at_once(client, roa, contract):
    client.force_login(roa)
    assert f'href="{HISTORY}"' in menu(client)  # ROA: Storico pratiche
    assert f'href="{INVOICES}"' in menu(client)
    # Gestione referenti makes the ROA an eBill referent: no more Storico pratiche
    Referent.objects.filter(contract=contract, mobile=roa.mobile).update(role=Referent.Role.EBILL)
    html = menu(client)
    assert f'href="{HISTORY}"' not in html and f'href="{INVOICES}"' in html
    # and back
    Referent.objects.filter(contract=contract, mobile=roa.mobile).update(role=Referent.Role.MASTER)
    assert f'href="{HISTORY}"' in menu(client)


def test_the_selected_contract_and_its_services_show_at_once(client, roa, contract):
    other = f.ContractFactory(administration=contract.administration)
    f.ReferentFactory(contract=other, mobile=roa.mobile, role=Referent.Role.MASTER)
    f.ContractServiceFactory(contract=other, code="EMM", description="EMM")
    emm = reverse("services:emm")
    client.force_login(roa)
    first, second = sorted([contract, other], key=lambda c: c.code)
    has_emm = {c.pk: c == other for c in (first, second)}
    assert (f'href="{emm}"' in menu(client)) == has_emm[first.pk]
    client.post(reverse("core:contract_select"), {"contract": second.pk})
    assert (f'href="{emm}"' in menu(client)) == has_emm[second.pk]
    client.post(reverse("core:contract_select"), {"contract": first.pk})
    assert (f'href="{emm}"' in menu(client)) == has_emm[first.pk]


def test_the_current_page_is_marked_in_the_cached_menu(client, roa):
    client.force_login(roa)
    current = re.compile(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"')
    assert current.findall(menu(client, HISTORY)) == [HISTORY]
    assert current.findall(menu(client, INVOICES)) == [INVOICES]
    assert current.findall(menu(client)) == [reverse("home:index")]
    # a page outside the menu marks nothing (and shares one cached menu)
    assert current.findall(menu(client, reverse("accounts:personal_data"))) == []


def test_the_menu_is_rendered_once_per_key(client, roa, monkeypatch):
    frame_cache.clear()
    client.force_login(roa)
    menu(client, HISTORY)
    renders = []
    real = frame_cache.get_or_render

    def counting(name, vary, render):
        return real(name, vary, lambda: renders.append(name) or render())

    monkeypatch.setattr(frame_cache, "get_or_render", counting)
    menu(client, HISTORY)
    assert renders == []  # head, menu and footer all from the store
    menu(client, INVOICES)
    assert renders == ["nav"]  # another current page: the menu only


@pytest.mark.parametrize(
    "name", ["billing:invoice_pdf", "billing:invoice_xml", "ebill:invoice", "inventory:imei"]
)
def test_url_with_id_is_what_reverse_writes(name):
    """Row links reversed once per process (``url_with_id``) are ``reverse``'s URLs, under
    another URL prefix too."""
    from django.urls import NoReverseMatch, set_script_prefix

    from portale.core.templatetags.portal import url_with_id

    for prefix in ("/", "/portale/"):
        set_script_prefix(prefix)
        try:
            for pk in (1, 42, 1234567):
                assert url_with_id(name, pk) == reverse(name, args=[pk])
        finally:
            set_script_prefix("/")
    with pytest.raises(NoReverseMatch):  # not a URL with an id: an error, as reverse's
        url_with_id("home:index", 1)
