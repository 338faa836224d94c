"""Forms of "Assistenza" (F-7.7.3–F-7.7.5, F-7.7.9).

The three requests that open a pratica are ``OperationForm``s, validated the same way from
any channel; the call-back request is a plain form (no pratica: not in Appendix 1).
"""

from __future__ import annotations

import phonenumbers
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.cases.forms import OperationForm

from . import catalogue

REQUIRED = {"required": _("Campo obbligatorio.")}
NOTE_MAX = 300


def italian_phone(value: str) -> str:
    """An Italian fixed or mobile number, as digits (e.g. 0755771, 3351234567)."""
    raw = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    try:
        number = phonenumbers.parse(raw, "IT")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or number.country_code != 39 or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Inserisci un numero di telefono italiano valido, fisso o mobile (es. 0755771234).")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(
        " ", ""
    )


def note_field(label, *, required: bool = True) -> forms.CharField:
    """A free-text field of at most 300 characters, with the live counter (``data-counter``)."""
    return forms.CharField(
        label=label,
        max_length=NOTE_MAX,
        required=required,
        widget=forms.Textarea(attrs={"rows": 4, "data-counter": NOTE_MAX}),
        error_messages={
            **REQUIRED,
            "max_length": _("Al massimo %(limit_value)d caratteri: ne hai scritti %(show_value)d."),
        },
    )


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        return italian_phone(value) if value else value


def _actor_phone(actor) -> str:
    return getattr(actor, "mobile", "") or ""


class ContactRequestForm(OperationForm):
    """ "Scrivici" → "Invio segnalazione" (F-7.7.4): pratica "Richiesta contatto"."""

    reason = forms.ChoiceField(
        label=_("Causale"), choices=[("", "—"), *catalogue.CONTACT_REASONS], error_messages=REQUIRED
    )
    phone = PhoneField(label=_("Telefono"))
    notes = note_field(_("Note (max. 300 caratteri)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].initial = _actor_phone(self.actor)

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"reason": d["reason"], "phone": d["phone"], "notes": d["notes"].strip()}


class TerminalConfigForm(OperationForm):
    """ "Configurazione sui terminali" (F-7.7.5, G-30): pratica "Configurazione terminali"."""

    os = forms.ChoiceField(
        label=_("Sistema operativo"),
        choices=[("", "—"), *[(k, k) for k in catalogue.TERMINALS]],
        error_messages=REQUIRED,
    )
    model = forms.ChoiceField(label=_("Modello"), choices=(), error_messages=REQUIRED)
    request_type = forms.ChoiceField(
        label=_("Tipo di richiesta"),
        choices=[("", "—"), *catalogue.TERMINAL_REQUESTS],
        error_messages=REQUIRED,
    )
    phone = PhoneField(label=_("Telefono per essere ricontattato"))
    description = note_field(_("Descrizione della richiesta (max. 300 caratteri)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        os_name = self.data.get(self.add_prefix("os")) if self.is_bound else ""
        models = catalogue.TERMINALS.get(os_name, ())
        self.fields["model"].choices = [("", "—"), *[(m, m) for m in models]]
        self.fields["model"].widget.attrs.update(
            {"data-models": catalogue.terminals_json(), "data-parent": self["os"].auto_id}
        )
        self.fields["phone"].initial = _actor_phone(self.actor)

    def payload(self) -> dict:
        d = self.cleaned_data
        keys = ("os", "model", "request_type", "phone", "description")
        return {k: d[k].strip() if isinstance(d[k], str) else d[k] for k in keys}


class ServiceSupportForm(OperationForm):
    """ "Segnalaci il servizio e l'anomalia" (F-7.7.9): pratica "Assistenza su servizi"."""

    full_name = forms.CharField(label=_("Nome e cognome"), max_length=120, error_messages=REQUIRED)
    mobile = PhoneField(label=_("Numero mobile"))
    email = forms.EmailField(
        label=_("Email"),
        error_messages={**REQUIRED, "invalid": _("Inserisci un indirizzo email valido.")},
    )
    service = forms.ChoiceField(
        label=_("Servizi TIM"),
        choices=[("", "—"), *catalogue.WEB_SERVICES],
        error_messages=REQUIRED,
    )
    used_before = forms.ChoiceField(
        label=_("Hai già utilizzato il servizio in passato?"),
        choices=[("si", _("si")), ("no", _("no"))],
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    browser = forms.ChoiceField(
        label=_("Versione del browser"),
        choices=[("", "—"), *catalogue.BROWSERS],
        error_messages=REQUIRED,
    )
    service_user = forms.CharField(label=_("User ID del servizio"), max_length=60, required=False)
    problem = note_field(_("Descrizione disservizio"))
    error_message = note_field(
        _("Messaggio di errore visualizzato (max. 300 caratteri)"), required=False
    )
    notes = note_field(_("Note (max. 300 caratteri)"), required=False)
    started_on = forms.DateField(
        label=_("Data di inizio del problema riscontrato"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "gg/mm/aaaa"}, format="%d/%m/%Y"),
        error_messages={**REQUIRED, "invalid": _("Scrivi la data come gg/mm/aaaa.")},
    )
    started_at = forms.TimeField(
        label=_("Ora di inizio"),
        input_formats=["%H:%M"],
        widget=forms.TimeInput(attrs={"placeholder": "hh:mm"}, format="%H:%M"),
        error_messages={**REQUIRED, "invalid": _("Scrivi l'ora come hh:mm (es. 09:30).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        actor = self.actor
        if actor is not None and not self.is_bound:
            full = f"{getattr(actor, 'first_name', '')} {getattr(actor, 'last_name', '')}"
            self.initial.setdefault("full_name", full.strip())
            self.initial.setdefault("mobile", _actor_phone(actor))
            self.initial.setdefault("email", getattr(actor, "email", ""))

    def clean(self):
        data = super().clean()
        day, at = data.get("started_on"), data.get("started_at")
        if day and at:
            moment = timezone.make_aware(timezone.datetime.combine(day, at))
            if moment > timezone.now():
                self.add_error(
                    "started_on",
                    _("L'inizio del problema non può essere nel futuro: controlla data e ora."),
                )
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        keys = (
            "full_name",
            "mobile",
            "email",
            "service",
            "used_before",
            "browser",
            "service_user",
            "problem",
            "error_message",
            "notes",
        )
        out = {k: d[k].strip() for k in keys}
        out["started"] = f"{d['started_on']:%d/%m/%Y} {d['started_at']:%H:%M}"
        return out


class CallbackForm(forms.Form):
    """ "Prenota una chiamata" (F-7.7.3): the number the operator calls back."""

    phone = PhoneField(label=_("Numero di telefono da richiamare"))
    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sulla privacy"),
        error_messages={"required": _("Per essere richiamato devi leggere l'informativa.")},
    )
