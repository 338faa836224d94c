"""The parameters forms of the §7.5 operations (validated the same way from every channel).

Each form receives the contract from the caller; the lines and thresholds it accepts are
those of ``self.contract`` only, so another contract's ids are invalid choices.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.cases.forms import OperationForm
from portale.cases.linelist import LineListDocument
from portale.cases.selectors import open_cases
from portale.core.amounts import EuroAmountField
from portale.core.dates import DateField, check_period
from portale.core.lists.formats import euro
from portale.records import selectors as records
from portale.records.models import Line, Threshold

from . import selectors

OPERATIONS = (
    "threshold_activate",
    "threshold_change",
    "roaming_threshold_value",
    "roaming_threshold_type",
    "threshold_cease",
)
TYPE_CHOICES = [(v, v) for v in Threshold.Type.values]
PERIOD_CHOICES = [(v, v) for v in Threshold.Period.values]
ZERO_RULE = gettext_lazy("Il valore 0€ può essere impostato solo nel caso di soglia Dispositiva.")
# A variation that changes nothing on any selected threshold is refused (no empty pratica).
SAME_VALUE = gettext_lazy("L'importo è uguale alla soglia attuale: inserisci un importo diverso.")
SAME_TYPE = gettext_lazy("La tipologia è uguale a quella attuale: scegli l'altra tipologia.")
SAME_PERIOD = gettext_lazy("Il periodo è uguale a quello attuale: scegli l'altro periodo.")


def value_field(required: bool = True) -> EuroAmountField:
    """G-34: 0–9.999 € with at most 2 decimals, typed as the portal writes it ("1.234,56")."""
    return EuroAmountField(
        label=gettext_lazy("Valore"),
        help_text=gettext_lazy("In euro, ad esempio 1.234,56."),
        required=required,
        min_value=0,
        max_value=9999,
        decimal_places=2,
    )


def threshold_text(t: Threshold) -> str:
    return f"{t.description} {euro(t.value)} {t.period}"


class _LinesMixin(LineListDocument):
    """The lines of a multi-line request must not be in another open threshold pratica; the
    list of lines (P-09) is the request's second document on "Conferma dei dati"."""

    def line_list(self) -> tuple[list[str], list[list[str]]]:
        items = self.payload()["lines"]
        new = self.new_text()
        return (
            [_("Linea"), _("ICCID"), _("Soglia attuale"), _("Nuova soglia")],
            [[i["msisdn"], i.get("iccid", ""), i.get("old", ""), i.get("new", new)] for i in items],
        )

    def new_text(self) -> str:
        return ""

    def busy_lines(self, line_ids: set[int]) -> set[int]:
        busy: set[int] = set()
        for case in open_cases(contract=self.contract, operations=OPERATIONS):
            busy |= {i.get("line_id") for i in case.payload.get("lines", [])}
        return busy & line_ids

    def check_busy(self, line_ids: set[int], msisdn: dict[int, str]) -> None:
        busy = self.busy_lines(line_ids)
        if busy:
            numbers = ", ".join(sorted(msisdn[i] for i in busy))
            raise forms.ValidationError(
                _(
                    "Sulle linee %(lines)s è già presente una richiesta sulle soglie in "
                    'lavorazione: segui lo stato nella funzione "Storico pratiche".'
                )
                % {"lines": numbers}
            )


