"""What the platform knows of a login: whether the session passed both factors.

Only the portal's own login (password, then the code: ``portale.accounts``) marks a session
with ``SECOND_FACTOR_BACKEND``; the back-office profile and every private page rely on it.
"""

from __future__ import annotations

SECOND_FACTOR_BACKEND = "portale.accounts.backends.SecondFactorBackend"


def session_has_second_factor(session) -> bool:
    from django.contrib.auth import BACKEND_SESSION_KEY

    return session.get(BACKEND_SESSION_KEY) == SECOND_FACTOR_BACKEND
