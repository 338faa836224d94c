"""P-08: the "Sel." column; the selection is kept across pages and searches."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from portale.accounts.sessions.db import SessionStore
from portale.core.lists import Column, FilterForm, LineSearchField, Table, line_search, render_list
from portale.records.models import Line, LineState
from portale.records.tests import factories as f

rf = RequestFactory()


class LineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


class PickLines(Table):
    msisdn = Column("Numero", sort=True)
    state = Column("Stato", choices=LineState)

    class Meta:
        select = "multi"
        filter_form = LineFilter
        default_order = "msisdn"

    def is_selectable(self, row):
        return row.state != LineState.CEASED


class PickOne(PickLines):
    class Meta:
        select = "single"
        default_order = "msisdn"


@pytest.fixture
def lines(contract):
    lines = [f.SimFactory(line__contract=contract).line for _ in range(25)]
    lines[3].state = LineState.CEASED
    lines[3].save()
    return sorted(lines, key=lambda line: line.msisdn)


@pytest.fixture
def session(db):
    s = SessionStore()
    s.create()
    return s


def table(session, params="", queryset=None, cls=PickLines):
    return cls(
        queryset if queryset is not None else Line.objects.all(),
        QueryDict(params),
        path="/scegli/",
        session=session,
    )


def post(t, selected=(), **extra):
    data = QueryDict(mutable=True)
    data.setlist("page_pks", [str(r.pk) for r in t.page.object_list])
    data.setlist("selected", [str(pk) for pk in selected])
    for k, v in extra.items():
        data[k] = v
    t.update_selection(data)


def test_select_column_comes_first(session, lines):
    t = table(session)
    assert t.headers[0]["label"] == "Sel." and t.headers[0]["select"]
    first = t.rows[0][0]
    assert first["select"] and first["pk"] == str(lines[0].pk) and not first["checked"]
    assert t.rows[3][0]["disabled"]  # the ceased line cannot be chosen


def test_selection_survives_paging_and_search(session, lines):
    page1 = table(session)
    post(page1, [lines[0].pk, lines[1].pk])
    page2 = table(session, "page=2")
    post(page2, [lines[12].pk])
    assert table(session).selection == {str(lines[i].pk) for i in (0, 1, 12)}
    # unticking on page 1 leaves page 2 alone
    post(table(session), [lines[0].pk])
    assert table(session).selection == {str(lines[0].pk), str(lines[12].pk)}
    # a search shows one line; the others stay selected
    searched = table(session, f"linea={lines[20].msisdn}")
    post(searched, [lines[20].pk])
    assert table(session).selection_count == 3
    rows = table(session, "page=2").rows
    assert [r[0]["checked"] for r in rows if r[0]["pk"] == str(lines[12].pk)] == [True]


def test_forged_disabled_and_out_of_scope_rows_are_refused(session, lines, other_contract):
    foreign = f.LineFactory(contract=other_contract)
    scoped = Line.objects.filter(contract=lines[0].contract)
    t = table(session, queryset=scoped)
    data = QueryDict(mutable=True)
    data.setlist("page_pks", [str(r.pk) for r in t.page.object_list] + [str(foreign.pk)])
    data.setlist("selected", [str(foreign.pk), str(lines[3].pk), str(lines[2].pk), "x"])
    t.update_selection(data)
    assert t.selection == {str(lines[2].pk)}
    assert list(t.selected_queryset()) == [lines[2]]


def test_select_all_ticks_and_clears_the_page(session, lines):
    t = table(session)
    post(t, [], select_all="1", select_all_toggle="1")
    expected = {str(line.pk) for line in lines[:10]} - {str(lines[3].pk)}
    assert table(session).selection == expected
    assert table(session).all_page_selected
    post(table(session, "page=2"), [lines[10].pk])
    post(table(session), sorted(expected), select_all_toggle="1")  # header unticked
    assert table(session).selection == {str(lines[10].pk)}


def test_single_selection_keeps_one(session, lines):
    post(table(session, cls=PickOne), [lines[0].pk])
    post(table(session, "page=2", cls=PickOne), [lines[15].pk])
    assert table(session, cls=PickOne).selection == {str(lines[15].pk)}
    post(table(session, cls=PickOne), [])  # nothing ticked on page 1: keep page 2's choice
    assert table(session, cls=PickOne).selection == {str(lines[15].pk)}


def test_clear_selection(session, lines):
    post(table(session), [lines[0].pk])
    table(session).clear_selection()
    assert table(session).selection == set()


def _request(method, session, data=None, htmx_target=None):
    headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
    url = "/scegli/?sort=-msisdn" if method == "post" else "/scegli/"
    request = getattr(rf, method)(url, data or {}, headers=headers)
    request.session = session
    request.htmx = HtmxDetails(request)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_render_list_posts_update_the_selection(session, lines, monkeypatch):
    monkeypatch.setattr("django.middleware.csrf.get_token", lambda request: "token", raising=False)
    page = [str(line.pk) for line in sorted(lines, key=lambda x: x.msisdn, reverse=True)[:10]]
    data = {"page_pks": page, "selected": [page[0]]}
    # without JavaScript: update, then back to the list (POST/redirect/GET)
    request = _request("post", session, data)
    t = PickLines.from_request(request, Line.objects.all())
    response = render_list(request, t, "unused.html")
    assert response.status_code == 302 and response["Location"] == "/scegli/?sort=-msisdn"
    assert t.selection == {page[0]}
    # htmx: the fragment comes back with the box ticked
    request = _request("post", session, {**data, "selected": page[:2]}, "lista-picklines")
    t = PickLines.from_request(request, Line.objects.all())
    response = render_list(request, t, "unused.html")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="lista-picklines"')
    assert html.count(" checked") == 2
    assert "2 elementi selezionati" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_fragment_template_can_be_the_pages_own(session, lines):
    request = _request("get", session, htmx_target="lista-picklines")
    t = PickLines.from_request(request, Line.objects.all())
    response = render_list(request, t, "unused.html", fragment_template="core/list/_pager.html")
    assert "Pagina 1" in response.content.decode()
