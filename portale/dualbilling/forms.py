"""TIM TUO forms: the referent's four requests (F-7.4.5–F-7.4.8) and the employee's
activation and changes (F-9.2.1.1.1, F-9.2.1.1.2).

The operation forms validate a pratica's parameters the same way from every channel; the
contract (and, for the employee, the line) comes from the caller, so another contract's
lines are invalid choices. The employee's wizard steps are plain forms over the same fields.
"""

from __future__ import annotations

import copy
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.it import codicefiscale

from portale.cases.forms import OperationForm
from portale.cases.linelist import LineListDocument
from portale.cases.selectors import open_cases
from portale.company.forms import REQUIRED, AddressFields, clean_mobile
from portale.records import selectors as record_selectors
from portale.records.models import DualBilling

from . import selectors

REFERENT_OPERATIONS = (
    "dual_enable",
    "dual_options",
    "dual_disable_subscription",
    "dual_disable_prepaid",
    "dual_options_cease",
)
EMPLOYEE_ACTIVATIONS = ("dual_sub_bank", "dual_sub_postal", "dual_sub_card")
EMPLOYEE_CHANGES = (
    "dual_billing_data",
    "dual_iban",
    "dual_to_bank",
    "dual_to_postal",
    "dual_to_card",
)
YES, NO = "SI", "No"


def _iccid(line) -> str:
    return getattr(line, "main_iccid", "") or ""


def line_item(line, old: str = "", new: str = "") -> dict:
    return {
        "line_id": line.pk,
        "msisdn": line.msisdn,
        "iccid": _iccid(line),
        "plan": line.tariff_plan.name,
        "old": old,
        "new": new,
    }


