"""Reads of pratiche for the pages of the apps that file them."""

from __future__ import annotations

from django.db.models import QuerySet

from portale.records.models import Contract

from .lifecycle import OPEN_STATES
from .models import Case, CaseState


def open_cases(*, contract: Contract, operations: list[str] | tuple[str, ...]) -> QuerySet[Case]:
    """The open pratiche of these operations on the contract (G-09/G-10: busy objects)."""
    return Case.objects.filter(contract=contract, operation__in=operations, state__in=OPEN_STATES)


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
