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
from portale.company import comuni as comuni_data
from portale.core.dates import DateField
from portale.records import selectors as records

from . import catalogue, geo
from .models import Ticket

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
    started_on = DateField(
        label=_("Data di inizio del problema riscontrato"),
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


class DeviceSupportForm(OperationForm):
    """ "Assistenza su Apparati" (F-7.7.6): pratica "Apertura tk servizio all risk"."""

    device = forms.ModelChoiceField(
        label=_("Apparato"),
        queryset=None,  # the contract's assistance devices, set in __init__
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Scegli l'apparato dall'elenco (lente di ingrandimento)."),
            "invalid_choice": _("L'apparato scelto non è coperto da noleggio o manutenzione."),
        },
    )
    problem = forms.ChoiceField(
        label=_("Tipo di problema"),
        choices=[("", "—"), *Ticket.Problem.choices],
        error_messages=REQUIRED,
    )
    description = note_field(_("Descrizione del problema (max. 300 caratteri)"))
    delivery = forms.ChoiceField(
        label=_("Modalità di consegna"),
        choices=Ticket.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages=REQUIRED,
    )
    site = forms.ChoiceField(label=_("Indirizzo della sede"), required=False)
    new_address = forms.CharField(
        label=_("Oppure un nuovo indirizzo di consegna o ritiro"),
        max_length=200,
        required=False,
        help_text=_("Via, civico, CAP, comune e provincia."),
    )
    service_point = forms.ModelChoiceField(
        label=_("Punto di assistenza"),
        queryset=None,  # the active service points, set in __init__
        required=False,
        error_messages={"invalid_choice": _("Scegli un punto di assistenza dell'elenco.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = records.assistance_devices(contract=self.contract)
        self.fields["device"].label_from_instance = lambda d: f"{d.imei} – {d.description}"
        self.fields["service_point"].queryset = records.active_service_points()
        self.fields["service_point"].label_from_instance = lambda p: (
            f"{p.city} ({p.province}) – {p.name}, {p.street}"
        )
        self.fields["service_point"].empty_label = "—"
        addresses = []
        for label, address in (
            (_("Sede dell'Ente"), self.contract.administration.seat),
            (_("Indirizzo di spedizione fatture"), self.contract.invoice_address),
            (_("Indirizzo di spedizione documentazione"), self.contract.docs_address),
        ):
            if address is not None and str(address) not in {a for a, _l in addresses}:
                addresses.append((str(address), f"{label}: {address}"))
        self.fields["site"].choices = [("", "—"), *addresses]

    def clean(self):
        data = super().clean()
        delivery = data.get("delivery")
        if delivery == Ticket.Delivery.SITE:
            address = (data.get("new_address") or "").strip() or data.get("site")
            if not address:
                self.add_error("site", _("Scegli un indirizzo della sede o scrivine uno nuovo."))
            data["address"] = address or ""
        elif delivery == Ticket.Delivery.SERVICE_POINT and not data.get("service_point"):
            self.add_error("service_point", _("Scegli il punto di assistenza."))
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        at_point = d["delivery"] == Ticket.Delivery.SERVICE_POINT
        return {
            "device_id": d["device"].pk,
            "imei": d["device"].imei,
            "device_description": d["device"].description,
            "problem": d["problem"],
            "description": d["description"].strip(),
            "delivery": d["delivery"],
            "address": "" if at_point else d["address"].upper(),
            "service_point_id": d["service_point"].pk if at_point else None,
            "service_point": str(d["service_point"]) if at_point else "",
        }

    def case_line(self):
        return self.cleaned_data["device"].line


class ServicePointSearchForm(forms.Form):
    """ "Trova i Punti di Assistenza più vicini a te" (F-7.7.8)."""

    provincia = forms.ChoiceField(label=_("Provincia"), choices=(), required=False)
    comune = forms.CharField(label=_("Comune"), max_length=80, required=False)
    indirizzo = forms.CharField(label=_("Indirizzo"), max_length=120, required=False)
    cap = forms.CharField(label=_("CAP"), max_length=5, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provincia"].choices = [("", "—")] + [
            (sigla, f"{name} ({sigla})") for sigla, name in comuni_data.provinces()
        ]
        self.fields["cap"].widget.attrs["inputmode"] = "numeric"

    def clean_cap(self):
        cap = self.cleaned_data["cap"].strip()
        if cap and not (len(cap) == 5 and cap.isdigit()):
            raise forms.ValidationError(_("Il CAP è di 5 cifre."))
        return cap

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        province, city, cap = data.get("provincia"), data.get("comune", "").strip(), data.get("cap")
        if not city and not cap:
            raise forms.ValidationError(_("Indica almeno il comune (con la provincia) o il CAP."))
        place = geo.locate(province=province, city=city, cap=cap)
        if place is None:
            if city and province:
                self.add_error(
                    "comune",
                    _("Il comune %(city)s non è in provincia di %(prov)s: controlla il nome.")
                    % {"city": city, "prov": comuni_data.province_name(province)},
                )
            elif city:
                self.add_error("comune", _("Comune non trovato: scegli anche la provincia."))
            else:
                self.add_error("cap", _("Nessun comune ha questo CAP."))
        data["place"] = place
        return data
