"""The request wizard (P-09, P-10): PDF before INVIA, idempotent confirmation, conflicts."""

import pytest
from django.urls import reverse

from portale.cases import lifecycle, operations, services
from portale.cases.models import Case, CaseState, RequestDraft
from portale.cases.platform import pdf_text

from .helpers import draft_for, ebill_referent, referent_payload

pytestmark = pytest.mark.django_db


def test_confirm_page_has_the_guide_texts(client, roa, contract):
    draft = draft_for(roa, contract, downloaded=False)
    client.force_login(roa)
    body = client.get(reverse("cases:confirm", args=[draft.token])).content.decode()
    assert "Conferma dei dati" in body
    assert "Verifica i dati scaricando il pdf al seguente link." in body
    assert "Scarica il pdf con il riepilogo dei dati" in body
    assert "Nota: puoi stampare o salvare i tuoi dati" in body
    assert "ANNULLA" in body and "INVIA" in body


def test_confirmation_before_the_pdf_download_is_refused(client, roa, contract):
    draft = draft_for(roa, contract, downloaded=False)
    client.force_login(roa)
    response = client.post(reverse("cases:confirm", args=[draft.token]), follow=True)
    assert Case.objects.count() == 0
    assert "Il download dei documenti è obbligatorio per confermare la richiesta" in (
        response.content.decode()
    )
    with pytest.raises(services.PdfNotDownloaded):
        services.draft_submit(draft=draft)


def test_pdf_download_marks_the_draft_and_carries_every_value(client, roa, contract):
    ref = ebill_referent(contract)
    draft = draft_for(roa, contract, ref, downloaded=False)
    client.force_login(roa)
    response = client.get(reverse("cases:summary_pdf", args=[draft.token]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response))
    for expected in [
        "Sostituzione referente",
        "REFERENTI",
        contract.code,
        roa.email,
        roa.mobile,
        "VRDLCU80A01H501G",
        "3351112223",
        ref.mobile,
    ]:
        assert expected in text, expected
    draft.refresh_from_db()
    assert draft.pdf_downloaded_at is not None
    response = client.post(reverse("cases:confirm", args=[draft.token]))
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:outcome", args=[case.number])
    assert case.summary_pdf.name.endswith(".pdf")
    assert case.channel == "CONSIP8" and case.description == "Referenti"


def test_a_double_confirmation_makes_one_pratica(client, roa, contract):
    draft = draft_for(roa, contract)
    client.force_login(roa)
    url = reverse("cases:confirm", args=[draft.token])
    first = client.post(url)
    second = client.post(url)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]
    # a replay at the service level too (the token is the idempotency key)
    stale = RequestDraft.objects.get(pk=draft.pk)
    stale.case = None
    assert services.draft_submit(draft=stale) == Case.objects.get()


def test_the_idempotency_key_is_enforced_by_the_database(roa, contract):
    ref = ebill_referent(contract)
    one = services.case_create(
        contract=contract,
        operation="referent_contacts",
        payload=referent_payload(ref),
        requester=roa,
        idempotency_key="k1",
    )
    again = services.case_create(
        contract=contract,
        operation="referent_contacts",
        payload=referent_payload(ref),
        requester=roa,
        idempotency_key="k1",
    )
    assert one == again and Case.objects.count() == 1


def test_a_request_conflicting_with_an_open_one_is_refused(client, roa, contract):
    ref = ebill_referent(contract)
    draft = draft_for(roa, contract, ref)
    services.draft_submit(draft=draft)
    with pytest.raises(services.CaseConflict) as exc:
        services.draft_create(
            user=roa,
            contract=contract,
            operation="referent_contacts",
            payload=referent_payload(ref),
        )
    assert f"Sul contratto {contract.code} c'è già una richiesta" in str(exc.value)
    # once closed, a new request on the same referent is accepted
    lifecycle.case_close(case=Case.objects.get(), outcome="ok", apply_effect=False)
    services.draft_create(
        user=roa, contract=contract, operation="referent_contacts", payload=referent_payload(ref)
    )


