"""What the list component draws: icon cells, the empty message, the page-size selector."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from portale.core.lists import ActionColumn, Column, Table, render_list
from portale.records.models import Line
from portale.records.tests import factories as f

rf = RequestFactory()
SPRITE = "/static/vendor/bootstrap-italia/svg/sprites.svg"


def _download(line):
    return f"/scarica/{line.pk}/" if line.msisdn.endswith("1") else ""  # "1" = ready


class ActionLines(Table):
    msisdn = Column("Numero", sort=True)
    download = ActionColumn(
        "Scarica",
        icon="it-download",
        link=_download,
        action_label=lambda line: f"Scarica la linea {line.msisdn}",
    )
    delete = ActionColumn("Elimina", icon="it-delete", link=lambda line: f"/elimina/{line.pk}/")

    class Meta:
        default_order = "msisdn"
        empty_text = "Non ci sono linee."


def render(table):
    return render_to_string("core/list/list.html", {"table": table})


@pytest.fixture
def two_lines(contract):
    active = f.SimFactory(line__contract=contract, line__msisdn="3310000001").line
    ceased = f.SimFactory(line__contract=contract, line__msisdn="3310000002").line
    return active, ceased


def test_action_column_draws_a_sprite_icon_link_with_a_hidden_label(two_lines):
    active, _ceased = two_lines
    t = ActionLines.from_request(rf.get("/linee/"), Line.objects.all())
    html = render(t)
    link = re.search(rf'<a href="/scarica/{active.pk}/"[^>]*>(.*?)</a>', html, re.S)
    assert link, html
    inner = link.group(1)
    assert f'<use href="{SPRITE}#it-download">' in inner
    assert 'aria-hidden="true"' in inner  # the icon is decoration; the text is the name
    assert f'<span class="visually-hidden">Scarica la linea {active.msisdn}</span>' in inner
    assert f'href="/elimina/{active.pk}/"' in html and f"{SPRITE}#it-delete" in html
    # no visible words "Scarica"/"Elimina" in the cells: only icons
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    visible = [re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", c) for c in cells]
    assert not any("Scarica" in v or "Elimina" in v for v in visible)


def test_action_without_url_is_an_inert_greyed_icon(two_lines):
    _active, ceased = two_lines
    t = ActionLines.from_request(rf.get("/linee/"), Line.objects.all())
    cell = next(row[1] for row in t.rows if row[0]["text"] == ceased.msisdn)
    assert cell["url"] == "" and cell["icon"] == "it-download"
    assert cell["label"] == f"Scarica la linea {ceased.msisdn} non disponibile"
    html = render(t)
    assert 'data-action-disabled="1"' in html
    assert "/scarica/" + str(ceased.pk) not in html


def test_action_columns_have_hidden_headers_and_are_not_exported_nor_sortable(two_lines):
    t = ActionLines.from_request(rf.get("/linee/", {"sort": "download"}), Line.objects.all())
    assert [c.name for c in t.export_columns] == ["msisdn"]
    assert t.ordering[0].name == "msisdn"
    headers = {h["label"]: h for h in t.headers}
    assert headers["Scarica"]["hidden"] and not headers["Numero"]["hidden"]
    html = render(t)
    assert re.search(
        r'<th role="columnheader" scope="col" class="[^"]*"><span class="visually-hidden">'
        r"Scarica</span>",
        html,
    )


def test_empty_message_is_outside_the_scrolling_table(db):
    t = ActionLines.from_request(rf.get("/linee/"), Line.objects.none())
    html = render(t)
    assert "Non ci sono linee." in html
    scroller = html.index('<div class="table-responsive portale-list-scroll">')
    end_of_table = html.index("</table>", scroller)
    message = html.index("Non ci sono linee.")
    assert message > end_of_table  # not a cell spanning a table wider than a phone
    assert "colspan" not in html
    assert re.search(r'<p class="portale-list-empty[^"]*" data-list="empty"', html)


def test_a_list_with_rows_has_no_empty_message(two_lines):
    html = render(ActionLines.from_request(rf.get("/linee/"), Line.objects.all()))
    assert 'data-list="empty"' not in html and "Non ci sono linee." not in html


@pytest.mark.parametrize("value", ["1000", "5", "0", "-10", "25.0", "abc", ""])
def test_invalid_page_size_falls_back_to_10(two_lines, value):
    t = ActionLines.from_request(rf.get("/linee/", {"per_page": value}), Line.objects.all())
    assert t.per_page == 10
    assert [c["value"] for c in t.page_size_choices] == [10, 25, 50, 100]  # G-46
    assert [c["selected"] for c in t.page_size_choices] == [True, False, False, False]


def test_page_size_selector_is_labelled_as_the_guide(two_lines):
    t = ActionLines.from_request(rf.get("/linee/"), Line.objects.all())
    html = render(t)
    select_id = f"{t.list_id}-per-page"
    assert (
        f'<label for="{select_id}" class="mb-0 small">Numero di elementi visualizzati:</label>'
        in (html)
    )
    options = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'value="(\d+)"', options) == ["10", "25", "50", "100"]


def test_fragment_template_answers_htmx_with_the_fragment_only(two_lines):
    request = rf.get("/linee/", headers={"HX-Request": "true", "HX-Target": "lista-actionlines"})
    request.htmx = HtmxDetails(request)
    t = ActionLines.from_request(request, Line.objects.all())
    response = render_list(request, t, "page-that-does-not-exist.html")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="lista-actionlines"') and "<html" not in html
