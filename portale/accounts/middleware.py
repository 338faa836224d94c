"""Session checks on every request (issue 15): two factors, lifetime, no-store, admin audit.

Placed right after ``AuthenticationMiddleware``:

- a session not opened by the portal's two-step login (``SecondFactorBackend``, see
  ``backends.py``) is ended and audited, whatever opened it: every way in passes the same
  two factors;
- a session older than ``SESSION_ABSOLUTE_AGE`` (12 hours) since its login ends, however
  active: the user logs in again with both factors;
- the idle age of the session is renewed (the session saved, its expiry pushed back by
  ``SESSION_COOKIE_AGE``) by the first request ``SESSION_RENEW_SECONDS`` after the last
  renewal, and whenever the session is saved anyway; other requests write nothing (issue 17:
  ``SESSION_SAVE_EVERY_REQUEST`` cost an UPDATE and a commit on every page);
- the first request of a staff session to the Django admin is audited ("Accesso
  all'amministrazione");
- every download (``Content-Disposition: attachment``) by a logged-in user is audited
  (invoices, documents, summaries, exports);
- every response to a logged-in user, and every page of the login flows and of the demo
  outbox, is sent with ``Cache-Control: no-store`` (invoice PDFs included): nothing private
  stays in a shared PC's cache after logout.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.utils.cache import add_never_cache_headers

from .audit import Kind, audit_document_download, security_event_log
from .backends import session_has_second_factor
from .signals import AUTH_AT_KEY

ADMIN_AUDITED_KEY = "accounts_admin_audited"
RENEWED_AT_KEY = "accounts_renewed_at"  # when the idle age was last pushed back (saved)
ADMIN_PREFIX = "/admin/"
# Anonymous pages that still carry something private (codes, typed usernames, the outbox).
NO_STORE_PREFIXES = ("/accesso/", "/demo/", ADMIN_PREFIX)


def _filename(disposition: str) -> str:
    _, _, rest = disposition.partition("filename=")
    return rest.split(";", 1)[0].strip().strip('"')


def renew_seconds() -> int:
    """How old the last renewal may be before a request renews the session: the setting,
    at most a tenth of the idle age (a short test age renews on nearly every request)."""
    age = int(settings.SESSION_COOKIE_AGE)
    return min(int(getattr(settings, "SESSION_RENEW_SECONDS", 30)), age // 10)


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        private = user is not None and user.is_authenticated
        if private:
            self._check(request, user)
        response = self.get_response(request)
        if private and request.user.is_authenticated and request.session.modified:
            # Saved anyway (by the view or a renewal): the expiry moves, so note it.
            request.session[RENEWED_AT_KEY] = int(time.time())
        if private or request.path_info.startswith(NO_STORE_PREFIXES):
            add_never_cache_headers(response)
        if private and response.status_code == 200 and request.user.is_authenticated:
            disposition = response.get("Content-Disposition", "")
            if disposition.startswith("attachment"):
                audit_document_download(request=request, filename=_filename(disposition))
        return response

    def _check(self, request, user) -> None:
        session = request.session
        if not session_has_second_factor(session):
            security_event_log(
                kind=Kind.SESSION_REJECTED,
                request=request,
                user=user,
                detail=f"sessione aperta senza codice temporaneo ({session.get(BACKEND_SESSION_KEY, '')})",
            )
            logout(request)
            return
        opened = session.get(AUTH_AT_KEY) or 0
        if time.time() - opened > getattr(settings, "SESSION_ABSOLUTE_AGE", 12 * 3600):
            security_event_log(
                kind=Kind.SESSION_LIFETIME, request=request, user=user, detail="durata massima"
            )
            logout(request)
            return
        if time.time() - session.get(RENEWED_AT_KEY, 0) >= renew_seconds():
            session[RENEWED_AT_KEY] = int(time.time())  # modified: saved, expiry renewed
        if (
            request.path_info.startswith(ADMIN_PREFIX)
            and user.is_staff
            and not session.get(ADMIN_AUDITED_KEY)
        ):
            session[ADMIN_AUDITED_KEY] = True
            security_event_log(
                kind=Kind.ADMIN_LOGIN, request=request, user=user, detail=request.path_info[:200]
            )
