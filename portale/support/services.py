"""Writes of Assistenza: call-back requests and their handling by the back office."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.records.models import Contract

from . import hours
from .models import CallbackRequest, CallbackState

__all__ = ["CallbackRequest", "SupportError", "callback_request_create", "callback_request_update"]


class SupportError(Exception):
    """A refused request, with a message for the user (Italian)."""


HOURS_MESSAGE = gettext_lazy(
    "Il servizio è disponibile dal lunedì al venerdì dalle 9:00 alle 18:00 e il sabato dalle "
    "9:00 alle 14:00, festivi nazionali esclusi."
)


@transaction.atomic
def callback_request_create(
    *, user, contract: Contract | None, phone: str, now=None
) -> CallbackRequest:
    """ "CHIAMAMI": one waiting request per user (a double click or a second try reuses it)."""
    now = now or timezone.now()
    if not hours.is_open(now):
        raise SupportError(str(HOURS_MESSAGE))
    waiting = (
        CallbackRequest.objects.select_for_update()
        .filter(user=user, state=CallbackState.WAITING)
        .first()
    )
    if waiting is not None:
        if waiting.phone != phone:
            waiting.phone = phone
            waiting.save(update_fields=["phone", "updated_at"])
        return waiting
    return CallbackRequest.objects.create(user=user, contract=contract, phone=phone, created_at=now)


TRANSITIONS = {
    CallbackState.CALLED: {CallbackState.WAITING, CallbackState.UNREACHABLE},
    CallbackState.UNREACHABLE: {CallbackState.WAITING},
    CallbackState.DONE: {CallbackState.WAITING, CallbackState.CALLED, CallbackState.UNREACHABLE},
}


@transaction.atomic
def callback_request_update(
    *, request_id: int, state: str, operator, notes: str = ""
) -> CallbackRequest:
    """The operator works the queue: chiamato, non raggiungibile, chiuso."""
    item = CallbackRequest.objects.select_for_update().get(pk=request_id)
    allowed = TRANSITIONS.get(state)
    if allowed is None or item.state not in allowed:
        raise SupportError(_("La richiesta non può passare a questo stato."))
    item.state = state
    item.operator = operator
    if notes.strip():
        stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        item.notes = f"{item.notes}\n[{stamp}] {notes.strip()}".strip()
    item.save()
    return item
