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