class ThresholdActivateForm(_LinesMixin, OperationForm):
    """F-7.5.1: the selected lines, "Tipologia soglia", "Periodo soglia", "Valore*"."""

    lines = forms.ModelMultipleChoiceField(queryset=None)
    type = forms.ChoiceField(
        label=gettext_lazy("Tipologia soglia"), choices=TYPE_CHOICES, widget=forms.RadioSelect
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Periodo soglia"), choices=PERIOD_CHOICES, widget=forms.RadioSelect
    )
    value = value_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = selectors.activation_lines(contract=self.contract)
        self.fields["lines"].error_messages["invalid_choice"] = _(
            "La linea selezionata non ammette l'attivazione di una soglia di spesa."
        )

    def clean(self):
        data = super().clean()
        if data.get("value") == 0 and data.get("type") != Threshold.Type.BLOCKING:
            self.add_error("value", ZERO_RULE)
        lines = data.get("lines")
        if lines:
            self.check_busy({ln.pk for ln in lines}, {ln.pk: ln.msisdn for ln in lines})
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "type": d["type"],
            "period": d["period"],
            "value": str(d["value"]),
            "lines": [
                {"line_id": ln.pk, "msisdn": ln.msisdn, "iccid": _iccid(ln), "old": ""}
                for ln in sorted(d["lines"], key=lambda x: x.msisdn)
            ],
        }

    def new_text(self) -> str:
        d = self.cleaned_data
        return f"{d['type']} {d['period']} {euro(d['value'])}"

    def case_line(self):
        lines = self.cleaned_data["lines"]
        return lines[0] if len(lines) == 1 else None


def _iccid(line: Line) -> str:
    sim = records.main_sim_in_service(line=line)
    return sim.iccid if sim else ""


class _ThresholdsForm(_LinesMixin, OperationForm):
    """A variation or a cessation of thresholds of the same type (F-7.5.2–4)."""

    kind = Threshold.Kind.SPENDING
    thresholds = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = (
            selectors.spending_thresholds(contract=self.contract)
            if self.kind == Threshold.Kind.SPENDING
            else selectors.roaming_thresholds(contract=self.contract)
        )
        self.fields["thresholds"].queryset = qs
        self.fields["thresholds"].error_messages["invalid_choice"] = _(
            "La soglia selezionata non è più attiva o non appartiene al contratto."
        )

    def clean_thresholds(self):
        chosen = list(self.cleaned_data["thresholds"])
        if len({t.type for t in chosen}) > 1:
            raise forms.ValidationError(
                _(
                    "Puoi modificare più linee insieme solo se hanno soglie della stessa "
                    "tipologia (INFORMATIVA o DISPOSITIVA)."
                )
            )
        return chosen

    def clean(self):
        data = super().clean()
        chosen = data.get("thresholds") or []
        if chosen:
            self.check_busy({t.line_id for t in chosen}, {t.line_id: t.line.msisdn for t in chosen})
        return data

    def line_items(self, new: str) -> list[dict]:
        return [
            {
                "line_id": t.line_id,
                "threshold_id": t.pk,
                "msisdn": t.line.msisdn,
                "iccid": _iccid(t.line),
                "old": threshold_text(t),
                "new": new,
            }
            for t in sorted(self.cleaned_data["thresholds"], key=lambda x: x.line.msisdn)
        ]

    def refuse_unchanged(self, field: str, attribute: str, message) -> None:
        """The new ``field`` equals ``attribute`` on every selected threshold: the request
        would change nothing."""
        chosen = self.cleaned_data.get("thresholds") or []
        new = self.cleaned_data.get(field)
        if chosen and new not in (None, "") and all(getattr(t, attribute) == new for t in chosen):
            self.add_error(field, message)

    def current_type(self) -> str:
        chosen = self.cleaned_data.get("thresholds") or []
        return chosen[0].type if chosen else ""

    def case_line(self):
        chosen = self.cleaned_data["thresholds"]
        return chosen[0].line if len(chosen) == 1 else None


CHANGES = [
    ("tipologia", gettext_lazy("CAMBIA TIPOLOGIA")),
    ("periodo", gettext_lazy("CAMBIA PERIODO")),
    ("importo", gettext_lazy("CAMBIA IMPORTO")),
]


