import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from portale.records.tests import factories as f
from portale.tem import anomalies, selectors
from portale.tem.selectors import TemScope

from .helpers import at, event, open_tem, rate

pytestmark = pytest.mark.django_db


def _monthly_voice(line, months, minutes):
    """One voice call a month; its list price follows the minutes (national voice)."""
    return [event(line, at(m, 12), seconds=60 * n) for m, n in zip(months, minutes, strict=True)]


@pytest.fixture
def months():
    return list(reversed(selectors.recent_months(8)))[:-1]  # 7 closed months, oldest first


def test_a_seeded_spike_is_flagged_and_flat_traffic_is_not(contract, months):
    flat = f.LineFactory(contract=contract)
    spiky = f.LineFactory(contract=contract)
    rate(_monthly_voice(flat, months, [500] * 7))
    rate(_monthly_voice(spiky, months, [500] * 6 + [5000]))  # 10× its usual spend
    scope = TemScope((contract,))
    found = anomalies.spikes(scope, months[-1])
    assert [s.msisdn for s in found] == [spiky.msisdn]
    assert found[0].ratio == Decimal("10.0")
    assert anomalies.spikes(scope, months[-2]) == []  # flat months: nothing


def test_nothing_is_flagged_on_flat_traffic_of_many_lines(contract, months):
    lines = [f.LineFactory(contract=contract) for _ in range(5)]
    rate([e for i, ln in enumerate(lines) for e in _monthly_voice(ln, months, [300 + i] * 7)])
    scope = TemScope((contract,))
    assert all(anomalies.spikes(scope, m) == [] for m in months)


def test_find_spikes_rules():
    m = datetime.date(2026, 7, 1)
    hist = {
        1: {selectors.month_add(m, -i): Decimal(10) for i in range(1, 7)} | {m: Decimal(31)},
        2: {selectors.month_add(m, -i): Decimal(10) for i in range(1, 7)} | {m: Decimal(30)},
        3: {m: Decimal(500)},  # no history: nothing to compare with
        4: {selectors.month_add(m, -1): Decimal("0.50"), m: Decimal("3")},  # +2.50 €: too small
    }
    assert [r[0] for r in anomalies.find_spikes(hist, m)] == [1]


def test_first_extra_eu_roaming_and_idle_lines(client, roa, contract, months):
    seasoned = f.LineFactory(contract=contract)
    newcomer = f.LineFactory(contract=contract)
    idle = f.LineFactory(contract=contract)  # activated in 2021 by the factory, no traffic
    rate(
        [
            event(seasoned, at(months[-3]), category="DATI", kb=1000, zone="EXTRA_UE"),
            event(seasoned, at(months[-1]), category="DATI", kb=1000, zone="EXTRA_UE"),
            event(newcomer, at(months[-1]), category="DATI", kb=1000, zone="EXTRA_UE"),
            event(newcomer, at(months[-2]), category="DATI", kb=1000, zone="UE"),
        ]
    )
    scope = TemScope((contract,))
    assert [r.msisdn for r in anomalies.first_extra_eu(scope, months[-1])] == [newcomer.msisdn]
    today = selectors.month_add(months[-1], 1)
    idle_found = {r.msisdn for r in anomalies.idle_lines(scope, today=today)}
    assert idle.msisdn in idle_found and newcomer.msisdn not in idle_found
    open_tem(client, roa, contract)
    html = client.get(reverse("tem:anomalies"), {"mese": f"{months[-1]:%Y-%m}"}).content.decode()
    roaming = html.split('id="tem-roaming"')[1].split("</table>")[0]
    assert newcomer.msisdn in roaming
    # the month's Extra UE amount in the Italian format, as every amount of the portal
    (found,) = anomalies.first_extra_eu(scope, months[-1])
    assert Decimal("1") < found.amount < Decimal("1000")
    shown = f"{found.amount:.2f}".replace(".", ",")
    assert f'<td class="text-end">{shown} €</td>' in roaming
