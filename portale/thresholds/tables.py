"""The §7.5 lists: selection lists (P-08), monitoring, ricerca avanzata, e-mail history."""

from __future__ import annotations

from django import forms
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portale.core.dates import DateField, check_period
from portale.core.lists import (
    DATE,
    DATETIME,
    ActionColumn,
    Column,
    FilterForm,
    LineSearchField,
    Table,
    decimal,
    line_search,
    row_url,
)
from portale.records.models import Sim, Threshold

PERIOD_SHORT = {"GIORNALIERO": "GIORNO", "MENSILE": "MESE"}
PERIOD_WORD = {"GIORNALIERO": "Giornaliero", "MENSILE": "Mensile"}


def with_erosion(qs):
    """Annotate ``erosion``: (valore − disponibile) / valore × 100, 100 for a 0 € threshold."""
    pct = ExpressionWrapper(
        (F("value") - F("available")) * Value(100) / F("value"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    return qs.annotate(
        erosion=Case(
            When(value=0, then=Value(100)),
            default=pct,
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def _iccid(row) -> str:
    """The ICCID of the line's principal SIM in service: after a "Cambio SIM" the replaced
    (ceased) SIM stays on the line and is not the one to show."""
    line = getattr(row, "line", row)
    sims = [s for s in line.sims.all() if s.role == Sim.Role.MAIN and s.state != Sim.State.CEASED]
    return sims[0].iccid if sims else ""


class LineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search()}


class ThresholdLineFilter(FilterForm):
    linea = LineSearchField()
    lookups = {"linea": line_search("line__msisdn", "line__sims__iccid")}


class ActivationTable(Table):
    """F-7.5.1 step 1: subscription lines without a spending threshold."""

    msisdn = Column(_("Linea"), sort=True)
    iccid = Column(_("ICCID"), _iccid)
    plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")

    class Meta:
        key_columns = ("msisdn", "plan")
        select = "multi"
        filter_form = LineFilter
        export_formats = ()
        noun = _("linee")
        noun_one = _("linea")


class ThresholdSelectTable(Table):
    """F-7.5.2–4 step 1 (G-14): Sel., Linea, ICCID, Descrizione soglia, Tipologia, Periodo,
    Valore €."""

    msisdn = Column(_("Linea"), "line.msisdn", sort="line_msisdn")
    iccid = Column(_("ICCID"), _iccid)
    description = Column(_("Descrizione soglia"), sort=True)
    type = Column(_("Tipologia"), sort=True)
    period = Column(_("Periodo"), sort=True)
    value = Column(_("Valore €"), sort=True, format=decimal(2))

    class Meta:
        key_columns = ("msisdn", "description", "value")
        select = "multi"
        filter_form = ThresholdLineFilter
        export_formats = ()
        noun = _("soglie")
        noun_one = _("soglia")


class MonitoringTable(Table):
    """F-7.5.5 "Monitoring erosione". Its rows are ``selectors.monitoring_thresholds``: the
    line's number is the row's ``line_msisdn``."""

    msisdn = Column(_("Linea"), "line_msisdn", sort="line_msisdn")
    description = Column(_("Descrizione soglia"), sort=True)
    period = Column(_("Periodo"), lambda r: PERIOD_WORD.get(r.period, r.period), sort="period")
    state = Column(_("Stato"), sort=True)
    activation_date = Column(_("Attivazione soglia"), sort=True, format=DATE)
    cessation_date = Column(_("Cessazione"), sort=True, format=DATE)
    value = Column(_("Valore* €"), sort=True, format=decimal(2))
    erosion = ActionColumn(
        _("Erosione"),
        icon="it-chart-line",
        link=row_url("thresholds:erosion", "line_id"),
        action_label=lambda r: (
            gettext("Monitoring erosione della linea %(msisdn)s") % {"msisdn": r.line_msisdn}
        ),
    )

    class Meta:
        key_columns = ("msisdn", "description", "value", "erosion")
        filter_form = ThresholdLineFilter
        default_order = "msisdn"
        export_name = "monitoring_soglie"


class ErosionTable(Table):
    """The pop-up "Monitoring Erosione Soglie - Linea <n>"."""

    description = Column(_("Descrizione soglia"), sort=True)
    value = Column(_("Valore soglia (€)"), sort=True, format=decimal(2))
    available = Column(_("Valore disponibile (€)"), sort=True, format=decimal(3))
    erosion = Column(_("Erosione"), lambda r: f"{_pct(r.erosion)} %", sort="erosion")
    period = Column(
        _("Periodo soglia"), lambda r: PERIOD_SHORT.get(r.period, r.period), sort="period"
    )
    activation_date = Column(_("Attivazione soglia"), sort=True, format=DATE)

    class Meta:
        key_columns = ("description", "available", "erosion")
        export_formats = ()
        default_order = "description"


def _pct(value) -> str:
    return decimal(2).html(value)


class AdvancedFilter(FilterForm):
    """G-35: Linea, Descrizione soglia, Tipologia, Periodo, Erosione ≥ x %, Attivazione dal/al."""

    linea = LineSearchField()
    descrizione = forms.ChoiceField(
        label=_("Descrizione soglia"), choices=[("", _("Tutte")), *Threshold.Description.choices]
    )
    tipologia = forms.ChoiceField(
        label=_("Tipologia"), choices=[("", _("Tutte")), *Threshold.Type.choices]
    )
    periodo = forms.ChoiceField(
        label=_("Periodo"), choices=[("", _("Tutti")), *Threshold.Period.choices]
    )
    erosione = forms.DecimalField(
        label=_("Erosione ≥ (%)"), min_value=0, max_value=100, decimal_places=2, localize=True
    )
    dal = DateField(label=_("Attivazione dal"), widget=forms.DateInput(attrs={"type": "date"}))
    al = DateField(label=_("Attivazione al"), widget=forms.DateInput(attrs={"type": "date"}))
    lookups = {
        "linea": line_search("line__msisdn", "line__sims__iccid"),
        "descrizione": "description",
        "tipologia": "type",
        "periodo": "period",
        "erosione": "erosion__gte",
        "dal": "activation_date__gte",
        "al": "activation_date__lte",
    }

    def clean(self):
        data = super().clean()
        check_period(self)  # "al" before "dal": said under "al", and the search uses "dal"
        return data


class AdvancedTable(Table):
    """F-7.5.5 "Ricerca avanzata"; its CSV without search is every line of the contract.
    Its rows are ``selectors.monitoring_thresholds`` (``line_msisdn``), with ``erosion``."""

    msisdn = Column(_("Linea"), "line_msisdn", sort="line_msisdn")
    description = Column(_("Descrizione soglia"), sort=True)
    value = Column(_("Valore soglia (€)"), sort=True, format=decimal(2))
    available = Column(_("Valore disponibile (€)"), sort=True, format=decimal(3))
    erosion = Column(_("Erosione"), sort=True, format=decimal(2))
    period = Column(_("Periodo"), lambda r: PERIOD_SHORT.get(r.period, r.period), sort="period")
    activation_date = Column(_("Attivazione soglia"), sort=True, format=DATE)

    class Meta:
        key_columns = ("msisdn", "description", "available", "erosion")
        filter_form = AdvancedFilter
        default_order = "msisdn"
        export_name = "soglie_linee"
        export_formats = ("csv", "xlsx")


_digest_link = row_url("thresholds:notification_detail", "pk")


class DigestTable(Table):
    """F-7.5.6: "Data" (descending), "Oggetto", detail icon."""

    sent_at = Column(_("Data"), sort=True, format=DATETIME)
    subject = Column(_("Oggetto"))
    detail = ActionColumn(_("Dettaglio e-mail"), icon="it-search", link=_digest_link)

    class Meta:
        key_columns = ("sent_at", "subject", "detail")
        default_order = "-sent_at"
        counter_label = _("Tot. email inviate")
        noun = _("email")
        export_formats = ()


_unblock_link = row_url("backoffice:threshold_unblock", "pk")


class BlockedTable(Table):
    """Back office: lines blocked by a DISPOSITIVA threshold, with "Sblocca". Rows: the
    back office's blocked-lines view (line_msisdn, contract_code, administration_name:
    values of the threshold's row)."""

    msisdn = Column(_("Linea"), "line_msisdn", sort="line_msisdn")
    contract = Column(_("Contratto"), "contract_code", sort="contract_code")
    administration = Column(_("Ente"), "administration_name")
    description = Column(_("Descrizione soglia"), sort=True)
    value = Column(_("Valore soglia (€)"), sort=True, format=decimal(2))
    period = Column(_("Periodo"), sort=True)
    period_start = Column(_("Inizio periodo"), sort=True, format=DATE)
    unblock = ActionColumn(
        _("Sblocca"),
        icon="it-unlocked",
        link=_unblock_link,
        action_label=lambda r: gettext("Sblocca la linea %(msisdn)s") % {"msisdn": r.line_msisdn},
    )

    class Meta:
        key_columns = ("msisdn", "description", "unblock")
        filter_form = ThresholdLineFilter
        default_order = "msisdn"
        counter_label = _("Tot. linee bloccate")
        noun = _("linee")
        noun_one = _("linea")
        export_name = "linee_bloccate_soglia"
