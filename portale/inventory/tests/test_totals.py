"""Maintained totals of "Su linea" (issue 17): what the lists show equals the real counts
while lines are added, ceased, moved between contracts, changed in bulk and deleted, and
the pages read no more rows with a longer contract."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portale.inventory import selectors
from portale.records import selectors as records
from portale.records.models import Sim

from . import data

pytestmark = pytest.mark.django_db


def real_groups(contract) -> dict[tuple[str, str], int]:
    """The aggregate counted from the lines themselves (what the page did before)."""
    rows = (
        records.lines_of_contract(contract=contract)
        .values("tariff_plan__name", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["tariff_plan__name"], r["state"]): r["n"] for r in rows}


def shown_groups(contract) -> dict[tuple[str, str], int]:
    return {(r["profilo"], r["stato"]): r["totale"] for r in selectors.aggregate_lines(contract)}


def shown_total(client, kind: str) -> int:
    html = client.get(reverse("inventory:detail_list", args=[kind])).content.decode()
    return int(re.search(r"Tot\. record (\d+)", html).group(1))


def check(client, contract) -> None:
    assert shown_groups(contract) == real_groups(contract)
    real_sims = selectors.listed_sims(contract).count()
    assert selectors.listed_sims_count(contract) == real_sims
    assert shown_total(client, "linee") == real_sims
    html = client.get(reverse("inventory:aggregate_list", args=["linee"])).content.decode()
    assert f"Tot. record {len(real_groups(contract))}" in html


def test_counts_follow_added_ceased_moved_and_deleted_lines(client, roa, contract, other_contract):
    client.force_login(roa)
    lines = [data.line(contract, plan="PA 8") for _ in range(3)]
    for ln in lines:
        data.sim(ln)
    check(client, contract)

    # added: a prepaid line with One Number (two SIMs), and a line without a SIM yet
    prepaid = data.line(contract, plan="RICARICABILE Business VOLTE", category="RICARICABILE")
    data.sim(prepaid)
    data.sim(prepaid, role=Sim.Role.SECONDARY)
    data.line(contract, plan="PA 8")
    check(client, contract)

    # a SIM replaced: the old one ceased on a live line is no longer listed
    old = lines[0].sims.get()
    old.state = Sim.State.CEASED
    old.save()
    data.sim(lines[0])
    check(client, contract)

    # ceased: the line and its ceased SIMs are listed again
    lines[0].state = "CESSATO"
    lines[0].cessation_date = lines[0].activation_date
    lines[0].save()
    check(client, contract)

    # moved to another contract (with its SIM), and a plan change
    lines[1].contract = other_contract
    lines[1].save()
    lines[2].tariff_plan = prepaid.tariff_plan
    lines[2].save()
    check(client, contract)
    assert shown_groups(other_contract) == real_groups(other_contract) == {("PA 8", "ATTIVO"): 1}

    # a change in bulk (one UPDATE statement) and a SIM taken off its line
    records.lines_of_contract(contract=contract).filter(state="ATTIVO").update(state="SOSPESO")
    sim = prepaid.sims.filter(role=Sim.Role.SECONDARY).get()
    sim.line = None
    sim.save()
    check(client, contract)

    # deleted (SIMs first, as Django's cascade does)
    prepaid.delete()
    check(client, contract)
    assert ("RICARICABILE Business VOLTE", "SOSPESO") in real_groups(contract)


def test_a_search_counts_its_own_rows(client, roa, contract):
    """The tally is the unsearched total: a searched list counts what it found."""
    client.force_login(roa)
    for n in range(3):
        data.sim(data.line(contract, msisdn=f"331000000{n}"))
    url = reverse("inventory:detail_list", args=["linee"])
    assert "Tot. record 1" in client.get(url, {"linea": "3310000001"}).content.decode()
    assert "Tot. record 3" in client.get(url).content.decode()


def _line_reads(client, url) -> list[str]:
    """The queries of a page that read lines or SIMs without a LIMIT (a scan of the
    contract, whatever the plan) — a COUNT(*) or GROUP BY over them included."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    reads = []
    for q in ctx.captured_queries:
        sql = q["sql"]
        if not re.match(r"\s*SELECT", sql, re.I):
            continue
        if not re.search(r'FROM "records_(line|sim)"', sql):
            continue
        if re.search(r"\bLIMIT\b", sql, re.I):
            continue
        if re.search(r'WHERE "records_(line|sim)"\."id" = ', sql):
            continue  # one row by primary key
        reads.append(sql)
    return reads


@pytest.mark.parametrize(
    "url",
    [
        reverse("inventory:aggregate_list", args=["linee"]),
        reverse("inventory:detail_list", args=["linee"]),
        reverse("inventory:detail_list", args=["linee"]) + "?page=2",
    ],
)
def test_su_linea_pages_scan_no_lines(client, roa, contract, url):
    client.force_login(roa)
    for _ in range(12):
        data.sim(data.line(contract))
    assert _line_reads(client, url) == []
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(40):
        data.sim(data.line(contract))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    # the same queries with 12 and 52 lines: nothing per row
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_scan_finder_finds_the_old_count(client, roa, contract, monkeypatch):
    """Without the tally, the detail page's COUNT(*) over SIMs ⋈ lines is caught."""
    client.force_login(roa)
    data.sim(data.line(contract))
    from portale.inventory import tables

    kind = dataclasses.replace(tables.DETAILS["linee"], total=None)
    monkeypatch.setitem(tables.DETAILS, "linee", kind)
    reads = _line_reads(client, reverse("inventory:detail_list", args=["linee"]))
    assert reads and "COUNT(*)" in reads[0]


