import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portale.rating.ingest import import_cdr_bytes
from portale.rating.services import CREDIT_EXHAUSTED, rate_events, rate_pending
from portale.records.models import Bundle, DualBilling, Line, ServiceSms, TrafficEvent
from portale.records.tests import factories as f

from .helpers import cdr_bytes, data, voice

pytestmark = pytest.mark.django_db


def _bundle(line, unit="MIN", scope="NAZIONALE", total="10", name="PACCHETTO 10 MINUTI"):
    return Bundle.objects.create(
        line=line,
        name=name,
        unit=unit,
        scope=scope,
        total=Decimal(total),
        remaining=Decimal(total),
        period_start=datetime.date(2021, 9, 1),
        updated_at=timezone.now(),
    )


def _ev(eid):
    return TrafficEvent.objects.get(external_id=eid)


def test_bundle_is_eroded_first_then_over_bundle_at_list_price(employee_line):
    m = employee_line.msisdn
    bundle = _bundle(employee_line, total="10")  # 10 minutes
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("V1", m, "2021-09-01T09:00:00", 360),  # 6 min: inside
                voice("V2", m, "2021-09-01T10:00:00", 360),  # 4 in, 2 over
                voice("V3", m, "2021-09-01T11:00:00", 120),  # all over
            ]
        )
    )
    v1, v2, v3 = _ev("V1"), _ev("V2"), _ev("V3")
    assert v1.gross_amount == Decimal("0.1200") and v1.net_amount == 0
    assert v1.option == "PACCHETTO 10 MINUTI"
    assert v2.gross_amount == Decimal("0.1200") and v2.net_amount == Decimal("0.0400")
    assert v3.net_amount == Decimal("0.0400") and v3.option == ""
    bundle.refresh_from_db()
    assert bundle.remaining == 0 and bundle.used == Decimal("10")


def test_bundle_counts_small_data_sessions_exactly(employee_line):
    m = employee_line.msisdn
    bundle = _bundle(employee_line, unit="GB", total="1.00", name="1 GB")
    rows = [data(f"K{i}", m, f"2021-09-01T10:{i:02d}:00", 2048) for i in range(10)]
    import_cdr_bytes(cdr_bytes(rows))
    bundle.refresh_from_db()
    assert bundle.rating_counter.used == 20480
    assert bundle.remaining == Decimal("0.98")  # 20 MB used, rounded down
    assert TrafficEvent.objects.filter(net_amount=0).count() == 10


def test_roaming_counters_national_vs_extra_ue(employee_line):
    m = employee_line.msisdn
    nat = _bundle(employee_line, total="10", name="NAZ")
    roam = _bundle(employee_line, scope="ROAMING", total="5", name="ROAM")
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("R1", m, "2021-09-02T09:00:00", 120, zone="UE"),
                voice("R2", m, "2021-09-03T09:00:00", 180, zone="EXTRA_UE"),
            ]
        )
    )
    nat.refresh_from_db()
    roam.refresh_from_db()
    assert nat.remaining == Decimal("8.00") and roam.remaining == Decimal("2.00")
    assert _ev("R2").gross_amount == Decimal("3.0000")  # 1 €/min extra-UE list price


def test_counters_restart_each_month(employee_line):
    m = employee_line.msisdn
    bundle = _bundle(employee_line, total="1")
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("M1", m, "2021-09-30T09:00:00", 60),
                voice("M2", m, "2021-10-01T09:00:00", 60),
            ]
        )
    )
    assert _ev("M1").net_amount == 0 and _ev("M2").net_amount == 0
    bundle.refresh_from_db()
    assert bundle.period_start == datetime.date(2021, 10, 1) and bundle.remaining == 0


def test_personal_traffic_needs_tim_tuo(employee_line):
    m = employee_line.msisdn
    import_cdr_bytes(cdr_bytes([voice("P1", m, "2021-09-02T09:00:00", 60, charging="PERS")]))
    assert _ev("P1").charging == "AZIENDALE"
    DualBilling.objects.create(
        line=employee_line,
        kind="ABBONAMENTO",
        code="888200093221",
        employee_fiscal_code="RSSMRA80A01H501U",
        employee_first_name="Mario",
        employee_last_name="Rossi",
    )
    _bundle(employee_line, total="100")
    import_cdr_bytes(cdr_bytes([voice("P2", m, "2021-09-02T10:00:00", 60, charging="PERS")]))
    p2 = _ev("P2")
    # personal traffic does not use the company's bundle
    assert p2.charging == "PERSONALE" and p2.net_amount == Decimal("0.0200") and not p2.option


