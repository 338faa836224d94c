"""The Content-Security-Policy header, built once per process (issue 17).

django-csp's middleware builds the header for every response, twice (the enforced and the
report-only policy), each time through ``dataclasses.asdict`` and a copy of every directive:
~0.1-0.2 ms a request, measured with timeit, 5-10% of the time of the portal's lightest
pages. The portal declares no per-view policy and uses no nonce, so the header is the
settings' own and the same for every response: it is built once (again when a test changes
the settings). A response or request that does carry its own policy or a nonce (a view
decorated by django-csp, a template reading ``request.csp_nonce``) goes through django-csp's
own code, unchanged.
"""

from __future__ import annotations

import functools
import http.client

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view or decorator of django-csp sets on a response to change or drop its policy.
PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
DEBUG_EXEMPT = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)


@functools.cache
def settings_policy() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, value, excluded path prefixes) of each policy the settings declare."""
    out = []
    for header, report_only, name in (
        (HEADER, False, "CONTENT_SECURITY_POLICY"),
        (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
    ):
        value = build_policy(report_only=report_only)
        if value:
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            out.append((header, value, tuple(prefixes)))
    return tuple(out)


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_policy.cache_clear()


class CSPMiddleware(_DjangoCSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in DEBUG_EXEMPT and settings.DEBUG:
            return response
        path = request.path_info
        for header, value, prefixes in settings_policy():
            if header not in response and not (prefixes and path.startswith(prefixes)):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
