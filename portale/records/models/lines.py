"""Lines, SIMs and tariff plans (E-07, E-08, E-09)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Contract, msisdn_validator
from .copied import copied_contract, copied_msisdn
from .reference import NetworkCategory, RifProfile
from .scoping import PortalQuerySet, RowScope

iccid_validator = RegexValidator(r"^\d{19}$", _("L'ICCID è di 19 cifre."))


class TariffPlan(models.Model):
    class Category(models.TextChoices):
        CONSUMPTION = "CONSUMO", _("Abbonamento a consumo")
        PACKAGE = "PACCHETTO", _("Abbonamento a pacchetto")
        PREPAID = "RICARICABILE", _("Ricaricabile")
        M2M = "M2M", _("M2M")

    name = models.CharField(_("Profilo tariffario"), max_length=60, unique=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    monthly_fee = models.DecimalField(
        _("Canone mensile €"), max_digits=8, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("profilo tariffario")
        verbose_name_plural = _("profili tariffari")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=["CONSUMO", "PACCHETTO", "RICARICABILE", "M2M"]),
                name="tariffplan_category_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prepaid(self) -> bool:
        return self.category == self.Category.PREPAID


class LineState(models.TextChoices):
    ACTIVE = "ATTIVO", _("ATTIVO")
    SUSPENDED = "SOSPESO", _("SOSPESO")
    FROZEN = "CONGELATO", _("CONGELATO")
    CEASED = "CESSATO", _("CESSATO")


class Line(models.Model):
    class AutoRecharge(models.TextChoices):
        CONFIRM = "CONFERMA", _("Conferma")
        WAIVE = "RINUNCIA", _("Rinuncia")

    msisdn = models.CharField(
        _("Numero"), max_length=15, unique=True, validators=[msisdn_validator]
    )
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="lines")
    tariff_plan = models.ForeignKey(
        TariffPlan,
        verbose_name=_("Profilo tariffario"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    state = models.CharField(
        _("Stato"), max_length=10, choices=LineState.choices, default=LineState.ACTIVE
    )
    activation_date = models.DateField(_("Data attivazione"))
    cessation_date = models.DateField(_("Data cessazione"), null=True, blank=True)
    one_number = models.BooleanField(_("One Number"), default=False)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True)
    auto_recharge = models.CharField(
        _("Modalità di ricarica automatica"),
        max_length=10,
        choices=AutoRecharge.choices,
        blank=True,
    )
    # G-23: enabled at activation (rating refuses traffic beyond the bundle when disabled);
    # ``records.services.BUNDLE_DEFAULTS`` gives each tariff type's activation setting.
    extra_bundle = models.BooleanField(_("Extra bundle"), default=True)
    over_bundle_national = models.BooleanField(_("Over bundle Nazionale + UE"), default=True)
    over_bundle_extra_eu = models.BooleanField(_("Over bundle Extra UE"), default=True)
    dual_billing_enabled = models.BooleanField(_("Abilitato TIM TUO"), default=False)
    company_credit = models.DecimalField(
        _("Credito aziendale €"), max_digits=9, decimal_places=2, default=0
    )
    personal_credit = models.DecimalField(
        _("Credito residuo personale €"), max_digits=9, decimal_places=2, default=0
    )
    rif_profile = models.ForeignKey(
        RifProfile,
        verbose_name=_("Profilo RIF"),
        on_delete=models.PROTECT,
        related_name="lines",
        null=True,
        blank=True,
    )
    blocked_categories = models.ManyToManyField(
        NetworkCategory,
        verbose_name=_("Direttrici bloccate"),
        related_name="blocked_lines",
        blank=True,
    )
    # Allocated by the referent in eBill (F-7.4.2); always a cost centre of the same contract.
    cost_centre = models.ForeignKey(
        "records.CostCentre",
        verbose_name=_("Centro di costo"),
        on_delete=models.SET_NULL,
        related_name="lines",
        null=True,
        blank=True,
    )

    portal_scope = RowScope(contract="contract", line="pk")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("linea")
        verbose_name_plural = _("linee")
        ordering = ["msisdn"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["ATTIVO", "SOSPESO", "CONGELATO", "CESSATO"]),
                name="line_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(auto_recharge__in=["", "CONFERMA", "RINUNCIA"]),
                name="line_auto_recharge_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(msisdn__regex=r"^3[0-9]{8,9}$"), name="line_msisdn_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(imei="") | models.Q(imei__regex=r"^[0-9]{15}$"),
                name="line_imei_15_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(cessation_date__isnull=True)
                | models.Q(cessation_date__gte=models.F("activation_date")),
                name="line_cessation_after_activation",
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "msisdn"]),
            models.Index(fields=["contract", "state"]),
        ]

    def __str__(self) -> str:
        return self.msisdn

    @property
    def is_prepaid(self) -> bool:
        return self.tariff_plan.is_prepaid


class Sim(models.Model):
    class Role(models.TextChoices):
        MAIN = "PRINCIPALE", _("Principale")
        SECONDARY = "SECONDARIA", _("Secondaria")

    class Kind(models.TextChoices):
        VOICE = "FONIA", _("SIM Fonia (triple cut)")
        M2M_STANDARD = "M2M_STD", _("SIM M2M Standard (triple cut)")
        M2M_PIN_DISABLE = "M2M_PIN", _("SIM M2M Pin disable (triple cut)")

    class State(models.TextChoices):
        ACTIVE = "ATTIVA", _("ATTIVA")
        STOCK = "SCORTA", _("IN SCORTA")
        BLOCKED = "BLOCCATA", _("BLOCCATA")
        CEASED = "CESSATA", _("CESSATA")

    iccid = models.CharField(_("ICCID"), max_length=19, unique=True, validators=[iccid_validator])
    line = models.ForeignKey(
        Line, on_delete=models.CASCADE, related_name="sims", null=True, blank=True
    )
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="sims")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MAIN)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.VOICE)
    state = models.CharField(_("Stato"), max_length=10, choices=State.choices, default=State.ACTIVE)
    activation_date = models.DateField(_("Data attivazione"), null=True, blank=True)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True)
    # A hot-stock SIM arrives with its number (F-7.3.6: "numero telefonico e ICCID"); the
    # deferred activation puts a line with that number on it.
    msisdn = models.CharField(_("Numero assegnato"), max_length=15, blank=True)
    # "Su linea"'s order and scope copied from the line (issue 17), kept by database
    # triggers (``records/sortkey_sql.py``, migration 0014), never written by Django: the
    # line's number ('' on no line), the SIM's role on a One Number line ('' otherwise),
    # and the line's contract when the list shows the SIM (on a line, not ceased unless
    # the line is), else NULL. The index ``sim_listed_order`` reads a deep page as a range.
    line_msisdn = copied_msisdn()
    listed_role = models.CharField(max_length=10, blank=True, default="", editable=False)
    listed_contract = copied_contract()

    portal_scope = RowScope(contract="contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("SIM")
        verbose_name_plural = _("SIM")
        ordering = ["iccid"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iccid__regex=r"^[0-9]{19}$"), name="sim_iccid_19_digits"
            ),
            models.UniqueConstraint(
                fields=["line"],
                condition=models.Q(role="PRINCIPALE", state="ATTIVA"),
                name="one_active_main_sim_per_line",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["PRINCIPALE", "SECONDARIA"]), name="sim_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["ATTIVA", "SCORTA", "BLOCCATA", "CESSATA"]),
                name="sim_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["FONIA", "M2M_STD", "M2M_PIN"]),
                name="sim_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(imei="") | models.Q(imei__regex=r"^[0-9]{15}$"),
                name="sim_imei_15_digits",
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "state"]),
            models.Index(
                fields=["listed_contract", "line_msisdn", "listed_role", "id"],
                condition=models.Q(listed_contract__isnull=False),
                name="sim_listed_order",
            ),
        ]

    def __str__(self) -> str:
        return self.iccid

    @property
    def short_iccid(self) -> str:
        """The guide shows the last 10 digits of the ICCID."""
        return self.iccid[-10:]


class LineTally(models.Model):
    """Maintained totals of a contract's lines, per tariff plan and line state (issue 17).

    ``lines`` counts the lines, ``listed_sims`` the SIMs on them that "Su linea" lists (a
    ceased SIM only on a ceased line). Database triggers keep the rows right on every
    insert, update and delete of a line or a SIM, whatever issues it (services, bulk loads,
    the admin, SQL): see migration ``0007_line_tally``. The aggregate "Su linea" and the
    "Tot. record" of the SIM list read a handful of rows instead of the whole contract.
    Rows are never deleted: a group whose lines are gone stays with zero. Not a record of
    the operator's systems but a derived index of them: no admin (an edit would break it),
    not exported by ``portale.records.models``.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    tariff_plan = models.ForeignKey(
        TariffPlan, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=10)
    lines = models.IntegerField(default=0)
    listed_sims = models.IntegerField(default=0)

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "tariff_plan", "state"], name="linetally_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.tariff_plan_id} {self.state}: {self.lines}"
