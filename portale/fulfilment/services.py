"""The fulfilment engine (DESIGN §5.4): carries out the pratiche the portal files.

A pratica filed on the portal (``Case.auto``) moves Aperto → In lavorazione → Chiuso after
the configured delays (``settings.FULFILMENT_DELAYS``, seconds). The step that closes it
applies the operation's effect to the records in the same transaction as the state change,
on a row locked with ``select_for_update`` and guarded by the state and by
``effect_applied_at``: a crash half-way rolls both back (nothing lost, nothing applied),
a replay finds the state already moved (nothing applied twice).

A failing effect is recorded (``attempts``, ``last_error``) and re-raised so the task is
retried; after ``FULFILMENT_MAX_ATTEMPTS`` the pratica stays open for the back office with
the error in its notes (``needs_attention``).

Orders follow: Approvato → In lavorazione (with the case) → Lavorato (case closed) → Emesso
→ Attivo; a shipment gets its dated tracking events on the way.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portale.cases import operations
from portale.cases.models import (
    OPEN_STATES,
    Case,
    CaseState,
    Order,
    OrderState,
    Shipment,
    ShipmentEvent,
)
from portale.cases.services import case_close, delay

logger = logging.getLogger(__name__)

POSITIVE_OUTCOME = "Richiesta lavorata con esito positivo."


def seconds_until(moment) -> float:
    return max(0.0, (moment - timezone.now()).total_seconds())


def max_attempts() -> int:
    return getattr(settings, "FULFILMENT_MAX_ATTEMPTS", 3)


def advance_case(*, case_id: int, now=None) -> Case | None:
    """Move one pratica a step, if it is due. Returns the case, or None if nothing to do."""
    now = now or timezone.now()
    try:
        return _advance_case(case_id=case_id, now=now)
    except Exception as exc:
        _record_failure(case_id=case_id, error=exc)
        raise


@transaction.atomic
def _advance_case(*, case_id: int, now) -> Case | None:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case.auto or case.needs_attention or case.state not in OPEN_STATES:
        return None
    if case.due_at and case.due_at > now:
        return None
    if case.state == CaseState.OPEN:
        case.state = CaseState.WORKING
        case.due_at = now + delay("work")
        case.save(update_fields=["state", "due_at"])
        for order in case.orders.filter(state=OrderState.APPROVED):
            order.state = OrderState.WORKING
            order.save(update_fields=["state", "updated_at"])
            order.items.update(state=OrderState.WORKING)
        return case
    # In lavorazione and due: apply the effect and close, in this one transaction.
    return case_close(case=case, outcome=_(POSITIVE_OUTCOME))


def _record_failure(*, case_id: int, error: Exception) -> None:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return
        case.attempts += 1
        case.last_error = f"{type(error).__name__}: {error}"[:2000]
        fields = ["attempts", "last_error"]
        if case.attempts >= max_attempts():
            case.needs_attention = True
            case.auto = False
            case.due_at = None
            stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
            case.notes = (
                case.notes + f"\n[{stamp}] Lavorazione automatica non riuscita dopo "
                f"{case.attempts} tentativi: {case.last_error}"
            ).strip()
            fields += ["needs_attention", "auto", "due_at", "notes"]
        case.save(update_fields=fields)
    logger.warning("fulfilment of case %s failed: %s", case_id, error)


@transaction.atomic
def advance_order(*, order_id: int, now=None) -> Order | None:
    now = now or timezone.now()
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or (order.due_at and order.due_at > now):
        return None
    shipment = order.shipments.first()
    stamp = min(now, timezone.now())  # tracking events never dated in the future
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
    else:
        order.due_at = None
    order.save(update_fields=["state", "due_at", "updated_at"])
    order.items.exclude(state=OrderState.CEASED).update(state=order.state)
    return order


def _ship(shipment: Shipment, now) -> None:
    shipment.state = Shipment.State.SHIPPED
    shipment.tracking_code = shipment.tracking_code or f"BRT{shipment.order.number}"
    shipment.expected_on = (now + timedelta(days=2)).date()
    shipment.save()
    ShipmentEvent.objects.create(
        shipment=shipment, at=now, description=_("Spedizione affidata al corriere"), place="Milano"
    )


def _deliver(shipment: Shipment, now) -> None:
    ShipmentEvent.objects.create(shipment=shipment, at=now, description=_("In consegna"), place="")
    shipment.state = Shipment.State.DELIVERED
    shipment.delivered_at = now
    shipment.save()
    ShipmentEvent.objects.create(
        shipment=shipment, at=now, description=_("Consegnato"), place=shipment.address[:80]
    )


def due_cases(now=None):
    now = now or timezone.now()
    return Case.objects.filter(
        auto=True, needs_attention=False, state__in=OPEN_STATES, due_at__lte=now
    ).values_list("pk", flat=True)


def due_orders(now=None):
    now = now or timezone.now()
    return Order.objects.filter(
        state__in=[OrderState.DONE, OrderState.ISSUED], due_at__lte=now
    ).values_list("pk", flat=True)


def tick(*, now=None) -> dict:
    """Advance every due pratica and ordine one step; failures are recorded, not raised."""
    now = now or timezone.now()
    done = {"cases": 0, "orders": 0, "failed": 0}
    for case_id in list(due_cases(now)):
        try:
            if advance_case(case_id=case_id, now=now):
                done["cases"] += 1
        except Exception:  # recorded on the case by advance_case
            done["failed"] += 1
    for order_id in list(due_orders(now)):
        if advance_order(order_id=order_id, now=now):
            done["orders"] += 1
    return done


def run_until_idle(*, now=None, max_steps: int = 10) -> None:
    """Demo/test helper: tick repeatedly, as if every delay had passed."""
    now = now or timezone.now()
    for step in range(max_steps):
        moment = now + timedelta(days=1, minutes=step)
        result = tick(now=moment)
        if not any(result.values()):
            return


__all__ = ["advance_case", "advance_order", "operations", "run_until_idle", "tick"]
