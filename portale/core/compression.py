"""HTML compression, and the pages that stay uncompressed (BREACH).

``CompressionMiddleware`` gzips text responses with Django's ``GZipMiddleware``: small bodies
are skipped, and every compressed body is padded with random bytes ("Heal The Breach").
Compressing the portal's pages is safe because the one secret they all carry, the CSRF token,
is masked with a fresh random value each time a page renders it (Django does it), so BREACH,
which recovers a secret that repeats in every response, has nothing to guess. The other data
of a private page (numbers, addresses) could only be guessed through thousands of requests
sent with the victim's session from another site, and the session cookie is SameSite=Lax
(Django's default, kept here): cross-site sub-requests do not carry it.

A page that shows another secret next to text an attacker can reflect into it is left
uncompressed: its URL name goes in ``settings.UNCOMPRESSED_URL_NAMES`` (the demo outbox shows
the one-time codes and echoes its search box). Static files never reach this middleware:
WhiteNoise serves their pre-compressed gzip and Brotli copies.
"""

from __future__ import annotations

import gzip
import secrets

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

# Only text is worth compressing: PDFs and xlsx files are compressed inside already.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


def is_uncompressed(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match) and match.view_name in settings.UNCOMPRESSED_URL_NAMES


# gzip level of pages (Django uses 6). Issue 17, measured on the home page (36 KB of HTML):
# level 6 took ~3 ms of CPU, a third of the whole request once the frame is cached, for
# 5.5 KB; level 1 ~1.2 ms for 6.7 KB. Streamed responses (exports) keep Django's level.
PAGE_LEVEL = 1


def compress_page(body: bytes, max_random_bytes: int) -> bytes:
    """Django's ``compress_string`` at ``PAGE_LEVEL``, padded the same way (a random-length
    file name in the gzip header, "Heal The Breach")."""
    data = gzip.compress(body, compresslevel=PAGE_LEVEL, mtime=0)
    header = bytearray(data[:10])
    header[3] = gzip.FNAME
    return bytes(header) + b"a" * secrets.randbelow(max_random_bytes) + b"\x00" + data[10:]


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE_TYPES) or is_uncompressed(request):
            return response
        if response.streaming:
            return super().process_response(request, response)
        # GZipMiddleware's steps for a body in memory, with the page level above.
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = compress_page(response.content, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
