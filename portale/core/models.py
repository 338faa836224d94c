"""Models of the shared platform: the notification outbox (DESIGN §5.5) and the background
exports of any list ("I miei Export", P-07)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
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


DEFAULT_EXPORT_RETENTION_DAYS = 30  # G-15


def export_retention_days() -> int:
    """How long a produced file is kept: ``settings.EXPORT_RETENTION_DAYS`` (30).

    ``INVENTORY_EXPORT_RETENTION_DAYS`` (its name when exports were inventory-only) is
    still read when the new name is not set."""
    value = getattr(settings, "EXPORT_RETENTION_DAYS", None)
    if value is None:
        value = getattr(settings, "INVENTORY_EXPORT_RETENTION_DAYS", DEFAULT_EXPORT_RETENTION_DAYS)
    return int(value)


def export_upload_to(job: ExportJob, filename: str) -> str:
    """One name per job: a job built again (its worker died) replaces its own file."""
    return f"exports/{job.user_id}/{job.pk}_{filename}"


class ExportJob(models.Model):
    """A background export of a list, asked by one user ("I miei Export", F-7.2.4, G-15).

    A durable job (``portale.core.jobs``): the row is written in the request's transaction,
    the queue only wakes the worker, the minute sweep wakes rows never started or left by a
    dead worker (``claimed_at`` older than the timeout), and the build claims the row first
    so it runs once. ``kind`` is the guide's "Tipo richiesta" (ConsistenzaDettaglioLinee…),
    the key of the list registered with ``portale.core.export_jobs.register_list``; the
    job is visible only to the user who asked (G-15) and its file is deleted with the row or
    when it expires (``expires_at``).
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", ".xlsx"
        CSV = "csv", ".csv"

    class State(models.TextChoices):
        RUNNING = "IN_ELABORAZIONE", _("In elaborazione")
        DONE = "COMPLETATO", _("Completato")
        FAILED = "ERRORE", _("Errore")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    contract = models.ForeignKey(
        "records.Contract",
        on_delete=models.CASCADE,
        related_name="export_jobs",
        null=True,
        blank=True,
        help_text=_("Il contratto della lista esportata (vuoto per le liste personali)"),
    )
    kind = models.CharField(_("Tipo richiesta"), max_length=40)
    format = models.CharField(_("Formato"), max_length=4, choices=Format.choices)
    params = models.JSONField(
        _("Filtri"), default=dict, blank=True, help_text=_("La ricerca attiva al momento")
    )
    state = models.CharField(
        _("Stato richiesta"), max_length=16, choices=State.choices, default=State.RUNNING
    )
    requested_at = models.DateTimeField(_("Data richiesta"), default=timezone.now, db_index=True)
    # Durable-job bookkeeping: when a worker took the row (a row claimed long ago by a
    # worker that never finished is taken again by the sweep) and how many times.
    claimed_at = models.DateTimeField(_("Preso in carico il"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("Tentativi"), default=0)
    completed_at = models.DateTimeField(_("Completato il"), null=True, blank=True)
    expires_at = models.DateTimeField(_("Disponibile fino al"), null=True, blank=True)
    file = models.FileField(_("File"), upload_to=export_upload_to, blank=True, max_length=255)
    rows = models.PositiveIntegerField(_("Righe"), null=True, blank=True)
    error = models.TextField(_("Errore"), blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("export")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "contract", "-requested_at"], name="core_export_user_idx"),
            models.Index(fields=["state", "requested_at"], name="core_export_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["IN_ELABORAZIONE", "COMPLETATO", "ERRORE"]),
                name="core_exportjob_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["xlsx", "csv"]), name="core_exportjob_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_state_display()})"

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE and bool(self.file)

    @property
    def filename(self) -> str:
        stamp = timezone.localtime(self.requested_at).strftime("%Y%m%d_%H%M")
        scope = f"_{self.contract.code}" if self.contract_id else ""
        return f"{self.kind}{scope}_{stamp}.{self.format}"

    @property
    def content_type(self) -> str:
        if self.format == self.Format.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def default_expiry(self, now: datetime.datetime | None = None) -> datetime.datetime:
        return (now or timezone.now()) + datetime.timedelta(days=export_retention_days())


class HandoffUse(models.Model):
    """A consumed hand-off token (``core/handoff.py``, P-11): its id is unique, so a token
    is accepted once, atomically, however many processes see it; rows older than twice
    the token's lifetime are pruned by the entry."""

    jti = models.CharField(_("identificativo del token"), max_length=64, unique=True)
    system = models.CharField(_("sistema"), max_length=32)
    user_id = models.BigIntegerField(_("utente"))
    used_at = models.DateTimeField(_("usato il"), db_index=True)

    class Meta:
        verbose_name = _("accesso a sistema esterno")
        verbose_name_plural = _("accessi a sistemi esterni")

    def __str__(self) -> str:
        return f"{self.system} {self.jti}"
