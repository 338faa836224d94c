"""``SESSION_ENGINE = "portale.accounts.sessions.db"``: Django's database sessions, with the
user's id in its own column (``portale.accounts.sessions``)."""

from django.contrib.sessions.backends.db import SessionStore as DBStore

from . import UserColumnMixin


class SessionStore(UserColumnMixin, DBStore):
    pass
