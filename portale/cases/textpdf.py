"""A plain-text PDF writer for long lists (the "list of lines" of a 10,000-line request).

WeasyPrint lays out a table of thousands of rows in minutes; a list of lines needs no layout:
monospaced lines on A4 pages (Courier, WinAnsi), written straight as PDF objects, in
milliseconds and constant memory per page. Any PDF reader (and ``pypdf``) reads it.
"""

from __future__ import annotations

import io

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 40
FONT_SIZE = 8
LEADING = 10
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING - 3  # room for the page header


def _escape(text: str) -> bytes:
    raw = text.replace("→", "->").encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(*, title: str, header: str, lines: list[str]) -> bytes:
    """A4 pages of ``lines`` under ``title`` and the column ``header``, numbered."""
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    total = len(chunks)
    out = io.BytesIO()
    offsets: list[int] = []

    def obj(body: bytes) -> None:
        offsets.append(out.tell())
        out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    first_page = 4
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(total))
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(f"<< /Type /Pages /Kids [{kids}] /Count {total} >>".encode())
    obj(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    for number, chunk in enumerate(chunks, start=1):
        text = [f"{title} - Pagina {number} di {total}", header, ""] + chunk
        stream = b"BT /F1 %d Tf %d TL %d %d Td " % (
            FONT_SIZE,
            LEADING,
            MARGIN,
            PAGE_HEIGHT - MARGIN,
        )
        stream += b" T* ".join(b"(" + _escape(t) + b") Tj" for t in text) + b" ET"
        obj(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(offsets) + 2} 0 R >>".encode()
        )
        obj(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
