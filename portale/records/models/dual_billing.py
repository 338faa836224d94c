"""TIM TUO: the employee's personal billing on a company line (E-13, E-14, E-15, E-16).

Only masked payment data is ever stored: the card number and IBAN are kept as their
masked forms and the PSP token, never in full.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Address
from .lines import Line
from .scoping import ContractTally, PortalQuerySet, RowScope

personal_code_validator = RegexValidator(
    r"^\d{12}$", _("Il codice contratto personale è di 12 cifre.")
)


class DualBillingState(models.TextChoices):
    PENDING = "IN ATTIVAZIONE", _("IN ATTIVAZIONE")
    ACTIVE = "ATTIVO", _("ATTIVO")
    SUSPENDED = "SOSPESO", _("SOSPESO")
    CEASED = "CESSATO", _("CESSATO")


DUAL_BILLING_STATES = [value for value, _label in DualBillingState.choices]
OPEN_STATES = ["IN ATTIVAZIONE", "ATTIVO", "SOSPESO"]


class DualBilling(models.Model):
    """A TIM TUO service on one line: subscription (personal invoice) or rechargeable."""

    class Kind(models.TextChoices):
        SUBSCRIPTION = "ABBONAMENTO", _("TIM TUO in abbonamento")
        PREPAID = "RICARICABILE", _("TIM TUO ricaricabile")

    class PaymentMethod(models.TextChoices):
        CARD = "CARTA", _("Domiciliazione su carta di credito")
        BANK = "BANCA", _("Domiciliazione bancaria/postale")
        POSTAL = "BOLLETTINO", _("Pagamento con bollettino postale")

    class DirectDebitState(models.TextChoices):
        NONE = "", _("-")
        PENDING = "IN ATTIVAZIONE", _("IN ATTIVAZIONE")
        ACTIVE = "DOMICILIATA", _("DOMICILIATA")
        REJECTED = "RESPINTA", _("RESPINTA")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="dual_billings")
    kind = models.CharField(_("Tipo"), max_length=12, choices=Kind.choices)
    code = models.CharField(
        _("Codice"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[personal_code_validator],
        help_text=_("Codice contratto personale (solo abbonamento), es. 888200093221"),
    )
    state = models.CharField(
        _("Stato"), max_length=15, choices=DualBillingState.choices, default=DualBillingState.ACTIVE
    )
    activation_date = models.DateField(_("Data attivazione"), null=True, blank=True)
    cessation_date = models.DateField(_("Data cessazione"), null=True, blank=True)
    # Dati dipendente
    employee_fiscal_code = models.CharField(_("Codice fiscale dipendente"), max_length=16)
    employee_first_name = models.CharField(_("Nome dipendente"), max_length=80)
    employee_last_name = models.CharField(_("Cognome dipendente"), max_length=80)
    # Intestatario della fattura (subscription only)
    holder_first_name = models.CharField(_("Nome intestatario"), max_length=80, blank=True)
    holder_last_name = models.CharField(_("Cognome intestatario"), max_length=80, blank=True)
    holder_fiscal_code = models.CharField(_("C.F. intestatario"), max_length=16, blank=True)
    invoice_address = models.ForeignKey(
        Address,
        verbose_name=_("Indirizzo di spedizione della fattura"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Pagamento (masked data only)
    payment_method = models.CharField(
        _("Modalità di pagamento"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    direct_debit_state = models.CharField(
        _("Stato domiciliazione"),
        max_length=15,
        choices=DirectDebitState.choices,
        blank=True,
        default="",
    )
    card_holder = models.CharField(_("Titolare carta"), max_length=120, blank=True)
    card_brand = models.CharField(_("Tipo carta"), max_length=20, blank=True)
    card_expiry = models.CharField(_("Scadenza carta (MM/AA)"), max_length=5, blank=True)
    card_masked = models.CharField(_("Numero carta (mascherato)"), max_length=19, blank=True)
    psp_token = models.CharField(_("Token PSP"), max_length=64, blank=True)
    iban_masked = models.CharField(_("IBAN (mascherato)"), max_length=34, blank=True)
    account_holder = models.CharField(_("Intestatario conto"), max_length=120, blank=True)
    account_holder_fiscal_code = models.CharField(
        _("C.F. intestatario conto"), max_length=16, blank=True
    )
    signatory = models.CharField(_("Sottoscrittore"), max_length=120, blank=True)
    # Fattura
    invoice_mode = models.CharField(_("Fattura"), max_length=20, default="solo web")
    traffic_docs = models.CharField(_("Documentazione traffico"), max_length=20, default="completa")
    invoice_email = models.EmailField(_("E-mail notifica fattura"), blank=True)
    sms_notification_number = models.CharField(_("Numero SMS notifica"), max_length=15, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("TIM TUO")
        verbose_name_plural = _("TIM TUO")
        ordering = ["line", "-activation_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=models.Q(state__in=OPEN_STATES),
                name="one_open_dual_billing_per_line",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=DUAL_BILLING_STATES),
                name="dualbilling_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["ABBONAMENTO", "RICARICABILE"]),
                name="dualbilling_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_method__in=["", "CARTA", "BANCA", "BOLLETTINO"]),
                name="dualbilling_payment_method_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(code__isnull=True) | models.Q(code__regex=r"^[0-9]{12}$"),
                name="dualbilling_code_12_digits",
            ),
            # Masked data only: a card number shows at most its last 4 digits.
            models.CheckConstraint(
                condition=models.Q(card_masked="") | models.Q(card_masked__regex=r"^[*]"),
                name="dualbilling_card_masked",
            ),
            models.CheckConstraint(
                condition=models.Q(iban_masked="") | models.Q(iban_masked__contains="*"),
                name="dualbilling_iban_masked",
            ),
        ]

    def __str__(self) -> str:
        return f"TIM TUO {self.get_kind_display()} {self.line_id} ({self.state})"

    @property
    def employee_display(self) -> str:
        """ "Dati dipendente" as in the inventory: surname - name."""
        return f"{self.employee_last_name} - {self.employee_first_name}"


class DualBillingOption(models.Model):
    """A TIM TUO option on a line: company (E-15, by the ROA) or personal (E-16)."""

    class Scope(models.TextChoices):
        COMPANY = "AZIENDALE", _("Opzione aziendale")
        PERSONAL = "PERSONALE", _("Opzione personale")

    class Family(models.TextChoices):
        COMPANY = "AZIENDALE", _("Opzione aziendale TIM TUO")
        NATIONAL_PACK = "PACC_NAZ", _("Pacchetto mensile traffico nazionale + UE")
        NATIONAL_DATA = "PLAF_NAZ", _("Plafond mensile dati nazionali + UE")
        EXTRA_DATA = "PLAF_AGG", _("Plafond dati aggiuntivo")
        ROAMING_PACK = "PACC_EXTUE", _("Pacchetto giornaliero roaming extra UE")
        ROAMING_PACK_EXCL = "PACC_EXTUE_X", _("Pacchetto giornaliero roaming extra UE Exclusive")
        ROAMING_DATA = "PLAF_EXTUE", _("Plafond mensile 500MB dati roaming extra UE")
        ROAMING_DATA_EXCL = (
            "PLAF_EXTUE_X",
            _("Plafond mensile 500MB dati roaming extra UE Exclusive"),
        )

    class State(models.TextChoices):
        PENDING = "IN ATTIVAZIONE", _("IN ATTIVAZIONE")
        ACTIVE = "ATTIVO", _("ATTIVO")
        CEASING = "IN CESSAZIONE", _("IN CESSAZIONE")
        CEASED = "CESSATO", _("CESSATO")

    # The company options (F-7.4.6) by name, with their short code (``code`` is 30 characters).
    COMPANY_OPTIONS = {
        "TIM Tuo Roaming on Extra UE (per abbonamento)": "TTROAM-ABB",
        "TIM Tuo MMS (per ricaricabile)": "TTMMS-RIC",
        "TIM Tuo Roaming on Extra UE (per ricaricabile)": "TTROAM-RIC",
    }

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="dual_billing_options")
    scope = models.CharField(_("Ambito"), max_length=10, choices=Scope.choices)
    family = models.CharField(_("Famiglia"), max_length=12, choices=Family.choices)
    code = models.CharField(_("Codice"), max_length=30, help_text=_("Es. S1, M20, 1GB Plus"))
    name = models.CharField(_("Opzione"), max_length=120)
    price = models.DecimalField(_("Prezzo €"), max_digits=8, decimal_places=2, default=0)
    state = models.CharField(_("Stato"), max_length=15, choices=State.choices, default=State.ACTIVE)
    activation_date = models.DateField(_("Data attivazione"), null=True, blank=True)
    cessation_date = models.DateField(_("Data cessazione"), null=True, blank=True)
    locked_until = models.DateTimeField(
        _("Richiesta in corso fino a"),
        null=True,
        blank=True,
        help_text=_("Blocco per richiesta in lavorazione (G-52)"),
    )

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("opzione TIM TUO")
        verbose_name_plural = _("opzioni TIM TUO")
        ordering = ["line", "scope", "family"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=["AZIENDALE", "PERSONALE"]),
                name="dualbillingoption_scope_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["IN ATTIVAZIONE", "ATTIVO", "IN CESSAZIONE", "CESSATO"]
                ),
                name="dualbillingoption_state_valid",
            ),
            models.CheckConstraint(
                condition=(models.Q(scope="AZIENDALE") & models.Q(family="AZIENDALE"))
                | (models.Q(scope="PERSONALE") & ~models.Q(family="AZIENDALE")),
                name="dualbillingoption_family_matches_scope",
            ),
            # One live personal option per family (radio), one live row per company option.
            models.UniqueConstraint(
                fields=["line", "family"],
                condition=models.Q(scope="PERSONALE", state__in=["IN ATTIVAZIONE", "ATTIVO"]),
                name="one_live_personal_option_per_family",
            ),
            models.UniqueConstraint(
                fields=["line", "code"],
                condition=models.Q(scope="AZIENDALE", state__in=["IN ATTIVAZIONE", "ATTIVO"]),
                name="one_live_company_option_per_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"


class DualBillingTally(ContractTally):
    """Maintained totals of a contract's TIM TUO rows per kind and state (issue 17), for
    Consistenze aggregate "TIM TUO". Kept by database triggers like ``LineServiceTally``
    (migration ``0011_line_service_and_tim_tuo_tallies``); a derived index: no admin, not exported."""

    kind = models.CharField(max_length=12)
    services = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "state"], name="dualbillingtally_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.state}: {self.services}"
