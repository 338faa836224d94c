"""The operator's console: queues, filters, take / close / reject, filing for a customer."""

import pytest
from django.urls import reverse

from portale.cases import lifecycle, services
from portale.cases.models import Case, CaseState
from portale.cases.tests.helpers import draft_for, ebill_referent, phone_case
from portale.records.models import Referent

pytestmark = pytest.mark.django_db


def test_staff_only(client, roa):
    client.force_login(roa)
    assert client.get(reverse("backoffice:queue")).status_code == 403


def test_queue_lists_open_cases_with_filters(client, staff, contract, other_contract):
    a = phone_case(contract)
    b = phone_case(other_contract, operation="rif_profile")
    closed = phone_case(contract, operation="imei_block")
    lifecycle.case_close(case=closed, outcome="ok")
    client.force_login(staff)
    body = client.get(reverse("backoffice:queue")).content.decode()
    assert a.number in body and b.number in body and closed.number not in body
    body = client.get(reverse("backoffice:queue"), {"p-contratto": contract.code}).content.decode()
    assert a.number in body and b.number not in body
    body = client.get(reverse("backoffice:queue"), {"p-operazione": "rif_profile"}).content.decode()
    assert b.number in body and a.number not in body
    body = client.get(reverse("backoffice:queue"), {"p-stato": "CHIUSO"}).content.decode()
    assert closed.number in body and a.number not in body


def test_take_and_close_applies_the_effect(client, staff, roa, contract):
    ref = ebill_referent(contract)
    case = services.draft_submit(draft=draft_for(roa, contract, ref))
    client.force_login(staff)
    client.post(reverse("backoffice:take", args=[case.pk]))
    case.refresh_from_db()
    assert case.state == CaseState.WORKING and case.assignee == staff and not case.auto
    client.post(reverse("backoffice:close", args=[case.pk]), {"outcome": "Referente sostituito"})
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.outcome == "Referente sostituito"
    assert Referent.objects.get(pk=ref.pk).last_name == "VERDI"


def test_reject_needs_a_reason(client, staff, roa, contract):
    case = services.draft_submit(draft=draft_for(roa, contract))
    client.force_login(staff)
    response = client.post(
        reverse("backoffice:reject", args=[case.pk]), {"reason": ""}, follow=True
    )
    assert "Indica il motivo" in response.content.decode()
    client.post(reverse("backoffice:reject", args=[case.pk]), {"reason": "Dati incompleti"})
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED and case.outcome == "Dati incompleti"


def _step1(contract, operation, line="", channel="TELEFONO", notes="Richiesta telefonica"):
    return {
        "bo-contract": contract.code,
        "bo-operation": operation,
        "bo-channel": channel,
        "bo-line": line,
        "bo-notes": notes,
        "request_token": "pagina-1",
    }


def _file(client, contract, operation, params, **step1):
    data = {**_step1(contract, operation, **step1), **params, "apri": ""}
    return client.post(reverse("backoffice:file_case"), data)


