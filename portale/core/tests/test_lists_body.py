"""The list's markup drawn in Python (``core/lists/body.py``, issue 17) is what the former
templates drew, character for character: the templates are kept here and both are rendered
— the rows for every kind of cell (text, link, key column, localised number and date,
escaped text, icon link, greyed icon, new window, preparing, single and multiple
selection, ticked and disabled boxes), the header row (sortable, active both ways, hidden,
key, selection boxes), the pager (first, middle and last pages, ellipses, one page, no
rows, a prefix), the export form (downloads, background, no formats) and the search form
(text and select fields, help, errors, a selected option, hidden and number fields)."""

import datetime
import decimal

import pytest
from django import forms
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

from portale.core.lists import ActionColumn, Column, FilterForm, LineSearchField, Table, line_search
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


# --- header row, pager, export form --------------------------------------------------------

FORMER_HEADERS = (
    "{% load i18n %}"
    + r"""{% for h in table.headers %}{% if h.select %}<th role="columnheader" scope="col" class="{{ h.css_class }} portale-list-select-all">{% if table.meta.select == "multi" and table.rows %}<input type="checkbox" id="{{ table.list_id }}-sel-tutti" name="{{ table.select_all_param }}" value="1"{% if table.all_page_selected %} checked{% endif %} hx-post="{{ table.url }}" hx-vals='{"{{ table.select_all_toggle_param }}": "1"}' aria-label="{% translate 'Seleziona tutti gli elementi della pagina' %}"> {% endif %}<span aria-hidden="{% if table.meta.select == 'multi' and table.rows %}true{% else %}false{% endif %}">{{ h.label }}</span></th>{% else %}<th role="columnheader" scope="col" class="{{ h.css_class }}{% if h.key %} portale-key{% endif %}"{% if h.key %} data-key-column{% endif %}{% if h.sortable %} aria-sort="{{ h.aria_sort }}"{% endif %}>{% if h.sortable %}<a href="{{ h.url }}" hx-get="{{ h.url }}" class="text-decoration-none{% if h.active %} fw-bold{% endif %}" data-sort-active="{{ h.active|yesno:'1,0' }}">{{ h.label }}&nbsp;<span aria-hidden="true">{{ h.mark }}</span></a>{% elif h.hidden %}<span class="visually-hidden">{{ h.label }}</span>{% else %}{{ h.label }}{% endif %}</th>{% endif %}{% endfor %}"""
)
FORMER_PAGER = r"""{% load i18n %}<div class="d-flex flex-wrap justify-content-between align-items-center gap-3 mt-2">
  <form method="get" action="{{ table.path }}" hx-get="{{ table.path }}" hx-trigger="change" class="d-flex align-items-center gap-2 portale-list-size">
    {% for name, value in table.size_hidden %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}
    <label for="{{ table.list_id }}-per-page" class="mb-0 small">{% translate "Numero di elementi visualizzati:" %}</label>
    <select id="{{ table.list_id }}-per-page" name="{{ table.per_page_param }}" class="form-select form-select-sm w-auto">
      {% for choice in table.page_size_choices %}<option value="{{ choice.value }}"{% if choice.selected %} selected{% endif %}>{{ choice.value }}</option>{% endfor %}
    </select>
    <noscript><button type="submit" class="btn btn-outline-primary btn-xs py-1 px-2">{% translate "Applica" %}</button></noscript>
  </form>
  {% if table.count %}
  <nav class="pagination-wrapper mb-0 d-flex flex-wrap align-items-center gap-2" aria-label="{% translate 'Paginazione' %}">
    <span class="small" data-list="pager">{{ table.pager_text }}</span>
    <ul class="pagination mb-0">
      <li class="page-item{% if not table.previous_url %} disabled{% endif %}">{% if table.previous_url %}<a class="page-link" href="{{ table.previous_url }}" hx-get="{{ table.previous_url }}" aria-label="{% translate 'Pagina precedente' %}">&lt;</a>{% else %}<span class="page-link text-secondary opacity-50" aria-hidden="true">&lt;</span>{% endif %}</li>
      {% for link in table.page_links %}{% if link.ellipsis %}<li class="page-item"><span class="page-link">…</span></li>{% elif link.current %}<li class="page-item active"><span class="page-link" aria-current="page">{{ link.number }}</span></li>{% else %}<li class="page-item"><a class="page-link" href="{{ link.url }}" hx-get="{{ link.url }}" aria-label="{% blocktranslate with n=link.number %}Pagina {{ n }}{% endblocktranslate %}">{{ link.number }}</a></li>{% endif %}{% endfor %}
      <li class="page-item{% if not table.next_url %} disabled{% endif %}">{% if table.next_url %}<a class="page-link" href="{{ table.next_url }}" hx-get="{{ table.next_url }}" aria-label="{% translate 'Pagina successiva' %}">&gt;</a>{% else %}<span class="page-link text-secondary opacity-50" aria-hidden="true">&gt;</span>{% endif %}</li>
    </ul>
  </nav>
  {% endif %}
</div>
"""
FORMER_SEARCH = r"""{% load i18n %}<form method="get" action="{{ table.path }}" hx-get="{{ table.path }}" class="portale-list-search pt-2 mb-4" role="search" aria-label="{% translate 'Ricerca' %}" novalidate>
  {% for name, value in table.search_hidden %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}
  <div class="row g-3 align-items-start">
    {% for field in table.form %}
    <div class="col-12 col-md-6 col-lg-4">
      <label for="{{ field.id_for_label }}" class="form-label fw-semibold small mb-1">{{ field.label }}{% if field.label|last != ":" %}:{% endif %}</label>
      {% if field.field.widget.input_type == "select" %}<select class="form-select{% if field.errors %} is-invalid{% endif %}" id="{{ field.id_for_label }}" name="{{ field.html_name }}"{% if field.errors %} aria-invalid="true" aria-describedby="{{ field.id_for_label }}-error"{% endif %}>
        {% for value, label in field.field.choices %}<option value="{{ value }}"{% if field.value|stringformat:"s" == value|stringformat:"s" %} selected{% endif %}>{{ label }}</option>{% endfor %}
      </select>{% else %}<input type="text" class="form-control{% if field.errors %} is-invalid{% endif %}" id="{{ field.id_for_label }}" name="{{ field.html_name }}" value="{{ field.value|default_if_none:'' }}"{% if field.field.max_length %} maxlength="{{ field.field.max_length }}"{% endif %} aria-describedby="{% if field.help_text %}{{ field.id_for_label }}-help{% endif %}{% if field.errors %} {{ field.id_for_label }}-error{% endif %}"{% if field.errors %} aria-invalid="true"{% endif %}>{% endif %}
      {% if field.help_text %}<small id="{{ field.id_for_label }}-help" class="form-text d-block">{{ field.help_text }}</small>{% endif %}
      {% if field.errors %}<div id="{{ field.id_for_label }}-error" class="invalid-feedback d-block" role="alert">{{ field.errors|join:" " }}</div>{% endif %}
    </div>
    {% endfor %}
    <div class="col-12 col-lg-auto d-flex gap-2 align-self-lg-start pt-lg-4">
      <button type="submit" class="btn btn-primary btn-sm">{% translate "CERCA" %}</button>
      <a href="{{ table.reset_url }}" hx-get="{{ table.reset_url }}" class="btn btn-outline-primary btn-sm">{% translate "RESETTA" %}</a>
    </div>
  </div>
</form>
"""
FORMER_EXPORT = r"""{% load i18n static %}{% with background=table.export_links.0.background %}<form method="post" action="{{ table.export_action }}" class="portale-list-export d-flex align-items-center gap-2" role="group" aria-label="{% if background %}{% translate 'Richiedi export dell\'elenco' %}{% else %}{% translate 'Scarica l\'elenco' %}{% endif %}">{% csrf_token %}
  <svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="{% static 'vendor/bootstrap-italia/svg/sprites.svg' %}#it-download"></use></svg>
  <span class="small">{% if background %}{% translate "Richiedi export:" %}{% else %}{% translate "Esporta:" %}{% endif %}</span>
  {% for link in table.export_links %}<button type="submit" name="{{ table.export_param }}" value="{{ link.format }}" class="btn btn-xs btn-outline-primary py-1 px-2" data-export="{{ link.format }}" title="{% if background %}{% blocktranslate with fmt=link.label %}Richiedi l'export dell'elenco completo in formato {{ fmt }}: lo scarichi da I miei Export{% endblocktranslate %}{% else %}{% blocktranslate with fmt=link.label %}Scarica l'elenco completo in formato {{ fmt }}{% endblocktranslate %}{% endif %}"><svg class="icon icon-xs icon-primary" aria-hidden="true"><use href="{% static 'vendor/bootstrap-italia/svg/sprites.svg' %}#{{ link.icon }}"></use></svg> {{ link.label }}</button>{% endfor %}
</form>{% endwith %}
"""