def test_prepaid_credit_reaches_zero_and_never_goes_below(prepaid_employee):
    line = Line.objects.get(msisdn=prepaid_employee.mobile)
    line.company_credit = Decimal("0.10")
    line.save()
    m = line.msisdn
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("Q1", m, "2021-09-02T09:00:00", 60),  # 0,05 €/min → 0.05
                voice("Q2", m, "2021-09-02T10:00:00", 120),  # costs 0.10, 0.05 left
                voice("Q3", m, "2021-09-02T11:00:00", 60),  # nothing left
            ]
        )
    )
    line.refresh_from_db()
    assert line.company_credit == Decimal("0.00")
    q1, q2, q3 = _ev("Q1"), _ev("Q2"), _ev("Q3")
    assert q1.net_amount == Decimal("0.0500") and not q1.option
    assert q2.gross_amount == Decimal("0.1000") and q2.net_amount == Decimal("0.0500")
    assert q2.option == CREDIT_EXHAUSTED
    assert q3.net_amount == 0 and q3.option == CREDIT_EXHAUSTED
    sms = ServiceSms.objects.get(line=line)
    assert "credito aziendale" in sms.text and "esaurito" in sms.text


def test_prepaid_personal_traffic_uses_personal_credit(prepaid_employee):
    line = Line.objects.get(msisdn=prepaid_employee.mobile)
    line.company_credit, line.personal_credit = Decimal("5"), Decimal("1")
    line.save()
    DualBilling.objects.create(
        line=line,
        kind="RICARICABILE",
        employee_fiscal_code="RSSMRA80A01H501U",
        employee_first_name="Mario",
        employee_last_name="Rossi",
    )
    import_cdr_bytes(
        cdr_bytes([voice("S1", line.msisdn, "2021-09-02T09:00:00", 120, charging="PERS")])
    )
    line.refresh_from_db()
    assert line.personal_credit == Decimal("0.90") and line.company_credit == Decimal("5.00")


def test_rating_is_idempotent(employee_line):
    m = employee_line.msisdn
    bundle = _bundle(employee_line, total="10")
    import_cdr_bytes(cdr_bytes([voice("I1", m, "2021-09-01T09:00:00", 120)]), rate=False)
    ev = _ev("I1")
    assert ev.rated_at is None
    first = rate_events(event_ids=[ev.pk])
    again = rate_events(event_ids=[ev.pk])
    assert first.rated == 1 and again.rated == 0 and rate_pending().rated == 0
    bundle.refresh_from_db()
    assert bundle.remaining == Decimal("8.00")


def test_masking():
    e = TrafficEvent(called_number="3399902123")
    assert e.masked_called_number == "3399902***"
    assert TrafficEvent(called_number="0044").masked_called_number == "00**"


def test_price_list_overrides_default_rates(employee_line):
    from portale.records.models import PriceItem, PriceList

    pl = PriceList.objects.create(version="2021", date=datetime.date(2021, 1, 1), is_current=True)
    PriceItem.objects.create(
        price_list=pl, kind="TRAFFICO", code="CONSUMO.VOCE.NAZ", description="Voce", price="0.06"
    )
    import_cdr_bytes(cdr_bytes([voice("L1", employee_line.msisdn, "2021-09-01T09:00:00", 60)]))
    assert _ev("L1").net_amount == Decimal("0.0600")


def test_simulator_makes_realistic_rated_traffic(employee_line, prepaid_employee):
    from portale.rating.simulator import simulate

    f.SimFactory(
        line__contract=employee_line.contract,
        line__tariff_plan__name="M2M PA 8",
        line__tariff_plan__category="M2M",
    )
    end = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = end - datetime.timedelta(days=14)
    results = simulate(start, end)
    assert all(r.ok for r in results)
    total = TrafficEvent.objects.count()
    assert total > 50
    assert not TrafficEvent.objects.filter(rated_at__isnull=True).exists()
    cats = set(TrafficEvent.objects.values_list("category", flat=True))
    assert {"VOCE", "SMS_MMS", "DATI"} <= cats
    again = simulate(start, end)
    assert all(r.already_imported for r in again) and TrafficEvent.objects.count() == total
