"""Forms of eBill's "Gestione dei Centri di Costo"; the contract comes from the hand-off
scope, never from the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portale.core.lists import LineSearchField
from portale.records import selectors as records

MAX_CSV_BYTES = 2 * 1024 * 1024


class _ContractForm(forms.Form):
    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        if "centre" in self.fields:
            self.fields["centre"].queryset = records.cost_centres_of_contract(contract=contract)


class CostCentreForm(_ContractForm):
    prefix = "nuovo"  # several forms on one page: distinct field ids
    code = forms.CharField(label=_("Codice"), max_length=40)
    name = forms.CharField(label=_("Descrizione"), max_length=120, required=False)


class RenameForm(_ContractForm):
    prefix = "rinomina"  # several forms on one page: distinct field ids
    centre = forms.ModelChoiceField(
        label=_("Centro di costo"), queryset=None, empty_label=_("Seleziona il centro di costo")
    )
    name = forms.CharField(label=_("Nuova descrizione"), max_length=120)


class DeleteForm(_ContractForm):
    prefix = "elimina"  # several forms on one page: distinct field ids
    centre = forms.ModelChoiceField(
        label=_("Centro di costo"), queryset=None, empty_label=_("Seleziona il centro di costo")
    )


class AssignForm(_ContractForm):
    prefix = "assegna"  # several forms on one page: distinct field ids
    line = LineSearchField(label=_("Linea"), help_text=_("Il numero della linea, es. 3391234567"))
    centre = forms.ModelChoiceField(
        label=_("Centro di costo"), queryset=None, required=False, empty_label=_("Nessuno")
    )

    def clean_line(self):
        msisdn = self.cleaned_data["line"]
        line = records.lines_of_contract(contract=self.contract).filter(msisdn=msisdn).first()
        if line is None:
            raise forms.ValidationError(_("La linea %(m)s non è del contratto.") % {"m": msisdn})
        return line


class CsvForm(_ContractForm):
    prefix = "csv"  # several forms on one page: distinct field ids
    file = forms.FileField(
        label=_("File CSV"),
        help_text=_("Intestazione LINEA;CENTRO_DI_COSTO, una riga per linea."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("Il file supera 2 MB."))
        try:
            return f.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Il file deve essere un CSV in UTF-8.")) from None
