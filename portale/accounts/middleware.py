"""Session checks on every request (issue 15): the two factors and the admin audit.

Placed right after ``AuthenticationMiddleware``:

- a session not opened by the portal's two-step login (``SecondFactorBackend``, see
  ``backends.py``) is ended and audited, whatever opened it: every way in passes the same
  two factors;
- the first request of a staff session to the Django admin is audited ("Accesso
  all'amministrazione").
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, logout

from .audit import Kind, security_event_log
from .backends import session_has_second_factor

ADMIN_AUDITED_KEY = "accounts_admin_audited"
ADMIN_PREFIX = "/admin/"


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

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
        if (
            request.path_info.startswith(ADMIN_PREFIX)
            and user.is_staff
            and not session.get(ADMIN_AUDITED_KEY)
        ):
            session[ADMIN_AUDITED_KEY] = True
            security_event_log(
                kind=Kind.ADMIN_LOGIN, request=request, user=user, detail=request.path_info[:200]
            )
