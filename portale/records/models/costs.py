"""Centri di costo of a contract (F-7.4.2, "Gestione dei Centri di Costo" in eBill).

A cost centre belongs to one contract; a line is allocated to at most one cost centre of its
own contract (``Line.cost_centre``). eBill allocates invoices and unbilled traffic by it, TEM
groups its reports by it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Contract
from .scoping import PortalQuerySet, RowScope


class CostCentre(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="cost_centres")
    code = models.CharField(_("Codice"), max_length=40)
    name = models.CharField(_("Descrizione"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("Creato il"), auto_now_add=True)

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("centro di costo")
        verbose_name_plural = _("centri di costo")
        ordering = ["contract", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="cost_centre_code_unique"),
            models.CheckConstraint(condition=~models.Q(code=""), name="cost_centre_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}" if self.name else self.code
