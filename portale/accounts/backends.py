"""The session mark of the two factors (issue 15, item 1).

Only ``user_login_complete`` logs a user in with ``SecondFactorBackend``, after the password
and the SMS (or e-mail) code. Its path is stored in the session (``_auth_user_backend``), so
a session opened any other way (a password-only ``authenticate()`` + ``login()``, such as
Django's admin login form) carries ``ModelBackend`` instead and is refused by
``portale.accounts.middleware.SessionSecurityMiddleware``.

The backend never authenticates credentials itself: it only loads the user of a session.
``Client.force_login`` in tests picks the first backend able to load users, this one, which
matches its documented meaning ("bypasses the SMS step").

It loads that user on every request of a logged-in session, so it reads the row with a
statement compiled once (``portale.core.keyed_read``; issue 17): the same row and fields as
``ModelBackend.get_user``, and the same refusal of an inactive user.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from portale.core.auth import SECOND_FACTOR_BACKEND, session_has_second_factor
from portale.core.keyed_read import KeyedRead

__all__ = ["SECOND_FACTOR_BACKEND", "SecondFactorBackend", "session_has_second_factor"]

USER_BY_PK = KeyedRead(get_user_model())


class SecondFactorBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

    def get_user(self, user_id):
        user = USER_BY_PK.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
