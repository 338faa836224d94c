"""TIM TUO lists: the referent's selection lists (P-08) and the employee's tables."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.core.lists import (
    DATE,
    ActionColumn,
    Column,
    FilterForm,
    LineSearchField,
    Table,
    line_search,
)
from portale.core.lists.formats import MONEY
from portale.records.models import LineState

from . import selectors


class LineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


def _enabled(line) -> str:
    return "SI" if line.dual_billing_enabled else "No"


class LinesTable(Table):
    """F-7.4.6–F-7.4.8 step 1: Sel., N° mobile, ICCID, Profilo tariffario, Data attivazione,
    Stato."""

    msisdn = Column(_("N° mobile"), sort=True)
    iccid = Column(_("ICCID"), "main_iccid", sort="main_iccid")
    plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")
    activation_date = Column(_("Data attivazione"), sort=True, format=DATE)
    state = Column(_("Stato"), sort=True, choices=LineState)

    class Meta:
        key_columns = ("msisdn", "plan", "state")
        select = "multi"
        filter_form = LineFilter
        default_order = "msisdn"
        export_formats = ()
        noun = _("record")


class EnableTable(LinesTable):
    """F-7.4.5: with "Abilitato"; a "SI" line with TIM TUO live (or a prepaid one) cannot be
    blocked, so its checkbox is disabled."""

    enabled = Column(_("Abilitato"), _enabled, sort="dual_billing_enabled")

    class Meta:
        select_label = _("Selez.")
        key_columns = ("msisdn", "enabled", "plan", "state")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = ["msisdn", "enabled", "iccid", "plan", "activation_date", "state"]
        by_name = {c.name: c for c in self.columns}
        self.columns = [by_name[n] for n in order if n in by_name]

    def is_selectable(self, row) -> bool:
        if not row.dual_billing_enabled:
            return True
        return row.tariff_plan.category in selectors.SUBSCRIPTION and not row.dual_open


def _invoice_pdf(row) -> str:
    return reverse("dualbilling:invoice_pdf", kwargs={"pk": row.pk})


class PersonalInvoiceTable(Table):
    """F-9.2.1.2: the last 6 personal invoices."""

    bimester = Column(_("Bimestre"), sort=True)
    emission_date = Column(_("Emissione"), sort=True, format=DATE)
    due_date = Column(_("Scadenza"), sort=True, format=DATE)
    total = Column(_("Totale (IVA inclusa)"), sort=True, format=MONEY)
    payment_state = Column(_("Pagato"), sort=True)
    pdf = ActionColumn(
        _("PDF"),
        icon="it-file",
        link=_invoice_pdf,
        action_label=lambda r: _("Scarica la fattura %(n)s in PDF") % {"n": r.number},
        prepares_file=True,
    )

    class Meta:
        key_columns = ("bimester", "total", "payment_state", "pdf")
        default_order = "-emission_date"
        counter_label = _("Tot. fatture")
        noun = _("fatture")
        noun_one = _("fattura")
        export_formats = ()
        empty_text = _("Non ci sono ancora fatture personali TIM TUO.")


def _employee(row) -> str:
    return f"{row.employee_last_name} {row.employee_first_name} - {row.employee_fiscal_code}"


class ReportTable(Table):
    """F-9.2.1.1 "Reportistica"."""

    msisdn = Column(_("Linea"), "line.msisdn")
    code = Column(_("Codice"))
    employee = Column(_("Dati dipendente"), _employee)
    activation_date = Column(_("Data attivazione"), format=DATE)
    cessation_date = Column(_("Data cessazione"), format=DATE)
    direct_debit_state = Column(
        _("Stato domiciliazione"), lambda r: r.direct_debit_state or "NON DOMICILIATA"
    )
    traffic = Column(_("Dettaglio Traffico"), lambda r: _("Rendiconto Telefonico"))
    state = Column(_("Stato"))

    class Meta:
        key_columns = ("msisdn", "code", "state")
        export_formats = ("csv", "xlsx")
        export_name = "tim_tuo_reportistica"
        empty_text = _("Il servizio TIM TUO non è ancora attivo sulla tua linea.")
