"""The fulfilment engine: states and delays, effects applied once, retries, e-mails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portale.cases import lifecycle, operations, services
from portale.cases.models import Case, CaseState, OrderState, Shipment
from portale.cases.tests.helpers import draft_for, ebill_referent, phone_case
from portale.fulfilment import engine
from portale.records.models import Referent

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(roa, contract, django_capture_on_commit_callbacks):
    ref = ebill_referent(contract)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.draft_submit(draft=draft_for(roa, contract, ref))
    return case, ref


def test_a_case_moves_through_its_states_with_the_delays(filed, settings):
    settings.FULFILMENT_DELAYS = {"take": 5, "work": 10, "order_step": 10}
    case, ref = filed
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and case.auto
    now = timezone.now()
    engine.tick(now=now)  # not due yet
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    engine.tick(now=now + timedelta(seconds=6))
    case.refresh_from_db()
    assert case.state == CaseState.WORKING
    ref.refresh_from_db()
    assert ref.last_name == "BIANCHI"  # nothing applied while in lavorazione (G-10)
    engine.tick(now=now + timedelta(seconds=20))
    case.refresh_from_db()
    ref.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.closed_at and case.effect_applied_at
    assert (ref.first_name, ref.last_name, ref.mobile) == ("LUCA", "VERDI", "3351112223")


def test_the_requester_is_told_by_email(filed, django_capture_on_commit_callbacks):
    case, _ref = filed
    with django_capture_on_commit_callbacks(execute=True):
        engine.run_until_idle()
    from portale.core.models import OutboxMessage

    msg = OutboxMessage.objects.filter(recipient=case.requester_email).latest("pk")
    assert case.number in msg.subject and "lavorata" in msg.subject


def test_the_effect_is_applied_once_even_when_replayed(filed, monkeypatch):
    case, _ref = filed
    calls = []
    op = operations.get("referent_replace")
    original = op.effect
    monkeypatch.setattr(op, "effect", lambda c: (calls.append(c.pk), original(c)))
    engine.run_until_idle()
    engine.run_until_idle()
    engine.advance_case(case_id=case.pk, now=timezone.now() + timedelta(days=9))
    assert calls == [case.pk]


def test_a_crash_half_way_applies_nothing_and_is_retried(filed, monkeypatch, settings):
    settings.FULFILMENT_MAX_ATTEMPTS = 3
    case, ref = filed
    op = operations.get("referent_replace")
    original = op.effect

    def crashing(c):
        original(c)  # the records are written...
        raise RuntimeError("CRM non raggiungibile")  # ...then the step dies

    monkeypatch.setattr(op, "effect", crashing)
    later = timezone.now() + timedelta(days=1)
    engine.tick(now=later)  # → in lavorazione
    result = engine.tick(now=later + timedelta(days=1))
    assert result["failed"] == 1
    case.refresh_from_db()
    ref.refresh_from_db()
    assert case.state == CaseState.WORKING and case.attempts == 1
    assert "CRM non raggiungibile" in case.last_error
    assert ref.last_name == "BIANCHI"  # rolled back with the state change
    monkeypatch.setattr(op, "effect", original)
    engine.tick(now=later + timedelta(days=2))
    case.refresh_from_db()
    ref.refresh_from_db()
    assert case.state == CaseState.CLOSED and ref.last_name == "VERDI"


def test_after_the_last_retry_the_case_stays_open_for_the_back_office(filed, monkeypatch, settings):
    settings.FULFILMENT_MAX_ATTEMPTS = 2
    case, _ref = filed
    op = operations.get("referent_replace")
    monkeypatch.setattr(op, "effect", lambda c: 1 / 0)
    start = timezone.now() + timedelta(days=1)
    for i in range(5):
        engine.tick(now=start + timedelta(hours=i))
    case.refresh_from_db()
    assert case.is_open and case.needs_attention and not case.auto
    assert case.attempts == 2
    assert "ZeroDivisionError" in case.notes


def test_orders_follow_and_shipments_get_tracking_events(contract):
    case = phone_case(contract, operation="sim_change")
    order = case.orders.get()
    Shipment.objects.create(order=order, address="VIA ROMA 1, 00184 ROMA (RM)")
    assert order.state == OrderState.APPROVED
    lifecycle.case_take(case=case, operator=None)
    order.refresh_from_db()
    assert order.state == OrderState.WORKING
    lifecycle.case_close(case=case, outcome="SIM sostituita")
    order.refresh_from_db()
    assert order.state == OrderState.DONE
    engine.run_until_idle()
    order.refresh_from_db()
    assert order.state == OrderState.ACTIVE
    shipment = order.shipments.get()
    assert shipment.state == Shipment.State.DELIVERED and shipment.tracking_code
    assert [e.description for e in shipment.events.all()][-1] == "Consegnato"


def test_a_close_schedules_its_orders_next_step_when_due(
    contract, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Whoever closes (here the back office, by hand), the ordini's Lavorato → Emesso is
    scheduled for its moment, not left to the minute sweep."""
    from portale.fulfilment import tasks

    settings.FULFILMENT_DELAYS = {"take": 5, "work": 10, "order_step": 7}
    scheduled = []
    monkeypatch.setattr(
        tasks.fulfil_order, "schedule", lambda args, delay: scheduled.append((args, delay))
    )
    case = phone_case(contract, operation="sim_change")
    order = case.orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.case_take(case=case, operator=None)
    assert scheduled == []  # nothing due yet
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.case_close(case=case, outcome="SIM sostituita")
    assert scheduled == [((order.pk,), 7.0)]


