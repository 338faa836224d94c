"""PDF documents from Django templates with WeasyPrint (DESIGN §5.6).

    from portale.core.pdf import pdf_response, render_pdf

    pdf = render_pdf("cases/pdf/summary.html", {"case": case, "lines": lines}, request=request)
    return pdf_response(pdf, "riepilogo.pdf")

Templates extend ``core/pdf/base.html`` (A4, the "Convenzione Telefonia Mobile 8" header,
"Pagina N di M" footer, DejaVu fonts) and fill ``{% block title %}`` and
``{% block content %}``. Rendering never touches the network: static files
(``{% static %}``) are read from the staticfiles finders, ``file:`` URLs only inside the
project and the static roots, ``data:`` URLs as they are; anything else is refused.
"""

from __future__ import annotations

import io
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# The base URL documents are rendered against: relative and /static/ URLs resolve under it.
PDF_BASE_URL = "http://portale.invalid/"


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.BASE_DIR), Path(settings.STATIC_ROOT)]
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return [r.resolve() for r in roots]


def _static_path(url_path: str) -> str | None:
    """The file behind a /static/... path, found like ``runserver`` finds it."""
    static_url = urlsplit(settings.STATIC_URL).path or "/static/"
    if not url_path.startswith(static_url):
        return None
    relative = posixpath.normpath(unquote(url_path[len(static_url) :])).lstrip("/")
    if relative.startswith(".."):
        return None
    found = finders.find(relative)
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    return found


def _make_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serve static and project files from disk; refuse the network."""

        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                site = urlsplit(PDF_BASE_URL)
                path = _static_path(parts.path) if parts.netloc == site.netloc else None
                if path is None:
                    raise ValueError(f"PDF: URL not allowed (no network): {url}")
                return self._file(Path(path))
            if parts.scheme == "file":
                path = Path(url2pathname(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in _allowed_roots()):
                    raise ValueError(f"PDF: file outside the project refused: {url}")
                return self._file(path)
            return super().fetch(url, headers)  # data: (other schemes are refused)

        def _file(self, path: Path):
            mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": mimetype}
            )

    return LocalOnlyFetcher()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to PDF bytes (A4, Italian, see ``core/pdf/base.html``)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_make_fetcher())
    return document.write_pdf()


# Set by portale.js when a link marked ``data-preparing`` is clicked; a file response clears
# it, so the page knows the download has started and drops "Preparazione in corso…".
PREPARING_COOKIE = "portale_preparing"


def file_ready(response: HttpResponse) -> HttpResponse:
    """Tell the page that asked for a file made on request that the file is on its way."""
    response.delete_cookie(PREPARING_COOKIE, samesite="Lax")
    return response


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """An HTTP response carrying ``pdf``: a download, or shown in the browser if ``inline``."""
    response = file_ready(HttpResponse(pdf, content_type="application/pdf"))
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Content-Length"] = str(len(pdf))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_text(pdf: bytes) -> str:
    """The text of every page, joined with newlines (for tests and checks)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


__all__ = ["pdf_response", "pdf_text", "render_pdf"]
