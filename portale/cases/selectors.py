"""Reads of pratiche for the pages of the apps that file them."""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q, QuerySet

from portale.records.models import Contract

from . import operations as registry
from .lifecycle import OPEN_STATES
from .models import Case, CaseState


def case_by_idempotency_key(*, key: str) -> Case | None:
    """The pratica already filed under ``key`` (a page's token, a payment), if any."""
    return Case.objects.filter(idempotency_key=key).first()


def open_cases(*, contract: Contract, operations: list[str] | tuple[str, ...]) -> QuerySet[Case]:
    """The open pratiche of these operations on the contract (G-09/G-10: busy objects)."""
    return Case.objects.filter(contract=contract, operation__in=operations, state__in=OPEN_STATES)


def expired_locks(*, operations) -> Q | None:
    """The open pratiche of these operations whose lock has timed out (G-52), or None."""
    expired = [
        Q(operation=code, opened_at__lt=cutoff)
        for code in operations
        if (cutoff := registry.get(code).lock_cutoff())
    ]
    return reduce(operator.or_, expired) if expired else None


def locking_cases(*, contract: Contract, operations: list[str] | tuple[str, ...]) -> QuerySet[Case]:
    """The open pratiche of these operations that still hold their object's lock: all of
    them, except those past their operation's ``conflict_timeout`` (G-52: 24 h)."""
    qs = open_cases(contract=contract, operations=operations).exclude(conflict_key=None)
    expired = expired_locks(operations=operations)
    return qs if expired is None else qs.exclude(expired)


def closed_cases(
    *, contract: Contract, operations: list[str] | tuple[str, ...], since, until
) -> QuerySet[Case]:
    """The pratiche of these operations closed (carried out) on the contract in [since, until)."""
    return Case.objects.filter(
        contract=contract,
        operation__in=operations,
        state=CaseState.CLOSED,
        closed_at__gte=since,
        closed_at__lt=until,
    )
