"""PDF rendering: a summary document with a table of lines, read back as text."""

import re

import pytest
from django.templatetags.static import static

from portale.core.pdf import PDF_BASE_URL, _make_fetcher, pdf_response, pdf_text, render_pdf

LINES = [
    {"msisdn": f"33{n:08d}", "plan": "PA 8 PACCHETTO" if n % 2 else "PA 8", "amount": f"{n},50"}
    for n in range(1, 121)
]


@pytest.fixture(scope="module")
def summary_pdf():
    return render_pdf(
        "core/pdf/example_summary.html",
        {
            "title": "Riepilogo della richiesta: attivazione servizio",
            "administration": "Comune di Località È",
            "contract": "888010088938",
            "lines": LINES,
            "logo": static("portale/favicon.svg"),
        },
    )


def test_summary_renders_with_header_table_and_page_numbers(summary_pdf):
    assert summary_pdf.startswith(b"%PDF-")
    text = pdf_text(summary_pdf)
    assert "Riepilogo della richiesta: attivazione servizio" in text
    assert "Comune di Località È" in text  # Italian accents survive (DejaVu)
    assert "888010088938" in text
    assert "Importo (€)" in text
    for line in LINES:
        assert line["msisdn"] in text
    pages = [int(n) for n in re.findall(r"Pagina (\d+) di (\d+)", text)[-1]]
    assert pages[0] == pages[1] >= 2  # the 120 lines span several pages
    assert text.count("Convenzione Telefonia Mobile 8") >= pages[1]  # header on every page
    assert "Pagina 1 di" in text


def test_pdf_response_is_a_download_or_inline(summary_pdf):
    response = pdf_response(summary_pdf, "riepilogo pratica.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="riepilogo pratica.pdf"'
    assert int(response["Content-Length"]) == len(summary_pdf)
    inline = pdf_response(summary_pdf, "riepilogo.pdf", inline=True)
    assert inline["Content-Disposition"] == 'inline; filename="riepilogo.pdf"'


def test_static_files_come_from_the_finders_and_the_network_is_refused():
    fetcher = _make_fetcher()
    response = fetcher.fetch(PDF_BASE_URL.rstrip("/") + static("portale/favicon.svg"))
    assert b"<svg" in response.read()
    assert response.content_type == "image/svg+xml"
    with pytest.raises(ValueError, match="no network"):
        fetcher.fetch("https://example.com/logo.png")
    with pytest.raises(ValueError, match="no network"):
        fetcher.fetch(PDF_BASE_URL + "area-privata/")  # only /static/ of the site
    with pytest.raises(ValueError, match="outside the project"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("ftp://example.com/x")
    assert fetcher.fetch("data:text/plain,ciao").read() == b"ciao"


def test_external_image_does_not_break_rendering():
    pdf = render_pdf(
        "core/pdf/example_summary.html",
        {"title": "Senza rete", "lines": [], "logo": "http://203.0.113.1/logo.png"},
    )
    assert "Senza rete" in pdf_text(pdf)
