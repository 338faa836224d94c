"""Writes of Assistenza: call-back requests and their handling by the back office."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.records.models import Contract

from . import hours
from .models import (
    CallbackRequest,
    CallbackState,
    ChatMessage,
    ChatSession,
    ChatState,
    Ticket,
    TicketEvent,
    TicketState,
)

__all__ = ["CallbackRequest", "SupportError", "callback_request_create", "callback_request_update"]


class SupportError(Exception):
    """A refused request, with a message for the user (Italian)."""


OPEN_CHAT = (ChatState.WAITING, ChatState.ACTIVE)

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


# --- chat (F-7.7.2) ----------------------------------------------------------------------

CHAT_MAX = 1000


@transaction.atomic
def chat_start(*, user, contract: Contract | None, now=None) -> ChatSession:
    """ "Inizia Chat": within service hours; an open chat of the user is resumed, not doubled."""
    now = now or timezone.now()
    current = ChatSession.objects.filter(user=user, state__in=OPEN_CHAT).first()
    if current is not None:
        return current
    if not hours.is_open(now):
        raise SupportError(str(HOURS_MESSAGE))
    try:
        with transaction.atomic():
            session = ChatSession.objects.create(user=user, contract=contract, started_at=now)
    except IntegrityError:  # a double click: the other request opened it
        return ChatSession.objects.get(user=user, state__in=OPEN_CHAT)
    ChatMessage.objects.create(
        session=session,
        author=ChatMessage.Author.SYSTEM,
        text=_("Attendi: il primo operatore disponibile ti risponderà a breve."),
        created_at=now,
    )
    return session


def _locked(session: ChatSession) -> ChatSession:
    return ChatSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def chat_post(*, session: ChatSession, author: str, text: str) -> ChatMessage:
    """ "Invia": a message of the customer or of the operator."""
    text = text.strip()
    if not text:
        raise SupportError(_("Scrivi il messaggio prima di inviarlo."))
    if len(text) > CHAT_MAX:
        raise SupportError(_("Il messaggio è troppo lungo: al massimo 1000 caratteri."))
    session = _locked(session)
    if not session.is_open:
        raise SupportError(_("La chat è chiusa: avviane una nuova se ti serve ancora aiuto."))
    return ChatMessage.objects.create(session=session, author=author, text=text)


@transaction.atomic
def chat_take(*, session: ChatSession, operator) -> ChatSession:
    """The operator answers a waiting chat."""
    session = _locked(session)
    if session.state != ChatState.WAITING:
        raise SupportError(_("La chat è già seguita da un operatore o è chiusa."))
    session.state = ChatState.ACTIVE
    session.operator = operator
    session.save(update_fields=["state", "operator"])
    name = operator.first_name or _("un operatore")
    ChatMessage.objects.create(
        session=session,
        author=ChatMessage.Author.SYSTEM,
        text=_("Ti risponde %(name)s del Servizio Clienti.") % {"name": name},
    )
    return session


@transaction.atomic
def chat_end(*, session: ChatSession, by_operator: bool) -> ChatSession:
    """ "Interrompi Chat" (customer) or the operator's close: the transcript stays."""
    session = _locked(session)
    if not session.is_open:
        return session
    session.state = ChatState.ENDED
    session.ended_at = timezone.now()
    session.save(update_fields=["state", "ended_at"])
    who = _("L'operatore") if by_operator else _("Il cliente")
    ChatMessage.objects.create(
        session=session,
        author=ChatMessage.Author.SYSTEM,
        text=_("%(who)s ha chiuso la chat.") % {"who": who},
    )
    return session


# --- all-risk tickets (F-7.7.6, F-7.7.7) -------------------------------------------------


def ticket_open(case) -> Ticket:
    """The ticket of a pratica "Apertura tk servizio all risk", made in its filing transaction
    (the operation's ``on_file``): its "ID richiesta" is the pratica number."""
    p = case.payload
    ticket = Ticket.objects.create(
        case=case,
        contract=case.contract,
        device_id=p["device_id"],
        problem=p["problem"],
        description=p["description"],
        delivery=p["delivery"],
        delivery_address=p.get("address", ""),
        service_point_id=p.get("service_point_id"),
        opened_at=case.opened_at,
    )
    TicketEvent.objects.create(ticket=ticket, at=case.opened_at, description=_("Ticket aperto"))
    return ticket


# The operator's steps: from → to, and the event the customer reads.
TICKET_STEPS = {
    "lavora": ((TicketState.OPEN,), TicketState.WORKING, gettext_lazy("Ticket in lavorazione")),
    "spedisci": (
        (TicketState.OPEN, TicketState.WORKING),
        TicketState.SHIPPED,
        gettext_lazy("Apparato sostitutivo spedito"),
    ),
    "consegna": (
        (TicketState.SHIPPED,),
        TicketState.DELIVERED,
        gettext_lazy("Apparato consegnato"),
    ),
    "chiudi": (
        (TicketState.OPEN, TicketState.WORKING, TicketState.SHIPPED, TicketState.DELIVERED),
        TicketState.CLOSED,
        gettext_lazy("Ticket chiuso"),
    ),
}


@transaction.atomic
def ticket_advance(*, ticket: Ticket, step: str, operator, note: str = "") -> Ticket:
    """Work a ticket; closing it closes its pratica with the outcome (``cases.lifecycle``)."""
    from portale.cases import lifecycle

    ticket = Ticket.objects.select_for_update().select_related("case").get(pk=ticket.pk)
    if step not in TICKET_STEPS:
        raise SupportError(_("Operazione non prevista sul ticket."))
    sources, target, event = TICKET_STEPS[step]
    if ticket.state not in sources:
        raise SupportError(
            _("Il ticket è %(state)s: questa operazione non è possibile.")
            % {"state": ticket.get_state_display().lower()}
        )
    if ticket.case.state == "APERTO":
        lifecycle.case_take(case=ticket.case, operator=operator)
    if step == "spedisci":
        ticket.tracking_code = ticket.tracking_code or f"BRT{ticket.case.number.replace('-', '')}"
        if ticket.delivery == Ticket.Delivery.SERVICE_POINT:
            event = gettext_lazy("Apparato sostitutivo spedito al punto di assistenza")
    ticket.state = target
    text = str(event) + (f": {note.strip()}" if note.strip() else "")
    if target == TicketState.CLOSED:
        ticket.closed_at = timezone.now()
        lifecycle.case_close(
            case=ticket.case, outcome=note.strip() or _("Ticket chiuso."), operator=operator
        )
    ticket.save()
    TicketEvent.objects.create(ticket=ticket, description=text[:200])
    return ticket
