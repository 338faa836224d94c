"""Models of the shared platform: the notification outbox (DESIGN §5.5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Every SMS and e-mail the portal sends, stored before delivery.

    The row is written in the caller's transaction, so a rolled-back request sends nothing;
    delivery runs afterwards in a background task through the configured backend.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("In coda")
        SENDING = "sending", _("In invio")
        SENT = "sent", _("Inviato")
        FAILED = "failed", _("Non inviato")

    channel = models.CharField(_("canale"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("destinatario"), max_length=254, db_index=True)
    sender = models.CharField(_("mittente"), max_length=254, blank=True)
    subject = models.CharField(_("oggetto"), max_length=255, blank=True)
    text = models.TextField(_("testo"))
    html = models.TextField(_("testo HTML"), blank=True)
    kind = models.CharField(
        _("tipo"), max_length=64, blank=True, db_index=True, help_text=_("es. otp, pratica")
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("stato"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    backend = models.CharField(_("canale di invio"), max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    last_error = models.TextField(_("ultimo errore"), blank=True)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    # When a worker took the row for sending: one worker at a time, and a row left
    # "sending" by a crashed worker is found again by the stale sweep.
    claimed_at = models.DateTimeField(_("preso in carico il"), null=True, blank=True)
    # A message carrying a secret (login code, reset or confirmation link): its text is
    # blanked once delivered (``REDACTED``) and is never shown in the admin (SECURITY.md).
    secret = models.BooleanField(_("riservato"), default=False, db_index=True)
    redacted_at = models.DateTimeField(_("contenuto rimosso il"), null=True, blank=True)

    REDACTED = "[contenuto riservato rimosso dopo l'invio]"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("messaggio in uscita")
        verbose_name_plural = _("messaggi in uscita")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.get_status_display()})"


class OutboxAttachment(models.Model):
    """A file attached to an e-mail, stored with the message (same transaction)."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("nome file"), max_length=255)
    content = models.BinaryField(_("contenuto"))
    mimetype = models.CharField(_("tipo"), max_length=127, default="application/octet-stream")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")

    def __str__(self) -> str:
        return self.filename