class ThresholdChangeForm(_ThresholdsForm):
    """F-7.5.2: one of tipologia, periodo or importo, for thresholds of the same type."""

    change = forms.ChoiceField(choices=CHANGES, widget=forms.HiddenInput)
    type = forms.ChoiceField(
        label=gettext_lazy("Tipologia soglia"),
        choices=TYPE_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Periodo soglia"),
        choices=PERIOD_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    value = value_field(required=False)

    def clean(self):
        data = super().clean()
        chosen = data.get("thresholds") or []
        change = data.get("change")
        field = {"tipologia": "type", "periodo": "period", "importo": "value"}.get(change)
        if field is None or field in self.errors:  # already refused by its own field
            return data
        if data.get(field) in (None, ""):
            self.add_error(field, self.fields[field].error_messages["required"])
            return data
        self.refuse_unchanged(
            field, field, {"type": SAME_TYPE, "period": SAME_PERIOD, "value": SAME_VALUE}[field]
        )
        to_info = change == "tipologia" and data.get("type") == Threshold.Type.INFORMATIVE
        if to_info and any(t.value == 0 for t in chosen):
            self.add_error(
                "type",
                _(
                    "Una soglia di 0 € non può diventare INFORMATIVA: il valore 0€ può "
                    "essere impostato solo nel caso di soglia Dispositiva."
                ),
            )
        zero = change == "importo" and data.get("value") == 0
        if zero and chosen and chosen[0].type != Threshold.Type.BLOCKING:
            self.add_error("value", ZERO_RULE)
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        change = d["change"]
        new = {
            "tipologia": d.get("type") or "",
            "periodo": d.get("period") or "",
            "importo": euro(d.get("value")),
        }[change]
        out = {"change": change, "lines": self.line_items(new)}
        if change == "tipologia":
            out["type"] = d["type"]
        elif change == "periodo":
            out["period"] = d["period"]
        else:
            out["value"] = str(d["value"])
        return out


class RoamingValueForm(_ThresholdsForm):
    """F-7.5.3 "CAMBIA IMPORTO" of the extra-UE roaming data thresholds."""

    kind = Threshold.Kind.ROAMING_DATA
    value = value_field()

    def clean(self):
        data = super().clean()
        chosen = data.get("thresholds") or []
        if data.get("value") == 0 and chosen and chosen[0].type != Threshold.Type.BLOCKING:
            self.add_error("value", ZERO_RULE)
        self.refuse_unchanged("value", "value", SAME_VALUE)
        return data

    def payload(self) -> dict:
        value = self.cleaned_data["value"]
        return {
            "value": str(value),
            "lines": self.line_items(euro(value)),
        }


class RoamingTypeForm(_ThresholdsForm):
    """F-7.5.3 "CAMBIA TIPOLOGIA" (INFO ↔ DISPO) of the extra-UE roaming data thresholds."""

    kind = Threshold.Kind.ROAMING_DATA
    type = forms.ChoiceField(
        label=gettext_lazy("Tipologia soglia"), choices=TYPE_CHOICES, widget=forms.RadioSelect
    )

    def clean(self):
        data = super().clean()
        chosen = data.get("thresholds") or []
        if data.get("type") == Threshold.Type.INFORMATIVE and any(t.value == 0 for t in chosen):
            self.add_error("type", ZERO_RULE)
        self.refuse_unchanged("type", "type", SAME_TYPE)
        return data

    def payload(self) -> dict:
        return {
            "type": self.cleaned_data["type"],
            "lines": self.line_items(self.cleaned_data["type"]),
        }


class ThresholdCeaseForm(_ThresholdsForm):
    """F-7.5.4: the user confirms the type of the thresholds to cease."""

    type = forms.ChoiceField(
        label=gettext_lazy("Tipologia soglia da cessare"),
        choices=TYPE_CHOICES,
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        chosen = data.get("thresholds") or []
        if chosen and data.get("type") and data["type"] != chosen[0].type:
            self.add_error(
                "type",
                _(
                    "Le soglie selezionate sono di tipologia %(type)s: scegli %(type)s, oppure "
                    "torna alla lista con INDIETRO e cambia la selezione."
                )
                % {"type": chosen[0].type},
            )
        return data

    def payload(self) -> dict:
        return {"type": self.cleaned_data["type"], "lines": self.line_items(_("CESSATA"))}


class NotificationPeriodForm(forms.Form):
    """F-7.5.6: "dal"/"al" of the e-mail history, in order (both optional: the last month)."""

    dal = DateField(required=False)
    al = DateField(required=False)

    def clean(self):
        data = super().clean()
        check_period(self)
        return data
