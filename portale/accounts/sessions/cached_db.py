"""``SESSION_ENGINE = "portale.accounts.sessions.cached_db"``: Django's cached database
sessions (read from the shared cache, written through to the database), with the user's id
in its own column (``portale.accounts.sessions``)."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from . import UserColumnMixin


class SessionStore(UserColumnMixin, CachedDBStore):
    pass
