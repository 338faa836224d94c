"""Reads of the operator's console."""

from __future__ import annotations

from portale.cases.models import Case


def case_by_idempotency_key(*, key: str) -> Case | None:
    """The pratica a page (its token) already filed, if any."""
    return Case.objects.filter(idempotency_key=key).first()
