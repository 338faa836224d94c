"""Monitoring soglie at scale (issues 11 and 17): deep pages, line search, CSV of every line.

"Monitoring erosione" walked page by page through the pager's links shows the rows OFFSET
showed, and a page past the first reads no OFFSET; searching a line by its last digits reads
the thresholds by line id (the suffix is matched in the lines' and SIMs' own tables, by
their indexes on PostgreSQL), never with a LIKE across the join; the CSV of every line
(Ricerca avanzata) is one query that builds no model instance, with the rows the columns
show.
"""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portale.records.models import Threshold
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def thresholds(contract, other_contract):
    out = []
    for i in range(57):
        line = f.SimFactory(line__contract=contract).line
        out.append(f.ThresholdFactory(line=line, value=Decimal(50), available=Decimal(i % 50) + 1))
        if i % 4 == 0:  # a second threshold on some lines: rows tie on the line number
            out.append(
                f.ThresholdFactory(
                    line=line,
                    kind="DATI_EXTRA_UE",
                    description="SOGLIA INFO VALORE DATI EXTRA UE PA",
                    value=Decimal(50),
                    available=Decimal(20),
                )
            )
    f.ThresholdFactory(line=f.SimFactory(line__contract=other_contract).line)
    return out


def next_link(response) -> str:
    text = response.content.decode()
    found = re.search(r'href="([^"]+)"[^>]*aria-label="Pagina successiva"', text)
    return html.unescape(found.group(1)) if found else ""


def threshold_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if 'FROM "records_threshold"' in q["sql"]]


def test_pages_by_the_pager_show_the_offset_rows_without_offset(client, roa, thresholds):
    client.force_login(roa)
    url = reverse("thresholds:monitoring")
    r = client.get(url)
    reference = list(r.context["table"].queryset.values_list("pk", flat=True))
    assert len(reference) == len(thresholds)  # the other contract's threshold is not listed
    seen = [row.pk for row in r.context["table"].page.object_list]
    link = next_link(r)
    number = 1
    while link:
        number += 1
        path = urlsplit(link)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(path.path + "?" + path.query)
        page = r.context["table"].page
        assert page.number == number
        seen += [row.pk for row in page.object_list]
        page_sql = [q for q in threshold_queries(ctx) if "LIMIT" in q and "COUNT" not in q]
        assert page_sql and all(" OFFSET " not in q for q in page_sql), page_sql
        link = next_link(r)
    assert seen == reference and number == 8


def test_a_line_found_by_its_last_digits_reads_thresholds_by_line_id(client, roa, thresholds):
    client.force_login(roa)
    target = thresholds[8].line
    sim = target.sims.first()
    url = reverse("thresholds:monitoring")
    for digits in (target.msisdn[-6:], target.msisdn, sim.iccid[-8:]):
        # Every listed line whose number or ICCID ends with the digits (the factories'
        # numbers may share their last six digits with another line's).
        expected = {
            t.pk
            for t in thresholds
            if t.line.msisdn.endswith(digits)
            or any(x.iccid.endswith(digits) for x in t.line.sims.all())
        }
        assert {t.pk for t in thresholds if t.line_id == target.pk} <= expected
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, {"linea": digits})
        assert {row.pk for row in r.context["table"].page.object_list} == expected, digits
        listed = threshold_queries(ctx)
        assert listed and all("LIKE" not in q for q in listed), listed
    r = client.get(url, {"linea": "98765432"})
    assert r.context["table"].count == 0


def test_the_csv_of_every_line_builds_no_instance(client, roa, thresholds, monkeypatch):
    client.force_login(roa)

    def no_instances(*args, **kwargs):
        raise AssertionError("the export built a model instance")

    monkeypatch.setattr(Threshold, "from_db", classmethod(no_instances))
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(reverse("thresholds:advanced"), {"export": "csv"})
        body = b"".join(r.streaming_content) if r.streaming else r.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))[1:]
    assert len(rows) == len(thresholds)
    assert len(threshold_queries(ctx)) == 1
    by_line = sorted((t.line.msisdn, t.pk) for t in thresholds)
    assert [r[0] for r in rows] == [msisdn for msisdn, _pk in by_line]
    first = min(thresholds, key=lambda t: (t.line.msisdn, t.pk))
    assert rows[0][3] == f"{first.available:.3f}".replace(".", ",")


def shown_total(client, name: str) -> int:
    page = client.get(reverse(name)).content.decode()
    return int(re.search(r"Tot\. record (\d+)", page).group(1))


def test_the_totals_follow_added_ceased_moved_and_deleted_thresholds(
    client, roa, contract, other_contract, thresholds
):
    """The "Tot. record" of both tabs comes from the maintained totals and equals the real
    counts as thresholds are added, ceased, moved with their line and deleted."""
    client.force_login(roa)

    def check():
        every = Threshold.objects.filter(line__contract=contract)
        live = every.filter(state__in=["IN ATTIVAZIONE", "ATTIVO"])
        assert shown_total(client, "thresholds:monitoring") == every.count()
        assert shown_total(client, "thresholds:advanced") == live.count()

    check()
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("thresholds:monitoring"))
    counts = [q for q in threshold_queries(ctx) if "COUNT(" in q.upper()]
    assert counts == []  # the page counts no threshold rows
    f.ThresholdFactory(line=f.SimFactory(line__contract=contract).line)
    check()
    Threshold.objects.filter(pk__in=[t.pk for t in thresholds[:5]]).update(state="CESSATO")
    check()
    moved = thresholds[10].line
    moved.contract = other_contract
    moved.save(update_fields=["contract"])
    check()
    Threshold.objects.filter(pk=thresholds[20].pk).delete()
    check()


def test_the_rows_read_the_line_number_as_a_value_and_show_the_same_cells(
    client, roa, thresholds, monkeypatch
):
    """Monitoring erosione and Ricerca avanzata read each threshold with its line's number
    (``line_msisdn``), no line instance (issue 17): one read of the thresholds, no line
    instance, and each row shows the number, the erosion link and its label as before."""
    from portale.records.models import Line

    client.force_login(roa)

    def no_line(*args, **kwargs):
        raise AssertionError("the page built a line instance")

    monkeypatch.setattr(Line, "from_db", classmethod(no_line))
    for name, per_page in (("thresholds:monitoring", 50), ("thresholds:advanced", 25)):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse(name), {"per_page": per_page, "sort": "-msisdn"})
        body = r.content.decode()
        rows = r.context["table"].page.object_list
        assert len(rows) == per_page and len(threshold_queries(ctx)) == 1
        by_pk = {t.pk: t for t in thresholds}
        numbers = [by_pk[row.pk].line.msisdn for row in rows]
        assert numbers == sorted(numbers, reverse=True)
        cells = re.findall(r'data-label="Linea" data-key-column>([^<]*)</td>', body)
        assert cells == numbers
        if name == "thresholds:monitoring":
            for row in rows:
                line = by_pk[row.pk].line
                link = reverse("thresholds:erosion", kwargs={"line_id": line.pk})
                assert f'href="{link}"' in body
                assert f"Monitoring erosione della linea {line.msisdn}" in body
