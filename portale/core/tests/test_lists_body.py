"""The rows of a list drawn in Python (``core/lists/body.py``, issue 17) are the markup the
former template loop of ``core/list/_table.html`` drew, character for character: the loop
is kept here and both are rendered for every kind of cell (text, link, key column,
localised number and date, escaped text, icon link, greyed icon, new window, preparing,
single and multiple selection, ticked and disabled boxes)."""

import datetime
import decimal

import pytest
from django.template import engines
from django.test import RequestFactory

from portale.core.lists import ActionColumn, Column, Table
from portale.records.models import Line, LineState
from portale.records.tests import factories as f

rf = RequestFactory()

FORMER_LOOP = (
    "{% load i18n static %}"
    + """      {% for row in table.rows %}<tr role="row">{% for cell in row %}{% if cell.select %}<td role="cell" class="{{ cell.css_class }} portale-key" data-label="{{ cell.heading }}"><input type="{% if table.meta.select == 'single' %}radio{% else %}checkbox{% endif %}" id="{{ table.list_id }}-sel-{{ cell.pk }}" name="{{ table.selected_param }}" value="{{ cell.pk }}"{% if cell.checked %} checked{% endif %}{% if cell.disabled %} disabled{% endif %} hx-post="{{ table.url }}" aria-label="{% blocktranslate with item=cell.label %}Seleziona {{ item }}{% endblocktranslate %}"></td>{% elif cell.action %}<td role="cell" class="{{ cell.css_class }}{% if cell.key %} portale-key{% endif %}" data-label="{{ cell.heading }}"{% if cell.key %} data-key-column{% endif %}>{% if cell.url %}<a href="{{ cell.url }}" class="portale-list-action d-inline-block p-1" title="{{ cell.label }}" data-action-icon="{{ cell.icon }}"{% if cell.preparing %} data-preparing="{{ cell.preparing }}"{% endif %}{% if cell.new_window %} target="_blank" rel="noopener"{% endif %}><svg class="icon icon-sm icon-primary" aria-hidden="true" focusable="false"><use href="{% static 'vendor/bootstrap-italia/svg/sprites.svg' %}#{{ cell.icon }}"></use></svg><span class="visually-hidden">{{ cell.label }}{% if cell.new_window %} ({% translate "si apre in una nuova finestra" %}){% endif %}</span></a>{% else %}<span class="portale-list-action d-inline-block p-1 opacity-50" title="{{ cell.label }}" data-action-icon="{{ cell.icon }}" data-action-disabled="1"><svg class="icon icon-sm icon-secondary" aria-hidden="true" focusable="false"><use href="{% static 'vendor/bootstrap-italia/svg/sprites.svg' %}#{{ cell.icon }}"></use></svg><span class="visually-hidden">{{ cell.label }}</span></span>{% endif %}</td>{% else %}<td role="cell" class="{{ cell.css_class }}{% if cell.key %} portale-key{% endif %}" data-label="{{ cell.heading }}"{% if cell.key %} data-key-column{% endif %}>{% if cell.url %}<a href="{{ cell.url }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}</td>{% endif %}{% endfor %}</tr>
      {% endfor %}
"""
)


def _former(table) -> str:
    return engines["django"].from_string(FORMER_LOOP).render({"table": table})


def _new(table) -> str:
    """What ``_table.html`` now draws where the loop was."""
    return "      " + table.body_html + "\n"


class Everything(Table):
    msisdn = Column("Numero", sort=True, link=lambda line: f"/linee/{line.pk}/?a=1&b=2")
    state = Column("Stato", choices=LineState)
    amount = Column("Importo", lambda line: decimal.Decimal("1234.5"))
    day = Column("Dal", lambda line: datetime.date(2026, 3, 4))
    odd = Column("Nota", lambda line: '<b>"R&D"</b>')
    download = ActionColumn(
        "Scarica",
        icon="it-download",
        link=lambda line: f"/scarica/{line.pk}/" if line.msisdn.endswith("1") else "",
        action_label=lambda line: f"Scarica <{line.msisdn}>",
        prepares_file=True,
    )
    handoff = ActionColumn(
        "Apri", icon="it-external-link", link=lambda line: "/apri/?x=1&y=2", new_window=True
    )

    class Meta:
        default_order = "msisdn"
        key_columns = ("msisdn",)


class Multi(Everything):
    class Meta:
        select = "multi"
        default_order = "msisdn"

    def is_selectable(self, row):
        return row.state != LineState.CEASED


class Single(Everything):
    class Meta:
        select = "single"
        default_order = "msisdn"


@pytest.fixture
def lines(contract):
    out = [
        f.SimFactory(line__contract=contract, line__msisdn=f"331000000{i}").line
        for i in range(1, 4)
    ]
    out[2].state = LineState.CEASED
    out[2].save()
    return out


@pytest.mark.parametrize("table_class", [Everything, Multi, Single])
def test_rows_in_python_are_the_former_template_loop(lines, table_class):
    request = rf.get("/linee/", {"sort": "msisdn"})
    request.session = {}
    table = table_class.from_request(request, Line.objects.all())
    if table.meta.select:
        table.session = {table.selection_key: [str(lines[0].pk)]}
        table.__dict__.pop("rows", None)
    former = _former(table)
    assert "<tr" in former and "Scarica &lt;3310000001&gt;" in former
    assert _new(table) == former


def test_no_rows_draw_nothing(contract):
    table = Everything.from_request(rf.get("/linee/"), Line.objects.none())
    assert table.body_html == "" and _former(table).strip() == ""
