"""Billing bookkeeping: which rated traffic each issued invoice charges.

An invoice of bimester *B* charges the traffic rated before it was issued
(``rated_before``): the events of *B*, plus the **late** events of earlier bimesters rated
after the previous invoice was issued (rated between the two cutoffs). An event rated after
its bimester's invoice is therefore carried into the next invoice, never lost nor charged
twice. The records' invoices (``records.Invoice``, ``records.PersonalInvoice``) do not hold
that instant, so the billing engine keeps it here: one row per issued invoice, with the
charges it billed (``billing.charges.Charges`` as JSON), from which its documents are
rendered. An invoice issued before the charges were kept has none (``charges`` null).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrafficCutoff(models.Model):
    invoice = models.OneToOneField(
        "records.Invoice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="traffic_cutoff",
    )
    personal_invoice = models.OneToOneField(
        "records.PersonalInvoice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="traffic_cutoff",
    )
    rated_before = models.DateTimeField(_("Traffico valorizzato prima del"))
    charges = models.JSONField(_("Addebiti fatturati"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("taglio traffico fattura")
        verbose_name_plural = _("tagli traffico fatture")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=False, personal_invoice__isnull=True)
                | models.Q(invoice__isnull=True, personal_invoice__isnull=False),
                name="trafficcutoff_one_invoice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id or self.personal_invoice_id}: {self.rated_before}"