def _former_template(source: str, table, **ctx) -> str:
    return engines["django"].from_string(source).render({"table": table, **ctx})


class Odd(Everything):
    """Labels that need escaping, every export format, a long list exported in the
    background."""

    note = Column('<b>"R&D"</b>', lambda line: "x", sort="msisdn")

    class Meta:
        default_order = "-msisdn"
        export_kind = "prova"
        export_in_background = "always"
        key_columns = ("note", "download")


class NoExport(Everything):
    class Meta:
        default_order = "msisdn"
        export_formats = ()


def _tables(lines):
    def make(cls, params=None, total=None, prefix="", session=None):
        request = rf.get("/linee/", params or {})
        request.session = session if session is not None else {}
        return cls.from_request(request, Line.objects.all(), total=total, prefix=prefix)

    ticked = {"portale.lists:/linee/:lista-multi": [str(line.pk) for line in lines]}
    return [
        make(Everything),
        make(Everything, {"sort": "-msisdn", "per_page": "25", "foo": "bar"}),
        make(Everything, {"sort": "state"}),  # not sortable: the default order
        make(Multi),
        make(Multi, session=ticked),  # every box of the page ticked
        make(Single, {"page": "2"}),
        make(Odd, {"sort": "note", "per_page": "10"}, prefix="a"),
        make(NoExport),
        # pages counted by a maintained total: many pages, ellipses on both sides
        make(Everything, {"page": "6"}, total=lambda: 120),
        make(Everything, {"page": "12"}, total=lambda: 120),
        make(Everything, {"page": "2"}, total=lambda: 1234),
    ]


