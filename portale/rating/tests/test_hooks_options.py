"""The after-rating hook registry and the personal TIM TUO options eroded by personal traffic."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from portale.rating import hooks
from portale.rating import services as rating
from portale.rating.ingest import import_cdr_bytes
from portale.rating.models import OptionCounter
from portale.records.models import DualBilling, DualBillingOption, TrafficEvent
from portale.records.tests import factories as f

from .helpers import cdr_bytes, data, voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    got = []

    def hook(batch):
        got.append(batch)

    hooks.after_rating(hook)
    hooks.after_rating(hook)  # registering twice is a no-op
    yield got
    hooks.remove_hook(hook)


def _ev(eid):
    return TrafficEvent.objects.get(external_id=eid)


def test_no_django_signal_left_in_rating():
    assert not hasattr(rating, "events_rated")


def test_after_rating_hook_runs_once_per_committed_batch(
    employee_line, calls, django_capture_on_commit_callbacks
):
    m = employee_line.msisdn
    with django_capture_on_commit_callbacks(execute=True):
        import_cdr_bytes(cdr_bytes([voice("H1", m, "2021-09-01T09:00:00", 60)]), rate=False)
        ids = list(TrafficEvent.objects.values_list("pk", flat=True))
        rating.rate_events(event_ids=ids)
    assert calls == [hooks.RatedBatch(tuple(ids), (employee_line.pk,))]
    with django_capture_on_commit_callbacks(execute=True):
        rating.rate_events(event_ids=ids)  # nothing left to rate: no batch, no call
    assert len(calls) == 1


def test_after_rating_hook_does_not_run_when_the_batch_rolls_back(
    employee_line, calls, django_capture_on_commit_callbacks
):
    import_cdr_bytes(
        cdr_bytes([voice("H2", employee_line.msisdn, "2021-09-01T09:00:00", 60)]), rate=False
    )
    ids = list(TrafficEvent.objects.values_list("pk", flat=True))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        rating.rate_events(event_ids=ids)
        raise RuntimeError
    assert calls == [] and _ev("H2").rated_at is None


@pytest.fixture
def tim_tuo(employee_line):
    return DualBilling.objects.create(
        line=employee_line,
        kind="ABBONAMENTO",
        code="888200093221",
        activation_date=datetime.date(2021, 5, 1),
        employee_fiscal_code="RSSMRA80A01H501U",
        employee_first_name="Mario",
        employee_last_name="Rossi",
    )


def _option(line, family, code, name, activation=datetime.date(2021, 6, 1), **kw):
    return f.DualBillingOptionFactory(
        line=line, family=family, code=code, name=name, activation_date=activation, **kw
    )


def test_personal_pack_is_eroded_by_personal_traffic_before_list_price(employee_line, tim_tuo):
    m = employee_line.msisdn
    opt = _option(employee_line, "PACC_NAZ", "S1", "Pacchetto S1")  # 200 min, 200 SMS, 1 GB
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("P1", m, "2021-09-01T09:00:00", 190 * 60, charging="PERS"),  # inside
                voice("P2", m, "2021-09-01T12:00:00", 20 * 60, charging="PERS"),  # 10 in, 10 over
                voice("C1", m, "2021-09-01T13:00:00", 60),  # company: not the personal pack
            ]
        )
    )
    p1, p2, c1 = _ev("P1"), _ev("P2"), _ev("C1")
    assert p1.net_amount == 0 and p1.option == "Pacchetto S1"
    assert p2.gross_amount == Decimal("0.4000") and p2.net_amount == Decimal("0.2000")
    assert c1.net_amount == Decimal("0.0200") and c1.option == ""
    counter = OptionCounter.objects.get(option=opt, unit="MIN")
    assert counter.used == 200 * 60 and counter.period_start == datetime.date(2021, 9, 1)
    # a new month: the pack starts again
    import_cdr_bytes(cdr_bytes([voice("P3", m, "2021-10-01T09:00:00", 60, charging="PERS")]))
    assert _ev("P3").net_amount == 0


def test_personal_data_plafonds_and_extra_plafond_only_in_its_month(employee_line, tim_tuo):
    m = employee_line.msisdn
    _option(employee_line, "PLAF_NAZ", "DATI10", "Plafond mensile 10GB dati nazionali + UE")
    _option(employee_line, "PLAF_AGG", "1GB Plus", "1GB Plus", activation=datetime.date(2021, 9, 5))
    gb = 1024 * 1024
    import_cdr_bytes(
        cdr_bytes(
            [
                data("D1", m, "2021-09-10T09:00:00", 10 * gb + 512, charging="PERS"),
                data("D2", m, "2021-10-02T09:00:00", 10 * gb + 512, charging="PERS"),
            ]
        )
    )
    d1, d2 = _ev("D1"), _ev("D2")
    # September: the monthly plafond then the extra 1 GB of the activation month
    assert d1.net_amount == 0 and "1GB Plus" in d1.option and "10GB" in d1.option
    # October: the extra plafond is over, 512 KB at list price (0.01 €/MB → 0.005 €)
    assert d2.net_amount == Decimal("0.0050") and "1GB Plus" not in d2.option


def test_daily_roaming_pack_restarts_each_day_and_only_extra_ue(employee_line, tim_tuo):
    m = employee_line.msisdn
    _option(employee_line, "PACC_EXTUE", "RXU", "Pacchetto giornaliero roaming extra UE")
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("R1", m, "2021-09-02T09:00:00", 40 * 60, zone="EXTRA_UE", charging="PERS"),
                voice("R2", m, "2021-09-03T09:00:00", 10 * 60, zone="EXTRA_UE", charging="PERS"),
                voice("R3", m, "2021-09-03T10:00:00", 60, zone="UE", charging="PERS"),
            ]
        )
    )
    assert _ev("R1").net_amount == Decimal("10.0000")  # 30 min covered, 10 × 1 €/min
    assert _ev("R2").net_amount == 0  # a new day
    assert _ev("R3").net_amount == Decimal("0.0200")  # EU traffic: not a roaming option


def test_ceased_or_pending_personal_options_do_not_cover(employee_line, tim_tuo):
    m = employee_line.msisdn
    _option(employee_line, "PACC_NAZ", "S1", "Pacchetto S1", state="IN ATTIVAZIONE")
    _option(
        employee_line,
        "PLAF_NAZ",
        "DATI10",
        "Plafond 10GB",
        cessation_date=datetime.date(2021, 8, 31),
    )
    import_cdr_bytes(
        cdr_bytes(
            [
                voice("X1", m, "2021-09-02T09:00:00", 60, charging="PERS"),
                data("X2", m, "2021-09-02T09:00:00", 1024, charging="PERS"),
            ]
        )
    )
    assert _ev("X1").net_amount == Decimal("0.0200") and _ev("X2").net_amount == Decimal("0.0100")
    assert not DualBillingOption.objects.filter(rating_counters__isnull=False).exists()
