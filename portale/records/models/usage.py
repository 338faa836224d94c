"""Usage on lines: bundles, spending thresholds, traffic events and service SMS
(E-17, E-18, E-22, E-37)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .copied import copied_contract, copied_msisdn
from .lines import Line, Sim
from .scoping import ContractTally, PortalQuerySet, RowScope


class Bundle(models.Model):
    """An erosion counter: "0.00 GB rimasti su 0.00" (E-17)."""

    class Unit(models.TextChoices):
        GB = "GB", _("GB")
        MINUTES = "MIN", _("minuti")
        SMS = "SMS", _("SMS")

    class Scope(models.TextChoices):
        NATIONAL = "NAZIONALE", _("Nazionale")
        ROAMING = "ROAMING", _("Roaming")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="bundles")
    name = models.CharField(_("Bundle"), max_length=120)
    unit = models.CharField(_("Unità"), max_length=3, choices=Unit.choices)
    scope = models.CharField(_("Ambito"), max_length=10, choices=Scope.choices)
    total = models.DecimalField(_("Totale"), max_digits=12, decimal_places=2)
    remaining = models.DecimalField(_("Rimanente"), max_digits=12, decimal_places=2)
    period_start = models.DateField(_("Inizio periodo"), null=True, blank=True)
    updated_at = models.DateTimeField(_("Ultimo aggiornamento"))

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundle")
        ordering = ["line", "scope", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["line", "name", "scope"], name="bundle_unique_per_line"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=["GB", "MIN", "SMS"]), name="bundle_unit_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=["NAZIONALE", "ROAMING"]), name="bundle_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0)
                & models.Q(remaining__gte=0)
                & models.Q(remaining__lte=models.F("total")),
                name="bundle_remaining_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.remaining} {self.get_unit_display()} rimasti su {self.total}"

    @property
    def used(self) -> Decimal:
        return self.total - self.remaining


class Threshold(models.Model):
    """A spending threshold on a line (E-18, G-33, G-34)."""

    class Kind(models.TextChoices):
        SPENDING = "SPESA", _("Soglie di spesa")
        ROAMING_DATA = "DATI_EXTRA_UE", _("Traffico dati roaming Extra UE")

    class Type(models.TextChoices):
        INFORMATIVE = "INFORMATIVA", _("INFORMATIVA")
        BLOCKING = "DISPOSITIVA", _("DISPOSITIVA")

    class Period(models.TextChoices):
        DAILY = "GIORNALIERO", _("GIORNALIERO")
        MONTHLY = "MENSILE", _("MENSILE")

    class Description(models.TextChoices):
        INFO_SPENDING = "SOGLIA INFO SPESA PA", "SOGLIA INFO SPESA PA"
        DISPO_SPENDING = "SOGLIA DISPO SPESA PA", "SOGLIA DISPO SPESA PA"
        INFO_ROAMING = "SOGLIA INFO VALORE DATI EXTRA UE PA", "SOGLIA INFO VALORE DATI EXTRA UE PA"
        DISPO_ROAMING = (
            "SOGLIA DISPO VALORE DATI EXTRA UE PA",
            "SOGLIA DISPO VALORE DATI EXTRA UE PA",
        )

    class State(models.TextChoices):
        PENDING = "IN ATTIVAZIONE", _("IN ATTIVAZIONE")
        ACTIVE = "ATTIVO", _("ATTIVO")
        CEASED = "CESSATO", _("CESSATO")

    ALERT_LEVELS = (80, 100)

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="thresholds")
    kind = models.CharField(_("Tipo soglia"), max_length=15, choices=Kind.choices)
    type = models.CharField(_("Tipologia"), max_length=12, choices=Type.choices)
    period = models.CharField(_("Periodo"), max_length=12, choices=Period.choices)
    description = models.CharField(
        _("Descrizione soglia"), max_length=40, choices=Description.choices
    )
    value = models.DecimalField(_("Valore soglia (€)"), max_digits=8, decimal_places=2)
    available = models.DecimalField(_("Valore disponibile (€)"), max_digits=11, decimal_places=3)
    state = models.CharField(_("Stato"), max_length=15, choices=State.choices, default=State.ACTIVE)
    activation_date = models.DateField(_("Attivazione soglia"))
    cessation_date = models.DateField(_("Cessazione"), null=True, blank=True)
    period_start = models.DateField(_("Inizio periodo corrente"), null=True, blank=True)
    last_alert_level = models.PositiveSmallIntegerField(
        _("Ultimo livello di allerta"), default=0, help_text=_("0, 80 o 100")
    )
    blocked_line = models.BooleanField(
        _("Linea bloccata dalla soglia"), default=False, help_text=_("DISPOSITIVA al 100%")
    )
    # Kept by the rating engine in the transaction that rates the events (see
    # ``records.services.thresholds_consumption_add``): the exact sum of the rated
    # pay-per-use charges this threshold counts in the period starting ``consumption_period``
    # (from the activation day). The threshold engine reads it instead of the events;
    # ``consumed`` (below) is what the pages show, the value less the available one.
    consumption = models.DecimalField(
        _("Consumo del periodo (€)"), max_digits=14, decimal_places=4, default=0
    )
    consumption_period = models.DateField(
        _("Periodo del consumo"), null=True, blank=True, help_text=_("Primo giorno")
    )
    # Set when ``consumption`` (or the value) moved and the threshold engine has not yet
    # turned it into ``available``, alerts and blocks; cleared by the engine in the
    # transaction that erodes it. The erosion's task is only a wake-up call: the sweep of
    # the durable jobs (``thresholds.tasks.EROSIONS``) erodes what a lost task left due.
    erosion_due_at = models.DateTimeField(_("Erosione da calcolare dal"), null=True, blank=True)
    # The line's number and contract copied onto the row (issue 17), kept by database
    # triggers (``records/sortkey_sql.py``, migration 0014), never written by Django: the
    # list sorted by line reads a deep page along the index ``threshold_listed_order``.
    line_msisdn = copied_msisdn()
    line_contract = copied_contract()

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("soglia")
        verbose_name_plural = _("soglie")
        ordering = ["line", "kind", "description"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["SPESA", "DATI_EXTRA_UE"]),
                name="threshold_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=["INFORMATIVA", "DISPOSITIVA"]),
                name="threshold_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(period__in=["GIORNALIERO", "MENSILE"]),
                name="threshold_period_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["IN ATTIVAZIONE", "ATTIVO", "CESSATO"]),
                name="threshold_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0, value__lte=9999)
                & (models.Q(value__gt=0) | models.Q(type="DISPOSITIVA")),
                name="threshold_value_range",
            ),
            models.CheckConstraint(
                condition=models.Q(last_alert_level__in=[0, 80, 100]),
                name="threshold_alert_level_valid",
            ),
            models.UniqueConstraint(
                fields=["line", "description"],
                condition=models.Q(state__in=["IN ATTIVAZIONE", "ATTIVO"]),
                name="one_live_threshold_per_description",
            ),
        ]
        indexes = [
            models.Index(fields=["line", "state"]),
            models.Index(
                fields=["line_contract", "line_msisdn", "id"], name="threshold_listed_order"
            ),
            # The sweep's read: only the few thresholds waiting for their erosion.
            models.Index(
                fields=["erosion_due_at"],
                condition=models.Q(erosion_due_at__isnull=False),
                name="threshold_erosion_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.value} € {self.get_period_display()}"

    @property
    def consumed(self) -> Decimal:
        return max(Decimal(0), self.value - self.available)

    @property
    def erosion_pct(self) -> Decimal:
        """ "Erosione" in percent, 0 when the value is 0."""
        if not self.value:
            return Decimal(0)
        return (self.consumed / self.value * 100).quantize(Decimal("0.01"))


class ThresholdTally(ContractTally):
    """Maintained totals of a contract's thresholds per kind and state (issue 17), so
    "Monitoring erosione" and "Ricerca avanzata" show their "Tot. record" without counting
    the contract's thresholds on every page. Kept by database triggers like
    ``LineServiceTally`` (migration ``0013_threshold_tally``; a change of consumption or
    erosion does not fire them); a derived index: no admin, not exported."""

    kind = models.CharField(max_length=15)
    thresholds = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "state"], name="thresholdtally_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.state}: {self.thresholds}"


class TrafficEvent(models.Model):
    """A rated traffic event (CDR) of a line (E-22). Read-only for the portal."""

    class Category(models.TextChoices):
        GENERIC = "GENERICO", _("Generico")
        DATA = "DATI", _("Dati")
        INTERACTIVE = "SERVIZI_INTERATTIVI", _("Servizi interattivi")
        EVENTS = "EVENTI", _("Eventi")
        VOICE = "VOCE", _("Voce")
        SMS_MMS = "SMS_MMS", _("Sms/MMS")

    class Charging(models.TextChoices):
        COMPANY = "AZIENDALE", _("Aziendale")
        PERSONAL = "PERSONALE", _("Personale")

    class RoamingZone(models.TextChoices):
        NATIONAL = "", _("Nazionale")
        EU = "UE", _("Roaming UE")
        EXTRA_EU = "EXTRA_UE", _("Roaming Extra UE")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="traffic_events")
    sim = models.ForeignKey(
        Sim, on_delete=models.SET_NULL, related_name="traffic_events", null=True, blank=True
    )
    external_id = models.CharField(
        _("Identificativo CDR"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Chiave del record nel file di traffico (ingestione idempotente)"),
    )
    occurred_at = models.DateTimeField(_("Data e ora"))
    category = models.CharField(_("Categoria"), max_length=20, choices=Category.choices)
    type = models.CharField(_("Tipologia"), max_length=40, help_text=_("Es. MOC, SMS, GPRS"))
    detail = models.CharField(_("Dettaglio"), max_length=80, blank=True)
    apn = models.CharField(_("Dettaglio APN"), max_length=60, blank=True)
    called_number = models.CharField(_("Chiamato"), max_length=30, blank=True)
    operator = models.CharField(_("Operatore"), max_length=40, blank=True)
    duration_seconds = models.PositiveIntegerField(_("Durata (s)"), default=0)
    volume_kb = models.PositiveBigIntegerField(_("Volume (KB)"), default=0)
    gross_amount = models.DecimalField(
        _("Imp. lordo"), max_digits=12, decimal_places=4, default=Decimal(0)
    )
    net_amount = models.DecimalField(
        _("Imp. netto"), max_digits=12, decimal_places=4, default=Decimal(0)
    )
    option = models.CharField(_("Opzione"), max_length=60, blank=True)
    rating_unit = models.CharField(
        _("Tariffazione"), max_length=20, blank=True, help_text=_("Es. Kbyte, Flat, Secondi")
    )
    charging = models.CharField(
        _("Tipologia chiamata"), max_length=10, choices=Charging.choices, default=Charging.COMPANY
    )
    roaming_zone = models.CharField(
        _("Zona roaming"), max_length=10, choices=RoamingZone.choices, blank=True, default=""
    )
    rated_at = models.DateTimeField(_("Valorizzato il"), null=True, blank=True)

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento di traffico")
        verbose_name_plural = _("eventi di traffico")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    category__in=[
                        "GENERICO",
                        "DATI",
                        "SERVIZI_INTERATTIVI",
                        "EVENTI",
                        "VOCE",
                        "SMS_MMS",
                    ]
                ),
                name="trafficevent_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(charging__in=["AZIENDALE", "PERSONALE"]),
                name="trafficevent_charging_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(roaming_zone__in=["", "UE", "EXTRA_UE"]),
                name="trafficevent_roaming_zone_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(gross_amount__gte=0) & models.Q(net_amount__gte=0),
                name="trafficevent_amounts_gte_0",
            ),
        ]
        indexes = [
            # A line's events newest first with the pk as tie-break ("Dettaglio traffico",
            # its keyset pages): read in index order, LIMIT 10 stops after ten entries
            # instead of sorting all the period's events of the line.
            models.Index(fields=["line", "occurred_at", "id"], name="traffic_line_time_pk_idx"),
            models.Index(fields=["occurred_at"], name="traffic_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.type} {self.occurred_at:%d/%m/%Y %H:%M:%S}"

    @property
    def masked_called_number(self) -> str:
        """P-22: the last three digits are hidden ("3399902***", "00**" when short)."""
        number = self.called_number
        if not number:
            return ""
        if len(number) <= 4:
            return number[:2] + "*" * (len(number) - 2)
        return number[:-3] + "***"

    @property
    def is_paid(self) -> bool:
        return self.net_amount > 0


class ServiceSms(models.Model):
    """An SMS the operator sent to a line, kept 6 months (E-37, F-9.2.3)."""

    class State(models.TextChoices):
        SENT = "INVIATO", _("INVIATO")
        DELIVERED = "CONSEGNATO", _("CONSEGNATO")
        FAILED = "NON CONSEGNATO", _("NON CONSEGNATO")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="service_sms")
    sender = models.CharField(_("Mittente"), max_length=20, default="TIMBusiness")
    kind = models.CharField(_("Tipologia"), max_length=60, default="SMS Area Clienti H24")
    text = models.TextField(_("Testo SMS"))
    sent_at = models.DateTimeField(_("Data/ora invio"))
    delivered_at = models.DateTimeField(_("Data/ora consegna"), null=True, blank=True)
    state = models.CharField(_("Stato"), max_length=15, choices=State.choices, default=State.SENT)

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("SMS di servizio")
        verbose_name_plural = _("SMS di servizio")
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["INVIATO", "CONSEGNATO", "NON CONSEGNATO"]),
                name="servicesms_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["line", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.line_id}: {self.text[:40]}"


class PersonalRecharge(models.Model):
    """A recharge of a prepaid line's personal credit, from any channel (F-9.1.3).

    Company recharges (charged to the invoice) are never here: they credit the company
    basket (``Line.company_credit``).
    """

    class Channel(models.TextChoices):
        WEB = "WEB", _("Ricarica da WEB")
        APP = "APP", _("Ricarica da APP")
        SHOP = "NEGOZIO", _("Ricarica presso punto vendita")
        ATM = "ATM", _("Ricarica da ATM")
        VOUCHER = "VOUCHER", _("Ricarica con carta prepagata")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="personal_recharges")
    amount = models.DecimalField(_("Importo"), max_digits=7, decimal_places=2)
    channel = models.CharField(_("Canale"), max_length=10, choices=Channel.choices)
    recharged_at = models.DateTimeField(_("Data e ora"))
    # The order number of the payment (web/app): one recharge per payment.
    reference = models.CharField(_("Riferimento"), max_length=40, blank=True)

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("ricarica personale")
        verbose_name_plural = _("ricariche personali")
        ordering = ["-recharged_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="personalrecharge_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=["WEB", "APP", "NEGOZIO", "ATM", "VOUCHER"]),
                name="personalrecharge_channel_valid",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~models.Q(reference=""),
                name="one_personal_recharge_per_reference",
            ),
        ]
        indexes = [models.Index(fields=["line", "recharged_at"])]

    def __str__(self) -> str:
        return f"{self.line_id} +{self.amount} {self.channel} {self.recharged_at:%d/%m/%Y}"

    @property
    def kind_label(self) -> str:
        """ "Tipo di ricarica" as the guide shows it: web and app are "altri canali"."""
        if self.channel in (self.Channel.WEB, self.Channel.APP):
            return str(_("Ricarica da altri canali"))
        return str(_("Ricarica tradizionale"))
