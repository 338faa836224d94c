"""Documents uploaded with a request (P-09, F-7.3.13) and the clean-up of abandoned drafts."""

from datetime import timedelta

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from portale.cases import services, tasks
from portale.cases.forms import OperationForm
from portale.cases.models import Case, CaseAttachment, RequestDraft
from portale.cases.platform import pdf_text
from portale.cases.uploads import MAX_SIZE
from portale.cases.wizard import start_request

from .helpers import (
    JPEG_BYTES,
    PNG_BYTES,
    attach,
    draft_for,
    ebill_referent,
    operation_with_documents,
    pdf_upload,
    referent_payload,
)

pytestmark = pytest.mark.django_db


class BlockForm(OperationForm):
    note = forms.CharField(label="Nota", max_length=40)

    def __init__(self, *args, ref, **kwargs):
        super().__init__(*args, operation="referent_replace", contract=ref.contract, **kwargs)
        self.ref = ref

    def payload(self):
        return referent_payload(self.ref)


def _post(roa, contract, data, files):
    request = RequestFactory().post("/", data={**data, **files})
    request.user = roa
    request.portal = type("P", (), {"contract": contract})()
    return request


def test_bad_uploads_get_italian_messages_next_to_the_field_and_nothing_is_filed(roa, contract):
    ref = ebill_referent(contract)
    with operation_with_documents():
        files = {
            "documento_denuncia": pdf_upload("denuncia.exe", b"MZ\x90\x00 not a pdf"),
            "documento_documento": pdf_upload("ci.pdf", b"%PDF-" + b"0" * MAX_SIZE),
        }
        request = _post(roa, contract, {"note": "furto del 3 marzo"}, files)
        form = BlockForm(request.POST, request.FILES, ref=ref)
        assert not form.is_valid()
        assert form.errors["documento_denuncia"] == [
            "Formato non ammesso: carica un file PDF, JPEG o PNG."
        ]
        assert "troppo grande" in form.errors["documento_documento"][0]
        assert "la dimensione massima è 5 MB" in form.errors["documento_documento"][0]
        html = render_to_string("cases/_document_field.html", {"field": form["documento_denuncia"]})
        # the message sits right under its own input, tied to it for screen readers
        assert 'aria-describedby="id_documento_denuncia-help id_documento_denuncia-err"' in html
        assert html.index('name="documento_denuncia"') < html.index("Formato non ammesso")
        assert "Copia denuncia di furto/smarrimento *" in html
        assert form["note"].value() == "furto del 3 marzo"  # what was typed stays

        empty = BlockForm({"note": "x"}, {}, ref=ref)
        assert not empty.is_valid()
        assert empty.errors["documento_documento"] == [
            "Carica il documento: è obbligatorio per presentare la richiesta."
        ]
    assert RequestDraft.objects.count() == 0
    assert CaseAttachment.objects.count() == 0


def test_service_refuses_a_request_without_its_required_documents(roa, contract):
    ref = ebill_referent(contract)
    missing = pytest.raises(services.RequestError, match="Documento di Identità del richiedente")
    with operation_with_documents(), missing:
        services.draft_create(
            user=roa,
            contract=contract,
            operation="referent_replace",
            payload=referent_payload(ref),
            uploads={"denuncia": pdf_upload()},
        )
    assert RequestDraft.objects.count() == 0


