"""The back office's lists: pratiche, ordini, every line and every contract.

Staff see everything, so the views pass unscoped querysets; the tables only search,
order and page them (DESIGN §5.2).
"""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.cases.models import CaseState, Channel, OrderState
from portale.core.lists import (
    DATE,
    DATETIME,
    INTEGER,
    Column,
    FilterForm,
    LineSearchField,
    Table,
    line_search,
    row_url,
)
from portale.records.models import LineState

from .forms import CaseFilter, OrderFilter


def _contract_lines_url(line_or_contract) -> str:
    code = getattr(line_or_contract, "code", None) or line_or_contract.contract.code
    return reverse("backoffice:lines") + f"?contratto={code}"


class LineFilter(FilterForm):
    linea = LineSearchField()
    contratto = forms.RegexField(
        label=_("Contratto"),
        regex=r"^\d{1,12}$",
        max_length=12,
        error_messages={"invalid": _("Il codice contratto è fatto di cifre (al più 12).")},
        help_text=_("Codice contratto, intero o in parte"),
    )
    lookups = {"linea": line_search(), "contratto": "contract__code__contains"}


class LineTable(Table):
    """Rows: ``views.lines`` (the contract's code, the administration's and the plan's names
    as values of the line's row)."""

    msisdn = Column(_("Numero"), sort=True)
    contract = Column(_("Contratto"), "contract_code", sort=True)
    administration = Column(_("Ente"), "administration_name", sort=True)
    tariff_plan = Column(_("Profilo tariffario"), "tariff_plan_name", sort=True)
    state = Column(_("Stato"), sort=True, choices=LineState)
    activation_date = Column(_("Data attivazione"), sort=True, format=DATE)

    class Meta:
        key_columns = ("msisdn", "contract", "state")
        filter_form = LineFilter
        default_order = "msisdn"  # G-47: line lists by number
        counter_label = _("Tot. linee")
        noun = _("linee")
        export_name = "linee"
        caption = _("Linee di tutti i contratti")


class ContractFilter(FilterForm):
    contratto = forms.RegexField(
        label=_("Contratto"),
        regex=r"^\d{1,12}$",
        max_length=12,
        error_messages={"invalid": _("Il codice contratto è fatto di cifre (al più 12).")},
    )
    ente = forms.CharField(label=_("Ente"), max_length=200, help_text=_("Nome o codice fiscale"))

    lookups = {"contratto": "code__contains"}

    def filter(self, queryset):
        queryset = super().filter(queryset)
        ente = self.cleaned_data.get("ente")
        if ente:
            queryset = queryset.filter(
                Q(administration__name__icontains=ente) | Q(administration__fiscal_code=ente)
            )
        return queryset


class ContractTable(Table):
    code = Column(_("Contratto"), sort=True)
    administration = Column(_("Ente"), "administration.name", sort=True)
    offer = Column(_("Tipologia offerta"), sort=True)
    activation_date = Column(_("Data di attivazione"), sort=True, format=DATE)
    line_count = Column(_("Linee"), sort=True, format=INTEGER, link=_contract_lines_url)

    class Meta:
        key_columns = ("code", "administration", "line_count")
        filter_form = ContractFilter
        default_order = "code"
        counter_label = _("Tot. contratti")
        noun = _("contratti")
        export_name = "contratti"
        caption = _("Contratti della Convenzione")


class ConsoleCaseTable(Table):
    """Rows: ``views.queue`` (contract_code, line_msisdn, assignee_username: values of the
    case's row; coded states through ``choices``)."""

    number = Column(_("N° pratica"), sort=True, link=row_url("backoffice:case_detail", "pk"))
    type_label = Column(_("Tipo pratica"), sort="description")
    contract = Column(_("Contratto"), "contract_code", sort="contract_code")
    line = Column(_("Linea"), lambda c: c.line_msisdn or "")
    channel = Column(_("Provenienza"), "channel", sort="channel", choices=Channel)
    state = Column(_("Stato"), "state", sort="state", choices=CaseState)
    attention = Column(_("Da verificare"), lambda c: _("Sì") if c.needs_attention else "")
    assignee = Column(_("In carico a"), lambda c: c.assignee_username or "")
    opened_at = Column(_("Apertura"), sort=True, format=DATETIME)

    class Meta:
        filter_form = CaseFilter
        default_order = "opened_at"
        noun = _("pratiche")
        export_name = "console_pratiche"
        caption = _("Pratiche da lavorare")
        key_columns = ("number", "type_label", "state", "opened_at")


class ConsoleOrderTable(Table):
    """Rows: ``views.order_queue`` (case_number, contract_code: values of the order's row)."""

    number = Column(_("ID ordine"), sort=True)
    case = Column(
        _("N° pratica"), "case_number", link=row_url("backoffice:case_detail", "pk", "case_id")
    )
    contract = Column(_("Contratto"), "contract_code", sort="contract_code")
    created_at = Column(_("Data creazione"), sort=True, format=DATETIME)
    channel = Column(_("Canale di acquisizione"), sort=True)
    state = Column(_("Stato lavorazione"), "state", sort="state", choices=OrderState)

    class Meta:
        filter_form = OrderFilter
        default_order = "-created_at"
        export_name = "console_ordini"
        key_columns = ("number", "created_at", "state")
