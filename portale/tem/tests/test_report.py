import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from portale.records import services as records
from portale.records.models import Referent, TrafficEvent
from portale.records.tests import factories as f
from portale.tem import selectors
from portale.tem.selectors import Filters

from .helpers import at, event, open_tem, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def traffic(contract):
    months = selectors.recent_months(3)
    centre_a = records.cost_centre_create(contract=contract, code="UFFICIO A")
    centre_b = records.cost_centre_create(contract=contract, code="UFFICIO B")
    lines = [f.LineFactory(contract=contract) for _ in range(4)]
    records.lines_cost_centre_assign(
        contract=contract,
        assignments={lines[0].pk: centre_a.pk, lines[1].pk: centre_a.pk, lines[2].pk: centre_b.pk},
    )
    evs = []
    for i, line in enumerate(lines):
        for m in months[:2]:
            evs.append(event(line, at(m, 3 + i), seconds=600 + 60 * i))
            evs.append(event(line, at(m, 5 + i), category="DATI", kb=300_000 * (i + 1)))
            evs.append(event(line, at(m, 7), category="DATI", kb=50_000, zone="EXTRA_UE"))
    rate(evs)
    return {"months": months, "lines": lines, "a": centre_a, "b": centre_b}


def _total_from_events(contract, start, end, **kw):
    lo, hi = at(start, 1, 0), at(selectors.month_add(end, 1), 1, 0)
    qs = TrafficEvent.objects.filter(
        line__contract=contract, occurred_at__gte=lo, occurred_at__lt=hi, **kw
    )
    return qs.aggregate(s=Sum("net_amount"))["s"] or Decimal(0)


def test_report_by_cost_centre_and_type_equals_the_events(contract, traffic):
    m = traffic["months"]
    scope = selectors.TemScope((contract,))
    f_ = Filters(start=m[1], end=m[0])
    pivot = selectors.report(scope, f_, rows="cdc", cols="tipo")
    assert pivot.source == "contratto"
    expected = _total_from_events(contract, m[1], m[0]).quantize(Decimal("0.01"))
    assert pivot.total == expected > 0
    labels = [label for _k, label in pivot.rows]
    assert labels == ["UFFICIO A", "UFFICIO B", "Senza centro di costo"]
    # the same report through the line-level aggregate (a line filter) agrees
    all_lines = Filters(start=m[1], end=m[0], lines=[ln.pk for ln in traffic["lines"]])
    assert selectors.report(scope, all_lines, rows="cdc", cols="tipo").cells == pivot.cells
    only_a = selectors.report(
        scope,
        Filters(start=m[1], end=m[0], centres=[traffic["a"].pk], zones=["EXTRA_UE"]),
        rows="cdc",
    )
    expected_a = _total_from_events(
        contract, m[1], m[0], line__cost_centre=traffic["a"], roaming_zone="EXTRA_UE"
    ).quantize(Decimal("0.01"))
    assert only_a.total == expected_a > 0


