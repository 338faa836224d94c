"""Documents uploaded with a request (P-09, F-7.3.13, G-30): validation and form fields.

An operation declares its documents in the registry (``operations.Upload``); the function's
form mixes in ``DocumentsFormMixin`` with ``operation = "<code>"`` and gets one required
file field per document, named ``documento_<code>``::

    class ImeiBlockForm(DocumentsFormMixin, forms.Form):
        operation = "imei_block"
        imei = forms.CharField(...)

    # the view builds it with request.FILES and calls start_request as usual:
    form = ImeiBlockForm(request.POST or None, request.FILES or None)

In the template, ``{% include "cases/_document_field.html" with field=form.documento_x %}``
(or loop over ``form.document_fields``) renders the field with its Italian error next to it.
A refused file never reaches the storage; the rest of the form keeps what the user typed.
Accepted: PDF, JPEG and PNG up to 5 MB, recognised from the file's content (not its name):
the first bytes give the type, then the file must open with its library (pypdf: at least
one page; Pillow: a complete image of that format) and end where its format ends (no HTML
or program glued after it: polyglots are refused). Stored under a generated name with the
type's extension (``models.attachment_path``), downloaded as an attachment named after the
document, never after the user's file name (``download_name``).
"""

from __future__ import annotations

import io

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import operations

MAX_SIZE = 5 * 1024 * 1024
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
FIELD_PREFIX = "documento_"

MESSAGES = {
    "required": _("Carica il documento: è obbligatorio per presentare la richiesta."),
    "empty": _("Il file caricato è vuoto: carica di nuovo il documento."),
    "too_big": _(
        "Il file è troppo grande (%(size)s): la dimensione massima è 5 MB. "
        "Carica una scansione più leggera."
    ),
    "type": _("Formato non ammesso: carica un file PDF, JPEG o PNG."),
    "invalid": _("Il file non è stato ricevuto: caricalo di nuovo."),
}


def sniff(upload) -> str | None:
    """The content type from the file's first bytes, or None if not an accepted type."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


PDF_TAIL = 1024  # %%EOF must be in the last KiB (the PDF rule pypdf also applies)
PNG_END = b"IEND\xaeB`\x82"
JPEG_END = b"\xff\xd9"


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _pdf_ok(data: bytes) -> bool:
    from pypdf import PdfReader

    if b"%%EOF" not in data[-PDF_TAIL:]:
        return False
    # Nothing but whitespace after the last %%EOF (an appended HTML page or program).
    if data[data.rindex(b"%%EOF") + 5 :].strip():
        return False
    try:
        return len(PdfReader(io.BytesIO(data)).pages) > 0
    except Exception:  # pypdf raises many types on a broken file: all mean "not a PDF"
        return False


def _image_ok(data: bytes, content_type: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    end = PNG_END if content_type == "image/png" else JPEG_END
    if not data.rstrip(b"\x00").endswith(end):
        return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return False
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decode it all: a truncated or forged body fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def content_is(upload, content_type: str) -> bool:
    """The whole file is a well-formed document of ``content_type``."""
    data = _read_all(upload)
    if content_type == "application/pdf":
        return _pdf_ok(data)
    return _image_ok(data, content_type)


def download_name(*, kind: str, pk: int | None, content_type: str) -> str:
    """The file name of a download: the document's code and the type's extension."""
    return f"{kind or 'documento'}-{pk or 0}.{EXTENSIONS.get(content_type, 'bin')}"


def validate_document(upload) -> str:
    """Check size and type; returns the content type or raises ``ValidationError``."""
    if upload.size == 0:
        raise forms.ValidationError(MESSAGES["empty"], code="empty")
    if upload.size > MAX_SIZE:
        raise forms.ValidationError(
            MESSAGES["too_big"] % {"size": filesizeformat(upload.size)}, code="too_big"
        )
    content_type = sniff(upload)
    if content_type is None or not content_is(upload, content_type):
        raise forms.ValidationError(MESSAGES["type"], code="type")
    return content_type


class DocumentField(forms.FileField):
    """One declared document: PDF/JPEG/PNG up to 5 MB, Italian messages."""

    widget = forms.ClearableFileInput

    def __init__(self, *, upload: operations.Upload, **kwargs):
        self.upload = upload
        kwargs.setdefault("label", upload.label)
        kwargs.setdefault("required", upload.required)
        kwargs.setdefault("help_text", _("PDF, JPEG o PNG, massimo 5 MB."))
        kwargs.setdefault(
            "error_messages",
            {
                "required": MESSAGES["required"],
                "empty": MESSAGES["empty"],
                "invalid": MESSAGES["invalid"],
                "missing": MESSAGES["invalid"],
            },
        )
        super().__init__(**kwargs)
        self.widget = forms.FileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.content_type = validate_document(upload)
        return upload


class DocumentsFormMixin:
    """Adds the operation's declared documents to a form (``operation = "<code>"``)."""

    operation: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for upload in operations.get(self.operation).uploads:
            self.fields[FIELD_PREFIX + upload.code] = DocumentField(upload=upload)

    @property
    def document_fields(self):
        return [self[name] for name in self.fields if name.startswith(FIELD_PREFIX)]

    def documents(self) -> dict:
        """{upload code: uploaded file} of a valid form (what ``start_request`` keeps)."""
        return {
            name.removeprefix(FIELD_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(FIELD_PREFIX) and value
        }
