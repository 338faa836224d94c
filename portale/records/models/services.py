"""Services on lines (STS), services on contracts (SAC) and devices (E-10, E-11, E-12)."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Contract
from .copied import copied_contract, copied_msisdn
from .lines import Line
from .scoping import ContractTally, PortalQuerySet, RowScope

imei_validator = RegexValidator(r"^\d{15}$", _("L'IMEI è di 15 cifre."))
percent_validators = [MinValueValidator(0), MaxValueValidator(100)]


class ServiceState(models.TextChoices):
    PENDING = "IN ATTIVAZIONE", _("IN ATTIVAZIONE")
    ACTIVE = "ATTIVO", _("ATTIVO")
    SUSPENDED = "SOSPESO", _("SOSPESO")
    CEASED = "CESSATO", _("CESSATO")


SERVICE_STATES = [value for value, _label in ServiceState.choices]

# Conferma / Rinuncia ricariche (F-7.3.3, G-18, G-19): the one-month service a line in each
# automatic-recharge mode gets when it does the opposite for a month.
RECHARGE_OVERRIDES = {
    Line.AutoRecharge.CONFIRM: "CONFERMA RICARICA AUTOMATICA",
    Line.AutoRecharge.WAIVE: "RINUNCIA RICARICA AUTOMATICA",
}


class LineService(models.Model):
    """STS: a supplementary service on a line, with the split of its monthly fee."""

    class Kind(models.TextChoices):
        GENERIC = "GENERICO", _("Servizio")
        APN_FILTER = "APN", _("Filtro APN")
        TIMED_RECHARGE = "RIC_TEMPO", _("Ricarica a tempo")
        PARAMETRIC_RECHARGE = "RIC_PARAM", _("Ricarica sotto soglia parametrica")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("Tipo"), max_length=10, choices=Kind.choices, default=Kind.GENERIC)
    description = models.CharField(_("Descrizione"), max_length=120)
    apn = models.CharField(_("APN"), max_length=100, blank=True)
    parameters = models.JSONField(
        _("Parametri"), default=dict, blank=True, help_text=_("Importo, frequenza, soglia")
    )
    activation_date = models.DateField(_("Data attivazione"))
    cessation_date = models.DateField(_("Data cessazione"), null=True, blank=True)
    state = models.CharField(
        _("Stato"), max_length=15, choices=ServiceState.choices, default=ServiceState.ACTIVE
    )
    pct_charged_to_entity = models.DecimalField(
        _("% a carico Ente"),
        max_digits=5,
        decimal_places=2,
        default=100,
        validators=percent_validators,
    )
    pct_employee = models.DecimalField(
        _("% ripartizione dipendente"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=percent_validators,
    )
    monthly_fee = models.DecimalField(_("Canone €"), max_digits=8, decimal_places=2, default=0)
    # The line's number and contract copied onto the row (issue 17), kept by database
    # triggers (``records/sortkey_sql.py``, migration 0014), never written by Django: the
    # list sorted by line reads a deep page along the index ``lineservice_listed_order``.
    line_msisdn = copied_msisdn()
    line_contract = copied_contract()

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("servizio su linea (STS)")
        verbose_name_plural = _("servizi su linea (STS)")
        ordering = ["line", "description"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=SERVICE_STATES), name="lineservice_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["GENERICO", "APN", "RIC_TEMPO", "RIC_PARAM"]),
                name="lineservice_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(pct_charged_to_entity__gte=0, pct_charged_to_entity__lte=100)
                & models.Q(pct_employee__gte=0, pct_employee__lte=100),
                name="lineservice_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_fee__gte=0), name="lineservice_fee_gte_0"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="APN") | ~models.Q(apn=""),
                name="lineservice_apn_filter_has_apn",
            ),
            models.CheckConstraint(
                condition=models.Q(cessation_date__isnull=True)
                | models.Q(cessation_date__gte=models.F("activation_date")),
                name="lineservice_cessation_after_activation",
            ),
        ]
        indexes = [
            models.Index(fields=["line", "state"]),
            models.Index(
                fields=["line_contract", "line_msisdn", "id"], name="lineservice_listed_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.display_description}"

    @property
    def display_description(self) -> str:
        """G-13: the APN of a "Filtro APN" is shown in the description."""
        if self.kind == self.Kind.APN_FILTER and self.apn:
            return f"{self.description} – {self.apn}"
        return self.description


class ContractService(models.Model):
    """SAC: a service provisioned on the whole contract (E-12, G-37)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="services")
    description = models.CharField(_("Descrizione servizio"), max_length=120)
    code = models.CharField(
        _("Codice"),
        max_length=30,
        blank=True,
        help_text=_("Codice del servizio avanzato (EMM, FLEET, MESSAGING, ...)"),
    )
    activation_date = models.DateField(_("Data attivazione"))
    cessation_date = models.DateField(_("Data cessazione"), null=True, blank=True)
    state = models.CharField(
        _("Stato"), max_length=15, choices=ServiceState.choices, default=ServiceState.ACTIVE
    )

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("servizio a contratto (SAC)")
        verbose_name_plural = _("servizi a contratto (SAC)")
        ordering = ["contract", "description"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=SERVICE_STATES), name="contractservice_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(cessation_date__isnull=True)
                | models.Q(cessation_date__gte=models.F("activation_date")),
                name="contractservice_cessation_after_activation",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Device(models.Model):
    """Apparato on the contract: sold by instalments, rented or under maintenance (E-11)."""

    class ServiceType(models.TextChoices):
        INSTALMENTS = "VENDITA RATEALE", _("Vendita rateale")
        RENTAL = "NOLEGGIO", _("Noleggio")
        MAINTENANCE = "MANUTENZIONE", _("Manutenzione")

    class State(models.TextChoices):
        ACTIVE = "ATTIVO", _("ATTIVO")
        BLOCKED = "BLOCCATO", _("BLOCCATO")
        CEASED = "CESSATO", _("CESSATO")

    imei = models.CharField(_("IMEI"), max_length=15, unique=True, validators=[imei_validator])
    description = models.CharField(_("Descrizione"), max_length=160)
    nmu_code = models.CharField(_("Codice NMU"), max_length=10)
    service_type = models.CharField(_("Tipo servizio"), max_length=20, choices=ServiceType.choices)
    service_description = models.CharField(
        _("Descrizione servizio"),
        max_length=160,
        blank=True,
        help_text=_('Es. "VENDITA RATEALE I.TIM NOKIA N73 RED AND WHITE"'),
    )
    state = models.CharField(_("Stato"), max_length=10, choices=State.choices, default=State.ACTIVE)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="devices")
    line = models.ForeignKey(
        Line, on_delete=models.SET_NULL, related_name="devices", null=True, blank=True
    )
    brand = models.CharField(_("Marca"), max_length=60, blank=True)
    model = models.CharField(_("Modello"), max_length=80, blank=True)
    os = models.CharField(_("Sistema operativo"), max_length=40, blank=True)
    activation_date = models.DateField(_("Data attivazione"), null=True, blank=True)
    cessation_date = models.DateField(_("Data cessazione"), null=True, blank=True)

    portal_scope = RowScope(contract="contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("apparato")
        verbose_name_plural = _("apparati")
        ordering = ["contract", "imei"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imei__regex=r"^[0-9]{15}$"), name="device_imei_15_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["ATTIVO", "BLOCCATO", "CESSATO"]),
                name="device_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    service_type__in=["VENDITA RATEALE", "NOLEGGIO", "MANUTENZIONE"]
                ),
                name="device_service_type_valid",
            ),
        ]
        indexes = [models.Index(fields=["contract", "state"])]

    def __str__(self) -> str:
        return f"{self.imei} {self.description}"


class LineServiceTally(ContractTally):
    """Maintained totals of a contract's line services (STS) per description and state
    (issue 17), for Consistenze aggregate "Servizi su linea".

    Database triggers keep the rows right on every insert, update and delete of a line
    service and on every move of a line to another contract, whatever issues it (services,
    bulk loads, the admin, SQL): migration ``0011_line_service_and_tim_tuo_tallies``. Rows are never
    deleted (a group whose services are gone stays at zero). A derived index, like
    ``LineTally``: no admin, not exported by ``portale.records.models``.
    """

    description = models.CharField(max_length=120)
    services = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "description", "state"], name="lineservicetally_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.description} {self.state}: {self.services}"
