"""Forms of "Dati aziendali" (F-7.1.2, F-7.1.3): referent requests and postal addresses.

Each is an ``OperationForm``: the parameters of a §7.1 pratica, validated the same way from
the portal's pages and from any other channel (``portale.cases.services.case_file``).
"""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale

from portale.cases.forms import OperationForm
from portale.records import selectors as records
from portale.records.models import Referent

from . import comuni
from .tables import EDITABLE_ROLES

REQUIRED = {"required": _("Campo obbligatorio.")}
EMAIL_INVALID = _("Indirizzo email non valido: scrivilo nella forma nome@dominio.it.")
mobile_validator = RegexValidator(
    r"^3\d{8,9}$", _("Inserisci un numero mobile TIM valido (es. 3351234567).")
)

TOPONYMS = [
    "VIA",
    "V.",
    "VIALE",
    "PIAZZA",
    "PIAZZALE",
    "CORSO",
    "LARGO",
    "VICOLO",
    "STRADA",
    "CONTRADA",
    "LOCALITÀ",
    "BORGO",
    "LUNGOMARE",
]


def clean_mobile(value: str) -> str:
    value = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    if value.startswith("+39"):
        value = value[3:]
    mobile_validator(value)
    return value


class ReferentForm(OperationForm):
    """A request on one of the contract's editable referents (eBill, traffic, messaging)."""

    referent = forms.ModelChoiceField(
        queryset=None,  # the contract's editable referents, set in __init__
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Scegli il referente da modificare."),
            "invalid_choice": _("Il referente non è tra quelli modificabili di questo contratto."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = records.referents_of_contract(
            contract=self.contract, roles=EDITABLE_ROLES
        )
        # The referent the request is about: the bound choice, else the initial one.
        self.referent = None
        value = self.data.get(self.add_prefix("referent")) if self.is_bound else None
        value = value or self.initial.get("referent")
        if value and str(value).isdigit():
            self.referent = self.fields["referent"].queryset.filter(pk=int(value)).first()


class ReferentReplaceForm(ReferentForm):
    """Replace a referent with one already known (same contract) or a new one (F-7.1.2)."""

    existing = forms.ModelChoiceField(
        label=_("Referente già presente"),
        queryset=None,  # the contract's other referents, set in __init__
        required=False,
        empty_label=_("— Nuovo referente —"),
    )
    first_name = forms.CharField(label=_("Nome"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=80, required=False)
    fiscal_code = forms.CharField(
        label=_("Codice Fiscale personale"), max_length=16, required=False
    )
    mobile = forms.CharField(label=_("Numero mobile aziendale"), max_length=15, required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, error_messages={"invalid": EMAIL_INVALID}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = records.referents_of_contract(contract=self.contract)
        if self.referent is not None:
            others = others.exclude(pk=self.referent.pk)
        self.fields["existing"].queryset = others
        self.fields["existing"].label_from_instance = lambda r: (
            f"{r.first_name} {r.last_name} ({r.get_role_display()}, {r.mobile})"
        )

    def clean_fiscal_code(self):
        value = self.cleaned_data["fiscal_code"].strip().upper()
        if value and not codicefiscale.is_valid(value):
            raise forms.ValidationError(_("Codice fiscale non valido: controlla i 16 caratteri."))
        return value

    def clean_mobile(self):
        value = self.cleaned_data["mobile"].strip()
        return clean_mobile(value) if value else value

    def clean(self):
        data = super().clean()
        if self.referent is None:
            return data
        existing = data.get("existing")
        fields = ("first_name", "last_name", "fiscal_code", "mobile", "email")
        if existing is not None:
            # The chosen referent or a new one, never both: the typed person is not dropped.
            if any(self.data.get(self.add_prefix(f), "").strip() for f in fields):
                self.add_error(
                    "existing",
                    _(
                        "Scegli un referente già presente oppure inserisci i dati di un nuovo "
                        "referente, non entrambi."
                    ),
                )
                return data
            for field in fields:
                data[field] = getattr(existing, field)
        else:
            # Every empty field in the same round as the other errors.
            for field in fields:
                if field not in self.errors and not data.get(field):
                    self.add_error(field, REQUIRED["required"])
        mobile = data.get("mobile")
        if mobile and not self.errors:
            clash = records.referents_of_contract(
                contract=self.referent.contract, roles=[self.referent.role]
            ).filter(mobile=mobile)
            if clash.exists():
                self.add_error(
                    "mobile", _("Questo numero è già associato a un referente di questo tipo.")
                )
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "referent_id": self.referent.pk,
            "role": self.referent.role,
            # Names as typed (or as the records hold the chosen referent): never re-cased.
            "first_name": " ".join(d["first_name"].split()),
            "last_name": " ".join(d["last_name"].split()),
            "fiscal_code": d["fiscal_code"].upper(),
            "mobile": d["mobile"],
            "email": d["email"],
            "old": _referent_data(self.referent),
            "warnings": mobile_warnings(self.referent.contract, d["mobile"]),
        }


class ReferentContactsForm(ReferentForm):
    """Edit a referent's contacts: mobile number and/or e-mail (F-7.1.2)."""

    mobile = forms.CharField(
        label=_("Numero mobile aziendale"), max_length=15, error_messages=REQUIRED
    )
    email = forms.EmailField(
        label=_("Email"),
        error_messages={**REQUIRED, "invalid": EMAIL_INVALID},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.referent is not None and not self.is_bound:
            self.initial.setdefault("mobile", self.referent.mobile)
            self.initial.setdefault("email", self.referent.email)

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"].strip())

    def clean(self):
        data = super().clean()
        if self.errors or self.referent is None:
            return data
        if data["mobile"] == self.referent.mobile and data["email"] == self.referent.email:
            raise forms.ValidationError(_("Non hai modificato né il numero mobile né l'email."))
        if data["mobile"] != self.referent.mobile:
            clash = records.referents_of_contract(
                contract=self.referent.contract, roles=[self.referent.role]
            ).filter(mobile=data["mobile"])
            if clash.exists():
                self.add_error(
                    "mobile", _("Questo numero è già associato a un referente di questo tipo.")
                )
        return data

    def payload(self) -> dict:
        return {
            "referent_id": self.referent.pk,
            "role": self.referent.role,
            "mobile": self.cleaned_data["mobile"],
            "email": self.cleaned_data["email"],
            "old": _referent_data(self.referent),
            "warnings": (
                mobile_warnings(self.referent.contract, self.cleaned_data["mobile"])
                if self.cleaned_data["mobile"] != self.referent.mobile
                else []
            ),
        }


def mobile_warnings(contract, mobile: str) -> list[str]:
    """G-09: a number that is not a line of the contract is accepted, with a warning."""
    if not mobile or contract.lines.filter(msisdn=mobile).exists():
        return []
    return [
        str(
            _(
                "Il numero %(mobile)s non risulta una linea di questo contratto: verifica che "
                "sia il numero mobile TIM aziendale del referente."
            )
            % {"mobile": mobile}
        )
    ]


def _referent_data(ref: Referent) -> dict:
    return {
        "first_name": ref.first_name,
        "last_name": ref.last_name,
        "fiscal_code": ref.fiscal_code,
        "mobile": ref.mobile,
        "email": ref.email,
    }


ADDRESS_FIELDS = (
    "toponym",
    "street",
    "number",
    "hamlet",
    "province",
    "city",
    "cap",
    "attention_of",
)


class AddressFields(forms.Form):
    """The P-27 address block: "Via", "Indirizzo", "Civico", "Frazione", "Provincia", "Comune"
    (filtered by province, ``company/address.js``), "Cap", checked against the comuni table.

    Mixed into any form that asks for an Italian postal address (F-7.1.3, F-9.2.1.1.1);
    ``address_payload()`` gives the cleaned address as the records' fields.
    """

    toponym = forms.ChoiceField(
        label=_("Via"), choices=[("", "—")] + [(t, t) for t in TOPONYMS], error_messages=REQUIRED
    )
    street = forms.CharField(label=_("Indirizzo"), max_length=120, error_messages=REQUIRED)
    number = forms.CharField(label=_("Civico"), max_length=10, error_messages=REQUIRED)
    hamlet = forms.CharField(label=_("Frazione"), max_length=80, required=False)
    province = forms.ChoiceField(label=_("Provincia"), choices=(), error_messages=REQUIRED)
    city = forms.ChoiceField(label=_("Comune"), choices=(), error_messages=REQUIRED)
    cap = forms.CharField(label=_("Cap"), max_length=5, error_messages=REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.address_choices()

    def address_choices(self) -> None:
        """Province and comune drop-downs for the bound or initial province."""
        self.fields["province"].choices = [("", "—")] + [
            (sigla, f"{name} ({sigla})") for sigla, name in comuni.provinces()
        ]
        sigla = (self.data.get(self.add_prefix("province")) if self.is_bound else None) or (
            self.initial.get("province", "")
        )
        names = [c["nome"] for c in comuni.comuni(sigla)] if sigla else []
        current = (
            self.data.get(self.add_prefix("city")) if self.is_bound else self.initial.get("city")
        )
        choices = [("", "—")] + [(n, n) for n in names]
        if current and current not in names:
            choices.append((current, current))  # kept as typed; clean() explains the mismatch
        self.fields["city"].choices = choices
        self.fields["province"].widget.attrs["class"] = "js-province"
        self.fields["city"].widget.attrs["class"] = "js-comune"
        self.fields["cap"].widget.attrs.update({"inputmode": "numeric", "class": "js-cap"})

    def initial_city(self) -> None:
        """An initial comune written in capitals (the records') shown as the table names it."""
        found = comuni.find(self.initial.get("province", ""), self.initial.get("city", ""))
        if found:
            self.initial["city"] = found["nome"]

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_street(self):
        return self.cleaned_data["street"].strip().upper()

    def clean(self):
        data = super().clean()
        sigla, city, cap = data.get("province"), data.get("city"), data.get("cap", "").strip()
        if cap and not (len(cap) == 5 and cap.isdigit()):
            self.add_error("cap", _("Il CAP è di 5 cifre."))
            return data
        if sigla and city:
            comune = comuni.find(sigla, city)
            if comune is None:
                self.add_error(
                    "city",
                    _("Il comune %(city)s non è in provincia di %(prov)s.")
                    % {"city": city, "prov": comuni.province_name(sigla)},
                )
            elif cap and comune["cap"] and cap not in comune["cap"]:
                caps = comune["cap"]
                hint = (
                    _("il CAP di %(city)s è %(cap)s") % {"city": comune["nome"], "cap": caps[0]}
                    if len(caps) == 1
                    else _("i CAP di %(city)s vanno da %(first)s a %(last)s")
                    % {"city": comune["nome"], "first": caps[0], "last": caps[-1]}
                )
                self.add_error(
                    "cap",
                    _("Il CAP %(cap)s non corrisponde al comune scelto: %(hint)s.")
                    % {"cap": cap, "hint": hint},
                )
            else:
                data["city"] = comune["nome"]
        data["cap"] = cap
        return data

    def address_payload(self) -> dict:
        d = self.cleaned_data
        return {
            "toponym": d["toponym"],
            "street": d["street"],
            "number": d["number"],
            "hamlet": d.get("hamlet", "").strip().upper(),
            "province": d["province"],
            "city": d["city"].upper(),
            "cap": d["cap"],
        }


class AddressForm(AddressFields, OperationForm):
    """ "Modifica dati di spedizione fatture" / documentazione (F-7.1.3, P-27, G-11).

    The operation says which address: the invoices' one has "All'attenzione di".
    """

    FIELDS = {"invoice_address": "invoice_address", "docs_address": "docs_address"}

    attention_of = forms.CharField(label=_("All'attenzione di"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_attention = self.operation == "invoice_address"
        if not self.is_bound and not self.initial:
            self.initial = self.current_values()
            self.initial_city()
            self.address_choices()
        if not with_attention:
            del self.fields["attention_of"]
        self.fields["city"].widget.attrs["data-comuni-url"] = ""

    def current_values(self) -> dict:
        """The address the contract has now: the "old" column of the summary."""
        current = getattr(self.contract, self.FIELDS[self.operation])
        return {k: getattr(current, k) for k in ADDRESS_FIELDS}

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "old": self.current_values(),
            **self.address_payload(),
            "attention_of": d.get("attention_of", "").strip().upper(),
        }