def test_documents_must_be_downloaded_before_invia_and_stay_with_the_pratica(
    client, roa, staff, contract
):
    ref = ebill_referent(contract)
    with operation_with_documents():
        files = {
            "documento_denuncia": pdf_upload("denuncia.pdf"),
            "documento_documento": pdf_upload("ci.png", PNG_BYTES, "image/png"),
        }
        request = _post(roa, contract, {"note": "furto"}, files)
        form = BlockForm(request.POST, request.FILES, ref=ref)
        assert form.is_valid(), form.errors
        response = start_request(request, form)
        draft = RequestDraft.objects.get()
        assert response["Location"] == reverse("cases:confirm", args=[draft.token])
        docs = {a.kind: a for a in draft.attachments.all()}
        assert docs["documento"].content_type == "image/png"
        assert docs["documento"].name == "ci.png" and docs["documento"].size == len(PNG_BYTES)

        client.force_login(roa)
        page = client.get(reverse("cases:confirm", args=[draft.token])).content.decode()
        for a in docs.values():
            assert reverse("cases:draft_attachment", args=[draft.token, a.pk]) in page
        assert "Scarica Copia denuncia di furto/smarrimento" in page
        assert "Scarica Documento di Identità del richiedente" in page

        pdf = client.get(reverse("cases:summary_pdf", args=[draft.token]))
        text = pdf_text(b"".join(pdf))
        assert "Documenti allegati" in text and "ci.png" in text and "denuncia.pdf" in text
        assert "Convenzione Telefonia Mobile 8" in text and "Pagina 1 di" in text  # core frame
        page = client.get(reverse("cases:confirm", args=[draft.token])).content.decode()
        assert 'aria-disabled="true"' in page  # INVIA still off: documents not downloaded
        response = client.post(reverse("cases:confirm", args=[draft.token]), follow=True)
        body = response.content.decode()
        assert "Il download dei documenti è obbligatorio" in body
        assert "Copia denuncia di furto/smarrimento" in body
        assert Case.objects.count() == 0

        for a in docs.values():
            got = client.get(reverse("cases:draft_attachment", args=[draft.token, a.pk]))
            assert got["Content-Disposition"].startswith("attachment")
            assert b"".join(got.streaming_content) == a.file.open("rb").read()
        client.post(reverse("cases:confirm", args=[draft.token]))
    case = Case.objects.get()
    assert {a.kind for a in case.attachments.all()} == {"denuncia", "documento"}
    assert case.summary_pdf

    # the back office downloads them from the case detail
    client.force_login(staff)
    detail = client.get(reverse("backoffice:case_detail", args=[case.pk])).content.decode()
    assert "Documento di Identità del richiedente" in detail
    doc = case.attachments.get(kind="denuncia")
    got = client.get(reverse("backoffice:attachment", args=[case.pk, doc.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    got = client.get(reverse("backoffice:summary_pdf", args=[case.pk]))
    assert b"".join(got).startswith(b"%PDF")


def test_jpeg_is_accepted_from_its_content(roa, contract):
    with operation_with_documents():
        form = BlockForm(
            {"note": "x"},
            {
                "documento_denuncia": pdf_upload("scan.jpg", JPEG_BYTES, "image/jpeg"),
                "documento_documento": pdf_upload(),
            },
            ref=ebill_referent(contract),
        )
        assert form.is_valid(), form.errors
        assert form.documents()["denuncia"].content_type == "image/jpeg"


def test_abandoned_drafts_are_purged_with_their_pdfs_and_documents(
    roa, contract, django_capture_on_commit_callbacks
):
    old = draft_for(roa, contract)  # PDF downloaded, never confirmed
    old_doc = attach(old)
    RequestDraft.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    fresh = draft_for(roa, contract, downloaded=False)
    confirmed = draft_for(roa, contract, ebill_referent(contract))
    case = services.draft_submit(draft=confirmed)
    RequestDraft.objects.filter(pk=confirmed.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    kept_doc = attach(case=case)
    path = old_doc.file.name
    assert default_storage.exists(path)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone
        assert tasks.drafts_cleanup.call_local() == 1

    assert set(RequestDraft.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert not CaseAttachment.objects.filter(pk=old_doc.pk).exists()
    assert not default_storage.exists(path)
    assert default_storage.exists(kept_doc.file.name)
    assert Case.objects.filter(pk=case.pk).exists()


def test_cleanup_is_a_periodic_task():
    from portale.core.tasks import HUEY

    periodic = {type(t).__name__ for t in HUEY._registry.periodic_tasks}
    assert type(tasks.drafts_cleanup.task_class()).__name__ in periodic


def test_cancel_removes_the_drafts_documents(
    client, roa, contract, django_capture_on_commit_callbacks
):
    draft = draft_for(roa, contract)
    doc = attach(draft)
    client.force_login(roa)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:cancel", args=[draft.token]))
    assert not RequestDraft.objects.filter(pk=draft.pk).exists()
    assert not CaseAttachment.objects.filter(pk=doc.pk).exists()
    assert not default_storage.exists(doc.file.name)
