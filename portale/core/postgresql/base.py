"""Django's PostgreSQL backend, with server-side binding that takes statements of any length.

With ``server_side_binding`` (``DB_PREPARED_STATEMENTS``, on by default: repeated statements
are prepared) psycopg sends the values apart from the SQL, and the wire protocol carries at
most 65,535 of them in one statement. Django splits nothing on PostgreSQL, so a statement
with more — ``filter(line_id__in=…)`` over a 100,000-line contract, an UPDATE of 100,000
thresholds by VALUES, a large ``bulk_create`` — failed with "number of parameters must be
between 0 and 65535". Such a statement is now bound on the client, as every statement is
without the option: the same SQL and values, sent as one text, not prepared (a statement
that long is never a repeated one).
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import ClientCursor

# PostgreSQL's protocol: a Bind message counts its parameters in 16 bits.
MAX_BOUND_PARAMS = 65535


class ServerBindingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        if params is not None and len(params) > MAX_BOUND_PARAMS:
            query, params = ClientCursor(self.connection).mogrify(query, params), None
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params
