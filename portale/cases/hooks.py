"""What runs when a pratica is filed, and when its ordini fall due: explicit, ordered
on-commit hook registries (``on_case_filed``, ``on_orders_due``).

``cases`` files pratiche and never imports the engine that works them: the engine (the
``fulfilment`` app) registers itself here from its ``AppConfig.ready``, the same way the
rating engine's ``after_rating`` hooks work (``portale/rating/hooks.py``)::

    from portale.cases.hooks import on_case_filed

    @on_case_filed
    def schedule(event: CaseFiled) -> None:
        ...  # queue the first step

A hook gets a ``CaseFiled`` (ids, not instances) once the transaction that filed the case has
committed; a rolled-back filing announces nothing. A failing hook is logged and does not undo
the filing: the engine's periodic sweep picks up any pratica whose announcement was lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseFiled:
    case_id: int
    operation: str
    auto: bool  # worked by the engine (False: by hand in the back office)
    delay_seconds: float  # until its first step is due


Hook = Callable[[CaseFiled], None]

_hooks: list[Hook] = []


def on_case_filed(fn: Hook) -> Hook:
    """Register ``fn`` to run after every committed filing (usable as a decorator)."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


def remove_hook(fn: Hook) -> None:
    if fn in _hooks:
        _hooks.remove(fn)


def registered() -> tuple[Hook, ...]:
    return tuple(_hooks)


def announce(event: CaseFiled) -> None:
    """Called by the filing service only: run the hooks once the filing commits."""
    _run_on_commit(_hooks, event, "case-filed")


# --- ordini due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrdersDue:
    """A pratica closed: its ordini take their next step (Lavorato → Emesso) at ``delay``."""

    case_id: int
    order_ids: tuple[int, ...]
    delay_seconds: float


OrdersHook = Callable[[OrdersDue], None]

_order_hooks: list[OrdersHook] = []


def on_orders_due(fn: OrdersHook) -> OrdersHook:
    """Register ``fn`` to run after every committed close that leaves ordini due."""
    if fn not in _order_hooks:
        _order_hooks.append(fn)
    return fn


def announce_orders_due(event: OrdersDue) -> None:
    """Called by ``lifecycle.case_close`` only, whoever closes (engine or back office)."""
    _run_on_commit(_order_hooks, event, "orders-due")


def _run_on_commit(hooks: list, event, what: str) -> None:
    def run() -> None:
        for fn in list(hooks):
            try:
                fn(event)
            except Exception:  # the sweep recovers it; the change stands
                logger.exception("%s hook %r failed for case %s", what, fn, event.case_id)

    transaction.on_commit(run)
