"""Every state transition of a pratica and its ordini (G-16), in one module."""

import pytest
from django.db import OperationalError

from portale.cases import lifecycle
from portale.cases.models import CaseState, OrderState
from portale.cases.tests.helpers import phone_case
from portale.core.models import OutboxMessage
from portale.fulfilment import engine
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return f.UserFactory(is_staff=True)


def test_reject_is_scartato_with_the_reason_and_ceases_the_orders(contract, operator):
    case = phone_case(contract, operation="sim_change")
    lifecycle.case_reject(case=case, reason="ICCID non valido", operator=operator)
    case.refresh_from_db()
    assert (case.state, case.outcome, case.assignee) == (
        CaseState.REJECTED,
        "ICCID non valido",
        operator,
    )
    assert case.get_state_display() == "Scartato"
    assert set(case.orders.values_list("state", flat=True)) == {OrderState.CEASED}


def test_cancel_is_annullato(contract, operator):
    case = phone_case(contract, operation="sim_change")
    lifecycle.case_cancel(case=case, reason="Ritirata dal referente", operator=operator)
    case.refresh_from_db()
    assert case.state == CaseState.CANCELLED and case.get_state_display() == "Annullato"


def test_a_reason_is_required(contract, operator):
    case = phone_case(contract)
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.case_reject(case=case, reason="  ", operator=operator)


def test_suspend_freezes_the_orders_and_resume_thaws_them(contract, operator):
    case = phone_case(contract, operation="sim_change")
    lifecycle.case_suspend(case=case, reason="Manca la denuncia", operator=operator)
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED and case.is_open and "Manca la denuncia" in case.notes
    assert set(case.orders.values_list("state", flat=True)) == {OrderState.FROZEN}
    lifecycle.case_resume(case=case, operator=operator)
    case.refresh_from_db()
    assert case.state == CaseState.WORKING
    assert set(case.orders.values_list("state", flat=True)) == {OrderState.WORKING}


def test_a_closed_pratica_moves_no_more(contract, operator):
    case = phone_case(contract)
    lifecycle.case_close(case=case, outcome="ok", operator=operator)
    for transition in (
        lambda: lifecycle.case_take(case=case, operator=operator),
        lambda: lifecycle.case_suspend(case=case, reason="x", operator=operator),
        lambda: lifecycle.case_reject(case=case, reason="x", operator=operator),
        lambda: lifecycle.case_close(case=case, outcome="ok", operator=operator),
    ):
        with pytest.raises(lifecycle.InvalidTransition):
            transition()


def test_resume_needs_a_suspended_pratica(contract, operator):
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.case_resume(case=phone_case(contract), operator=operator)


def test_the_requester_is_told_of_a_rejection(contract, roa, operator):
    case = phone_case(contract, requester=roa)
    lifecycle.case_reject(case=case, reason="Dati incompleti", operator=operator)
    msg = OutboxMessage.objects.filter(recipient=roa.email).latest("pk")
    assert "scartata" in msg.subject and "Dati incompleti" in msg.text


def test_the_e_mail_sends_an_employee_to_the_roa_and_a_referent_to_the_history(
    contract, roa, employee, traffic_manager, operator
):
    """§9: an employee's request is followed by the ROA ("monitorabile dal ROA"): the
    employee, who has no "Storico pratiche", is not sent there; a referent is."""
    mine = phone_case(contract, operation="employee_sim_change", requester=employee)
    lifecycle.case_close(case=mine, outcome="ok", operator=operator, apply_effect=False)
    text = OutboxMessage.objects.filter(recipient=employee.email).latest("pk").text
    assert "Il tuo referente (ROA) può consultarla" in text and "Puoi consultarla" not in text
    theirs = phone_case(contract, requester=roa)
    lifecycle.case_close(case=theirs, outcome="ok", operator=operator, apply_effect=False)
    text = OutboxMessage.objects.filter(recipient=roa.email).latest("pk").text
    assert 'Puoi consultarla nella funzione "Storico pratiche" del Portale.' in text
    # A traffic manager files threshold requests but has no "Storico pratiche" (only the
    # ROA and the mandatario): told, as the pages tell them, that the ROA follows it.
    tm = phone_case(contract, operation="threshold_change", requester=traffic_manager)
    lifecycle.case_close(case=tm, outcome="ok", operator=operator, apply_effect=False)
    text = OutboxMessage.objects.filter(recipient=traffic_manager.email).latest("pk").text
    assert "Il tuo referente (ROA) può consultarla" in text and "Puoi consultarla" not in text


def test_a_transient_database_error_spends_no_attempt(contract):
    case = phone_case(contract)
    lifecycle.case_record_failure(case_id=case.pk, error=OperationalError("database is locked"))
    case.refresh_from_db()
    assert case.attempts == 0 and "database is locked" in case.last_error
    lifecycle.case_record_failure(case_id=case.pk, error=ValueError("dati incoerenti"))
    case.refresh_from_db()
    assert case.attempts == 1


def test_the_engine_leaves_a_suspended_pratica_alone(roa, contract, operator):
    from portale.cases import services
    from portale.cases.tests.helpers import ebill_referent

    ref = ebill_referent(contract)
    case = services.case_file(
        operation="referent_contacts",
        actor=roa,
        contract=contract,
        payload={"referent": str(ref.pk), "mobile": "3351112223", "email": "n@ente.it"},
    )
    lifecycle.case_suspend(case=case, reason="Verifica", operator=operator)
    engine.run_until_idle()
    case.refresh_from_db()
    ref.refresh_from_db()
    assert case.state == CaseState.SUSPENDED and ref.email != "n@ente.it"
