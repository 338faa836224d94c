"""The frame's markup is well formed for every profile: a translated sentence with straight
double quotes (docs/COPY.md) inside an attribute must be escaped, or the browser ends the
attribute at the first quote and reads the rest as junk attributes (the contract badge's
tooltip and the new-window hint of the menu's links were cut at ``"Contratto"`` and at
the link's name)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_.:-]*$")


class Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def attributes(html: str) -> list[tuple[str, dict]]:
    parser = Attributes()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("who", ["roa", "ebill", "traffic_manager", "employee"])
def test_every_attribute_of_the_home_is_well_formed(client, request, who):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("home:index")).content.decode()
    bad = [
        (tag, name)
        for tag, attrs in attributes(html)
        for name in attrs
        if not ATTRIBUTE_NAME.match(name)
    ]
    assert not bad, bad


def test_the_contract_tooltip_is_the_whole_sentence(client, roa):
    client.force_login(roa)
    html = client.get(reverse("home:index")).content.decode()
    (title,) = [
        a["title"] for tag, a in attributes(html) if "portal-info-btn" in a.get("class", "")
    ]
    assert title == (
        "È il contratto su cui operano le funzioni del Portale. Se sei referente di più "
        'contratti, puoi cambiarlo con la tendina "Contratto" nella Home.'
    )


def test_a_new_window_link_names_itself_in_its_hint(client, ebill):
    client.force_login(ebill)
    html = client.get(reverse("home:index")).content.decode()
    hints = [
        a["title"]
        for tag, a in attributes(html)
        if tag == "a" and a.get("target") == "_blank" and "dropdown-item" in a.get("class", "")
    ]
    assert hints, "the eBill referent's menu has links that open a new window"
    for hint in hints:
        assert re.fullmatch(
            r'Si apre in una nuova finestra\. Se cliccando su "[^"<>&]+" non succede nulla, '
            r"verifica le impostazioni del tuo browser ed eventualmente rimuovi i blocchi di "
            r"apertura dei pop-up\.",
            hint,
        ), hint
