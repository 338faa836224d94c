"""The one owner of every pratica and ordine state transition (DESIGN §5.4, G-16, G-17).

Pratica: Aperto → In lavorazione → Chiuso, or Scartato (the back office refuses it, with a
reason shown to the customer) or Annullato (withdrawn at the customer's request); Sospeso
pauses it (still open: it keeps its object busy, G-10) until the back office resumes it.
Ordine: Approvato → In lavorazione (with its pratica) → Lavorato (pratica closed) → Emesso →
Attivo, or Cessato with a refused pratica; a shipment gets its tracking events on the way.

Callers: the fulfilment engine (the automatic steps, ``fulfilment/engine.py``) and the back
office (the manual ones). Each transition locks the row, checks the state it starts from and
raises ``InvalidTransition`` otherwise, so a replay or a race never applies anything twice.
The effect of a closing pratica runs inside the closing transaction: both or neither.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portale.core.notifications import send_email

from . import hooks, operations
from .exceptions import InvalidTransition
from .models import (
    OPEN_STATE_VALUES,
    Case,
    CaseState,
    Order,
    OrderState,
    Shipment,
    ShipmentEvent,
)

OPEN_STATES = tuple(CaseState(v) for v in OPEN_STATE_VALUES)
CLOSED_STATES = (CaseState.CLOSED, CaseState.CANCELLED, CaseState.REJECTED)
ENGINE_STATES = (CaseState.OPEN, CaseState.WORKING)  # the engine moves only these
ORDER_OPEN_STATES = (OrderState.APPROVED, OrderState.WORKING, OrderState.FROZEN)

POSITIVE_OUTCOME = "Richiesta lavorata con esito positivo."

DEFAULT_DELAYS = {"take": 5, "work": 10, "order_step": 10}


def delay(step: str) -> timedelta:
    """Seconds between fulfilment steps (``settings.FULFILMENT_DELAYS``)."""
    delays = {**DEFAULT_DELAYS, **getattr(settings, "FULFILMENT_DELAYS", {})}
    return timedelta(seconds=delays[step])


def max_attempts() -> int:
    return getattr(settings, "FULFILMENT_MAX_ATTEMPTS", 3)


def _lock(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.select_for_update().get(pk=pk)


def _require(case: Case, states, message: str) -> None:
    if case.state not in states:
        raise InvalidTransition(message)


def _not_open() -> str:
    return _("La pratica è già chiusa.")


def _move_orders(case: Case, from_states, to_state: str, *, due_at=None) -> None:
    for order in case.orders.filter(state__in=from_states):
        order.state = to_state
        order.due_at = due_at
        order.save(update_fields=["state", "due_at", "updated_at"])
        order.items.exclude(state=OrderState.CEASED).update(state=to_state)


# --- pratiche ----------------------------------------------------------------------------


def initial_due(*, auto: bool, now: datetime) -> datetime | None:
    """When the engine first takes a pratica just filed (None: worked by hand)."""
    return now + delay("take") if auto else None


@transaction.atomic
def case_start(*, case: Case | int, now: datetime | None = None) -> Case:
    """The engine takes a pratica: Aperto → In lavorazione, its ordini with it."""
    now = now or timezone.now()
    case = _lock(case)
    _require(case, [CaseState.OPEN], _("La pratica non è in stato Aperto."))
    case.state = CaseState.WORKING
    case.due_at = now + delay("work") if case.auto else None
    case.save(update_fields=["state", "due_at"])
    _move_orders(case, [OrderState.APPROVED], OrderState.WORKING)
    return case


@transaction.atomic
def case_take(*, case: Case | int, operator) -> Case:
    """ "Prendi in carico": an operator works it by hand from now on. A pratica the same
    operator already holds is refused (a second click), a suspended one goes back through
    "Riprendi"; one held by a colleague passes to this operator (the console says so)."""
    case = _lock(case)
    _require(case, OPEN_STATES, _not_open())
    if case.state == CaseState.SUSPENDED:
        raise InvalidTransition(_("La pratica è sospesa: per lavorarla usa Riprendi."))
    mine = operator is not None and case.assignee_id == operator.pk
    if case.state == CaseState.WORKING and not case.auto and mine:
        raise InvalidTransition(_("La pratica è già in carico a te."))
    case.state = CaseState.WORKING
    case.assignee = operator
    case.auto = False
    case.due_at = None
    case.save(update_fields=["state", "assignee", "auto", "due_at"])
    _move_orders(case, [OrderState.APPROVED, OrderState.FROZEN], OrderState.WORKING)
    return case


@transaction.atomic
def case_suspend(*, case: Case | int, reason: str, operator) -> Case:
    """ "Sospendi": the pratica waits (e.g. for a document); its ordini are frozen."""
    case = _lock(case)
    _require(case, [CaseState.OPEN, CaseState.WORKING], _("Solo una pratica aperta si sospende."))
    if not reason.strip():
        raise InvalidTransition(_("Indica il motivo della sospensione."))
    case.state = CaseState.SUSPENDED
    case.auto = False
    case.due_at = None
    case.assignee = case.assignee or operator
    case.notes = _append_note(case.notes, _("Sospesa: %(reason)s") % {"reason": reason.strip()})
    case.save(update_fields=["state", "auto", "due_at", "assignee", "notes"])
    _move_orders(case, [OrderState.APPROVED, OrderState.WORKING], OrderState.FROZEN)
    return case


@transaction.atomic
def case_resume(*, case: Case | int, operator) -> Case:
    """ "Riprendi": a suspended pratica goes back to In lavorazione, by hand."""
    case = _lock(case)
    _require(case, [CaseState.SUSPENDED], _("La pratica non è sospesa."))
    case.state = CaseState.WORKING
    case.assignee = case.assignee or operator
    case.save(update_fields=["state", "assignee"])
    _move_orders(case, [OrderState.FROZEN], OrderState.WORKING)
    return case


@transaction.atomic
def case_close(
    *,
    case: Case | int,
    outcome: str = "",
    operator=None,
    apply_effect: bool = True,
    now: datetime | None = None,
) -> Case:
    """Close with an outcome; the operation's effect (if any, not applied yet) goes with it.

    The effect runs in this transaction on the locked row: if it raises, nothing moves.
    """
    now = now or timezone.now()
    case = _lock(case)
    _require(case, OPEN_STATES, _not_open())
    op = operations.get(case.operation)
    if apply_effect and op.effect is not None and case.effect_applied_at is None and case.payload:
        op.effect(case)
        case.effect_applied_at = now
    case.state = CaseState.CLOSED
    case.closed_at = now
    case.outcome = outcome or _(POSITIVE_OUTCOME)
    _finish(case, operator)
    step = delay("order_step")
    _move_orders(case, ORDER_OPEN_STATES, OrderState.DONE, due_at=now + step)
    order_ids = tuple(case.orders.filter(state=OrderState.DONE).values_list("pk", flat=True))
    if order_ids:  # their next step is scheduled for when it is due, not left to the sweep
        hooks.announce_orders_due(hooks.OrdersDue(case.pk, order_ids, step.total_seconds()))
    _notify(case)
    return case


@transaction.atomic
def case_reject(*, case: Case | int, reason: str, operator=None) -> Case:
    """ "Scarta": the back office refuses it; the reason is shown to the customer."""
    return _end_unapplied(case, CaseState.REJECTED, reason, operator)


@transaction.atomic
def case_cancel(*, case: Case | int, reason: str, operator=None) -> Case:
    """ "Annulla": withdrawn at the customer's request; nothing is applied."""
    return _end_unapplied(case, CaseState.CANCELLED, reason, operator)


