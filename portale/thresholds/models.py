"""The threshold engine's own records: the alert events and the daily digests (E-19).

The thresholds themselves are records (``records.Threshold``); what the engine adds is the
history of what happened to them (80 %, 100 %, sblocco), once per threshold, period and
level, and the archive of every "Avanzamento Soglie" e-mail with its report (F-7.5.6).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThresholdEvent(models.Model):
    class Kind(models.TextChoices):
        ALERT_80 = "80", _("Superato l'80%")
        ALERT_100 = "100", _("Superato il 100%")
        UNBLOCK = "SBLOCCO", _("Sblocco")

    threshold = models.ForeignKey(
        "records.Threshold", on_delete=models.CASCADE, related_name="engine_events"
    )
    line = models.ForeignKey("records.Line", on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey("records.Contract", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("Evento"), max_length=8, choices=Kind.choices)
    period_start = models.DateField(_("Inizio periodo"))
    occurred_at = models.DateTimeField(_("Data evento"), db_index=True)
    description = models.CharField(_("Descrizione soglia"), max_length=40)
    type = models.CharField(_("Tipologia"), max_length=12)
    period = models.CharField(_("Periodo"), max_length=12)
    value = models.DecimalField(_("Valore soglia (€)"), max_digits=8, decimal_places=2)
    consumed = models.DecimalField(_("Consumo del periodo (€)"), max_digits=14, decimal_places=4)
    blocked = models.BooleanField(_("Linea bloccata"), default=False)
    note = models.CharField(_("Nota"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("evento soglia")
        verbose_name_plural = _("eventi soglia")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["threshold", "period_start", "kind"],
                condition=models.Q(kind__in=["80", "100"]),
                name="threshold_alert_once_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["80", "100", "SBLOCCO"]),
                name="threshold_event_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["contract", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.line_id} {self.description} {self.kind} {self.occurred_at:%d/%m/%Y}"


class ThresholdDigest(models.Model):
    """One "Avanzamento Soglie del DD-MM-YYYY" e-mail sent to one referent (G-36)."""

    contract = models.ForeignKey("records.Contract", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="threshold_digests",
    )
    recipient = models.EmailField(_("Destinatario"))
    day = models.DateField(_("Giorno del report"))
    sent_at = models.DateTimeField(_("Data"))
    sender = models.CharField(_("Mittente"), max_length=80, default="TIM - Convenzione Mobile 8")
    subject = models.CharField(_("Oggetto"), max_length=120)
    text = models.TextField(_("Testo"))
    attachment_name = models.CharField(_("Allegato"), max_length=120)
    attachment = models.BinaryField(_("Contenuto allegato"))
    rows = models.PositiveIntegerField(_("Righe del report"), default=0)

    class Meta:
        verbose_name = _("e-mail avanzamento soglie")
        verbose_name_plural = _("e-mail avanzamento soglie")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "recipient", "day"], name="one_threshold_digest_per_day"
            )
        ]
        indexes = [models.Index(fields=["recipient", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
