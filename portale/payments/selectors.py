"""Reads of payments for the caller apps' pages (always one user's own rows)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from .models import Payment, SavedMethod


def payment_of_user(*, user, token: str | uuid.UUID, purpose: str | None = None) -> Payment | None:
    """The user's payment with this token (None when malformed, unknown or someone else's)."""
    try:
        token = str(uuid.UUID(str(token)))
    except ValueError:
        return None
    rows = Payment.objects.filter(user=user, token=token)
    if purpose:
        rows = rows.filter(purpose=purpose)
    return rows.first()


def saved_methods_of_user(*, user, method: str | None = None) -> QuerySet[SavedMethod]:
    rows = SavedMethod.objects.filter(user=user)
    return rows.filter(method=method) if method else rows


def confirmed_payment(*, order_number: str, purpose: str) -> Payment | None:
    """The confirmed payment with this order number and purpose (a caller's form checks that
    what it files was paid)."""
    from payments import PaymentStatus

    return Payment.objects.filter(
        order_number=order_number, purpose=purpose, status=PaymentStatus.CONFIRMED
    ).first()