def test_header_pager_and_export_in_python_are_the_former_templates(lines):
    tables = _tables(lines)
    drawn = "".join(
        t.headers_html + t.pager_html + render_to_string("core/list/_export.html", {"table": t})
        for t in tables
    )
    # the matrix reaches every branch of the former templates
    for piece in (
        'id="lista-multi-sel-tutti" name="select_all" value="1" checked',
        "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;",
        '<span class="visually-hidden">Scarica</span>',
        "Richiedi l'export dell'elenco completo in formato .xlsx",
        'aria-label="Scarica l\'elenco"',
        '<span class="page-link">…</span>',
        'aria-label="Pagina successiva"',
        'aria-label="Pagina precedente"',
        "di 1234",
        'data-sort-active="1"',
    ):
        assert piece in drawn, piece
    for table in tables:
        assert table.headers_html == _former_template(FORMER_HEADERS, table), table.params
        pager = render_to_string("core/list/_pager.html", {"table": table})
        assert pager == _former_template(FORMER_PAGER, table)
        ctx = {"table": table, "csrf_token": "tok&en"}
        assert render_to_string("core/list/_export.html", ctx) == _former_template(
            FORMER_EXPORT, table, csrf_token="tok&en"
        )


def test_an_empty_list_draws_the_same_header_pager_and_export(contract):
    for cls in (Everything, Multi, Odd):
        request = rf.get("/linee/")
        request.session = {}
        table = cls.from_request(request, Line.objects.none())
        assert table.headers_html == _former_template(FORMER_HEADERS, table)
        assert render_to_string("core/list/_pager.html", {"table": table}) == (
            _former_template(FORMER_PAGER, table)
        )
        assert render_to_string("core/list/_export.html", {"table": table}) == (
            _former_template(FORMER_EXPORT, table)
        )


class Search(FilterForm):
    linea = LineSearchField()
    stato = forms.ChoiceField(label="Stato:", choices=[("", "Tutti"), *LineState.choices])
    numero = forms.TypedChoiceField(
        label="Pagina", choices=[(1, "uno"), (2, '<"due">')], coerce=int
    )
    quanti = forms.IntegerField(label="Quanti", help_text="al più <100>")
    nascosto = forms.CharField(widget=forms.HiddenInput, max_length=3)
    lookups = {"linea": line_search()}


class Searched(Everything):
    class Meta:
        filter_form = Search
        default_order = "msisdn"


@pytest.mark.parametrize(
    ("params", "prefix"),
    [
        ({}, ""),
        (
            {"linea": "12", "stato": "ATTIVO", "numero": "2", "sort": "-msisdn", "per_page": "25"},
            "",
        ),
        ({"linea": "ab<c", "stato": "NON VALIDO", "numero": "x", "quanti": "molti"}, ""),
        ({"s-linea": "3", "s-stato": "CESSATO", "s-nascosto": "a&b", "s-quanti": "7"}, "s"),
    ],
)
def test_search_form_in_python_is_the_former_template(lines, params, prefix):
    request = rf.get("/linee/", params)
    table = Searched.from_request(request, Line.objects.all(), prefix=prefix)
    drawn = render_to_string("core/list/_search.html", {"table": table})
    assert drawn == _former_template(FORMER_SEARCH, table)
    assert drawn.count("<option") == 1 + len(LineState.choices) + 2


def test_search_form_shows_the_errors_and_the_selected_option(lines):
    request = rf.get("/linee/", {"linea": "ab", "stato": "CESSATO", "quanti": "x"})
    drawn = Searched.from_request(request, Line.objects.all()).search_html
    assert '<option value="CESSATO" selected>' in drawn
    assert 'aria-describedby="id_linea-help id_linea-error" aria-invalid="true"' in drawn
    assert 'id="id_quanti-error"' in drawn and "al più &lt;100&gt;" in drawn
    assert '<label for="id_stato" class="form-label fw-semibold small mb-1">Stato:</label>' in drawn