def test_report_page_filters_and_exports_xlsx_with_the_page_totals(client, roa, contract, traffic):
    open_tem(client, roa, contract)
    m = traffic["months"]
    params = {
        "cdc": [str(traffic["a"].pk)],
        "tipo": ["DATI"],
        "da": f"{m[1]:%Y-%m}",
        "a": f"{m[0]:%Y-%m}",
    }
    resp = client.get(reverse("tem:report"), params)
    html = resp.content.decode()
    assert (
        resp.status_code == 200
        and 'id="tem-chart"' in html
        and "vendor/echarts/echarts.min.js" in html
    )
    assert "UFFICIO A" in html and "UFFICIO B" not in html.split("tem-table")[1]
    total = _total_from_events(
        contract, m[1], m[0], line__cost_centre=traffic["a"], category="DATI"
    ).quantize(Decimal("0.01"))
    assert f'id="tem-grand-total" data-value="{total}"' in html
    xlsx = client.get(reverse("tem:report"), {**params, "formato": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[0] == "Totale" and Decimal(str(last[-1])).quantize(Decimal("0.01")) == total
    pdf = client.get(reverse("tem:report"), {**params, "formato": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"


def test_another_contract_through_tem_is_not_found(client, roa, contract, other_contract, traffic):
    open_tem(client, roa, contract)
    foreign = records.cost_centre_create(contract=other_contract, code="ALTRO")
    assert (
        client.get(reverse("tem:report"), {"contratto": [str(other_contract.pk)]}).status_code
        == 404
    )
    assert client.get(reverse("tem:report"), {"cdc": [str(foreign.pk)]}).status_code == 404
    other_line = f.LineFactory(contract=other_contract)
    resp = client.get(reverse("tem:report"), {"linee": other_line.msisdn})
    assert (
        resp.status_code == 200 and "Linee non presenti sui tuoi contratti" in resp.content.decode()
    )


def test_it_checks_ownership(client, traffic_manager, employee, contract, traffic):
    for user in (traffic_manager, employee):
        client.force_login(user)
        assert client.get(reverse("tem:report")).status_code == 403


def test_trend_top_lines_anomalies_and_audit_pages_answer(client, ebill, contract, traffic):
    open_tem(client, ebill, contract, "EB")
    for name in ("tem:trend", "tem:top_lines", "tem:anomalies", "tem:audit"):
        assert client.get(reverse(name)).status_code == 200, name
    html = client.get(reverse("tem:trend"), {"righe": "bimestre"}).content.decode()
    assert selectors.bimester_label(traffic["months"][0]) in html
    html = client.get(reverse("tem:top_lines")).content.decode()
    assert all(ln.msisdn in html for ln in traffic["lines"])


def test_modulo_tem_hands_over_in_a_new_window_once(client, roa, contract):
    client.force_login(roa)
    home = client.get(reverse("home:index")).content.decode()
    url = reverse("billing:tem")
    link = re.search(rf'<a [^>]*href="{url}"[^>]*>', home).group(0)
    assert 'target="_blank"' in link  # "Modulo TEM" opens a new window
    # without a grant, a TEM page sends the user through the hand-off
    resp = client.get(reverse("tem:report"))
    assert resp.status_code == 302 and resp.url.startswith(reverse("billing:tem"))
    start = client.get(reverse("billing:tem")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', start).group(1)
    entry = client.post(reverse("tem:entry"), {"token": token})
    assert entry.status_code == 303 and entry.url == reverse("tem:report")
    assert client.get(reverse("tem:report")).status_code == 200
    replay = client.post(reverse("tem:entry"), {"token": token})
    assert replay.status_code == 403 and "già stato usato" in replay.content.decode()


def test_a_grant_the_records_no_longer_justify_is_refused(client, roa, contract, traffic):
    open_tem(client, roa, contract)
    assert client.get(reverse("tem:report")).status_code == 200
    Referent.objects.filter(mobile=roa.mobile).delete()  # the role is gone
    assert client.get(reverse("tem:report")).status_code == 403


def test_billed_and_unbilled(contract, traffic):
    m = traffic["months"]
    b, y = (int(x) for x in selectors.bimester_label(m[2]).split("/"))
    f.InvoiceFactory(contract=contract, bimester=f"{b}/{y}")
    scope = selectors.TemScope((contract,))
    whole = selectors.report(scope, Filters(start=m[2], end=m[0]), rows="mese")
    billed = selectors.report(
        scope, Filters(start=m[2], end=m[0], billing="fatturato"), rows="mese"
    )
    unbilled = selectors.report(
        scope, Filters(start=m[2], end=m[0], billing="non_fatturato"), rows="mese"
    )
    assert billed.total + unbilled.total == whole.total
    billed_months = {k for k, _l in billed.rows}
    assert billed_months <= {datetime.date(y, 2 * b - 1, 1), datetime.date(y, 2 * b, 1)}


@pytest.mark.parametrize("cols", ["tipo", ""])
def test_a_breakdown_by_line_keeps_the_top_lines_and_folds_the_rest(
    contract, traffic, monkeypatch, cols
):
    m = traffic["months"]
    scope = selectors.TemScope((contract,))
    f_ = Filters(start=m[1], end=m[0])
    monkeypatch.setattr(selectors, "LINE_ROWS_MAX", 2)
    by_line = selectors.report(scope, f_, rows="linea", cols=cols)
    whole = selectors.report(scope, f_, rows="cdc", cols=cols)
    keys = [k for k, _label in by_line.rows]
    assert len(keys) == 3 and keys[-1] == selectors.OTHER  # two lines, then "Altre linee"
    # the two lines with the highest totals (the later lines carry more data traffic)
    spend = {ln.msisdn: _line_total(ln, m) for ln in traffic["lines"]}
    top = sorted(spend, key=lambda msisdn: -spend[msisdn])[:2]
    assert sorted(keys[:2]) == sorted(top)
    for msisdn in top:
        assert by_line.row_total(msisdn) == spend[msisdn].quantize(Decimal("0.01"))
    assert by_line.total == whole.total
    assert [by_line.col_total(c) for c, _l in by_line.cols] == [
        whole.col_total(c) for c, _l in whole.cols
    ]


def _line_total(line, m):
    lo, hi = at(m[1], 1, 0), at(selectors.month_add(m[0], 1), 1, 0)
    qs = TrafficEvent.objects.filter(line=line, occurred_at__gte=lo, occurred_at__lt=hi)
    return qs.aggregate(s=Sum("net_amount"))["s"] or Decimal(0)
