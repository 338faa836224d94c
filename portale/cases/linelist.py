"""P-09: the "list of lines" of a multi-line request, a second document to download on
"Conferma dei dati" before INVIA (F-7.3.3, 7.3.4, 7.3.6, 7.4.5–7.4.8, 7.5.1–7.5.4).

An operation's form mixes in ``LineListDocument`` and says what its list holds
(``line_list()``: header and rows); the operation is implemented with ``uploads=[LINE_LIST]``.
The PDF is made from the request, not uploaded: the draft keeps it like an uploaded
document, the user must download it, and the pratica keeps it::

    class ThresholdActivateForm(LineListDocument, OperationForm):
        def line_list(self):
            return ["Linea", "ICCID"], [[ln.msisdn, iccid(ln)] for ln in ...]

    implement("threshold_activate", form=ThresholdActivateForm, ..., uploads=[LINE_LIST])
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import operations
from .platform import render_pdf
from .textpdf import text_pdf
from .uploads import FIELD_PREFIX


class LineListDocument:
    """P-09: a multi-line request keeps the "list of lines" (a PDF made from the request,
    not uploaded) as a second document to download before INVIA."""

    generated = "elenco_linee"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop(FIELD_PREFIX + self.generated, None)

    def line_list(self) -> tuple[list[str], list[list[str]]]:
        raise NotImplementedError

    TABLE_MAX_ROWS = 200  # beyond, plain text pages: WeasyPrint lays out big tables slowly

    def documents(self) -> dict:
        header, rows = self.line_list()
        title = operations.get(self.operation).label
        if len(rows) > self.TABLE_MAX_ROWS:
            widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

            def line(cells):
                return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))

            pdf = text_pdf(
                title=f"{_('Elenco delle linee')} - {title} - {_('Contratto')} "
                f"{self.contract.code} - {len(rows)} {_('linee')}",
                header=line(header),
                lines=[line(r) for r in rows],
            )
        else:
            pdf = render_pdf(
                "cases/pdf/lines.html",
                {"title": title, "contract": self.contract, "header": header, "rows": rows},
            )
        return {self.generated: ContentFile(pdf, name="elenco-linee.pdf")}


LINE_LIST = operations.Upload(LineListDocument.generated, gettext_lazy("Elenco delle linee"))
