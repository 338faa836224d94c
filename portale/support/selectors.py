"""Reads of Assistenza."""

from __future__ import annotations

from django.db.models import QuerySet

from portale.core.capabilities import Profile
from portale.core.context import PortalContext
from portale.records.models import Contract

from .models import (
    CallbackRequest,
    CallbackState,
    ChatMessage,
    ChatSession,
    ChatState,
    Manual,
    Ticket,
)

OPEN_CHAT_STATES = (ChatState.WAITING, ChatState.ACTIVE)


def manuals_for(*, ctx: PortalContext) -> QuerySet[Manual]:
    """The published manuals this user may read (referents see the referent-only ones)."""
    qs = Manual.objects.filter(published=True)
    if not (ctx.profiles & {Profile.ROA, Profile.MAN, Profile.EB, Profile.TM, Profile.MSG}):
        qs = qs.filter(audience=Manual.Audience.EVERYONE)
    return qs


def waiting_callback(*, user) -> CallbackRequest | None:
    return CallbackRequest.objects.filter(user=user, state=CallbackState.WAITING).first()


def callback_queue(*, open_only: bool = True) -> QuerySet[CallbackRequest]:
    qs = CallbackRequest.objects.select_related("user", "contract", "operator")
    if open_only:
        qs = qs.filter(state__in=[CallbackState.WAITING, CallbackState.UNREACHABLE])
    return qs


def open_chat(*, user) -> ChatSession | None:
    return ChatSession.objects.filter(user=user, state__in=OPEN_CHAT_STATES).first()


def chat_of_user(*, user, pk: int) -> ChatSession | None:
    """A chat of this user only: anyone else's is not found (404)."""
    return ChatSession.objects.filter(user=user, pk=pk).first()


def chat_messages(*, session: ChatSession, after: int = 0) -> QuerySet[ChatMessage]:
    return session.messages.filter(pk__gt=after)


def chat_queue() -> QuerySet[ChatSession]:
    """The operator's view: waiting chats first, then those in progress."""
    return (
        ChatSession.objects.filter(state__in=OPEN_CHAT_STATES)
        .select_related("user", "contract", "operator")
        .order_by("state", "started_at")  # IN_ATTESA before IN_CORSO
    )


LATEST_TICKETS = 30


def latest_tickets(*, contract: Contract) -> QuerySet[Ticket]:
    """F-7.7.7: the contract's last 30 tickets (the list filters and sorts within them)."""
    ids = list(
        Ticket.objects.filter(contract=contract)
        .order_by("-opened_at", "-pk")
        .values_list("pk", flat=True)[:LATEST_TICKETS]
    )
    return Ticket.objects.filter(pk__in=ids).select_related("case", "device")


def ticket_of_contract(*, contract: Contract, number: str) -> Ticket | None:
    return (
        Ticket.objects.filter(contract=contract, case__number=number)
        .select_related("case", "device", "service_point")
        .prefetch_related("events")
        .first()
    )


def ticket_queue() -> QuerySet[Ticket]:
    return Ticket.objects.exclude(state__in=["CHIUSO", "ANNULLATO"]).select_related(
        "case", "contract", "device", "service_point"
    )
