"""Background tasks of the fulfilment engine (Huey), on the core's durable jobs.

The pratica row is the job (``portale.core.jobs``): filing it wakes its first step (the
``on_case_filed`` hook), each step schedules the next for the moment it is due (so the
demo's delays of a few seconds are real; a pratica's close schedules its ordini's first step,
``on_orders_due``), and the core's minute sweep wakes every pratica
and ordine that is due and was not woken (a lost task, a worker restart, Redis down). A step
re-checks its row under a lock, so a pratica woken twice moves once.
"""

from __future__ import annotations

from portale.cases import lifecycle
from portale.cases.hooks import CaseFiled, OrdersDue
from portale.core.jobs import DurableJob, register, wake
from portale.core.tasks import task

from . import engine


@task(retries=3, retry_delay=10)
def fulfil_case(case_id: int) -> None:
    """Advance a pratica if it is due; an exception makes Huey retry it."""
    case = engine.advance_case(case_id=case_id)
    if case is not None and case.is_open and case.auto and case.due_at:
        fulfil_case.schedule(args=(case.pk,), delay=engine.seconds_until(case.due_at))


@task(retries=3, retry_delay=10)
def fulfil_order(order_id: int) -> None:
    """Advance an ordine after its pratica closed (Lavorato → Emesso → Attivo)."""
    order = engine.advance_order(order_id=order_id)
    if order is not None and order.due_at:
        fulfil_order.schedule(args=(order.pk,), delay=engine.seconds_until(order.due_at))


CASES = register(DurableJob(name="fulfilment_cases", task=fulfil_case, due=lifecycle.due_cases))
ORDERS = register(DurableJob(name="fulfilment_orders", task=fulfil_order, due=lifecycle.due_orders))


def case_filed(event: CaseFiled) -> None:
    """The on-commit hook of every filing (registered in ``apps.py``): its first step."""
    if not event.auto:
        return  # worked by hand in the back office
    if event.delay_seconds > 0:
        fulfil_case.schedule(args=(event.case_id,), delay=event.delay_seconds)
    else:
        wake(CASES, event.case_id)


def orders_due(event: OrdersDue) -> None:
    """The on-commit hook of every close (registered in ``apps.py``): the ordini's next step
    at the moment it is due (Lavorato → Emesso), whether the engine or the back office
    closed the pratica; the sweep remains for a lost task."""
    for order_id in event.order_ids:
        fulfil_order.schedule(args=(order_id,), delay=event.delay_seconds)
