"""The PostgreSQL engine takes statements of more values than server-side binding carries.

With prepared statements on (production and CI), psycopg binds values on the server and the
protocol carries at most 65,535 a statement: a filter over a 100,000-line contract or an
update of 100,000 rows by VALUES failed. ``portale.core.postgresql`` binds such a statement
on the client instead (building the Monitoring benchmark's thresholds hit it).
"""

import psycopg
import pytest
from django.db import connection

from portale.core.postgresql.base import MAX_BOUND_PARAMS
from portale.records.models import Contract

MANY = MAX_BOUND_PARAMS + 5


def test_the_protocol_limit_is_real(server_binding):
    """Without the engine's cursor the same statement fails: the tests below can fail."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    with (
        ServerBindingCursor(connection.connection) as raw,
        pytest.raises(psycopg.OperationalError, match="65535"),
    ):
        raw.execute("SELECT 1 WHERE 1 IN (" + ", ".join(["%s"] * MANY) + ")", [0] * MANY)


def test_a_filter_over_more_values_than_the_protocol_carries(
    server_binding, contract, other_contract
):
    ids = [*range(10**9, 10**9 + MANY), contract.pk, other_contract.pk]
    found = Contract.objects.filter(pk__in=ids).order_by("pk")
    assert list(found.values_list("pk", flat=True)) == sorted([contract.pk, other_contract.pk])


def test_text_values_keep_quotes_and_percent_signs(server_binding, contract):
    """Bound on the client, each value is quoted by psycopg: no injection, no lost ``%``."""
    tricky = "50% d'acqua; DROP TABLE records_contract; --"
    Contract.objects.filter(pk=contract.pk).update(offer=tricky)
    names = [f"offerta {i}" for i in range(MANY)] + [tricky]
    assert list(Contract.objects.filter(offer__in=names).values_list("pk", flat=True)) == [
        contract.pk
    ]
    assert Contract.objects.filter(offer__contains="%", pk=contract.pk).exists()


def test_an_update_of_more_values_than_the_protocol_carries(server_binding, contract):
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE records_contract SET offer = %s WHERE id = %s AND %s = ANY(ARRAY["
            + ", ".join(["%s"] * MANY)
            + "]::int[])",
            ["CONVENZIONE PA 9", contract.pk, 7, *range(MANY)],
        )
        assert cur.rowcount == 1
    contract.refresh_from_db()
    assert contract.offer == "CONVENZIONE PA 9"
