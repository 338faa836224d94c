"""The base of every operation's parameters form (DESIGN §5.3).

An operation's form validates raw input, whoever sends it (the wizard's page, a bulk CSV
row, the back office, an API call), and turns it into the pratica's JSON payload::

    class SimChangeForm(OperationForm):
        line = forms.ModelChoiceField(queryset=None)
        new_iccid = forms.CharField(max_length=19)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["line"].queryset = records.lines_of_contract(contract=self.contract)

        def payload(self) -> dict:
            return {"line_id": self.cleaned_data["line"].pk, "new_iccid": ...}

        def case_line(self):
            return self.cleaned_data["line"]

Every form is built the same way, ``Form(data, files, operation=…, contract=…, actor=…,
line=…)``: the scope (``contract``, and ``line`` for an employee) comes from the caller, never
from the input, so a querysets limited to ``self.contract`` make another contract's objects
invalid choices. Documents the operation declares (``uploads``) are added as file fields.
"""

from __future__ import annotations

from django import forms

from portale.records.models import Contract, Line

from .uploads import DocumentsFormMixin


class OperationForm(DocumentsFormMixin, forms.Form):
    def __init__(
        self,
        data=None,
        files=None,
        *,
        operation: str,
        contract: Contract,
        actor=None,
        line: Line | None = None,
        **kwargs,
    ):
        self.operation = operation
        self.contract = contract
        self.actor = actor
        self.line = line
        super().__init__(data, files, **kwargs)

    def payload(self) -> dict:
        """The pratica's parameters: JSON values and primary keys only."""
        raise NotImplementedError

    def case_line(self) -> Line | None:
        """The line the pratica is about, if one (shown in "Storico pratiche").

        By default ``self.line``: the employee's own line when the request is theirs (the §9
        operations, and e.g. an employee's Scrivici), None for a referent's request about the
        contract. A referent's form returns the line chosen among the contract's.
        """
        return self.line
