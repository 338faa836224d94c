"""Payment state, one row per payment (the portal's side of the PSP).

``Payment`` is django-payments' ``BasePayment`` with what the portal adds: who pays, for
what (``purpose``, the hook the caller app registered, and its ``reference``), the order
number shown to the user, and the provider's token and masked card. A card number or a
CVV never reaches these tables: the constraints accept only masked cards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from payments.models import BasePayment


class Method(models.TextChoices):
    CARD = "CARTA", _("Carta di credito")
    PAYPAL = "PAYPAL", _("PayPal")


class SavedMethod(models.Model):
    """A payment method the user saved at the PSP: only its token and masked data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_methods"
    )
    method = models.CharField(_("Metodo"), max_length=10, choices=Method.choices)
    brand = models.CharField(_("Circuito"), max_length=20, blank=True)
    masked = models.CharField(_("Carta o conto (mascherato)"), max_length=60)
    expiry = models.CharField(_("Scadenza (MM/AA)"), max_length=5, blank=True)
    psp_token = models.CharField(_("Token PSP"), max_length=64)
    variant = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("metodo di pagamento salvato")
        verbose_name_plural = _("metodi di pagamento salvati")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "psp_token"], name="one_saved_method_per_token"
            ),
            models.CheckConstraint(
                condition=models.Q(method="PAYPAL") | models.Q(masked__regex=r"^[*]+[0-9]{4}$"),
                name="savedmethod_card_masked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.masked}"


class Payment(BasePayment):
    """One payment or one card registration (mandate) through the PSP's hosted page."""

    class Kind(models.TextChoices):
        CHARGE = "ADDEBITO", _("Pagamento")
        MANDATE = "MANDATO", _("Registrazione carta per addebito ricorrente")

    kind = models.CharField(_("Tipo"), max_length=10, choices=Kind.choices, default=Kind.CHARGE)
    method = models.CharField(_("Metodo"), max_length=10, choices=Method.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    purpose = models.CharField(_("Scopo"), max_length=40, help_text=_("Hook registrato"))
    reference = models.JSONField(_("Riferimento del chiamante"), default=dict, blank=True)
    order_number = models.CharField(_("N° ordine"), max_length=10, unique=True)
    return_url = models.CharField(max_length=300)
    saved_method = models.ForeignKey(
        SavedMethod, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    save_method = models.BooleanField(_("Salva il metodo"), default=False)
    # What the PSP told us (masked data and its token only)
    card_brand = models.CharField(_("Circuito"), max_length=20, blank=True)
    card_masked = models.CharField(_("Pagato con"), max_length=60, blank=True)
    card_expiry = models.CharField(_("Scadenza"), max_length=5, blank=True)
    psp_token = models.CharField(_("Token PSP"), max_length=64, blank=True)
    returned_at = models.DateTimeField(_("Ritorno dal PSP"), null=True, blank=True)
    notified_at = models.DateTimeField(_("Notifica del PSP"), null=True, blank=True)
    effect_done_at = models.DateTimeField(_("Effetto applicato"), null=True, blank=True)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(card_masked="")
                | models.Q(method="PAYPAL")
                | models.Q(card_masked__regex=r"^[*]+[0-9]{4}$"),
                name="payment_card_masked",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["ADDEBITO", "MANDATO"]), name="payment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.total} {self.status}"

    def get_process_url(self) -> str:
        return reverse("payments:process", kwargs={"token": self.token})

    def get_success_url(self) -> str:
        """The caller's page, told which payment came back (whatever its result)."""
        sep = "&" if "?" in self.return_url else "?"
        return f"{self.return_url}{sep}pagamento={self.token}"

    def get_failure_url(self) -> str:
        return self.get_success_url()

    def change_status(self, status, message="") -> None:
        """django-payments' providers (e.g. Stripe) report a final status here: it goes
        through ``payment_outcome_apply`` like the sandbox's, so the hook runs once."""
        from payments import PaymentStatus

        from .providers import Outcome
        from .services import OUTCOME_STATUSES, payment_outcome_apply

        if status not in OUTCOME_STATUSES or self.pk is None:
            super().change_status(status, message)
            return
        if status == PaymentStatus.CONFIRMED and self.transaction_id:
            self.save(update_fields=["transaction_id", "extra_data", "modified"])
        payment_outcome_apply(
            payment_id=self.pk,
            outcome=Outcome(
                status=status,
                event_id=f"{self.variant}:{status}",
                transaction_id=self.transaction_id,
                message=message,
            ),
            source=PaymentEvent.Source.NOTIFICATION,
        )
        self.refresh_from_db()

    @property
    def is_final(self) -> bool:
        from payments import PaymentStatus

        return self.status not in (PaymentStatus.WAITING, PaymentStatus.INPUT)


class PaymentEvent(models.Model):
    """Every return and notification received for a payment, applied or not (the audit of
    idempotency: a replayed notification is recorded as a duplicate and changes nothing)."""

    class Source(models.TextChoices):
        RETURN = "RITORNO", _("Ritorno dell'utente")
        NOTIFICATION = "NOTIFICA", _("Notifica server-to-server")

    class Outcome(models.TextChoices):
        APPLIED = "APPLICATO", _("Applicato")
        DUPLICATE = "DUPLICATO", _("Già ricevuto")
        IGNORED = "IGNORATO", _("Esito già definito")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=10, choices=Source.choices)
    event_id = models.CharField(max_length=64)
    status = models.CharField(max_length=20)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "source", "event_id"],
                condition=~models.Q(outcome="DUPLICATO"),
                name="one_applied_event_per_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.event_id} {self.status} ({self.outcome})"


class SandboxNotification(models.Model):
    """The sandbox PSP's outbox: a signed notification to deliver to the portal (durable)."""

    url = models.CharField(max_length=300)
    body = models.TextField()
    signature = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.url} ({'consegnata' if self.delivered_at else 'da consegnare'})"
