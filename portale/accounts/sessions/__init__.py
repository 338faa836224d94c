"""Session engines of the portal: Django's database engines over ``accounts.UserSession``,
which keeps the logged-in user's id in an indexed column.

Ending every session of a user (a ceased registration, G-51) is then one indexed read of
that user's rows instead of decoding every live session of every user (issue 17: a scan
that grows with the portal's users). ``db`` is the engine without a shared cache (the demo,
SQLite), ``cached_db`` the one with ``REDIS_URL`` (read from Redis, written through).
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY


def user_id_of(data: dict) -> int | None:
    """The logged-in user's id in a session's data, else None (anonymous, tampered)."""
    try:
        return int(data.get(SESSION_KEY))
    except (TypeError, ValueError):
        return None


class UserColumnMixin:
    """Writes the user's id beside the encoded data whenever the session row is saved."""

    @classmethod
    def get_model_class(cls):
        from portale.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.user_id = user_id_of(data)
        return row
