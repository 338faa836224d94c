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

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

# Only text is worth compressing: PDFs and xlsx files are compressed inside already.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


def is_uncompressed(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match) and match.view_name in settings.UNCOMPRESSED_URL_NAMES


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE_TYPES) or is_uncompressed(request):
            return response
        return super().process_response(request, response)
