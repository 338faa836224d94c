"""The list component: sorting, page size, pager, search, scope, fragment (P-03..P-05)."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory
from django.utils.translation import gettext_lazy as _

from portale.core.lists import (
    DATE,
    DATETIME,
    MONEY,
    Column,
    FilterForm,
    LineSearchField,
    Table,
    decimal,
    is_fragment_request,
    line_search,
)
from portale.records.models import Line
from portale.records.tests import factories as f

rf = RequestFactory()


class LineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


class LinesTable(Table):
    msisdn = Column(_("Numero"), sort=True)
    contract = Column(_("Contratto"), "contract.code", sort=True)
    state = Column(_("Stato"), "get_state_display", sort="state")
    activation_date = Column(_("Data attivazione"), sort=True, format=DATE)
    credit = Column(_("Credito"), "company_credit", format=MONEY)  # not sortable

    class Meta:
        filter_form = LineFilter
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")


def table(params=None, queryset=None, **kwargs):
    request = rf.get("/linee/", params or {})
    return LinesTable.from_request(request, queryset or Line.objects.all(), **kwargs)


@pytest.fixture
def lines37(contract):
    sims = [
        f.SimFactory(
            line__contract=contract,
            line__activation_date=datetime.date(2021, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(37)
    ]
    return [s.line for s in sims]


def query(url):
    return parse_qs(urlsplit(url).query)


def msisdns(t):
    return [row[0]["text"] for row in t.rows]


def test_declared_columns_keep_their_order():
    assert [c.name for c in LinesTable.base_columns.values()] == [
        "msisdn",
        "contract",
        "state",
        "activation_date",
        "credit",
    ]
    assert [h["label"] for h in table().headers] == [
        "Numero",
        "Contratto",
        "Stato",
        "Data attivazione",
        "Credito",
    ]


def test_default_order_is_the_declared_one(lines37):
    expected = sorted(line.msisdn for line in lines37)[:10]
    assert msisdns(table()) == expected


def test_sort_both_ways(lines37):
    dates = sorted(line.activation_date for line in lines37)
    asc = table({"sort": "activation_date"})
    assert [r[3]["text"] for r in asc.rows][0] == dates[0].strftime("%d/%m/%Y")
    desc = table({"sort": "-activation_date"})
    assert [r[3]["text"] for r in desc.rows][0] == dates[-1].strftime("%d/%m/%Y")
    assert [r[3]["text"] for r in desc.rows] == [d.strftime("%d/%m/%Y") for d in dates[::-1][:10]]


def test_header_link_toggles_direction_and_marks_it(lines37):
    t = table({"sort": "activation_date", "page": "3"})
    header = t.headers[3]
    assert header["active"] and header["mark"] == "↑" and header["aria_sort"] == "ascending"
    assert query(header["url"]) == {"sort": ["-activation_date"]}
    t = table({"sort": "-activation_date"})
    assert t.headers[3]["mark"] == "↓"
    assert "sort=activation_date" in t.headers[3]["url"]
    # the other sortable headers show the ⇅ mark and sort ascending first
    assert t.headers[0]["mark"] == "⇅" and "sort=msisdn" in t.headers[0]["url"]
    assert t.headers[4]["sortable"] is False


@pytest.mark.parametrize(
    "bad", ["password", "-contract__administration__fiscal_code", "credit", "pk", "", "--msisdn"]
)
def test_only_whitelisted_sort_fields(lines37, bad):
    t = table({"sort": bad})
    column, desc = t.ordering
    assert (column.name, desc) == ("msisdn", False)
    assert msisdns(t) == sorted(line.msisdn for line in lines37)[:10]


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("10", 10),
        ("25", 25),
        ("50", 50),
        ("100", 100),
        ("7", 10),
        ("100000", 10),
        ("abc", 10),
        ("", 10),
    ],
)
def test_page_size(lines37, value, size):
    t = table({"per_page": value})
    assert t.per_page == size
    assert len(t.rows) == min(size, 37)
    assert [c["value"] for c in t.page_size_choices] == [10, 25, 50, 100]  # G-46


def test_counter_and_pager_text_for_37_rows(lines37):
    t = table()
    assert t.counter_text == "Tot. linee 37"
    assert t.pager_text == "1 - 10 di 37 linee - Pagina 1"
    assert [link["number"] for link in t.page_links] == [1, 2, 3, 4]
    assert t.previous_url == "" and "page=2" in t.next_url
    last = table({"page": "4"})
    assert last.pager_text == "31 - 37 di 37 linee - Pagina 4"
    assert last.next_url == ""
    # out-of-range or garbage page numbers land on a real page
    assert table({"page": "99"}).page.number == 4
    assert table({"page": "x"}).page.number == 1


def test_one_row_is_counted_in_the_singular(contract):
    """A search that finds one line (the usual "Linea" search) reads "1 - 1 di 1 linea",
    not "di 1 linee"; a table with no singular keeps its noun ("1 record")."""
    f.SimFactory(line__contract=contract)
    assert table().pager_text == "1 - 1 di 1 linea - Pagina 1"

    class Plain(Table):
        msisdn = Column("Numero", sort=True)

    t = Plain.from_request(rf.get("/"), Line.objects.all())
    assert t.pager_text == "1 - 1 di 1 record - Pagina 1"


def test_the_portal_tables_name_one_row_in_the_singular():
    """Every table of the portal whose noun has a singular declares it (COPY: correct
    Italian in the pager); the invariable nouns (SIM, SMS, email, ticket…) need none."""
    from portale.cases.tables import CaseTable
    from portale.sim.tables import NetworkServicesTable
    from portale.thresholds.tables import ThresholdSelectTable

    for t, one in (
        (CaseTable, "pratica"),
        (NetworkServicesTable, "linea"),
        (ThresholdSelectTable, "soglia"),
    ):
        assert str(t._meta.noun_one) == one, t


def test_default_labels_say_record(lines37):
    class Plain(Table):
        msisdn = Column("Numero", sort=True)

    t = Plain.from_request(rf.get("/"), Line.objects.all())
    assert t.counter_text == "Tot. record 37"
    assert t.pager_text == "1 - 10 di 37 record - Pagina 1"


def test_many_pages_are_elided(contract):
    f.LineFactory.create_batch(120, contract=contract)
    t = table({"page": "6"})
    numbers = [link.get("number", "…") for link in t.page_links]
    assert numbers == [1, "…", 4, 5, 6, 7, 8, "…", 12]


def test_links_keep_search_sort_and_size(lines37):
    t = table({"linea": "12", "sort": "-msisdn", "per_page": "25", "foo": "bar"})
    url = t.page_links[0]["url"]
    assert "linea=12" in url and "sort=-msisdn" in url and "per_page=25" in url
    assert "foo" not in url
    assert dict(t.search_hidden) == {"sort": "-msisdn", "per_page": "25"}
    assert dict(t.size_hidden) == {"sort": "-msisdn", "linea": "12"}
    assert t.reset_url == "/linee/?sort=-msisdn&per_page=25"
    # the export form posts to the same list: search, sort and size kept, page dropped
    assert query(table({**dict(t.params.items()), "page": "2"}).export_action) == {
        "linea": ["12"],
        "sort": ["-msisdn"],
        "per_page": ["25"],
        "foo": ["bar"],
    }


def test_links_are_what_a_querydict_encodes(lines37):
    """``url()`` writes its query without a ``QueryDict`` per link (issue 17): the same
    string, for prefixed, repeated, accented and reserved values, a changed and a removed
    parameter, and a form set on the table after it was built."""
    from django.http import QueryDict

    params = {"a-linea": "3 3+1&è", "a-sort": "-msisdn", "a-per_page": "25", "a-page": "2"}
    t = table(params, prefix="a")

    def former(changes):
        q = QueryDict(mutable=True)
        for name in t._own_param_names():
            values = [v for v in t.params.getlist(name) if v != ""]
            if values:
                q.setlist(name, values)
        for key, value in changes.items():
            if value is None:
                q.pop(t.param(key), None)
            else:
                q[t.param(key)] = str(value)
        return f"{t.path}?{q.urlencode()}" if q else t.path

    for changes in ({}, {"page": 3}, {"sort": "contract", "page": None}, {"cursor": "x y/ù"}):
        assert t.url(**changes) == former(changes)
    t.form = LineFilter(data={"linea": "7"})  # a form without the prefix: "linea" not carried
    assert t.url() == former({}) == "/linee/?a-sort=-msisdn&a-per_page=25&a-page=2"
    t.form = LineFilter(data=t.params, prefix="a")
    assert t.url() == former({}) and "a-linea=3+3%2B1%26%C3%A8" in t.url()


def test_search_by_msisdn_full_and_last_digits(lines37):
    target = lines37[5]
    assert msisdns(table({"linea": target.msisdn})) == [target.msisdn]
    assert msisdns(table({"linea": "+39 " + target.msisdn})) == [target.msisdn]
    assert target.msisdn in msisdns(table({"linea": target.msisdn[-4:]}))


def test_search_by_iccid_full_and_last_digits(lines37):
    target = lines37[7]
    iccid = target.sims.get().iccid
    assert msisdns(table({"linea": iccid})) == [target.msisdn]
    assert msisdns(table({"linea": iccid[-8:]})) == [target.msisdn]


def test_line_with_two_sims_is_listed_once(contract):
    sim = f.SimFactory(line__contract=contract, iccid="8939010000000000123")
    f.SimFactory(line=sim.line, iccid="8939010000000001123", role="SECONDARIA", contract=contract)
    t = table({"linea": "123"})
    assert t.count == 1 and msisdns(t) == [sim.line.msisdn]


def test_invalid_search_shows_an_error_and_filters_nothing(lines37):
    t = table({"linea": "abc"})
    assert t.count == 37
    assert t.form.errors["linea"]


def test_search_never_widens_the_scope(contract, other_contract):
    mine = f.SimFactory(line__contract=contract).line
    theirs = f.SimFactory(line__contract=other_contract).line
    scoped = Line.objects.filter(contract=contract)
    assert msisdns(table({"linea": theirs.msisdn}, scoped)) == []
    assert msisdns(table({"linea": theirs.sims.get().iccid}, scoped)) == []
    assert msisdns(table({}, scoped)) == [mine.msisdn]


def test_prefix_lets_two_lists_share_a_page(lines37):
    t = table({"a-sort": "-msisdn", "sort": "activation_date"}, prefix="a")
    assert t.ordering[0].name == "msisdn" and t.ordering[1] is True
    assert t.list_id == "lista-a"
    assert "a-sort=" in t.headers[0]["url"]


def test_fragment_only_for_htmx_requests_aimed_at_the_list(lines37):
    t = table()
    plain = rf.get("/linee/")
    plain.htmx = False
    assert not is_fragment_request(plain, t)

    from django_htmx.middleware import HtmxDetails

    req = rf.get("/linee/", headers={"HX-Request": "true", "HX-Target": t.list_id})
    req.htmx = HtmxDetails(req)
    assert is_fragment_request(req, t)
    other = rf.get("/linee/", headers={"HX-Request": "true", "HX-Target": "modal"})
    other.htmx = HtmxDetails(other)
    assert not is_fragment_request(other, t)
    restore = rf.get(
        "/linee/",
        headers={
            "HX-Request": "true",
            "HX-Target": t.list_id,
            "HX-History-Restore-Request": "true",
        },
    )
    restore.htmx = HtmxDetails(restore)
    assert not is_fragment_request(restore, t)


@pytest.mark.parametrize(
    ("fmt", "value", "html", "csv"),
    [
        (MONEY, Decimal("1234.56"), "1.234,56 €", "1234,56"),
        (MONEY, Decimal("-1234567.5"), "-1.234.567,50 €", "-1234567,50"),
        (MONEY, Decimal("0"), "0,00 €", "0,00"),
        (decimal(3), Decimal("50"), "50,000", "50,000"),
        (decimal(4), Decimal("0.12345"), "0,1234", "0,1234"),
        (DATE, datetime.date(2024, 3, 7), "07/03/2024", "07/03/2024"),
        (MONEY, None, "", ""),
    ],
)
def test_formats(fmt, value, html, csv):
    assert fmt.html(value) == html
    assert fmt.csv(value) == csv


def test_datetime_is_shown_in_local_time():
    value = datetime.datetime(2024, 7, 1, 10, 5, tzinfo=datetime.UTC)
    assert DATETIME.html(value) == "01/07/2024 12:05"  # Europe/Rome, summer time
    assert DATETIME.xlsx(value) == datetime.datetime(2024, 7, 1, 12, 5)


def test_only_a_posted_known_format_exports(lines37):
    t = table({"export": "xlsx"})
    assert t.posted_export_format({"export": "pdf"}) is None
    assert t.posted_export_format({}) is None
    assert t.posted_export_format({"export": "csv"}) == "csv"


def test_a_subclass_meta_refines_its_base_tables_meta():
    from portale.core.lists import Column, Table

    class Base(Table):
        msisdn = Column("Numero", sort=True)

        class Meta:
            default_order = "-msisdn"
            noun = "linee"

    class Child(Base):
        class Meta:
            export_name = "figlio"

    assert Child._meta.default_order == "-msisdn"
    assert Child._meta.noun == "linee"
    assert Child._meta.export_name == "figlio"
    assert Base._meta.export_name == "export"


class BackgroundLines(LinesTable):
    class Meta:
        export_kind = "ProvaLinee"


def _post(data, query=None, user=None, contract=None):
    from types import SimpleNamespace

    from django.contrib.messages.storage.cookie import CookieStorage

    request = rf.post("/linee/" + (f"?{query}" if query else ""), data)
    request.htmx = False
    request.user = user
    request.portal = SimpleNamespace(contract=contract)
    request._messages = CookieStorage(request)
    return request


def test_a_long_list_with_an_export_kind_is_exported_in_the_background(
    lines37, contract, roa, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from portale.core import export_jobs
    from portale.core.lists import render_list
    from portale.core.models import ExportJob

    monkeypatch.setitem(export_jobs.LISTS, "ProvaLinee", None)
    export_jobs.register_list(BackgroundLines, rows=lambda job: Line.objects.all())
    settings.EXPORT_SYNC_MAX_ROWS = 1000
    request = _post({"export": "csv"}, "linea=&sort=-msisdn", roa, contract)
    t = BackgroundLines.from_request(request, Line.objects.all())
    assert [link["background"] for link in t.export_links] == [False, False]
    response = render_list(request, t, "unused.html")
    assert response["Content-Disposition"].startswith("attachment")  # short: a download
    assert not ExportJob.objects.exists()

    settings.EXPORT_SYNC_MAX_ROWS = 36
    request = _post({"export": "csv"}, "sort=-msisdn", roa, contract)
    t = BackgroundLines.from_request(request, Line.objects.all())
    assert "Richiedi l'export" in t.export_links[0]["title"]
    with django_capture_on_commit_callbacks(execute=True):
        response = render_list(request, t, "unused.html")
    assert response.status_code == 302 and response["Location"] == "/linee/?sort=-msisdn"
    job = ExportJob.objects.get()
    assert (job.user, job.contract, job.kind, job.params) == (
        roa,
        contract,
        "ProvaLinee",
        {"sort": ["-msisdn"]},
    )
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.rows == 37
    with job.file.open("rb") as fh:
        lines = fh.read().decode("utf-8-sig").splitlines()
    assert lines[1].startswith(max(line.msisdn for line in lines37))  # sorted as asked


def test_a_list_without_an_export_kind_always_downloads(lines37, settings):
    from portale.core.lists import render_list

    settings.EXPORT_SYNC_MAX_ROWS = 1
    request = _post({"export": "xlsx"})
    t = LinesTable.from_request(request, Line.objects.all())
    assert not t.should_export_in_background()
    assert render_list(request, t, "unused.html")["Content-Disposition"].startswith("attachment")
