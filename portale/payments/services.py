"""Payments service API: one-off payments and card registrations through a PSP's hosted page.

The portal never sees a card: it redirects the user to the provider's hosted page
(``PAYMENT_PROVIDER``: the local sandbox in the demo and the tests, a django-payments
variant in production), then applies what the provider reports, from the user's return
and from the signed server-to-server notification, whichever arrives first, once.

Caller apps use only this module, ``hooks`` and ``selectors``; payments imports no caller.

1. **Register a purpose** at start-up (see ``hooks``)::

       register_purpose("personal_recharge", on_success=recharge_paid, on_failure=None)

   ``on_success(payment)`` runs once, in the transaction that confirms the payment; it reads
   ``payment.reference`` (the caller's own data, e.g. ``{"line_id": 7}``), ``payment.total``,
   ``payment.order_number``, ``payment.card_masked``, ``payment.psp_token``.

2. **One-off payment**::

       start = payment_start(user=request.user, amount=Decimal("20"), purpose="personal_recharge",
                             description="Ricarica 3331234567", return_url=reverse("myline:recharge_result"),
                             reference={"line_id": line.pk}, method=Method.CARD,
                             saved_method_id=None, save_method=True)
       return redirect(start.redirect_url)

   The user pays on the provider's page (3-D Secure when the issuer asks) and comes back
   to ``return_url?pagamento=<token>`` whatever the result; the page reads the payment with
   ``selectors.payment_of_user(user=..., token=...)``: ``status`` is ``confirmed``,
   ``rejected``, ``cancelled``, ``error`` or still ``waiting``. ``method=Method.PAYPAL``
   pays through PayPal's page (the sandbox has one too).

3. **Card mandate** (tokenisation for recurring direct debit, nothing charged)::

       start = mandate_start(user=request.user, purpose="timtuo_card", holder="Mario Rossi",
                             description="Domiciliazione TIM TUO", return_url=..., reference={...})

   On success ``payment.psp_token`` is the reusable token and ``payment.card_masked``
   (``"*****4242"``), ``card_brand``, ``card_expiry`` the masked card: the caller's
   ``on_success`` stores them (e.g. through ``records.services``). The card number and CVV
   are never sent to the portal.

4. **Saved methods**: ``selectors.saved_methods_of_user(user=...)`` lists them (masked);
   ``saved_method_delete(user=..., method_id=...)`` deletes one of the user's.

Providers call ``payment_outcome_apply`` (never the caller): a replayed notification, a
second one, or a return after the notification changes nothing.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from payments import PaymentStatus, RedirectNeeded

from .hooks import get_purpose, is_registered
from .models import Method, Payment, PaymentEvent, SavedMethod
from .providers import Outcome

logger = logging.getLogger(__name__)

FAILED = (PaymentStatus.REJECTED, PaymentStatus.CANCELLED, PaymentStatus.ERROR)
OUTCOME_STATUSES = (PaymentStatus.CONFIRMED, *FAILED)


class PaymentRefused(ValueError):
    """The payment cannot start (bad amount, unknown purpose, another user's method…)."""


@dataclass(frozen=True)
class PaymentStart:
    payment: Payment
    redirect_url: str  # the provider's hosted page


def _order_number() -> str:
    return secrets.token_hex(5).upper()


def _variant(variant: str | None) -> str:
    variant = variant or settings.PAYMENT_PROVIDER
    if variant not in settings.PAYMENT_VARIANTS:
        raise PaymentRefused(_("Il servizio di pagamento non è disponibile."))
    return variant


def _redirect_url(payment: Payment) -> str:
    try:
        payment.get_form()
    except RedirectNeeded as redirect:
        return str(redirect)
    raise PaymentRefused(_("Il servizio di pagamento non ha indicato la sua pagina."))


def _create(**fields) -> Payment:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Payment.objects.create(order_number=_order_number(), **fields)
        except IntegrityError:
            continue  # an order number collision: draw again
    raise RuntimeError("could not allocate a unique order number")


def _check_common(*, purpose: str, return_url: str) -> None:
    if not is_registered(purpose):
        raise PaymentRefused(f"payment purpose not registered: {purpose}")
    if not return_url.startswith("/") or not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts=None
    ):
        raise PaymentRefused("return_url must be a path of the portal")


