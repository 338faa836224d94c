"""Uploaded documents are checked whole, stored and served safely (issue 15.9)."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portale.cases.uploads import validate_document

from .helpers import JPEG_BYTES, PDF_BYTES, PNG_BYTES, attach, draft_for

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
POLYGLOTS = {
    "pdf-header-then-html": (b"%PDF-1.4\n" + HTML, "pagina.html"),
    "pdf-header-then-exe": (b"%PDF-MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "setup.exe"),
    "pdf-then-html": (PDF_BYTES + HTML, "denuncia.pdf"),
    "png-then-html": (PNG_BYTES + HTML, "foto.png"),
    "jpeg-then-html": (JPEG_BYTES + HTML, "foto.jpg"),
    "png-header-only": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND\xaeB`\x82", "foto.png"),
    "jpeg-header-only": (b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9", "foto.jpg"),
    "pdf-without-pages": (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "x.pdf"),
}


@pytest.mark.parametrize("case", sorted(POLYGLOTS))
def test_polyglots_and_fakes_are_refused(case):
    content, name = POLYGLOTS[case]
    with pytest.raises(forms.ValidationError) as refused:
        validate_document(SimpleUploadedFile(name, content))
    assert refused.value.code == "type"


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")],
)
def test_real_documents_are_accepted(content, expected):
    assert validate_document(SimpleUploadedFile("scansione", content)) == expected


def test_a_document_is_stored_and_served_under_a_generated_name(client, roa, contract):
    draft = draft_for(roa, contract)
    doc = attach(draft)
    doc.name = "pagina.html"  # whatever the user called it
    doc.save()
    assert doc.file.name.endswith(".pdf") and "pagina" not in doc.file.name
    client.force_login(roa)
    got = client.get(reverse("cases:draft_attachment", args=[draft.token, doc.pk]))
    assert got.status_code == 200
    disposition = got["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="{doc.kind}-{doc.pk}.pdf"' in disposition and "html" not in disposition
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Type"] == "application/pdf"
