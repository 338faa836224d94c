"""Hook registries: who runs when something happened, declared, in order, never a signal.

An app that must react to another app's event (fulfilment to a pratica filed, thresholds to
traffic rated) registers a function in the event owner's ``HookRegistry`` from its
``AppConfig.ready``; the owner calls ``run`` (or ``run_on_commit``) with one event, ids not
instances. Registering a function twice is a no-op; they run in registration order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import transaction

logger = logging.getLogger(__name__)

E = TypeVar("E")


class HookRegistry(Generic[E]):
    def __init__(self, name: str):
        self.name = name
        self._hooks: list[Callable[[E], None]] = []

    def register(self, fn: Callable[[E], None]) -> Callable[[E], None]:
        """Add ``fn`` (usable as a decorator)."""
        if fn not in self._hooks:
            self._hooks.append(fn)
        return fn

    def remove(self, fn: Callable[[E], None]) -> None:
        """Take ``fn`` out (tests, or an app switched off)."""
        if fn in self._hooks:
            self._hooks.remove(fn)

    def registered(self) -> tuple[Callable[[E], None], ...]:
        return tuple(self._hooks)

    def run(self, event: E) -> None:
        """Every hook now; an exception propagates and the hooks after it do not run."""
        for fn in list(self._hooks):
            fn(event)

    def run_on_commit(self, event: E) -> None:
        """Every hook once the current transaction commits (nothing if it rolls back); a
        failing hook is logged and the others still run: what happened stands, and the
        owner's sweep makes good what the hook did not do."""

        def run() -> None:
            for fn in list(self._hooks):
                try:
                    fn(event)
                except Exception:
                    logger.exception("%s hook %r failed for %r", self.name, fn, event)

        transaction.on_commit(run)
