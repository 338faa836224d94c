"""Reads of pratiche for the pages of the apps that file them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from portale.records.models import Contract

from . import operations as registry
from .lifecycle import OPEN_STATES
from .models import Case, CaseState


def open_cases(*, contract: Contract, operations: list[str] | tuple[str, ...]) -> QuerySet[Case]:
    """The open pratiche of these operations on the contract (G-09/G-10: busy objects)."""
    return Case.objects.filter(contract=contract, operation__in=operations, state__in=OPEN_STATES)


def expired_locks(*, operations) -> Q | None:
    """The open pratiche of these operations whose lock has timed out (G-52), or None."""
    now = timezone.now()
    expired = [
        Q(operation=code, opened_at__lt=now - op.conflict_timeout)
        for code in operations
        if (op := registry.get(code)).conflict_timeout
    ]
    if not expired:
        return None
    q = expired[0]
    for more in expired[1:]:
        q |= more
    return q


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
