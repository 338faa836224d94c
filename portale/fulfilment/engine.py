"""The fulfilment engine (DESIGN §5.4): carries out the pratiche the portal files.

A pratica filed with parameters the engine can apply (``Case.auto``) moves Aperto → In
lavorazione → Chiuso after the configured delays (``settings.FULFILMENT_DELAYS``); each step is
a transition of ``portale.cases.lifecycle``, which owns the states. Closing applies the
operation's effect in the same transaction as the state change, on a locked row guarded by
the state and by ``effect_applied_at``: a crash half-way rolls both back, a replay finds the
state already moved.

A failing step is recorded (``lifecycle.case_record_failure``) and re-raised so the task is
retried; after ``FULFILMENT_MAX_ATTEMPTS`` the pratica stays open for the back office with the
error in its notes. Transient database errors spend no attempt.

Ordini follow their pratica: Lavorato → Emesso → Attivo, a shipment with tracking events.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portale.cases import lifecycle
from portale.cases.models import Case, CaseState

logger = logging.getLogger(__name__)


def seconds_until(moment) -> float:
    return max(0.0, (moment - timezone.now()).total_seconds())


def advance_case(*, case_id: int, now=None) -> Case | None:
    """Move one pratica a step, if it is due. Returns the case, or None if nothing to do."""
    now = now or timezone.now()
    try:
        return _advance_case(case_id=case_id, now=now)
    except Exception as exc:
        lifecycle.case_record_failure(case_id=case_id, error=exc)
        logger.warning("fulfilment of case %s failed: %s", case_id, exc)
        raise


@transaction.atomic
def _advance_case(*, case_id: int, now) -> Case | None:
    # Locked first: the back office may take or suspend it at the same moment.
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not case.auto or case.needs_attention:
        return None
    if case.state not in lifecycle.ENGINE_STATES or (case.due_at and case.due_at > now):
        return None
    if case.state == CaseState.OPEN:
        return lifecycle.case_start(case=case, now=now)
    return lifecycle.case_close(case=case, now=now)


def advance_order(*, order_id: int, now=None):
    return lifecycle.order_advance(order=order_id, now=now)


def tick(*, now=None) -> dict:
    """Advance every due pratica and ordine one step; failures are recorded, not raised."""
    now = now or timezone.now()
    done = {"cases": 0, "orders": 0, "failed": 0}
    for case_id in list(lifecycle.due_cases(now)):
        try:
            if advance_case(case_id=case_id, now=now):
                done["cases"] += 1
        except Exception:  # recorded on the case by advance_case
            done["failed"] += 1
    for order_id in list(lifecycle.due_orders(now)):
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