def test_a_sim_block_filed_for_the_customer_blocks_the_line(client, staff, roa, contract):
    """The operation's own parameters, filed through case_file: once evaded, the effect is
    applied as for the customer's own request; the pratica says who filed it and how."""
    from portale.fulfilment import engine
    from portale.records.models import LineState
    from portale.records.tests import factories as f

    line = f.LineFactory(contract=contract, state=LineState.ACTIVE)
    client.force_login(staff)
    page = client.post(
        reverse("backoffice:file_case"),
        {**_step1(contract, "sim_block", line=line.msisdn), "avanti": ""},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "APRI PRATICA" in body and line.msisdn in body
    assert "non ha altri dati" in body  # the line is the only parameter of a block
    assert not Case.objects.exists()
    response = _file(client, contract, "sim_block", {}, line=line.msisdn)
    case = Case.objects.get()
    assert response["Location"] == reverse("backoffice:case_detail", args=[case.pk])
    assert case.payload["line_id"] == line.pk and case.line == line and case.auto
    assert case.channel == "TELEFONO" and case.filed_by == staff and case.requester is None
    assert case.orders.get().channel == "Telefono"
    # A double submit of the same page: the same pratica, not a second one nor a refusal.
    again = _file(client, contract, "sim_block", {}, line=line.msisdn)
    assert again["Location"] == response["Location"] and Case.objects.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "aperta dal back office" in detail
    engine.run_until_idle()
    case.refresh_from_db()
    line.refresh_from_db()
    assert case.state == CaseState.CLOSED and line.state == LineState.SUSPENDED
    client.force_login(roa)
    body = client.get(reverse("cases:history")).content.decode()
    assert case.number in body and "Telefono" in body


def test_a_threshold_change_filed_for_the_customer_changes_the_threshold(client, staff, contract):
    from decimal import Decimal

    from portale.fulfilment import engine
    from portale.records.tests import factories as f

    threshold = f.ThresholdFactory(line=f.LineFactory(contract=contract))
    other = f.ThresholdFactory(line=f.LineFactory(contract=contract))
    client.force_login(staff)
    page = client.post(
        reverse("backoffice:file_case"),
        {**_step1(contract, "threshold_change", line=threshold.line.msisdn), "avanti": ""},
    )
    body = page.content.decode()
    # The line's thresholds to tick, what to change, its value: the operation's own fields.
    assert f'value="{threshold.pk}"' in body and f'value="{other.pk}"' not in body
    assert 'name="change"' in body and 'name="value"' in body
    params = {"thresholds": [threshold.pk], "change": "importo", "value": "1.50"}
    response = _file(client, contract, "threshold_change", params, line=threshold.line.msisdn)
    body = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert 'id="id_value_error"' in body and 'value="1.50"' in body  # typed value kept
    params["value"] = "150"
    response = _file(client, contract, "threshold_change", params, line=threshold.line.msisdn)
    case = Case.objects.get()
    assert response.status_code == 302 and case.payload["lines"][0]["threshold_id"] == threshold.pk
    engine.run_until_idle()
    threshold.refresh_from_db()
    assert threshold.value == Decimal("150.00")


def test_filing_for_the_customer_validates_each_step(client, staff, contract):
    from portale.records.models import LineState
    from portale.records.tests import factories as f

    client.force_login(staff)
    response = client.post(
        reverse("backoffice:file_case"),
        {"bo-contract": "999999999999", "bo-operation": "", "bo-channel": "FAX", "avanti": ""},
    )
    body = response.content.decode()
    assert "Contratto 999999999999 inesistente." in body and "Campo obbligatorio." in body
    body = client.post(
        reverse("backoffice:file_case"), {**_step1(contract, "sim_block"), "avanti": ""}
    ).content.decode()
    assert "Indica la linea: questa operazione riguarda una linea del contratto." in body
    assert "APRI PRATICA" not in body
    # A line in the wrong state: told next to the line the operator named.
    line = f.LineFactory(contract=contract, state=LineState.SUSPENDED)
    body = _file(client, contract, "sim_block", {}, line=line.msisdn).content.decode()
    assert 'id="linea_error"' in body and "il blocco è possibile solo su una linea attiva" in body
    assert not Case.objects.exists()


def test_what_the_operator_cannot_file_is_said_and_not_offered(client, staff, contract):
    client.force_login(staff)
    body = client.get(reverse("backoffice:file_case")).content.decode()
    assert "Richieste che non puoi aprire per conto del cliente" in body
    assert "Ricarica credito personale" in body
    assert 'value="personal_recharge"' not in body and 'value="sim_block"' in body
    response = client.post(
        reverse("backoffice:file_case"), {**_step1(contract, "personal_recharge"), "avanti": ""}
    )
    assert "APRI PRATICA" not in response.content.decode()


@pytest.mark.parametrize(
    ("action", "field", "message"),
    [
        ("reject", "reason", "Indica il motivo: sarà mostrato al cliente."),
        ("suspend", "reason", "Indica il motivo: sarà mostrato al cliente."),
        ("cancel", "reason", "Indica il motivo: sarà mostrato al cliente."),
        ("close", "outcome", "Indica l&#x27;esito della pratica."),
    ],
)
def test_a_missing_reason_is_told_next_to_its_field(
    client, staff, contract, action, field, message
):
    """Blank (only spaces) or too long: the page again, the message under the field, the
    typed text kept, nothing done; not a message at the top of a fresh page."""
    case = phone_case(contract)
    client.force_login(staff)
    url = reverse(f"backoffice:{action}", args=[case.pk])
    response = client.post(url, {field: "   "})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_{field}_error">{message}</div>' in body
    assert 'aria-invalid="true"' in body and "is-invalid" in body
    response = client.post(url, {field: "Motivo " + "x" * 300})
    body = response.content.decode()
    assert response.status_code == 200 and f'id="id_{field}_error">' in body
    assert "Motivo " + "x" * 300 + "</textarea>" in body
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_the_action_fields_are_styled_for_a_narrow_screen(client, staff, contract):
    client.force_login(staff)
    body = client.get(reverse("backoffice:file_case")).content.decode()
    assert 'class="form-select' in body and 'class="form-control' in body
    body = client.get(reverse("backoffice:case_detail", args=[phone_case(contract).pk]))
    body = body.content.decode()
    assert 'name="outcome"' in body and 'name="reason"' in body
    assert body.count('maxlength="300" class="form-control" aria-required="true"') == 2
    response = client.post(reverse("backoffice:file_case"), {"bo-contract": "", "bo-notes": ""})
    body = response.content.decode()
    assert 'aria-describedby="id_bo-contract_error"' in body and 'id="id_bo-contract_error"' in body


def test_a_callback_request_that_is_not_a_number_is_told_in_italian(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("backoffice:callbacks"), {"request": "abc", "state": "CHIAMATO"}, follow=True
    )
    body = response.content.decode()
    assert "Richiesta non trovata." in body and "invalid literal" not in body


def test_prendi_in_carico_twice_is_refused_and_a_colleague_takes_it_over_knowingly(
    client, staff, contract
):
    from portale.records.tests import factories as f

    colleague = f.UserFactory(is_staff=True, mobile="", first_name="Anna", last_name="Neri")
    colleague.user_permissions.set(staff.user_permissions.all())
    colleague.groups.set(staff.groups.all())
    case = phone_case(contract)
    client.force_login(staff)
    take = reverse("backoffice:take", args=[case.pk])
    body = client.post(take, follow=True).content.decode()
    assert "Pratica presa in carico." in body and "data-mine" in body
    assert f'action="{take}"' not in body  # not offered again to who holds it
    body = client.post(take, follow=True).content.decode()  # a second click, a replay
    assert "La pratica è già in carico a te." in body
    client.force_login(colleague)
    body = client.get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()
    assert f'action="{take}"' in body
    body = client.post(take, follow=True).content.decode()
    assert f"prima era in carico a {staff.get_full_name() or staff.username}." in body
    case.refresh_from_db()
    assert case.assignee == colleague


def test_a_suspended_pratica_is_taken_back_with_riprendi(client, staff, contract):
    case = phone_case(contract)
    lifecycle.case_suspend(case=case, reason="Manca un documento", operator=staff)
    client.force_login(staff)
    take = reverse("backoffice:take", args=[case.pk])
    body = client.get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()
    assert f'action="{take}"' not in body and reverse("backoffice:resume", args=[case.pk]) in body
    body = client.post(take, follow=True).content.decode()
    assert "La pratica è sospesa: per lavorarla usa Riprendi." in body
    case.refresh_from_db()
    assert case.state == CaseState.SUSPENDED
