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

from dataclasses import dataclass

from portale.core.hooks import HookRegistry


@dataclass(frozen=True)
class CaseFiled:
    case_id: int
    operation: str
    auto: bool  # worked by the engine (False: by hand in the back office)
    delay_seconds: float  # until its first step is due


FILED: HookRegistry[CaseFiled] = HookRegistry("case-filed")

on_case_filed = FILED.register  # register ``fn`` to run after every committed filing
remove_hook = FILED.remove
registered = FILED.registered


def announce(event: CaseFiled) -> None:
    """Called by the filing service only: run the hooks once the filing commits."""
    FILED.run_on_commit(event)


# --- ordini due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrdersDue:
    """A pratica closed: its ordini take their next step (Lavorato → Emesso) at ``delay``."""

    case_id: int
    order_ids: tuple[int, ...]
    delay_seconds: float


ORDERS_DUE: HookRegistry[OrdersDue] = HookRegistry("orders-due")

on_orders_due = ORDERS_DUE.register  # register ``fn`` to run after every such close


def announce_orders_due(event: OrdersDue) -> None:
    """Called by ``lifecycle.case_close`` only, whoever closes (engine or back office)."""
    ORDERS_DUE.run_on_commit(event)
