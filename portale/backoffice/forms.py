from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portale.cases import operations
from portale.cases.lifecycle import OPEN_STATES
from portale.cases.models import CaseState, Channel, OrderState
from portale.core.lists import FilterForm
from portale.records import selectors as records

REQUIRED = {"required": _("Campo obbligatorio.")}


class CaseFilter(FilterForm):
    stato = forms.ChoiceField(
        label=_("Stato"),
        choices=[("", _("Aperte (tutte)"))] + list(CaseState.choices),
    )
    operazione = forms.ChoiceField(label=_("Operazione"), choices=())
    contratto = forms.CharField(label=_("Contratto"), max_length=12)
    lookups = {"operazione": "operation", "contratto": "contract__code__contains"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operazione"].choices = [("", _("Tutte"))] + operations.choices()

    def filter(self, queryset):
        queryset = super().filter(queryset)
        state = getattr(self, "cleaned_data", {}).get("stato")
        if state:
            return queryset.filter(state=state)
        return queryset.filter(state__in=OPEN_STATES)


class OrderFilter(FilterForm):
    stato = forms.ChoiceField(
        label=_("Stato lavorazione"), choices=[("", _("Tutti"))] + list(OrderState.choices)
    )
    contratto = forms.CharField(label=_("Contratto"), max_length=12)
    lookups = {"stato": "state", "contratto": "contract__code__contains"}


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Esito"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indica l'esito della pratica.")},
    )


class ReasonForm(forms.Form):
    """The reason of a refusal, a withdrawal or a suspension (shown to the customer)."""

    reason = forms.CharField(
        label=_("Motivo (mostrato al cliente)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indica il motivo: sarà mostrato al cliente.")},
    )


class FileCaseForm(forms.Form):
    """ "Apri pratica per conto del cliente": a request received by phone, fax or e-mail."""

    contract = forms.CharField(label=_("Contratto"), max_length=12, error_messages=REQUIRED)
    operation = forms.ChoiceField(label=_("Operazione"), choices=(), error_messages=REQUIRED)
    channel = forms.ChoiceField(
        label=_("Canale"),
        choices=[(c, label) for c, label in Channel.choices if c != Channel.PORTAL],
        error_messages=REQUIRED,
    )
    line = forms.CharField(label=_("Linea (facoltativa)"), max_length=15, required=False)
    notes = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].choices = [("", "—")] + operations.choices()

    def clean_contract(self):
        code = self.cleaned_data["contract"].strip()
        contract = records.contract_by_code(code=code)
        if contract is None:
            raise forms.ValidationError(_("Contratto %(code)s inesistente.") % {"code": code})
        return contract

    def clean(self):
        data = super().clean()
        msisdn = (data.get("line") or "").strip()
        contract = data.get("contract")
        data["line"] = None
        if msisdn and contract:
            line = contract.lines.filter(msisdn=msisdn).first()
            if line is None:
                self.add_error("line", _("La linea non appartiene al contratto."))
            data["line"] = line
        return data
