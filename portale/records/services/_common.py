"""Shared by the records' services: the error they raise, the date they default to and the
locked line of a contract."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Contract, Line, LineState


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


def _live_prepaid(line: Line) -> Line:
    """``line`` if credit may move on it: a rechargeable line that is not ceased."""
    if not line.tariff_plan.is_prepaid:
        raise RecordError(_("La linea %(msisdn)s non è ricaricabile.") % {"msisdn": line.msisdn})
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
    return line
