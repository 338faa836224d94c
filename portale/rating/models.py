"""Rating-engine bookkeeping: imported CDR files and precise bundle counters.

The systems of record hold the events (``records.TrafficEvent``) and the counters shown to
users (``records.Bundle``, 2 decimals). The engine keeps here what only it needs:

* ``CdrFile``: the digest of every imported file, so importing the same file twice adds
  nothing (the unique ``TrafficEvent.external_id`` guards single rows as well);
* ``BundleCounter`` (company bundles) and ``OptionCounter`` (personal TIM TUO options): the
  exact use of an allowance in its base unit (seconds, messages,
  kilobytes) for the current period, from which ``Bundle.remaining`` is derived. A 2 KB
  data session would round away in "GB with 2 decimals"; here it is counted exactly.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CdrFile(models.Model):
    sha256 = models.CharField(_("Impronta SHA-256"), max_length=64, unique=True)
    name = models.CharField(_("Nome file"), max_length=255)
    rows = models.PositiveIntegerField(_("Righe"), default=0)
    imported = models.PositiveIntegerField(_("Eventi importati"), default=0)
    duplicates = models.PositiveIntegerField(_("Eventi già presenti"), default=0)
    imported_at = models.DateTimeField(_("Importato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("file CDR importato")
        verbose_name_plural = _("file CDR importati")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.rows} righe)"


class BundleCounter(models.Model):
    bundle = models.OneToOneField(
        "records.Bundle", on_delete=models.CASCADE, related_name="rating_counter"
    )
    period_start = models.DateField(_("Inizio periodo"))
    used = models.PositiveBigIntegerField(
        _("Consumo (unità base)"), default=0, help_text=_("secondi, messaggi o KB")
    )

    class Meta:
        verbose_name = _("contatore bundle")
        verbose_name_plural = _("contatori bundle")

    def __str__(self) -> str:
        return f"{self.bundle_id} {self.period_start}: {self.used}"


class OptionCounter(models.Model):
    """The exact use of one unit of a personal TIM TUO option (E-16) in its current period
    (month, day or activation month, see ``allowances``): personal traffic erodes it."""

    option = models.ForeignKey(
        "records.DualBillingOption", on_delete=models.CASCADE, related_name="rating_counters"
    )
    unit = models.CharField(_("Unità"), max_length=3)
    period_start = models.DateField(_("Inizio periodo"))
    used = models.PositiveBigIntegerField(
        _("Consumo (unità base)"), default=0, help_text=_("secondi, messaggi o KB")
    )

    class Meta:
        verbose_name = _("contatore opzione personale")
        verbose_name_plural = _("contatori opzioni personali")
        constraints = [
            models.UniqueConstraint(fields=["option", "unit"], name="one_counter_per_option_unit")
        ]

    def __str__(self) -> str:
        return f"{self.option_id} {self.unit} {self.period_start}: {self.used}"
