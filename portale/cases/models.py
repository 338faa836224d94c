"""Pratiche (cases), ordini (orders), shipments and request drafts (E-28, E-29, E-30, E-41)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.records.models import Contract, Line
from portale.records.models.scoping import PortalQuerySet, RowScope


class CaseState(models.TextChoices):
    """G-16: the states of a pratica (the transitions: ``portale.cases.lifecycle``)."""

    OPEN = "APERTO", _("Aperto")
    WORKING = "IN_LAVORAZIONE", _("In lavorazione")
    SUSPENDED = "SOSPESO", _("Sospeso")
    CLOSED = "CHIUSO", _("Chiuso")
    CANCELLED = "ANNULLATO", _("Annullato")
    REJECTED = "SCARTATO", _("Scartato")


# Open: the pratica keeps its object busy (G-10). The lifecycle module re-exports both sets.
OPEN_STATE_VALUES = ("APERTO", "IN_LAVORAZIONE", "SOSPESO")


class Channel(models.TextChoices):
    """ "Provenienza": the portal is "CONSIP8"; the back office files the other channels."""

    PORTAL = "CONSIP8", "CONSIP8"
    PHONE = "TELEFONO", _("Telefono")
    FAX = "FAX", _("Fax")
    EMAIL = "EMAIL", _("Email")


class Case(models.Model):
    number = models.CharField(_("N° pratica"), max_length=16, unique=True)
    operation = models.CharField(_("Operazione"), max_length=40, db_index=True)
    description = models.CharField(_("Tipo pratica"), max_length=80)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="cases")
    line = models.ForeignKey(
        Line, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    channel = models.CharField(
        _("Provenienza"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    state = models.CharField(
        _("Stato"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN
    )
    outcome = models.TextField(_("Esito"), blank=True)
    opened_at = models.DateTimeField(_("Apertura"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("Chiusura"), null=True, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Richiedente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    requester_name = models.CharField(_("Nome richiedente"), max_length=160, blank=True)
    requester_email = models.EmailField(_("Email richiedente"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Inserita da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("In carico a"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("Note"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=list, blank=True)  # [(label, old, new)] of the PDF
    summary_pdf = models.FileField(_("Riepilogo PDF"), upload_to="pratiche/%Y/%m/", blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # G-10: "<operation group>|<contract>|<object>" while open; unique among open cases.
    conflict_key = models.CharField(max_length=120, null=True, blank=True)
    # Fulfilment bookkeeping (DESIGN §5.4).
    auto = models.BooleanField(default=False)  # worked by the fulfilment engine
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    needs_attention = models.BooleanField(default=False)
    effect_applied_at = models.DateTimeField(null=True, blank=True)

    portal_scope = RowScope(contract="contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("pratica")
        verbose_name_plural = _("pratiche")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_key"],
                condition=models.Q(state__in=OPEN_STATE_VALUES),
                name="one_open_case_per_object",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=CaseState.values),
                name="case_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["contract", "opened_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def type_label(self) -> str:
        return self.description.upper()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATE_VALUES


class OrderState(models.TextChoices):
    """The guide's legend (F-7.3.2, G-17: treated as order states)."""

    APPROVED = "APPROVATO", _("Approvato")
    WORKING = "IN_LAVORAZIONE", _("In lavorazione")
    FROZEN = "CONGELATO", _("Congelato")
    DONE = "LAVORATO", _("Lavorato")
    ISSUED = "EMESSO", _("Emesso")
    ACTIVE = "ATTIVO", _("Attivo")
    CEASED = "CESSATO", _("Cessato")


class Order(models.Model):
    number = models.CharField(_("ID ordine"), max_length=11, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="orders")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="orders")
    created_at = models.DateTimeField(_("Data creazione"), default=timezone.now, db_index=True)
    channel = models.CharField(_("Canale di acquisizione"), max_length=20, blank=True)
    state = models.CharField(
        _("Stato lavorazione"),
        max_length=16,
        choices=OrderState.choices,
        default=OrderState.APPROVED,
    )
    updated_at = models.DateTimeField(auto_now=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("ordine")
        verbose_name_plural = _("ordini")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{11}$"), name="order_number_11_digits"
            )
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    line = models.ForeignKey(Line, on_delete=models.SET_NULL, null=True, blank=True)
    iccid = models.CharField(_("ICCID"), max_length=19, blank=True)
    product = models.CharField(_("Prodotto"), max_length=120)
    quantity = models.PositiveIntegerField(_("Quantità"), default=1)
    state = models.CharField(
        _("Stato"), max_length=16, choices=OrderState.choices, default=OrderState.APPROVED
    )

    class Meta:
        verbose_name = _("riga d'ordine")
        verbose_name_plural = _("righe d'ordine")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.product}"


class Shipment(models.Model):
    class State(models.TextChoices):
        PREPARING = "IN_PREPARAZIONE", _("In preparazione")
        SHIPPED = "SPEDITO", _("Spedito")
        IN_DELIVERY = "IN_CONSEGNA", _("In consegna")
        DELIVERED = "CONSEGNATO", _("Consegnato")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("Corriere"), max_length=60, default="BRT")
    tracking_code = models.CharField(_("Codice di tracciatura"), max_length=40, blank=True)
    address = models.CharField(_("Indirizzo di consegna"), max_length=250)
    state = models.CharField(
        _("Stato"), max_length=16, choices=State.choices, default=State.PREPARING
    )
    expected_on = models.DateField(_("Consegna prevista"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("Consegnato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("spedizione")
        verbose_name_plural = _("spedizioni")

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_code}"


class ShipmentEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("Data e ora"))
    description = models.CharField(_("Descrizione"), max_length=160)
    place = models.CharField(_("Luogo"), max_length=80, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.description}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RequestDraft(models.Model):
    """A request between its parameters and INVIA (P-09), kept on the server.

    The token is the idempotency key of the pratica it becomes: one draft, one pratica.
    """

    token = models.CharField(max_length=64, unique=True, default=new_token)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(Line, on_delete=models.CASCADE, null=True, blank=True)
    operation = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    summary = models.JSONField(default=list)
    back_url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    pdf_downloaded_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    case = models.OneToOneField(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )

    class Meta:
        verbose_name = _("richiesta in compilazione")
        verbose_name_plural = _("richieste in compilazione")

    def __str__(self) -> str:
        return f"{self.operation} {self.token[:8]}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    """Stored under a random name: the user's file name is kept in ``name`` only."""
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"pratiche/allegati/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{ext}"


class CaseAttachment(models.Model):
    """A document uploaded with a request (P-09, F-7.3.13): kept with the pratica.

    While the request is a draft it belongs to the draft (``case`` empty, ``downloaded_at``
    is the P-09 mark: every document must be downloaded before INVIA); INVIA hands it to
    the pratica.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    draft = models.ForeignKey(
        RequestDraft,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    kind = models.CharField(_("Tipo documento"), max_length=40)  # the operation's upload code
    label = models.CharField(_("Documento"), max_length=120)  # "Copia denuncia di furto…"
    name = models.CharField(_("Nome file"), max_length=200)
    file = models.FileField(_("File"), upload_to=attachment_path)
    content_type = models.CharField(_("Tipo di contenuto"), max_length=60)
    size = models.PositiveIntegerField(_("Dimensione (byte)"))
    uploaded_at = models.DateTimeField(_("Caricato il"), default=timezone.now)
    downloaded_at = models.DateTimeField(_("Scaricato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("allegato della pratica")
        verbose_name_plural = _("allegati della pratica")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.name}"
