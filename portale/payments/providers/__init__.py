"""Payment providers (django-payments ``BasicProvider`` subclasses) and what they report.

A provider turns the PSP's return and server-to-server notification into an ``Outcome`` and
hands it to ``services.payment_outcome_apply``, which applies it idempotently. The sandbox
(``sandbox.SandboxProvider``) is the local PSP of the demo and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What the PSP says about one payment: never a card number, only masked data."""

    status: str  # a payments.PaymentStatus value: confirmed, rejected, cancelled, error
    event_id: str  # the PSP's id of this notification (replays carry the same id)
    transaction_id: str = ""
    card_brand: str = ""
    card_masked: str = ""  # "*****4242", or a masked PayPal account
    card_expiry: str = ""
    psp_token: str = ""  # the reusable token (saved method or mandate)
    message: str = ""
