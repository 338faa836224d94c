"""The audit interface of the platform: core records events without knowing where they go.

The app that keeps the audit log (``portale.accounts``, its ``SecurityEvent`` rows) registers
a sink at start-up; core's own views call ``record``::

    audit.record("contract_switch", request=request, contract_id=contract.pk)
"""

from __future__ import annotations

from collections.abc import Callable

Sink = Callable[..., None]
_sinks: list[Sink] = []


def register_sink(fn: Sink) -> Sink:
    if fn not in _sinks:
        _sinks.append(fn)
    return fn


def record(event: str, **data) -> None:
    for fn in list(_sinks):
        fn(event, **data)
