from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portale.cases import operations
from portale.cases.lifecycle import OPEN_STATES
from portale.cases.models import CaseState, Channel, OrderState
from portale.core.lists import FilterForm
from portale.records import selectors as records
from portale.records.models import Line, Threshold

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


# Operations the operator does not open for a customer, and why (said on the page).
_PAYMENT = _(
    "servono un pagamento o una carta che il dipendente inserisce sul Portale, sulla pagina "
    "del servizio di pagamento"
)
_PERSONAL = _(
    "riguardano il contratto personale TIM TUO del dipendente: i dati personali e "
    "l'accettazione delle condizioni li dà il dipendente sul Portale"
)
NOT_FOR_OPERATOR = {
    "personal_recharge": _PAYMENT,
    "dual_sub_card": _PAYMENT,
    "dual_to_card": _PAYMENT,
    "dual_sub_bank": _PERSONAL,
    "dual_sub_postal": _PERSONAL,
    "dual_billing_data": _PERSONAL,
    "dual_iban": _PERSONAL,
    "dual_to_bank": _PERSONAL,
    "dual_to_postal": _PERSONAL,
    "employee_sim_change": _('per la SIM di un dipendente apri "Cambio carta SIM"'),
}


def operator_operations() -> list[operations.Operation]:
    """What "Apri pratica per conto del cliente" offers: every fileable operation but those
    only the customer can file."""
    return [op for op in operations.implemented() if op.code not in NOT_FOR_OPERATOR]


def not_offered() -> list[tuple[str, list[str]]]:
    """(reason, operation labels) of the operations the page does not offer."""
    grouped: dict[str, list[str]] = {}
    for code, reason in NOT_FOR_OPERATOR.items():
        grouped.setdefault(str(reason), []).append(operations.get(code).label)
    return list(grouped.items())


# The operation's form as the operator fills it. On the portal some parameters come from a
# selection list (the ticked line, its thresholds, the SIM, the referent), posted as hidden
# inputs; here the operator names the line, which fills the line's own fields, and chooses
# the rest among that line's objects. Same form, same validation (``case_file``).
_LABELS = {
    "referent": _("Referente"),
    "sim": _("SIM"),
    "thresholds": _("Soglie della linea"),
    "change": _("Cosa modificare"),
    "variante": _("Tipo di richiesta"),
}


def _is_line_field(name: str, field: forms.Field) -> bool:
    """The field names the line itself (a choice among the contract's lines, or the line's
    id the employee's own requests take on other channels)."""
    if isinstance(field, forms.ModelChoiceField):
        return field.queryset.model is Line
    return name == "line_id" and isinstance(field.widget, forms.HiddenInput)


def _of_a_line(model) -> bool:
    return any(f.name == "line" and f.is_relation for f in model._meta.get_fields())


def _picked_from_a_list(field: forms.Field) -> bool:
    """Filled on the portal by a selection page: a hidden input or the ticks of a list."""
    widget = field.widget
    return isinstance(widget, forms.HiddenInput) or (
        isinstance(widget, forms.SelectMultiple)
        and not isinstance(widget, forms.CheckboxSelectMultiple)
    )


def line_fields(form) -> list[str]:
    return [name for name, field in form.fields.items() if _is_line_field(name, field)]


def needs_line(op: operations.Operation, *, contract) -> bool:
    """The operation is about a line: the operator must name it."""
    form = op.bind(contract=contract)
    return any(
        _is_line_field(name, field)
        or (
            isinstance(field, forms.ModelChoiceField)
            and _picked_from_a_list(field)
            and _of_a_line(field.queryset.model)
        )
        for name, field in form.fields.items()
    )


def operator_form(op: operations.Operation, *, contract, line=None, data=None, files=None):
    """The operation's own form for the back office, bound to what the operator posted with
    the named line filled in (``form.data`` is then what ``case_file`` validates).

    ``actor`` is left out here: some forms fill their contact fields from the person filing
    (the customer on the portal), which would be the operator's own name; ``case_file``
    validates with the operator as actor.
    """
    form = op.bind(data, files, contract=contract, actor=None, line=line)
    names = line_fields(form)
    if line is not None and data is not None and names:
        form.data = form.data.copy()  # an immutable QueryDict: the line is set server-side
        for name in names:
            form.data.setlist(name, [str(line.pk)])
    from portale.thresholds.forms import threshold_text

    for name, field in form.fields.items():
        if name in names:
            multiple = isinstance(field, forms.ModelMultipleChoiceField)
            field.widget = forms.MultipleHiddenInput() if multiple else forms.HiddenInput()
            if line is not None:
                form.initial[name] = [line.pk] if multiple else line.pk
            continue
        if not _picked_from_a_list(field):
            continue
        if not field.label and name in _LABELS:
            field.label = _LABELS[name]
        if isinstance(field, forms.ModelChoiceField):
            model = field.queryset.model
            multiple = isinstance(field, forms.ModelMultipleChoiceField)
            field.widget = forms.CheckboxSelectMultiple() if multiple else forms.Select()
            if not multiple:
                field.empty_label = "—"
            queryset = field.queryset
            if line is not None and _of_a_line(model):
                queryset = queryset.filter(line=line)
            if model is Threshold:
                field.label_from_instance = threshold_text
            field.queryset = queryset  # also gives the new widget its choices
        elif isinstance(field, forms.ChoiceField):
            field.widget = forms.RadioSelect(choices=field.choices)
    return form


def line_errors(form) -> list[str]:
    """Errors of the fields the named line fills (shown next to the line, not hidden)."""
    if not form.is_bound:
        return []
    return [str(e) for name in line_fields(form) for e in form.errors.get(name, [])]


class FileCaseForm(forms.Form):
    """ "Apri pratica per conto del cliente", first step: who, what, from which channel.

    Prefixed (``bo-``) so that its fields never meet the operation's own (``line``, ``notes``)
    on the second step, where they travel as hidden inputs.
    """

    prefix = "bo"

    contract = forms.CharField(label=_("Contratto"), max_length=12, error_messages=REQUIRED)
    operation = forms.ChoiceField(label=_("Operazione"), choices=(), error_messages=REQUIRED)
    channel = forms.ChoiceField(
        label=_("Canale"),
        choices=[(c, label) for c, label in Channel.choices if c != Channel.PORTAL],
        error_messages=REQUIRED,
    )
    line = forms.CharField(
        label=_("Linea"),
        max_length=15,
        required=False,
        help_text=_("Obbligatoria per le operazioni su una linea (SIM, soglie, servizi)."),
    )
    notes = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].choices = [("", "—")] + [
            (op.code, f"{op.section} - {op.label} ({op.description})")
            for op in operator_operations()
        ]

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
        code = data.get("operation")
        unnamed = contract and code and not msisdn and "line" not in self.errors
        if unnamed and needs_line(operations.get(code), contract=contract):
            self.add_error(
                "line", _("Indica la linea: questa operazione riguarda una linea del contratto.")
            )
        return data