def test_conflict_is_also_enforced_when_two_drafts_race(roa, contract):
    ref = ebill_referent(contract)
    first = draft_for(roa, contract, ref)
    second = draft_for(roa, contract, ref)  # both drafted before either was sent
    services.draft_submit(draft=first)
    with pytest.raises(services.CaseConflict):
        services.draft_submit(draft=second)
    assert Case.objects.filter(state=CaseState.OPEN).count() == 1


def test_an_operation_without_an_effect_cannot_be_filed(roa, contract, monkeypatch):
    monkeypatch.setattr(operations.get("hot_stock"), "form", None)  # not implemented
    with pytest.raises(services.OperationNotAvailable):
        services.draft_create(user=roa, contract=contract, operation="hot_stock", payload={})
    with pytest.raises(services.OperationNotAvailable):
        services.case_create(contract=contract, operation="hot_stock", requester=roa)


def test_cancel_drops_the_draft(client, roa, contract):
    draft = draft_for(roa, contract, downloaded=False)
    client.force_login(roa)
    response = client.post(reverse("cases:cancel", args=[draft.token]))
    assert response.status_code == 302
    assert not RequestDraft.objects.filter(pk=draft.pk).exists()


def test_outcome_page_shows_the_number_and_the_monitoring_notice(client, roa, contract):
    case = services.draft_submit(draft=draft_for(roa, contract))
    client.force_login(roa)
    body = client.get(reverse("cases:outcome", args=[case.number])).content.decode()
    assert case.number in body
    assert "La richiesta sarà monitorabile nella funzione" in body
    assert "Storico pratiche" in body


def test_outcome_page_of_an_employee_says_the_roa_follows_it(client, employee, employee_line):
    """§9 (e.g. 9.1.4): "monitorabile dal ROA"; no link to a history the employee lacks."""
    case = services.case_create(
        contract=employee_line.contract,
        operation="employee_sim_change",
        line=employee_line,
        requester=employee,
    )
    client.force_login(employee)
    body = " ".join(
        client.get(reverse("cases:outcome", args=[case.number])).content.decode().split()
    )
    assert 'La richiesta sarà monitorabile dal ROA nelle funzioni "<strong>Storico pratiche' in body
    assert "Vai a Storico pratiche" not in body


def test_confirm_page_of_an_employee_says_the_roa_follows_it(client, employee, employee_line):
    """ "Conferma dei dati" tells the employee what the outcome page does: the ROA follows
    the request (the employee cannot open "Storico pratiche"); a referent reads it plainly."""
    draft = services.draft_create(
        user=employee,
        contract=employee_line.contract,
        operation="employee_sim_change",
        line=employee_line,
        payload={},
        back_url="/",
    )
    client.force_login(employee)
    body = " ".join(
        client.get(reverse("cases:confirm", args=[draft.token])).content.decode().split()
    )
    assert 'La richiesta sarà monitorabile dal ROA nelle funzioni "<strong>Storico pratiche' in body


def test_confirm_page_of_a_referent_names_the_history_plainly(client, roa, contract):
    draft = draft_for(roa, contract, downloaded=False)
    client.force_login(roa)
    body = " ".join(
        client.get(reverse("cases:confirm", args=[draft.token])).content.decode().split()
    )
    assert 'La richiesta sarà monitorabile nella funzione "<strong>Storico pratiche' in body
    assert "dal ROA" not in body


def test_confirm_page_calls_the_documents_of_the_request_by_what_they_are(client, roa, contract):
    """The documents to download are uploaded ones or made by the portal ("Elenco delle
    linee"): the heading says neither "caricati" (the list is not uploaded) nor less."""
    from .helpers import attach

    draft = draft_for(roa, contract, downloaded=False)
    attach(draft, label="Elenco delle linee")
    client.force_login(roa)
    body = client.get(reverse("cases:confirm", args=[draft.token])).content.decode()
    assert "Documenti della richiesta" in body
    assert "Documenti caricati" not in body
    assert "Scarica Elenco delle linee" in body


def test_numbers_have_the_crm_shapes(roa, contract):
    case = services.draft_submit(draft=draft_for(roa, contract))
    assert case.number.startswith("7-") and len(case.number) == 13
    order_case = services.case_create(contract=contract, operation="sim_change", channel="FAX")
    order = order_case.orders.get()
    assert len(order.number) == 11 and order.number.isdigit()
    assert order.channel == "Fax"  # "Canale di acquisizione": the pratica's channel