class _LinesForm(LineListDocument, OperationForm):
    """A request on lines of the contract chosen among ``eligible()``; P-09: its list of
    lines is the second document to download before INVIA."""

    lines = forms.ModelMultipleChoiceField(
        queryset=None,
        error_messages={
            "required": gettext_lazy("Seleziona almeno una linea."),
            "invalid_choice": gettext_lazy(
                "Una delle linee selezionate non ammette questa richiesta o non appartiene al "
                "contratto."
            ),
            "invalid_pk_value": gettext_lazy("Linea non valida."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = self.eligible()

    def eligible(self):
        raise NotImplementedError

    def chosen(self) -> list:
        return sorted(self.cleaned_data.get("lines") or [], key=lambda ln: ln.msisdn)

    def clean_lines(self):
        chosen = list(self.cleaned_data["lines"])
        ids = {ln.pk for ln in chosen}
        busy = set()
        for case in open_cases(contract=self.contract, operations=REFERENT_OPERATIONS):
            busy |= {i.get("line_id") for i in case.payload.get("lines", [])}
        busy &= ids
        if busy:
            numbers = ", ".join(sorted(ln.msisdn for ln in chosen if ln.pk in busy))
            raise forms.ValidationError(
                _(
                    "Sulle linee %(lines)s è già presente una richiesta TIM TUO in lavorazione: "
                    'segui lo stato nella funzione "Storico pratiche".'
                )
                % {"lines": numbers}
            )
        return chosen

    def case_line(self):
        chosen = self.chosen()
        return chosen[0] if len(chosen) == 1 else None

    def line_list(self) -> tuple[list[str], list[list[str]]]:
        p = self.payload()
        header = [
            _("N° mobile"),
            _("ICCID"),
            _("Profilo tariffario"),
            _("Valore attuale"),
            _("Richiesta"),
        ]
        items = p["lines"] + p.get("excluded", [])
        return header, [[i["msisdn"], i["iccid"], i["plan"], i["old"], i["new"]] for i in items]


class EnableForm(_LinesForm):
    """F-7.4.5: each selected line's "Abilitato" is toggled (No → SI enables, SI → No blocks)."""

    def eligible(self):
        return selectors.enable_selectable(contract=self.contract)

    def payload(self) -> dict:
        items = []
        for ln in self.chosen():
            old, new = (YES, NO) if ln.dual_billing_enabled else (NO, YES)
            items.append({**line_item(ln, old, new), "enabled": new == YES})
        return {"lines": items}


OPTION_CHOICES = [(o, o) for o in selectors.OPTIONS]


class OptionsForm(_LinesForm):
    """F-7.4.6: one option; with mixed line types only the lines of the option's type (and
    without it already) are in the request, the others are listed as excluded."""

    option = forms.ChoiceField(
        label=gettext_lazy("Seleziona l'opzione da attivare"),
        choices=OPTION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Seleziona un'opzione.")},
    )

    def eligible(self):
        return selectors.active_lines(contract=self.contract)

    def clean(self):
        data = super().clean()
        option, chosen = data.get("option"), data.get("lines")
        if option and chosen:
            self.included, self.excluded = self.split(option, chosen)
            if not self.included:
                self.add_error(
                    "option",
                    _(
                        "L'opzione scelta non si può attivare su nessuna delle linee "
                        "selezionate: scegli un'opzione della loro tipologia."
                    ),
                )
        return data

    def split(self, option: str, chosen) -> tuple[list, list]:
        have = selectors.company_options_by_line(
            contract=self.contract, line_ids=[ln.pk for ln in chosen]
        )
        included, excluded = [], []
        for ln in sorted(chosen, key=lambda x: x.msisdn):
            if not selectors.option_fits(option, ln):
                excluded.append(line_item(ln, new=_("esclusa: tipologia di linea diversa")))
            elif option in have.get(ln.pk, set()):
                excluded.append(line_item(ln, new=_("esclusa: opzione già attiva")))
            else:
                included.append(line_item(ln, new=option))
        return included, excluded

    def payload(self) -> dict:
        return {
            "option": self.cleaned_data["option"],
            "lines": self.included,
            "excluded": self.excluded,
        }

    def case_line(self):
        return None


class DisableForm(_LinesForm):
    """F-7.4.7: the lines of one type (one pratica per line type, G-19) with TIM TUO live."""

    def eligible(self):
        qs = selectors.lines(contract=self.contract).filter(dual_open=True)
        if self.operation == "dual_disable_prepaid":
            return qs.filter(tariff_plan__category=selectors.PREPAID)
        return qs.filter(tariff_plan__category__in=selectors.SUBSCRIPTION)

    def payload(self) -> dict:
        return {"lines": [line_item(ln, _("ATTIVO"), _("CESSATO")) for ln in self.chosen()]}


class OptionsCeaseForm(_LinesForm):
    """F-7.4.8: one option among those live on the selected lines; the lines without it are
    listed as excluded."""

    option = forms.ChoiceField(
        label=gettext_lazy("Seleziona l'opzione da cessare"),
        choices=OPTION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Seleziona un'opzione.")},
    )

    def eligible(self):
        return selectors.lines_with_company_options(contract=self.contract)

    def offered(self, chosen) -> list[str]:
        have = selectors.company_options_by_line(
            contract=self.contract, line_ids=[ln.pk for ln in chosen]
        )
        live = set().union(*have.values()) if have else set()
        return [o for o in selectors.OPTIONS if o in live]

    def clean(self):
        data = super().clean()
        option, chosen = data.get("option"), data.get("lines")
        if option and chosen:
            have = selectors.company_options_by_line(
                contract=self.contract, line_ids=[ln.pk for ln in chosen]
            )
            self.included = [
                line_item(ln, option, _("CESSATA"))
                for ln in sorted(chosen, key=lambda x: x.msisdn)
                if option in have.get(ln.pk, set())
            ]
            self.excluded = [
                line_item(ln, new=_("esclusa: opzione non attiva"))
                for ln in sorted(chosen, key=lambda x: x.msisdn)
                if option not in have.get(ln.pk, set())
            ]
            if not self.included:
                self.add_error(
                    "option", _("L'opzione scelta non è attiva su nessuna delle linee selezionate.")
                )
        return data

    payload = OptionsForm.payload

    def case_line(self):
        return None


# --- the employee (F-9.2.1.1) -----------------------------------------------------------------


class FiscalCodeField(forms.CharField):
    """A personal codice fiscale: syntax, then the check character (Italian messages)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        value = value.replace(" ", "").upper()
        try:
            return codicefiscale.validate(value)
        except InvalidChecksum:
            raise forms.ValidationError(
                _(
                    "Il carattere di controllo del codice fiscale non è corretto: verifica di "
                    "averlo digitato bene."
                ),
                code="checksum",
            ) from None
        except ValidationError:
            raise forms.ValidationError(
                _(
                    "Il codice fiscale non è nel formato corretto: 16 caratteri, per esempio "
                    "RSSMRA80A01H501U."
                ),
                code="format",
            ) from None


IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


class IbanField(forms.CharField):
    """The IBAN of an Italian current account (F-9.2.1.1.1: no foreign IBAN)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", gettext_lazy("IBAN"))
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        compact = stdnum_iban.compact(value)
        format_error = forms.ValidationError(
            _(
                "L'IBAN non è nel formato corretto: 27 caratteri, per esempio IT60X0542811101000000123456."
            ),
            code="format",
        )
        # Read in this order: "abc" is a format error, not a wrong check digit (the library
        # checks that first) nor a foreign account; an IBAN of another country is refused as
        # foreign whatever its digits.
        if not IBAN_SHAPE.fullmatch(compact):
            raise format_error
        if compact[:2] != "IT":
            raise forms.ValidationError(
                _(
                    "Puoi inserire solo l'IBAN di un conto corrente italiano (inizia con IT): "
                    "al momento non è consentito l'uso di un IBAN estero."
                ),
                code="foreign",
            )
        try:
            return stdnum_iban.validate(compact)
        except InvalidChecksum:
            raise forms.ValidationError(
                _(
                    "Il codice di controllo dell'IBAN non è corretto: verifica di averlo digitato bene."
                ),
                code="checksum",
            ) from None
        except ValidationError:
            raise format_error from None


def _name_field(label):
    return forms.CharField(label=label, max_length=80, error_messages=REQUIRED)


class FiscalCodeStep(forms.Form):
    """Step 1: the personal CF (changing it changes the registration data)."""

    fiscal_code = FiscalCodeField(label=gettext_lazy("Codice fiscale personale"))


class PersonStep(forms.Form):
    """Step 1 after the check: the personal data (pre-filled when TIM knows the CF)."""

    first_name = _name_field(gettext_lazy("Nome"))
    last_name = _name_field(gettext_lazy("Cognome"))

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip().upper()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip().upper()


class AddressStep(AddressFields):
    """Step 2: the address of the invoice (P-27)."""


PAYMENT_CHOICES = [
    (DualBilling.PaymentMethod.CARD.value, DualBilling.PaymentMethod.CARD.label),
    (DualBilling.PaymentMethod.BANK.value, DualBilling.PaymentMethod.BANK.label),
    (DualBilling.PaymentMethod.POSTAL.value, DualBilling.PaymentMethod.POSTAL.label),
]


class PaymentStep(forms.Form):
    """Step 3: the payment method."""

    method = forms.ChoiceField(
        label=gettext_lazy("Modalità di pagamento"),
        choices=PAYMENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Scegli una modalità di pagamento.")},
    )

    def __init__(self, *args, exclude: str = "", card: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [
            (v, label)
            for v, label in PAYMENT_CHOICES
            if v != exclude and (card or v != DualBilling.PaymentMethod.CARD)
        ]


class IbanStep(forms.Form):
    iban = IbanField()


class MandateStep(AddressFields):
    """The SEPA mandate: the signatory (the employee) and the account holder with address."""

    signatory_first_name = _name_field(gettext_lazy("Nome del sottoscrittore"))
    signatory_last_name = _name_field(gettext_lazy("Cognome del sottoscrittore"))
    signatory_fiscal_code = FiscalCodeField(label=gettext_lazy("Codice fiscale del sottoscrittore"))
    holder_first_name = _name_field(gettext_lazy("Nome dell'intestatario del conto"))
    holder_last_name = _name_field(gettext_lazy("Cognome dell'intestatario del conto"))
    holder_fiscal_code = FiscalCodeField(
        label=gettext_lazy("Codice fiscale dell'intestatario del conto")
    )

    field_order = [
        "signatory_first_name",
        "signatory_last_name",
        "signatory_fiscal_code",
        "holder_first_name",
        "holder_last_name",
        "holder_fiscal_code",
    ]


class AcceptanceStep(forms.Form):
    """ "Verifica o inserisci i dati": the completion SMS and the conditions."""

    sms = forms.ChoiceField(
        label=gettext_lazy("Vuoi essere avvisato via SMS dell'avvenuto completamento dell'ordine?"),
        choices=[("si", gettext_lazy("Sì")), ("no", gettext_lazy("No"))],
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": gettext_lazy("Scegli Sì o No.")},
    )
    sms_number = forms.CharField(
        label=gettext_lazy("Inserisci il numero al quale vuoi far arrivare la notifica"),
        max_length=16,
        required=False,
    )
    conditions = forms.BooleanField(
        label=gettext_lazy(
            "Il cliente dichiara la piena conoscenza e l'accettazione delle \"Condizioni relative "
            "al servizio TIM TUO\" (obbligatorio per procedere con l'attivazione del servizio)."
        ),
        error_messages={
            "required": gettext_lazy(
                "Per attivare il servizio devi accettare le condizioni relative al servizio TIM TUO."
            )
        },
    )

    def __init__(self, *args, conditions_downloaded: bool = False, **kwargs):
        self.conditions_downloaded = conditions_downloaded
        super().__init__(*args, **kwargs)
        self.fields["sms_number"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self):
        data = super().clean()
        if data.get("sms") == "si":
            number = data.get("sms_number", "").strip()
            if not number:
                self.add_error("sms_number", _("Inserisci il numero per l'SMS di notifica."))
            else:
                try:
                    data["sms_number"] = clean_mobile(number)
                except forms.ValidationError as exc:
                    self.add_error("sms_number", exc)
        else:
            data["sms_number"] = ""
        if data.get("conditions") and not self.conditions_downloaded:
            self.add_error(
                "conditions",
                _(
                    'Scarica le "Condizioni relative al servizio TIM TUO" prima di accettarle: '
                    "il download è obbligatorio."
                ),
            )
        return data


# --- the operations' forms (every channel) ----------------------------------------------------


class _OwnLineForm(OperationForm):
    """An employee's request on their own line (``self.line``, given by the caller)."""

    def clean(self):
        data = super().clean()
        if self.line is None or self.line.contract_id != self.contract.pk:
            raise forms.ValidationError(_("La richiesta riguarda solo la tua linea."))
        if self.line.tariff_plan.category not in selectors.SUBSCRIPTION:
            raise forms.ValidationError(
                _("TIM TUO in abbonamento è disponibile solo sulle linee in abbonamento.")
            )
        return data

    def case_line(self):
        return self.line


class _MandateMixin(forms.Form):
    """The bank direct debit's data (IBAN, signatory, account holder and address)."""

    iban = IbanField()
    signatory_first_name = _name_field(gettext_lazy("Nome del sottoscrittore"))
    signatory_last_name = _name_field(gettext_lazy("Cognome del sottoscrittore"))
    signatory_fiscal_code = FiscalCodeField(label=gettext_lazy("Codice fiscale del sottoscrittore"))
    holder_first_name = _name_field(gettext_lazy("Nome dell'intestatario del conto"))
    holder_last_name = _name_field(gettext_lazy("Cognome dell'intestatario del conto"))
    holder_fiscal_code = FiscalCodeField(
        label=gettext_lazy("Codice fiscale dell'intestatario del conto")
    )
    holder_address = forms.CharField(
        label=gettext_lazy("Indirizzo dell'intestatario del conto"),
        max_length=250,
        error_messages=REQUIRED,
    )

    def mandate_payload(self) -> dict:
        d = self.cleaned_data
        return {
            "iban": d["iban"],
            "signatory": f"{d['signatory_first_name'].upper()} {d['signatory_last_name'].upper()}",
            "signatory_fiscal_code": d["signatory_fiscal_code"],
            "account_holder": f"{d['holder_first_name'].upper()} {d['holder_last_name'].upper()}",
            "account_holder_fiscal_code": d["holder_fiscal_code"],
            "holder_address": d["holder_address"].upper(),
        }


CARD_PURPOSE = "timtuo_card"


class _CardMixin(forms.Form):
    """Card direct debit: the confirmed card registration (a ``payments`` mandate) of the
    requester; the pratica carries the PSP's token and the masked card, never the card."""

    card_payment = forms.CharField(
        max_length=40,
        error_messages={
            "required": gettext_lazy(
                "Completa la registrazione della carta sulla pagina del gestore."
            )
        },
    )

    def card_payload(self) -> dict:
        from portale.payments.selectors import payment_of_user

        payment = payment_of_user(
            user=self.actor, token=self.cleaned_data["card_payment"], purpose=CARD_PURPOSE
        )
        if payment is None or payment.status != "confirmed" or not payment.psp_token:
            raise forms.ValidationError(
                _(
                    "La registrazione della carta non risulta completata: ripeti la "
                    "domiciliazione su carta di credito."
                )
            )
        holder = f"{payment.billing_first_name} {payment.billing_last_name}".strip().upper()
        return {
            "card_holder": holder,
            "card_brand": payment.card_brand,
            "card_expiry": payment.card_expiry,
            "card_masked": payment.card_masked,
            "psp_token": payment.psp_token,
        }


def _add_fields(form, mixin) -> None:
    for name, field in mixin.base_fields.items():
        form.fields[name] = copy.deepcopy(field)


def _card_clean(form) -> None:
    if "card_payment" in form.fields and form.cleaned_data.get("card_payment"):
        try:
            form.card = _CardMixin.card_payload(form)
        except forms.ValidationError as exc:
            form.add_error("card_payment", exc)


class ActivationForm(AddressFields, _OwnLineForm):
    """F-9.2.1.1.1: the personal data, the invoice address, the payment and acceptance.

    The operation says the payment method: ``dual_sub_bank`` adds the mandate's fields.
    """

    fiscal_code = FiscalCodeField(label=gettext_lazy("Codice fiscale personale"))
    first_name = _name_field(gettext_lazy("Nome"))
    last_name = _name_field(gettext_lazy("Cognome"))
    sms_number = forms.CharField(max_length=16, required=False)
    conditions = forms.BooleanField(
        error_messages={
            "required": gettext_lazy(
                "Per attivare il servizio devi accettare le condizioni relative al servizio TIM TUO."
            )
        }
    )
    email = forms.EmailField(required=False)

    METHOD = {
        "dual_sub_bank": DualBilling.PaymentMethod.BANK,
        "dual_sub_postal": DualBilling.PaymentMethod.POSTAL,
        "dual_sub_card": DualBilling.PaymentMethod.CARD,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.operation == "dual_sub_bank":
            _add_fields(self, _MandateMixin)
        if self.operation == "dual_sub_card":
            _add_fields(self, _CardMixin)

    def clean_sms_number(self):
        value = self.cleaned_data.get("sms_number", "").strip()
        return clean_mobile(value) if value else ""

    def clean(self):
        data = super().clean()
        _card_clean(self)
        if self.line is None:
            return data
        if not self.line.dual_billing_enabled:
            raise forms.ValidationError(
                _(
                    "La tua linea non è abilitata al servizio TIM TUO: contatta il tuo "
                    "referente operativo (ROA)."
                )
            )
        pending = open_cases(contract=self.contract, operations=EMPLOYEE_ACTIVATIONS).filter(
            line=self.line
        )
        if pending.exists():
            raise forms.ValidationError(
                _(
                    "È già in lavorazione una richiesta di attivazione del servizio TIM TUO "
                    "sulla tua linea: attendi almeno 24 ore prima di verificarne lo stato."
                )
            )
        current = record_selectors.dual_billing_of_line(line=self.line)
        self.replaces_legacy = current is not None and not selectors.user_keeps_legacy(
            self.actor, self.line
        )
        if current is not None and not self.replaces_legacy:
            raise forms.ValidationError(
                _("Il servizio TIM TUO è già attivo sulla tua linea: puoi modificarne i dati.")
            )
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        out = {
            "line_id": self.line.pk,
            "msisdn": self.line.msisdn,
            "fiscal_code": d["fiscal_code"],
            "first_name": d["first_name"].strip().upper(),
            "last_name": d["last_name"].strip().upper(),
            "address": self.address_payload(),
            "payment_method": self.METHOD[self.operation],
            "sms_number": d.get("sms_number", ""),
            "conditions": True,
            "email": d.get("email") or "",
            "replaces_legacy": self.replaces_legacy,
        }
        if self.operation == "dual_sub_bank":
            out["mandate"] = _MandateMixin.mandate_payload(self)
        if self.operation == "dual_sub_card":
            out["card"] = self.card
        return out


class BillingDataForm(AddressFields, _OwnLineForm):
    """F-9.2.1.1.2 "Modifica dati di fatturazione": the holder and the invoice address."""

    holder_first_name = _name_field(gettext_lazy("Nome"))
    holder_last_name = _name_field(gettext_lazy("Cognome"))
    holder_fiscal_code = FiscalCodeField(label=gettext_lazy("Codice Fiscale"))
    field_order = ["holder_first_name", "holder_last_name", "holder_fiscal_code"]

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "line_id": self.line.pk,
            "msisdn": self.line.msisdn,
            "holder": {
                "holder_first_name": d["holder_first_name"].strip().upper(),
                "holder_last_name": d["holder_last_name"].strip().upper(),
                "holder_fiscal_code": d["holder_fiscal_code"],
            },
            "address": self.address_payload(),
        }


class PaymentChangeForm(_OwnLineForm):
    """F-9.2.1.1.2: a new IBAN, or a switch to bank direct debit or to the postal slip."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.operation in ("dual_iban", "dual_to_bank"):
            _add_fields(self, _MandateMixin)
        if self.operation == "dual_to_card":
            _add_fields(self, _CardMixin)

    METHOD = {
        "dual_iban": DualBilling.PaymentMethod.BANK,
        "dual_to_bank": DualBilling.PaymentMethod.BANK,
        "dual_to_postal": DualBilling.PaymentMethod.POSTAL,
        "dual_to_card": DualBilling.PaymentMethod.CARD,
    }

    def clean(self):
        data = super().clean()
        _card_clean(self)
        return data

    def payload(self) -> dict:
        method = self.METHOD[self.operation]
        out = {"line_id": self.line.pk, "msisdn": self.line.msisdn, "payment_method": method}
        if method == DualBilling.PaymentMethod.BANK:
            out["mandate"] = _MandateMixin.mandate_payload(self)
        if method == DualBilling.PaymentMethod.CARD:
            out["card"] = self.card
        return out
