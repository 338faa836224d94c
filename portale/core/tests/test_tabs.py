"""The one tab markup: a labelled list of links, the current page marked, a tab the user's
profiles cannot open left out (portale.core.tabs)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _tabs(html: str) -> str:
    return html.split('class="portale-tabs', 1)[1].split("</nav>", 1)[0]


def test_it_works(client, roa):
    client.force_login(roa)
    nav = _tabs(client.get(reverse("support:contacts")).content.decode())
    assert 'aria-label="Sezioni di Assistenza"' in nav
    assert f'href="{reverse("support:contacts")}" aria-current="page"' in nav
    assert f'href="{reverse("support:tickets")}"' in nav and nav.count('aria-current="page"') == 1
    assert "flex-nowrap flex-lg-wrap overflow-auto" in nav  # sideways on a phone


def test_it_leaves_out_what_the_profile_cannot_open(client, employee):
    client.force_login(employee)
    nav = _tabs(client.get(reverse("support:contacts")).content.decode())
    assert reverse("support:contacts") in nav and reverse("support:tickets") not in nav
