"""Blocco apparato con e senza IMEI (F-7.3.13, G-30, G-54): Luhn, the two documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portale.cases.models import Case, RequestDraft
from portale.cases.tests.helpers import PNG_BYTES, pdf_upload
from portale.records.models import Device
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(contract):
    line = f.LineFactory(contract=contract)
    return Device.objects.create(
        imei="490154203237518",
        description="SMARTPHONE",
        nmu_code="NMU1",
        service_type="NOLEGGIO",
        contract=contract,
        line=line,
    )


def _docs(**override):
    docs = {
        "documento_denuncia": pdf_upload(),
        "documento_documento": SimpleUploadedFile("ci.png", PNG_BYTES, content_type="image/png"),
    }
    return {**docs, **override}


def test_known_imei_from_the_device_list_goes_to_conferma(client, roa, device):
    client.force_login(roa)
    body = client.get(reverse("sim:imei_block")).content.decode()
    url = reverse("sim:imei_block_device", args=[device.pk])
    assert url in body and reverse("sim:imei_block_unknown") in body
    data = {"numero": device.line.msisdn, "evento": "FURTO", "data_evento": "2026-01-10"}
    response = client.post(url, {**data, **_docs()})
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.payload["imei"] == device.imei
    assert ["Data dell'evento", "", "10/01/2026"] in [list(row) for row in draft.summary]
    assert sorted(a.label for a in draft.attachments.all()) == [
        "Copia denuncia di furto/smarrimento",
        "Documento di Identità del richiedente",
    ]


def test_unknown_imei_needs_the_period_and_the_documents(client, roa, device):
    client.force_login(roa)
    url = reverse("sim:imei_block_unknown")
    body = client.post(url, {"numero": device.line.msisdn}).content.decode()
    assert "periodo di ultimo utilizzo" in body and "Carica il documento" in body
    response = client.post(url, {"numero": device.line.msisdn, "periodo": "marzo 2026", **_docs()})
    assert RequestDraft.objects.get().payload["variante"] == "non_conosciuto"
    assert response.status_code == 302


def test_an_imei_failing_luhn_is_refused(client, roa, device):
    client.force_login(roa)
    data = {
        "numero": device.line.msisdn,
        "imei": "490154203237519",  # last digit wrong
        "evento": "SMARRIMENTO",
        "data_evento": "2026-01-10",
    }
    # the typed variant (no device page): the form of the unknown-device case with an IMEI
    from portale.cases import services as cases

    with pytest.raises(cases.InvalidRequest) as exc:
        cases.case_file(
            operation="imei_block",
            actor=roa,
            contract=device.contract,
            payload={"variante": "conosciuto", **data},
            files=_docs(),
        )
    assert "IMEI non valido" in str(exc.value.errors)
    assert not Case.objects.exists()


def test_a_document_over_5_mb_or_of_another_type_is_refused(client, roa, device):
    client.force_login(roa)
    url = reverse("sim:imei_block_device", args=[device.pk])
    data = {"numero": device.line.msisdn, "evento": "FURTO", "data_evento": "2026-01-10"}
    big = SimpleUploadedFile("d.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf")
    body = client.post(url, {**data, **_docs(documento_denuncia=big)}).content.decode()
    assert "troppo grande" in body
    text = SimpleUploadedFile("d.pdf", b"not really a pdf", "application/pdf")
    body = client.post(url, {**data, **_docs(documento_documento=text)}).content.decode()
    assert "Formato non ammesso" in body
    assert not RequestDraft.objects.exists()


def test_another_contracts_device_answers_404(client, roa, other_contract):
    foreign = Device.objects.create(
        imei="356938035643809",
        description="SMARTPHONE",
        nmu_code="NMU1",
        service_type="NOLEGGIO",
        contract=other_contract,
    )
    client.force_login(roa)
    assert client.get(reverse("sim:imei_block_device", args=[foreign.pk])).status_code == 404


def test_the_block_waits_for_the_back_office_to_check_the_documents(roa, staff, device):
    """A person checks the police report and the identity document before the IMEI is
    blocked: fulfilment leaves the pratica to the back office, whose "Chiudi" applies it."""
    from portale.cases import lifecycle
    from portale.cases import services as cases
    from portale.cases.models import CaseState
    from portale.fulfilment import engine

    case = cases.case_file(
        operation="imei_block",
        actor=roa,
        contract=device.contract,
        payload={
            "variante": "conosciuto",
            "imei": device.imei,
            "numero": device.line.msisdn,
            "evento": "FURTO",
            "data_evento": "2026-01-10",
        },
        files=_docs(),
    )
    engine.run_until_idle()
    case.refresh_from_db()
    device.refresh_from_db()
    assert case.state == CaseState.OPEN and case.effect_applied_at is None
    assert device.state != Device.State.BLOCKED
    assert case.attachments.count() == 2  # the two documents, kept for the operator
    lifecycle.case_take(case=case, operator=staff)
    lifecycle.case_close(case=case, operator=staff)
    engine.run_until_idle()
    case.refresh_from_db()
    device.refresh_from_db()
    assert case.state == CaseState.CLOSED and device.state == Device.State.BLOCKED


def test_the_forms_fields_use_the_portals_field_markup(client, roa, device):
    """The fields are drawn by the portal's renderer (core/_field.html): label above a
    full-width input, a styled select, the error tied to its field; a bare input sat on the
    label's line and the select was the browser's own at 360 px."""
    client.force_login(roa)
    body = client.get(reverse("sim:imei_block_device", args=[device.pk])).content.decode()
    assert 'class="form-label fw-semibold" for="id_numero"' in body
    assert '<select name="evento" class="form-select"' in body
    url = reverse("sim:imei_block_unknown")
    body = client.post(url, {"numero": ""}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_numero_error"' in body
    assert 'id="id_numero_error">Indica il numero della linea' in body
    assert 'aria-describedby="id_periodo_error"' in body
