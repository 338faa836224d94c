"""Serving stored files: one helper for every download of the portal.

``file_response(fileobj, filename=…)`` answers with the file streamed in blocks, its
content type (given, or guessed from the download name), the download name in a
``Content-Disposition`` header that survives accents and spaces (RFC 6266 ``filename*``),
and the headers a private file needs: ``Cache-Control: no-store`` (no shared or browser
cache keeps a contract's data; ``private=False`` for public documents, which may be
cached for an hour) and ``X-Content-Type-Options: nosniff`` (the browser never runs an
uploaded file as HTML or script).

``fileobj`` is a Django ``File``/``FieldFile`` (opened here) or an open binary file.
"""

from __future__ import annotations

import mimetypes
from typing import IO, Any

from django.http import FileResponse, Http404

PUBLIC_MAX_AGE = 3600  # seconds a public document may be cached


def guess_content_type(filename: str) -> str:
    content_type, encoding = mimetypes.guess_type(filename)
    if encoding or not content_type:
        return "application/octet-stream"
    if content_type.startswith("text/"):
        return f"{content_type}; charset=utf-8"
    return content_type


def file_response(
    fileobj: Any,
    *,
    filename: str,
    content_type: str | None = None,
    as_attachment: bool = True,
    private: bool = True,
) -> FileResponse:
    """A download of a stored file (see the module's docstring). A missing file is a 404."""
    handle: IO[bytes]
    if hasattr(fileobj, "storage") and hasattr(fileobj, "name"):  # a FieldFile
        if not fileobj.name:
            raise Http404
        try:
            handle = fileobj.open("rb")
        except FileNotFoundError:
            raise Http404 from None
    elif hasattr(fileobj, "open") and not hasattr(fileobj, "read"):
        handle = fileobj.open("rb")
    else:
        handle = fileobj
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type or guess_content_type(filename),
    )
    response["Cache-Control"] = "no-store" if private else f"public, max-age={PUBLIC_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