def test_back_office_cases_are_not_worked_automatically(contract):
    case = phone_case(contract)
    engine.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.OPEN and not case.auto


def test_reject_keeps_the_records_and_tells_the_customer(filed):
    case, ref = filed
    lifecycle.case_reject(case=case, reason="Codice fiscale non corrispondente al referente")
    engine.run_until_idle()
    case.refresh_from_db()
    ref.refresh_from_db()
    assert case.state == CaseState.REJECTED
    assert case.outcome == "Codice fiscale non corrispondente al referente"
    assert ref.last_name == "BIANCHI"
    assert Referent.objects.filter(last_name="VERDI").count() == 0


def test_the_filing_task_runs_on_commit(
    roa, contract, django_capture_on_commit_callbacks, settings
):
    settings.FULFILMENT_DELAYS = {"take": 0, "work": 0, "order_step": 0}
    with django_capture_on_commit_callbacks(execute=True):
        case = services.draft_submit(draft=draft_for(roa, contract))
    case.refresh_from_db()
    # immediate mode: the queued task ran once after the commit (one step: Aperto → In lavorazione)
    assert case.state in (CaseState.WORKING, CaseState.CLOSED)
    assert Case.objects.count() == 1


def test_a_pratica_whose_wake_up_was_lost_is_worked_by_the_core_sweep(
    roa, contract, settings, django_capture_on_commit_callbacks
):
    """The row is the job: with no task queued, the minute sweep finds it when it is due."""
    from portale.core import jobs
    from portale.fulfilment.tasks import CASES

    settings.FULFILMENT_DELAYS = {"take": 0, "work": 0, "order_step": 0}
    ref = ebill_referent(contract)
    case = services.case_file(
        operation="referent_contacts",
        actor=roa,
        contract=contract,
        payload={"referent": str(ref.pk), "mobile": "3351112299", "email": "s@ente.it"},
    )  # no on_commit here: the wake-up never happens
    assert jobs.REGISTRY["fulfilment_cases"] is CASES
    later = timezone.now() + timedelta(seconds=1)
    assert case.pk in list(CASES.due(later))
    for _ in range(3):  # immediate mode: each sweep runs the woken tasks inline
        with django_capture_on_commit_callbacks(execute=True):
            jobs.sweep(now=timezone.now() + timedelta(minutes=1))
    case.refresh_from_db()
    ref.refresh_from_db()
    assert case.state == CaseState.CLOSED and ref.mobile == "3351112299"
