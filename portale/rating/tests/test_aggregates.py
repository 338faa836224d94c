"""The usage aggregates are exact: recomputed from the events they equal what rating kept,
after interleaved batches, late events, a re-run of rating and cost-centre moves."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from portale.rating.services import rate_events, rate_pending
from portale.records import aggregates
from portale.records import services as records
from portale.records.models import TrafficEvent, UsageContractMonth, UsageLineMonth
from portale.records.models.aggregates import KEY, SUMS
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def _norm(v):
    return Decimal(v or 0).quantize(Decimal("0.0001")) if not isinstance(v, int) else v


def line_rows_kept():
    return {
        (r.line_id, *(getattr(r, k) for k in KEY)): (
            *(_norm(getattr(r, s)) for s in SUMS),
            r.first_day,
            r.last_day,
        )
        for r in UsageLineMonth.objects.all()
    }


def line_rows_recomputed():
    return {
        (r["line_id"], *(r[k] for k in KEY)): (
            *(_norm(r[f"s_{s}"]) for s in SUMS),
            r["first"],
            r["last"],
        )
        for r in aggregates.line_months_from_events()
    }


def contract_rows_kept():
    return {
        (r.contract_id, r.cost_centre_key, *(getattr(r, k) for k in KEY)): tuple(
            _norm(getattr(r, s)) for s in SUMS
        )
        for r in UsageContractMonth.objects.exclude(events=0)
    }


def contract_rows_recomputed():
    return {
        (r["line__contract_id"], r["line__cost_centre_id"] or 0, *(r[k] for k in KEY)): tuple(
            _norm(r[f"s_{s}"]) for s in SUMS
        )
        for r in aggregates.contract_months_from_lines()
    }


def assert_exact():
    kept = line_rows_kept()
    assert kept and kept == line_rows_recomputed()
    assert contract_rows_kept() == contract_rows_recomputed()


def _events(lines, n, start, *, seed=0):
    out = []
    cats = [("VOCE", "MOC"), ("DATI", "GPRS"), ("SMS_MMS", "SMS")]
    zones = ["", "UE", "EXTRA_UE"]
    for i in range(n):
        k = i + seed
        line = lines[k % len(lines)]
        cat, typ = cats[k % 3]
        out.append(
            TrafficEvent(
                line=line,
                occurred_at=start + datetime.timedelta(hours=7 * k + (k % 5)),
                category=cat,
                type=typ,
                duration_seconds=60 + k % 300 if cat == "VOCE" else 0,
                volume_kb=1000 + 37 * k if cat == "DATI" else 0,
                roaming_zone=zones[(k // 3) % 3],
                charging="AZIENDALE",
                called_number="3399902123",
            )
        )
    return TrafficEvent.objects.bulk_create(out)


@pytest.fixture
def lines(contract):
    centre = f.CostCentreFactory(contract=contract)
    ls = [f.LineFactory(contract=contract) for _ in range(4)]
    records.lines_cost_centre_assign(contract=contract, assignments={ls[0].pk: centre.pk})
    return ls


def test_aggregates_equal_the_events_after_interleaved_batches_and_reruns(lines):
    start = timezone.make_aware(datetime.datetime(2026, 8, 20, 8))
    evs = _events(lines, 120, start)
    ids = [e.pk for e in evs]
    # interleaved batches: odd ids, then even ids, then every id again (a retry: adds nothing)
    rate_events(event_ids=ids[1::2])
    rate_events(event_ids=ids[0::2])
    before = line_rows_kept()
    rate_events(event_ids=ids)
    rate_pending()
    assert line_rows_kept() == before
    assert_exact()
    # a late event: occurred in August, rated now, lands in August's rows
    late = _events(lines[:1], 1, start - datetime.timedelta(days=3), seed=7)
    rate_events(event_ids=[late[0].pk])
    assert_exact()
    assert TrafficEvent.objects.filter(rated_at__isnull=True).count() == 0


def test_contract_rows_follow_the_lines_when_they_change_cost_centre(contract, lines):
    start = timezone.make_aware(datetime.datetime(2026, 9, 1, 8))
    rate_events(event_ids=[e.pk for e in _events(lines, 60, start)])
    other = f.CostCentreFactory(contract=contract)
    records.lines_cost_centre_assign(
        contract=contract, assignments={lines[0].pk: other.pk, lines[1].pk: other.pk}
    )
    assert_exact()
    assert UsageContractMonth.objects.filter(cost_centre_key=other.pk).exists()
    records.cost_centre_delete(contract=contract, cost_centre_id=other.pk)
    assert_exact()
    assert not UsageContractMonth.objects.filter(cost_centre_key=other.pk).exists()


def test_rebuild_recomputes_the_same_rows(lines):
    start = timezone.make_aware(datetime.datetime(2026, 9, 1, 8))
    rate_events(event_ids=[e.pk for e in _events(lines, 50, start)])
    kept_lines, kept_contracts = line_rows_kept(), contract_rows_kept()
    UsageLineMonth.objects.update(events=999)
    records.usage_aggregates_rebuild()
    assert line_rows_kept() == kept_lines and contract_rows_kept() == kept_contracts


@pytest.mark.django_db(transaction=True)
def test_parallel_raters_keep_the_aggregates_exact(contract):
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL")
    ls = [f.LineFactory(contract=contract) for _ in range(6)]
    start = timezone.make_aware(datetime.datetime(2026, 9, 1, 8))
    ids = [e.pk for e in _events(ls, 600, start)]
    chunks = [ids[i::4] for i in range(4)]
    errors = []

    def work(chunk):
        try:
            for i in range(0, len(chunk), 25):
                rate_events(event_ids=chunk[i : i + 25])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert_exact()
