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
Accepted: PDF, JPEG and PNG up to 5 MB, recognised from the file's content (not its name).
"""

from __future__ import annotations

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


def validate_document(upload) -> str:
    """Check size and type; returns the content type or raises ``ValidationError``."""
    if upload.size == 0:
        raise forms.ValidationError(MESSAGES["empty"], code="empty")
    if upload.size > MAX_SIZE:
        raise forms.ValidationError(
            MESSAGES["too_big"] % {"size": filesizeformat(upload.size)}, code="too_big"
        )
    content_type = sniff(upload)
    if content_type is None:
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
