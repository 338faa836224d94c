"""Reads of the systems of record. Views and other apps read records through here."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Contract, Line, LineState, Referent


def referents_for_mobile(*, mobile: str) -> QuerySet[Referent]:
    """Referent rows whose mobile number is the user's: they grant the referent profiles."""
    return Referent.objects.filter(mobile=mobile).select_related("contract__administration")


def line_for_mobile(*, mobile: str) -> Line | None:
    """The user's own line: the registered number, when it is not ceased (F-9)."""
    if not mobile:
        return None
    return (
        Line.objects.select_related("contract__administration", "tariff_plan")
        .exclude(state=LineState.CEASED)
        .filter(msisdn=mobile)
        .first()
    )


def contracts_for_codes(*, codes: list[str]) -> QuerySet[Contract]:
    return Contract.objects.filter(code__in=codes).select_related("administration")


def lines_for_contract(*, contract: Contract) -> QuerySet[Line]:
    return Line.objects.filter(contract=contract).select_related("tariff_plan")