def _end_unapplied(case, state: str, reason: str, operator) -> Case:
    case = _lock(case)
    _require(case, OPEN_STATES, _not_open())
    if not reason.strip():
        raise InvalidTransition(_("Indica il motivo: sarà mostrato al cliente."))
    case.state = state
    case.closed_at = timezone.now()
    case.outcome = reason.strip()
    _finish(case, operator)
    _move_orders(case, ORDER_OPEN_STATES, OrderState.CEASED)
    _notify(case)
    return case


def _finish(case: Case, operator) -> None:
    case.due_at = None
    case.needs_attention = False
    if operator is not None and case.assignee_id is None:
        case.assignee = operator
    case.save()


def _append_note(notes: str, text: str) -> str:
    stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    return f"{notes}\n[{stamp}] {text}".strip()


TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def case_record_failure(*, case_id: int, error: Exception) -> Case | None:
    """A failed automatic step: counted, and after ``max_attempts`` left to the back office.

    A transient database error (a locked SQLite file, a dropped connection) is noted but
    spends no attempt: the next tick simply tries again.
    """
    transient = isinstance(error, TRANSIENT_ERRORS)
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id).first()
            if case is None:
                return None
            case.last_error = f"{type(error).__name__}: {error}"[:2000]
            fields = ["last_error"]
            if not transient:
                case.attempts += 1
                fields.append("attempts")
            if not transient and case.attempts >= max_attempts():
                case.needs_attention = True
                case.auto = False
                case.due_at = None
                case.notes = _append_note(
                    case.notes,
                    f"Lavorazione automatica non riuscita dopo {case.attempts} tentativi: "
                    f"{case.last_error}",
                )
                fields += ["needs_attention", "auto", "due_at", "notes"]
            case.save(update_fields=fields)
            return case
    except DatabaseError:
        if transient:
            return None  # the database is still unavailable: the next tick retries
        raise


