"""Over/extra bundle (F-7.3.5, G-23): a disabled flag stops the traffic beyond the bundle."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portale.rating.ingest import import_cdr_bytes
from portale.rating.services import REFUSED_EXTRA_BUNDLE, REFUSED_OVER_BUNDLE
from portale.records.models import Bundle, TrafficEvent
from portale.records.services import bundle_defaults
from portale.records.tests import factories as f

from .helpers import cdr_bytes, data, voice

pytestmark = pytest.mark.django_db


def _package_line(contract, **flags):
    plan = f.TariffPlanFactory(name="PA 8 PACCHETTO", category="PACCHETTO")
    extra = {f"line__{k}": v for k, v in flags.items()}
    line = f.SimFactory(line__contract=contract, line__tariff_plan=plan, **extra).line
    Bundle.objects.create(
        line=line,
        name="PACCHETTO 10 MINUTI",
        unit="MIN",
        scope="NAZIONALE",
        total=Decimal("10"),
        remaining=Decimal("10"),
        period_start=datetime.date(2021, 9, 1),
        updated_at=timezone.now(),
    )
    return line


def _ev(eid):
    return TrafficEvent.objects.get(external_id=eid)


def test_over_bundle_disabled_stops_the_call_where_the_bundle_ends(contract):
    line = _package_line(contract, over_bundle_national=False)
    m = line.msisdn
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("A1", m, "2021-09-01T09:00:00", 480),  # 8 min: inside
                voice("A2", m, "2021-09-01T10:00:00", 240),  # 2 in, 2 beyond: stopped
                voice("A3", m, "2021-09-01T11:00:00", 120),  # all beyond: refused
            ]
        )
    )
    a1, a2, a3 = _ev("A1"), _ev("A2"), _ev("A3")
    assert (a1.net_amount, a1.option) == (0, "PACCHETTO 10 MINUTI")
    assert a2.net_amount == 0 and a2.option.startswith(REFUSED_OVER_BUNDLE)
    assert a2.gross_amount > 0  # the covered share was carried
    assert (a3.gross_amount, a3.net_amount, a3.option) == (0, 0, REFUSED_OVER_BUNDLE)
    assert line.bundles.get().rating_counter.used == 600  # 10 minutes, not more


def test_the_same_traffic_is_paid_when_the_flag_is_enabled(contract):
    line = _package_line(contract, over_bundle_national=True)
    import_cdr_bytes(cdr_bytes([voice("B1", line.msisdn, "2021-09-01T09:00:00", 720)]))
    b1 = _ev("B1")
    assert b1.net_amount > 0 and "RIFIUTATO" not in b1.option


def test_extra_bundle_and_extra_ue_flags(contract):
    line = _package_line(contract, extra_bundle=False, over_bundle_extra_eu=False)
    m = line.msisdn
    import_cdr_bytes(
        cdr_bytes(
            [
                data("C1", m, "2021-09-02T09:00:00", 2048),  # no GB in the package
                voice("C2", m, "2021-09-02T10:00:00", 60, zone="EXTRA_UE"),  # no roaming bundle
                voice("C3", m, "2021-09-02T11:00:00", 60),  # national, in the bundle
            ]
        )
    )
    assert _ev("C1").option == REFUSED_EXTRA_BUNDLE and _ev("C1").net_amount == 0
    assert _ev("C2").option == REFUSED_OVER_BUNDLE and _ev("C2").net_amount == 0
    assert _ev("C3").option == "PACCHETTO 10 MINUTI"


def test_a_consumption_line_only_asks_the_extra_ue_flag(contract):
    line = f.SimFactory(
        line__contract=contract,
        line__extra_bundle=False,
        line__over_bundle_national=False,
        line__over_bundle_extra_eu=False,
    ).line  # PA 8: "Abbonamento a consumo"
    m = line.msisdn
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("D1", m, "2021-09-02T09:00:00", 60),
                data("D2", m, "2021-09-02T10:00:00", 1024, zone="EXTRA_UE"),
            ]
        )
    )
    assert _ev("D1").net_amount > 0 and _ev("D1").option == ""
    assert _ev("D2").option == REFUSED_OVER_BUNDLE


def test_personal_traffic_is_not_asked(contract):
    """TIM TUO: the employee pays their own traffic; the company's flags do not stop it."""
    line = _package_line(contract, over_bundle_national=False, dual_billing_enabled=True)
    f.DualBillingFactory(line=line, state="ATTIVO")
    import_cdr_bytes(
        cdr_bytes([voice("E1", line.msisdn, "2021-09-01T09:00:00", 900, charging="PERS")])
    )
    e1 = _ev("E1")
    assert e1.charging == TrafficEvent.Charging.PERSONAL
    assert e1.net_amount > 0 and "RIFIUTATO" not in e1.option


def test_activation_defaults_by_tariff_type():
    assert all(bundle_defaults("PACCHETTO").values())
    assert bundle_defaults("CONSUMO")["over_bundle_extra_eu"]
    assert bundle_defaults("RICARICABILE") == {
        "extra_bundle": True,
        "over_bundle_national": True,
        "over_bundle_extra_eu": False,
    }
    assert not any(bundle_defaults("M2M").values())