def real_service_groups(contract) -> dict[tuple[str, str], int]:
    """ "Servizi su linea" counted from the services themselves (what the page did before)."""
    rows = (
        records.line_services_of_contract(contract=contract)
        .values("description", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(r["description"], r["state"]): r["n"] for r in rows}


def check_services(client, contract) -> None:
    shown = {
        (r["descrizione"], r["stato"]): r["totale"]
        for r in selectors.aggregate_line_services(contract)
    }
    assert shown == real_service_groups(contract)
    html = client.get(reverse("inventory:aggregate_list", args=["sts"])).content.decode()
    assert f"Tot. record {len(shown)}" in html


def test_service_counts_follow_added_ceased_moved_and_deleted_lines(
    client, roa, contract, other_contract
):
    """The STS aggregate reads maintained totals (records/0011): they equal the real counts
    after services and lines are added, changed, ceased in bulk, moved and deleted."""
    client.force_login(roa)
    lines = [data.line(contract) for _ in range(3)]
    for ln in lines:
        data.sts(ln, "RIF USCENTE")
        data.sts(ln, "BLOCCO SATELLITARE")
    check_services(client, contract)

    # added on a new line, and one service changed state and description
    new = data.line(contract)
    data.sts(new, "RIF USCENTE", state="IN ATTIVAZIONE")
    svc = lines[0].services.get(description="RIF USCENTE")
    svc.state, svc.description = "SOSPESO", "RIF ENTRANTE"
    svc.save()
    check_services(client, contract)

    # a line ceased with its services, in bulk (one UPDATE statement each)
    lines[1].services.all().update(state="CESSATO")
    records.lines_of_contract(contract=contract).filter(pk=lines[1].pk).update(state="CESSATO")
    check_services(client, contract)

    # a line moved to another contract takes its services along
    lines[2].contract = other_contract
    lines[2].save()
    check_services(client, contract)
    assert real_service_groups(other_contract) == {
        ("RIF USCENTE", "ATTIVO"): 1,
        ("BLOCCO SATELLITARE", "ATTIVO"): 1,
    }
    assert {
        (r["descrizione"], r["stato"]): r["totale"]
        for r in selectors.aggregate_line_services(other_contract)
    } == real_service_groups(other_contract)

    # a service moved to another line, then deleted; a line deleted with its services
    svc.line = new
    svc.save()
    check_services(client, contract)
    svc.delete()
    new.delete()
    check_services(client, contract)


def test_sts_aggregate_scans_no_services(client, roa, contract):
    client.force_login(roa)
    for _ in range(5):
        data.sts(data.line(contract))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("inventory:aggregate_list", args=["sts"]))
    assert not [q for q in ctx.captured_queries if 'FROM "records_lineservice"' in q["sql"]]


def test_tim_tuo_counts_follow_added_changed_moved_and_deleted_rows(
    client, roa, contract, other_contract
):
    """The TIM TUO aggregates read maintained totals (records/0011) equal to real counts."""
    from portale.records.models import DualBilling
    from portale.records.tests import factories as f

    sub, pre = DualBilling.Kind.SUBSCRIPTION, DualBilling.Kind.PREPAID

    def real(c, kind):
        rows = records.dual_billings_of_contract(contract=c, kind=kind).values("state")
        return dict(rows.annotate(n=Count("pk")).values_list("state", "n"))

    def check_tim_tuo(c):
        for kind in (sub, pre):
            shown = {r["stato"]: r["totale"] for r in selectors.aggregate_dual_billing(c, kind)}
            assert shown == real(c, kind), kind

    client.force_login(roa)
    lines = [data.line(contract) for _ in range(3)]
    rows = [f.DualBillingFactory(line=ln, kind=sub) for ln in lines]
    f.DualBillingFactory(line=data.line(contract), kind=pre)
    check_tim_tuo(contract)
    assert real(contract, sub) == {"ATTIVO": 3}

    rows[0].state = "CESSATO"
    rows[0].save()
    DualBilling.objects.filter(pk=rows[1].pk).update(kind=pre)
    check_tim_tuo(contract)

    lines[2].contract = other_contract
    lines[2].save()
    check_tim_tuo(contract)
    check_tim_tuo(other_contract)
    assert real(other_contract, sub) == {"ATTIVO": 1}

    rows[2].delete()
    lines[0].delete()
    check_tim_tuo(contract)
    check_tim_tuo(other_contract)
    html = client.get(reverse("inventory:aggregate_list", args=["timtuo-abbonamento"]))
    assert html.status_code == 200