@transaction.atomic
def payment_start(
    *,
    user,
    amount: Decimal,
    purpose: str,
    description: str,
    return_url: str,
    reference: dict | None = None,
    method: str = Method.CARD,
    saved_method_id: int | None = None,
    save_method: bool = False,
    variant: str | None = None,
) -> PaymentStart:
    """Create a one-off payment (state WAITING) and return the provider's page to go to."""
    _check_common(purpose=purpose, return_url=return_url)
    amount = Decimal(amount)
    if amount <= 0:
        raise PaymentRefused(_("L'importo deve essere positivo."))
    if method not in Method.values:
        raise PaymentRefused(f"unknown method {method}")
    saved = None
    if saved_method_id is not None:
        saved = SavedMethod.objects.filter(user=user, pk=saved_method_id).first()
        if saved is None:
            raise PaymentRefused(_("Il metodo di pagamento scelto non esiste più."))
        method = saved.method
    payment = _create(
        kind=Payment.Kind.CHARGE,
        variant=saved.variant if saved else _variant(variant),
        method=method,
        user=user,
        purpose=purpose,
        reference=reference or {},
        description=description,
        total=amount,
        currency="EUR",
        return_url=return_url,
        saved_method=saved,
        save_method=save_method and saved is None,
        billing_email=user.email or "",
    )
    return PaymentStart(payment, _redirect_url(payment))


@transaction.atomic
def mandate_start(
    *,
    user,
    purpose: str,
    description: str,
    return_url: str,
    holder: str = "",
    reference: dict | None = None,
    variant: str | None = None,
) -> PaymentStart:
    """Register a card for recurring direct debit (0 € authorisation, 3-D Secure): on success
    the payment carries the provider's reusable token and the masked card."""
    _check_common(purpose=purpose, return_url=return_url)
    first, _sep, last = holder.partition(" ")
    payment = _create(
        kind=Payment.Kind.MANDATE,
        variant=_variant(variant),
        method=Method.CARD,
        user=user,
        purpose=purpose,
        reference=reference or {},
        description=description,
        total=Decimal("0"),
        currency="EUR",
        return_url=return_url,
        billing_first_name=first,
        billing_last_name=last,
        billing_email=user.email or "",
    )
    return PaymentStart(payment, _redirect_url(payment))


def payment_outcome_apply(*, payment_id: int, outcome: Outcome, source: str) -> tuple[Payment, str]:
    """Apply what the provider reported (``source``: ``PaymentEvent.Source``), idempotently.

    Returns the payment and what happened (``PaymentEvent.Outcome``): APPLIED the first
    time a final status arrives; DUPLICATE for an event id already received from the same
    source (a replayed notification); IGNORED when the payment already has its final
    status (the return after the notification, or the other way round). The purpose's hook
    runs in this transaction, once.
    """
    if outcome.status not in OUTCOME_STATUSES:
        raise ValueError(f"not a final status: {outcome.status}")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        now = timezone.now()
        stamp = "returned_at" if source == PaymentEvent.Source.RETURN else "notified_at"
        if getattr(payment, stamp) is None:
            setattr(payment, stamp, now)
            payment.save(update_fields=[stamp, "modified"])
        seen = (
            PaymentEvent.objects.filter(payment=payment, source=source, event_id=outcome.event_id)
            .exclude(outcome=PaymentEvent.Outcome.DUPLICATE)
            .exists()
        )
        if seen:
            result = PaymentEvent.Outcome.DUPLICATE
        elif payment.is_final:
            result = PaymentEvent.Outcome.IGNORED
            if payment.status != outcome.status:
                logger.warning(
                    "payment %s: %s says %s, already %s",
                    payment.order_number,
                    source,
                    outcome.status,
                    payment.status,
                )
        else:
            result = PaymentEvent.Outcome.APPLIED
            _apply(payment, outcome, now)
        PaymentEvent.objects.create(
            payment=payment,
            source=source,
            event_id=outcome.event_id,
            status=outcome.status,
            outcome=result,
        )
    return payment, result


def _apply(payment: Payment, outcome: Outcome, now) -> None:
    payment.status = outcome.status
    payment.message = outcome.message
    payment.transaction_id = outcome.transaction_id or payment.transaction_id
    if outcome.status == PaymentStatus.CONFIRMED:
        payment.captured_amount = payment.total
        payment.card_brand = outcome.card_brand
        payment.card_masked = outcome.card_masked
        payment.card_expiry = outcome.card_expiry
        payment.psp_token = outcome.psp_token
    payment.save()
    purpose = get_purpose(payment.purpose)
    if outcome.status == PaymentStatus.CONFIRMED:
        if payment.save_method and outcome.psp_token:
            SavedMethod.objects.get_or_create(
                user=payment.user,
                psp_token=outcome.psp_token,
                defaults={
                    "method": payment.method,
                    "brand": outcome.card_brand,
                    "masked": outcome.card_masked,
                    "expiry": outcome.card_expiry,
                    "variant": payment.variant,
                },
            )
        if payment.effect_done_at is None:
            purpose.on_success(payment)
            payment.effect_done_at = now
            payment.save(update_fields=["effect_done_at", "modified"])
    elif purpose.on_failure is not None:
        purpose.on_failure(payment)


@transaction.atomic
def saved_method_delete(*, user, method_id: int) -> None:
    """Delete one of the user's saved methods (another user's id: ``SavedMethod.DoesNotExist``)."""
    SavedMethod.objects.get(user=user, pk=method_id).delete()
