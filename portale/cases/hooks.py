"""What runs when a pratica is filed: an explicit, ordered on-commit hook registry.

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

    def run() -> None:
        for fn in list(_hooks):
            try:
                fn(event)
            except Exception:  # the sweep recovers it; the filing stands
                logger.exception("case-filed hook %r failed for case %s", fn, event.case_id)

    transaction.on_commit(run)
