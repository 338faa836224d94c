"""Purposes: what a payment is for, registered by the caller app (payments imports no caller).

A caller app declares its purpose once, at start-up (e.g. in its ``operations.py`` or
``AppConfig.ready``)::

    from portale.payments.hooks import register_purpose

    register_purpose("personal_recharge", on_success=recharge_paid)

``on_success(payment)`` runs exactly once, inside the transaction that records the
confirmed payment (a return and a notification, or a replayed notification, run it once);
it must write through the caller's own services (records through ``records.services``). If
it raises, the transaction rolls back and the PSP's notification is answered with an error,
so the PSP delivers it again. ``on_failure(payment)`` (optional) runs once when the payment
ends rejected, cancelled or in error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Hook = Callable[[Any], None]


@dataclass(frozen=True)
class Purpose:
    code: str
    on_success: Hook
    on_failure: Hook | None = None


_PURPOSES: dict[str, Purpose] = {}


def register_purpose(code: str, *, on_success: Hook, on_failure: Hook | None = None) -> Purpose:
    """Declare (or re-declare) a purpose and its hooks."""
    purpose = Purpose(code, on_success, on_failure)
    _PURPOSES[code] = purpose
    return purpose


def get_purpose(code: str) -> Purpose:
    try:
        return _PURPOSES[code]
    except KeyError:
        raise LookupError(f"payment purpose not registered: {code}") from None


def is_registered(code: str) -> bool:
    return code in _PURPOSES
