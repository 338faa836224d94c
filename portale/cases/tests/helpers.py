"""Builders shared by the requests-engine tests."""

from __future__ import annotations

import contextlib
import dataclasses

from django.core.files.uploadedfile import SimpleUploadedFile

from portale.cases import operations, services
from portale.cases.models import Case, CaseAttachment, Channel
from portale.records.models import Referent
from portale.records.tests import factories as f


def ebill_referent(contract) -> Referent:
    return f.ReferentFactory(
        contract=contract,
        role=Referent.Role.EBILL,
        first_name="MARIO",
        last_name="BIANCHI",
        fiscal_code="BNCMRA80A01H501A",
    )


def referent_payload(ref: Referent, **changes) -> dict:
    payload = {
        "referent_id": ref.pk,
        "role": ref.role,
        "first_name": "LUCA",
        "last_name": "VERDI",
        "fiscal_code": "VRDLCU80A01H501G",
        "mobile": "3351112223",
        "email": "luca.verdi@comune.example.it",
        "old": {"mobile": ref.mobile, "email": ref.email},
    }
    payload.update(changes)
    return payload


def draft_for(user, contract, ref=None, *, downloaded=True):
    ref = ref or ebill_referent(contract)
    draft = services.draft_create(
        user=user,
        contract=contract,
        operation="referent_replace",
        payload=referent_payload(ref),
        back_url="/",
    )
    if downloaded:
        draft = services.draft_mark_downloaded(draft=draft, pdf=b"%PDF-1.4 test")
    return draft


def phone_case(contract, **kwargs) -> Case:
    return services.case_create(
        contract=contract,
        operation=kwargs.pop("operation", "sim_change"),
        channel=Channel.PHONE,
        notes="Richiesta telefonica",
        **kwargs,
    )


def _real_file(kind: str) -> bytes:
    """A small well-formed PDF (one blank page), PNG or JPEG: the upload check opens them."""
    import io

    out = io.BytesIO()
    if kind == "pdf":
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(width=200, height=200)
        writer.write(out)
    else:
        from PIL import Image

        Image.new("RGB", (8, 8), "white").save(out, format=kind)
    return out.getvalue()


PDF_BYTES = _real_file("pdf")
PNG_BYTES = _real_file("PNG")
JPEG_BYTES = _real_file("JPEG")

DOCUMENTS = (
    operations.Upload("denuncia", "Copia denuncia di furto/smarrimento"),
    operations.Upload("documento", "Documento di Identità del richiedente"),
)


def pdf_upload(name="denuncia.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(draft=None, *, case=None, label="Copia denuncia di furto/smarrimento", data=PDF_BYTES):
    """A kept document of a draft (or of a pratica), straight into the storage."""
    from django.core.files.base import ContentFile

    attachment = CaseAttachment(
        draft=draft,
        case=case,
        kind="denuncia",
        label=label,
        name="denuncia.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    attachment.file.save("denuncia.pdf", ContentFile(data), save=False)
    attachment.save()
    return attachment


@contextlib.contextmanager
def operation_with_documents(code="referent_replace", uploads=DOCUMENTS):
    """Temporarily declare required documents on an implemented operation (the real owner
    of "Blocco Imei" registers its own later); the registry is restored afterwards."""
    op = operations.get(code)
    saved = dataclasses.replace(op)
    op.uploads = tuple(uploads)
    try:
        yield op
    finally:
        op.uploads = saved.uploads
