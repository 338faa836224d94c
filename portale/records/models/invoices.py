"""Company invoices and TIM TUO personal invoices (E-20, E-21)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Contract
from .dual_billing import DualBilling
from .scoping import PortalQuerySet, RowScope

BIMESTER_REGEX = r"^[1-6]/[0-9]{4}$"


class PaymentState(models.TextChoices):
    UNPAID = "Scoperta", _("Scoperta")
    PAID = "Pagata", _("Pagata")
    PARTIAL = "Parzialmente pagata", _("Parzialmente pagata")


PAYMENT_STATES = [value for value, _label in PaymentState.choices]


class Invoice(models.Model):
    """Fattura aziendale of a contract (F-7.4.1)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("N° fattura"), max_length=20, unique=True)
    bimester = models.CharField(_("Bimestre"), max_length=7, help_text=_('Es. "4/2021"'))
    amount = models.DecimalField(_("Importo"), max_digits=12, decimal_places=2)
    emission_date = models.DateField(_("Emissione"))
    due_date = models.DateField(_("Scadenza"))
    payment_state = models.CharField(
        _("Stato pagamento"),
        max_length=20,
        choices=PaymentState.choices,
        default=PaymentState.UNPAID,
    )
    pdf = models.FileField(_("PDF"), upload_to="fatture/aziendali/", blank=True)
    ebill_id = models.CharField(_("Identificativo eBill"), max_length=40, blank=True)
    # An issued invoice is never edited: a wrong one is cancelled (by a credit note) and
    # issued again under a new number, which "replaces" it.
    cancelled_on = models.DateField(_("Annullata il"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("Sostituisce"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("fattura aziendale")
        verbose_name_plural = _("fatture aziendali")
        ordering = ["contract", "-emission_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bimester__regex=BIMESTER_REGEX), name="invoice_bimester_format"
            ),
            models.CheckConstraint(
                condition=models.Q(payment_state__in=PAYMENT_STATES),
                name="invoice_payment_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("emission_date")),
                name="invoice_due_after_emission",
            ),
            models.UniqueConstraint(
                fields=["contract", "bimester"],
                condition=models.Q(cancelled_on__isnull=True),
                name="invoice_one_per_contract_bimester",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PersonalInvoice(models.Model):
    """Fattura personale TIM TUO of a subscription line (F-9.2.1.2)."""

    dual_billing = models.ForeignKey(DualBilling, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(_("N° fattura"), max_length=20, unique=True)
    bimester = models.CharField(_("Bimestre"), max_length=7)
    emission_date = models.DateField(_("Emissione"))
    due_date = models.DateField(_("Scadenza"))
    total = models.DecimalField(_("Totale (IVA inclusa)"), max_digits=10, decimal_places=2)
    payment_state = models.CharField(
        _("Pagato"), max_length=20, choices=PaymentState.choices, default=PaymentState.UNPAID
    )
    pdf = models.FileField(_("PDF"), upload_to="fatture/personali/", blank=True)

    portal_scope = RowScope(contract=None, line="dual_billing__line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("fattura personale TIM TUO")
        verbose_name_plural = _("fatture personali TIM TUO")
        ordering = ["dual_billing", "-emission_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bimester__regex=BIMESTER_REGEX),
                name="personalinvoice_bimester_format",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_state__in=PAYMENT_STATES),
                name="personalinvoice_payment_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("emission_date")),
                name="personalinvoice_due_after_emission",
            ),
            models.UniqueConstraint(
                fields=["dual_billing", "bimester"],
                name="personalinvoice_one_per_bimester",
            ),
        ]

    def __str__(self) -> str:
        return self.number
