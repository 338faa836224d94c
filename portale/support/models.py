"""Assistenza (F-7.7): call-back requests and manuals."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.records.models import Contract


class CallbackState(models.TextChoices):
    WAITING = "DA_CHIAMARE", _("Da chiamare")
    CALLED = "CHIAMATO", _("Chiamato")
    UNREACHABLE = "NON_RAGGIUNGIBILE", _("Non raggiungibile")
    DONE = "CHIUSO", _("Chiuso")


class CallbackRequest(models.Model):
    """ "Prenota una chiamata" (F-7.7.3): the operator calls the number back from 02.20228788."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phone = models.CharField(_("Numero da richiamare"), max_length=16)
    state = models.CharField(
        _("Stato"), max_length=20, choices=CallbackState.choices, default=CallbackState.WAITING
    )
    created_at = models.DateTimeField(_("Richiesta il"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("Aggiornata il"), auto_now=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Operatore"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("Note"), blank=True)

    class Meta:
        verbose_name = _("richiesta di richiamata")
        verbose_name_plural = _("richieste di richiamata")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=CallbackState.values), name="callback_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone} ({self.get_state_display()})"


def manual_path(instance: Manual, filename: str) -> str:
    return f"manuali/{secrets.token_hex(8)}.pdf"


class Manual(models.Model):
    """ "Manuali" (F-7.7.10, G-41): published by the back office in the admin."""

    class Audience(models.TextChoices):
        EVERYONE = "TUTTI", _("Tutti gli utenti")
        REFERENTS = "REFERENTI", _("Solo referenti")

    title = models.CharField(_("Titolo manuale"), max_length=160)
    file = models.FileField(_("PDF"), upload_to=manual_path)
    audience = models.CharField(
        _("Destinatari"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    published = models.BooleanField(_("Pubblicato"), default=True)
    updated_at = models.DateTimeField(_("Aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("manuale")
        verbose_name_plural = _("manuali")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ChatState(models.TextChoices):
    WAITING = "IN_ATTESA", _("In attesa di un operatore")
    ACTIVE = "IN_CORSO", _("In corso")
    ENDED = "CHIUSA", _("Chiusa")


class ChatSession(models.Model):
    """A conversation between a user and a Customer Service operator (F-7.7.2).

    Messages live in the database: every web process serves them, a reload loses nothing and
    the transcript is kept.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Operatore"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("Stato"), max_length=10, choices=ChatState.choices, default=ChatState.WAITING
    )
    started_at = models.DateTimeField(_("Iniziata il"), default=timezone.now, db_index=True)
    ended_at = models.DateTimeField(_("Chiusa il"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chat")
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state__in=["IN_ATTESA", "IN_CORSO"]),
                name="one_open_chat_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state != ChatState.ENDED


class ChatMessage(models.Model):
    class Author(models.TextChoices):
        CUSTOMER = "CLIENTE", _("Cliente")
        OPERATOR = "OPERATORE", _("Operatore")
        SYSTEM = "SISTEMA", _("Sistema")

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    text = models.TextField(_("Messaggio"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_author_display()}: {self.text[:40]}"


class TicketState(models.TextChoices):
    OPEN = "APERTO", _("Aperto")
    WORKING = "IN_LAVORAZIONE", _("In lavorazione")
    SHIPPED = "SPEDITO", _("Apparato sostitutivo spedito")
    READY = "DISPONIBILE", _("Apparato disponibile al punto di assistenza")
    DELIVERED = "CONSEGNATO", _("Consegnato")
    CLOSED = "CHIUSO", _("Chiuso")
    CANCELLED = "ANNULLATO", _("Annullato")


class Ticket(models.Model):
    """The all-risk ticket of "Assistenza su Apparati" (F-7.7.6): its "ID richiesta" is the
    number of the pratica "Apertura tk servizio all risk" that opened it (F-7.7.7)."""

    class Problem(models.TextChoices):
        THEFT = "FURTO", _("Furto")
        LOSS = "SMARRIMENTO", _("Smarrimento")
        FAULT = "GUASTO", _("Guasto")

    class Delivery(models.TextChoices):
        SITE = "SEDE", _("Consegna presso sede cliente")
        SERVICE_POINT = "PDA", _("Consegna presso punto di assistenza")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="ticket")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(
        "records.Device", on_delete=models.PROTECT, related_name="+", verbose_name=_("Apparato")
    )
    problem = models.CharField(_("Tipo richiesta"), max_length=12, choices=Problem.choices)
    description = models.TextField(_("Descrizione"), max_length=300)
    delivery = models.CharField(_("Consegna"), max_length=4, choices=Delivery.choices)
    delivery_address = models.CharField(_("Indirizzo di consegna"), max_length=250, blank=True)
    service_point = models.ForeignKey(
        "records.ServicePoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Punto di assistenza"),
    )
    state = models.CharField(
        _("Stato"), max_length=16, choices=TicketState.choices, default=TicketState.OPEN
    )
    tracking_code = models.CharField(_("Codice di tracciatura"), max_length=40, blank=True)
    opened_at = models.DateTimeField(_("Data apertura"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("Data chiusura"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket all risk")
        verbose_name_plural = _("ticket all risk")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=TicketState.values), name="ticket_state_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(delivery="PDA") | models.Q(service_point__isnull=False),
                name="ticket_pda_has_point",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return self.case.number

    @property
    def destination(self) -> str:
        if self.service_point_id:
            p = self.service_point
            return f"{p.name}, {p.street}, {p.cap} {p.city} ({p.province})"
        return self.delivery_address


class TicketEvent(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("Data e ora"), default=timezone.now)
    description = models.CharField(_("Descrizione"), max_length=200)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.description
