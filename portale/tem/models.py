"""TEM's own rows: the runs of the invoice audit (G-56, "Verifica fatture").

An audit of a 100,000-line invoice takes tens of seconds, so it is a durable background job
(``portale.core.jobs``): "Avvia verifica" (a POST) writes an ``InvoiceAudit`` row in the
request's transaction and wakes the worker on commit; the worker claims the row, recomputes
the invoice (``tem.audit``) and stores the outcome here: totals and every difference, by
line and charge (``InvoiceAuditDifference``). The page only reads these rows (a GET never
writes) and polls while the run is "In corso". At most one run of an invoice is in progress
at a time (a partial unique constraint): a double click starts one run.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvoiceAudit(models.Model):
    class State(models.TextChoices):
        RUNNING = "IN_CORSO", _("In corso")
        DONE = "COMPLETATA", _("Completata")
        FAILED = "ERRORE", _("Errore")

    invoice = models.ForeignKey("records.Invoice", on_delete=models.CASCADE, related_name="audits")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("Stato"), max_length=12, choices=State.choices, default=State.RUNNING
    )
    requested_at = models.DateTimeField(_("Richiesta il"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(_("Avviata il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Terminata il"), null=True, blank=True)
    phase = models.CharField(_("Fase"), max_length=80, blank=True)
    # The outcome (a completed run).
    verifiable = models.BooleanField(_("Addebiti disponibili"), default=False)
    lines = models.PositiveIntegerField(_("Linee verificate"), default=0)
    charges = models.PositiveIntegerField(_("Voci verificate"), default=0)
    billed_taxable = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    recomputed_taxable = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    billed_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    recomputed_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total_mismatch = models.BooleanField(default=False)
    difference_count = models.PositiveIntegerField(_("Differenze"), default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("verifica fattura")
        verbose_name_plural = _("verifiche fatture")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(state="IN_CORSO"),
                name="tem_invoice_audit_one_running",
            )
        ]
        indexes = [models.Index(fields=["invoice", "-requested_at"], name="tem_audit_invoice_idx")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.requested_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def ok(self) -> bool:
        return (
            self.state == self.State.DONE
            and self.verifiable
            and not self.difference_count
            and not self.total_mismatch
        )

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class InvoiceAuditDifference(models.Model):
    """One charge whose billed amount differs from the recomputation (None: not billed /
    not found again); ``msisdn`` empty for the invoice's total."""

    audit = models.ForeignKey(InvoiceAudit, on_delete=models.CASCADE, related_name="differences")
    msisdn = models.CharField(_("Linea"), max_length=20, blank=True)
    charge = models.CharField(_("Voce"), max_length=200)
    billed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    recomputed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("differenza di verifica")
        verbose_name_plural = _("differenze di verifica")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.msisdn} {self.charge}"

    @property
    def delta(self):
        from decimal import Decimal

        return (self.billed or Decimal(0)) - (self.recomputed or Decimal(0))
