"""The TEM filter form drawn in Python (``{% tem_filters %}``, issue 17) is what the former
templates drew, character for character: ``tem/_filters.html`` including
``tem/_checkboxes.html`` for each multi-select filter and ``core/_field.html`` for each single
field (kept here, the first including the second as a template object). Both report pages'
field sets, with the defaults, ticked filters, errors (unknown lines, months out of order, a
multi-select error), escaped names of cost centres and a line search typed by the user."""

import pytest
from django.http import QueryDict
from django.template import engines
from django.test import RequestFactory

from portale.records import services as records
from portale.tem import selectors
from portale.tem.forms import TemFilterForm

pytestmark = pytest.mark.django_db

FORMER_FILTERS = '{% load i18n tem %}<form method="get" class="tem-filters mb-4" aria-label="{% translate \'Filtri del report\' %}">\n  <details class="tem-filter-panel"{% if form.errors or not form.is_bound %} open{% endif %} open>\n    <summary class="fw-semibold mb-2">{% translate "Filtri" %}</summary>\n    <div class="row g-3">\n      {% for name in multi %}{% with field=form|getfield:name %}{% if field %}<div class="col-12 col-md-6 col-xl-4 tem-multi">{% include checkboxes %}</div>{% endif %}{% endwith %}{% endfor %}\n    </div>\n    <div class="row g-3">\n      {% for name in singles %}{% with field=form|getfield:name %}{% if field %}<div class="col-12 col-md-6 col-xl-3">{% include "core/_field.html" %}</div>{% endif %}{% endwith %}{% endfor %}\n    </div>\n  </details>\n  <button type="submit" class="btn btn-primary">{% translate "APPLICA FILTRI" %}</button>\n  <a class="btn btn-outline-primary ms-2" href="{{ request.path }}">{% translate "AZZERA" %}</a>\n</form>\n'
FORMER_CHECKBOXES = '{% load tem %}{# A multi-select filter as a list of checkboxes, like core/_field.html draws one, without a widget template per option (a contract can have hundreds of cost centres). #}<fieldset class="mb-4{% if field.errors %} has-error{% endif %}"{% if field.errors %} aria-describedby="{{ field.auto_id }}_error"{% endif %}>\n  <legend class="form-label fw-semibold fs-6">{{ field.label }}</legend>\n  {% checkbox_options field %}\n  {% if field.errors %}<div class="invalid-feedback d-block" id="{{ field.auto_id }}_error">{% for e in field.errors %}{{ e }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</div>{% endif %}\n</fieldset>\n'

REPORT = ("contratto sede cdc tipo zona addebito", "linee fatturazione da a righe colonne misura")
TOP_LINES = ("contratto sede cdc tipo zona addebito", "linee fatturazione da a")


def _former(request, form, multi: str, singles: str) -> str:
    django = engines["django"]
    return django.from_string(FORMER_FILTERS).render(
        {
            "form": form,
            "multi": multi.split(),
            "singles": singles.split(),
            "checkboxes": django.from_string(FORMER_CHECKBOXES).template,
        },
        request,
    )


def _new(request, form, multi: str, singles: str) -> str:
    return (
        engines["django"]
        .from_string("{% load tem %}{% tem_filters form multi singles %}")
        .render({"form": form, "multi": multi, "singles": singles}, request)
    )


def _query(**values) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in values.items():
        q.setlist(key, value if isinstance(value, list) else [value])
    return q


@pytest.mark.parametrize("fields", [REPORT, TOP_LINES])
def test_the_filter_form_is_drawn_as_the_templates_drew_it(contract, fields):
    a = records.cost_centre_create(contract=contract, code='UFFICIO <"A"> & B')
    records.cost_centre_create(contract=contract, code="UFFICIO C")
    scope = selectors.TemScope((contract,))
    months = selectors.recent_months(3)
    request = RequestFactory().get("/tem/report/?x=<1>")
    defaults = {"contratto": [str(contract.pk)]}
    datas = [
        _query(),
        _query(cdc=[str(a.pk), "0"], tipo=["DATI", "VOCE"], zona="UE", righe="tipo", colonne=""),
        _query(linee="3331234567 <b>", fatturazione="fatturato", misura="volume"),
        _query(da=f"{months[0]:%Y-%m}", a=f"{months[2]:%Y-%m}", addebito="nope"),
        _query(da="2001-01", righe="nope"),
    ]
    for data in datas:
        form = TemFilterForm(data, scope=scope, defaults=defaults)
        form.is_valid()
        assert _new(request, form, *fields) == _former(request, form, *fields), data
    assert form.errors  # the last ones are invalid
