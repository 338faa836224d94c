"""Shared by the records' services: the error they raise, the date they default to and the
locked line of a contract."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Contract, Line


class RecordError(Exception):
    """The records do not allow the requested change."""


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _locked_line(*, contract: Contract, line_id: int) -> Line:
    line = (
        Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(pk=line_id, contract=contract)
        .first()
    )
    if line is None:
        raise RecordError(_("La linea non è presente sul contratto."))
    return line
