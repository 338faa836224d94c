"""SMAS requests (F-7.6.7, F-7.6.8): pratica "Servizio RIF", worked by Customer Service."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portale.cases.forms import OperationForm
from portale.support.forms import REQUIRED, PhoneField, note_field


class SmasContactForm(OperationForm):
    """Contact data, pre-filled from the user, and the reason of the request."""

    full_name = forms.CharField(label=_("Nome e cognome"), max_length=120, error_messages=REQUIRED)
    phone = PhoneField(label=_("Telefono"))
    email = forms.EmailField(
        label=_("Email"),
        error_messages={**REQUIRED, "invalid": _("Inserisci un indirizzo email valido.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actor = self.actor
        if actor is not None and not self.is_bound:
            self.initial.setdefault("full_name", f"{actor.first_name} {actor.last_name}".strip())
            self.initial.setdefault("phone", getattr(actor, "mobile", ""))
            self.initial.setdefault("email", actor.email)

    def contact(self) -> dict:
        d = self.cleaned_data
        return {"full_name": d["full_name"].strip(), "phone": d["phone"], "email": d["email"]}


class SmasSupportForm(SmasContactForm):
    reason = note_field(_("Motivo della richiesta (max. 300 caratteri)"))

    def payload(self) -> dict:
        return {**self.contact(), "reason": self.cleaned_data["reason"].strip()}


class SmasCredentialsForm(SmasContactForm):
    REQUESTS = [
        ("ASSEGNAZIONE", _("Assegnazione credenziali")),
        ("RESET", _("Reset password")),
    ]
    request_type = forms.ChoiceField(
        label=_("Tipo di richiesta"),
        choices=REQUESTS,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    notes = note_field(_("Note (max. 300 caratteri)"), required=False)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {**self.contact(), "request_type": d["request_type"], "notes": d["notes"].strip()}