def _requester_follows_history(case: Case) -> bool:
    """Whether the requester can open "Storico pratiche" of the pratica's contract: the rule
    of the page itself (capability ``cases.history``, asked of the requester's portal
    context on that contract), as the confirmation and outcome pages ask it. Only the ROA
    and the mandatario have it: an employee's own request (§9) or a single-service
    referent's is followed by the ROA. Unknown requester (filed on someone's behalf): as a
    referent."""
    from portale.core.context import SESSION_CONTRACT_KEY, build_context

    user = case.requester
    if user is None:
        return True
    ctx = build_context(user=user, session={SESSION_CONTRACT_KEY: case.contract_id})
    # A user who is no referent of this contract gets another selected: not theirs to follow.
    on_this_contract = ctx.contract is not None and ctx.contract.pk == case.contract_id
    return on_this_contract and ctx.can("cases.history")


def _notify(case: Case) -> None:
    if not case.requester_email:
        return
    if _requester_follows_history(case):
        follow = _('Puoi consultarla nella funzione "Storico pratiche" del Portale.')
    else:
        follow = _(
            'Il tuo referente (ROA) può consultarla nella funzione "Storico pratiche" del Portale.'
        )
    values = {
        "number": case.number,
        "type": case.type_label,
        "contract": case.contract.code,
        "outcome": case.outcome,
        # One salutation (docs/COPY.md): the requester's name, else "utente".
        "name": case.requester_name or _("utente"),
        "follow": follow,
    }
    if case.state == CaseState.CLOSED:
        subject = _("Pratica %(number)s lavorata") % values
        text = _(
            "Gentile %(name)s,\nla pratica %(number)s (%(type)s) sul contratto %(contract)s "
            "è stata lavorata.\nEsito: %(outcome)s\n\n%(follow)s"
        )
    elif case.state == CaseState.REJECTED:
        subject = _("Pratica %(number)s scartata") % values
        text = _(
            "Gentile %(name)s,\nla pratica %(number)s (%(type)s) sul contratto %(contract)s "
            "non è stata lavorata.\nMotivo: %(outcome)s\n\n%(follow)s"
        )
    else:
        subject = _("Pratica %(number)s annullata") % values
        text = _(
            "Gentile %(name)s,\nla pratica %(number)s (%(type)s) sul contratto %(contract)s "
            "è stata annullata.\nMotivo: %(outcome)s\n\n%(follow)s"
        )
    send_email(to=case.requester_email, subject=subject, text=text % values, kind="case")


# --- ordini ------------------------------------------------------------------------------


@transaction.atomic
def order_advance(*, order: Order | int, now: datetime | None = None) -> Order | None:
    """The engine's step of an ordine after its pratica closed: Lavorato → Emesso → Attivo."""
    now = now or timezone.now()
    pk = order.pk if isinstance(order, Order) else order
    order = Order.objects.select_for_update().filter(pk=pk).first()
    if order is None or (order.due_at and order.due_at > now):
        return None
    shipment = order.shipments.first()
    stamp = min(now, timezone.now())  # tracking events are never dated in the future
    if order.state == OrderState.DONE:
        order.state = OrderState.ISSUED
        order.due_at = now + delay("order_step")
        if shipment:
            _ship(shipment, stamp)
    elif order.state == OrderState.ISSUED:
        order.state = OrderState.ACTIVE
        order.due_at = None
        if shipment:
            _deliver(shipment, stamp)
            delivered = operations.get(order.case.operation).on_delivered
            if delivered is not None:
                delivered(order)  # e.g. the hot-stock SIMs enter the contract's stock
    else:
        order.due_at = None
    order.save(update_fields=["state", "due_at", "updated_at"])
    order.items.exclude(state=OrderState.CEASED).update(state=order.state)
    return order


def _ship(shipment: Shipment, now: datetime) -> None:
    shipment.state = Shipment.State.SHIPPED
    shipment.tracking_code = shipment.tracking_code or f"BRT{shipment.order.number}"
    shipment.expected_on = (now + timedelta(days=2)).date()
    shipment.save()
    ShipmentEvent.objects.create(
        shipment=shipment, at=now, description=_("Spedizione affidata al corriere"), place="Milano"
    )


def _deliver(shipment: Shipment, now: datetime) -> None:
    ShipmentEvent.objects.create(shipment=shipment, at=now, description=_("In consegna"), place="")
    shipment.state = Shipment.State.DELIVERED
    shipment.delivered_at = now
    shipment.save()
    ShipmentEvent.objects.create(
        shipment=shipment, at=now, description=_("Consegnato"), place=shipment.address[:80]
    )


def due_cases(now: datetime | None = None):
    """Ids of the pratiche whose automatic step is due."""
    now = now or timezone.now()
    return Case.objects.filter(
        auto=True, needs_attention=False, state__in=ENGINE_STATES, due_at__lte=now
    ).values_list("pk", flat=True)


def due_orders(now: datetime | None = None):
    now = now or timezone.now()
    return Order.objects.filter(
        state__in=[OrderState.DONE, OrderState.ISSUED], due_at__lte=now
    ).values_list("pk", flat=True)
