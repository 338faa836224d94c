"""Test support: a guard that catches writes to the records from outside the records layer.

Inside ``records_write_guard()``, every INSERT, UPDATE or DELETE on a records table must be
issued with a frame of ``portale/records/`` (its services, its demo generator, its test
factories) or of an allowed back-end engine on the call stack; anything else raises
``RecordsBoundaryViolation`` naming the project frame that wrote. The rating engine writes
the usage records it produces (events, counters, service SMS) in bulk, by design.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.db import connection

PORTALE = Path(__file__).resolve().parents[1]
RECORDS = PORTALE / "records"
# Back-end engines that own the records they produce (DESIGN §1): rating (events, counters,
# service SMS) and the invoicing engine (invoices from rated traffic and fees).
ENGINES = (PORTALE / "rating", PORTALE / "billing" / "invoicing.py")

_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


class RecordsBoundaryViolation(AssertionError):
    pass


def records_tables() -> frozenset[str]:
    return frozenset(m._meta.db_table for m in apps.get_app_config("records").get_models())


def _writer() -> tuple[bool, str]:
    """(allowed, the innermost project frame) for the current call stack."""
    frame = sys._getframe(2)
    innermost = ""
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PORTALE) and path != Path(__file__):
            innermost = innermost or f"{path.relative_to(PORTALE.parent)}:{frame.f_lineno}"
            if path.is_relative_to(RECORDS) or any(path.is_relative_to(e) for e in ENGINES):
                return True, innermost
        frame = frame.f_back
    return False, innermost


@contextmanager
def records_write_guard():
    tables = records_tables()

    def guard(execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match and match.group(2) in tables:
            allowed, where = _writer()
            if not allowed:
                raise RecordsBoundaryViolation(
                    f"{where or 'outside the project'} writes {match.group(2)} "
                    "without portale.records.services"
                )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield
