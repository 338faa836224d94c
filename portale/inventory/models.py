"""Export jobs: the rows of "I miei Export" (F-7.2.4, P-07, E-39, G-15)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_RETENTION_DAYS = 30  # G-15


def retention_days() -> int:
    """How long a produced file is kept: ``settings.INVENTORY_EXPORT_RETENTION_DAYS`` (30)."""
    return int(getattr(settings, "INVENTORY_EXPORT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def export_upload_to(job: ExportJob, filename: str) -> str:
    return f"exports/{job.user_id}/{filename}"


class ExportJob(models.Model):
    """A background export asked by one user on one contract.

    ``kind`` is the guide's "Tipo richiesta" code (ConsistenzaDettaglioLinee, …); the job is
    visible only to the user who asked (G-15) and its file is deleted with the row or when
    it expires (``expires_at``, see ``tasks.exports_cleanup``).
    """

    class Kind(models.TextChoices):
        LINES = "ConsistenzaDettaglioLinee", "ConsistenzaDettaglioLinee"
        STS = "ConsistenzaDettaglioSTS", "ConsistenzaDettaglioSTS"
        TIMTUO_SUB = "ConsistenzaDettaglioTimTuoAbb", "ConsistenzaDettaglioTimTuoAbb"
        TIMTUO_PREPAID = "ConsistenzaDettaglioTimTuoRic", "ConsistenzaDettaglioTimTuoRic"
        DEVICES = "ConsistenzaDettaglioApparati", "ConsistenzaDettaglioApparati"
        SAC = "ConsistenzaDettaglioSAC", "ConsistenzaDettaglioSAC"

    class Format(models.TextChoices):
        XLSX = "xlsx", ".xlsx"
        CSV = "csv", ".csv"

    class State(models.TextChoices):
        RUNNING = "IN_ELABORAZIONE", _("In elaborazione")
        DONE = "COMPLETATO", _("COMPLETATO")
        FAILED = "ERRORE", _("ERRORE")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    contract = models.ForeignKey(
        "records.Contract", on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(_("Tipo richiesta"), max_length=40, choices=Kind.choices)
    format = models.CharField(_("Formato"), max_length=4, choices=Format.choices)
    params = models.JSONField(
        _("Filtri"), default=dict, blank=True, help_text=_("La ricerca attiva al momento")
    )
    state = models.CharField(
        _("Stato richiesta"), max_length=16, choices=State.choices, default=State.RUNNING
    )
    requested_at = models.DateTimeField(_("Data richiesta"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("Completato il"), null=True, blank=True)
    expires_at = models.DateTimeField(_("Disponibile fino al"), null=True, blank=True)
    file = models.FileField(_("File"), upload_to=export_upload_to, blank=True, max_length=255)
    rows = models.PositiveIntegerField(_("Righe"), null=True, blank=True)
    error = models.TextField(_("Errore"), blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("export")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["user", "contract", "-requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["IN_ELABORAZIONE", "COMPLETATO", "ERRORE"]),
                name="exportjob_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["xlsx", "csv"]), name="exportjob_format_valid"
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
        return f"{self.kind}_{self.contract.code}_{stamp}.{self.format}"

    def default_expiry(self, now: datetime.datetime | None = None) -> datetime.datetime:
        return (now or timezone.now()) + datetime.timedelta(days=retention_days())
