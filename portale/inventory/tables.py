"""The lists of "Linee e listino" declared on the shared list component (P-03…P-07).

Each kind of consistency is declared once: its ``Table`` (columns with the guide's Italian
headers, search form, default order), the selector giving its rows for a contract, its
titles and, for the detail lists, the "Tipo richiesta" of its background export. Views,
the export job and the tests all read the ``AGGREGATES`` and ``DETAILS`` registries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.core.export_jobs import kind_label, register_list
from portale.core.lists import (
    DATE,
    DATETIME,
    INTEGER,
    ActionColumn,
    Column,
    FilterForm,
    Format,
    LineSearchField,
    Table,
    decimal,
    line_search,
    matched_ids,
    money,
)
from portale.core.templatetags.portal import url_with_id
from portale.records import selectors as records
from portale.records.models.dual_billing import DualBilling

from . import selectors


def key(name: str) -> Callable:
    """Accessor of a ``values()`` row."""
    return itemgetter(name)


class IccidFormat(Format):
    """E-08: on screen the ICCID is shown short (its last 10 digits); files keep all 19."""

    def html(self, value) -> str:
        return str(value or "")[-10:]


ICCID = IccidFormat("text")
PERCENT = decimal(0)


# --- search forms ------------------------------------------------------------------------
# P-05 by the last digits (issue 17): the list component's ``line_search`` finds the numbers
# and ICCIDs first by their own indexes, then narrows the list to those ids.
line_or_iccid = line_search("line__msisdn")


def sim_line_or_iccid(value: str, model) -> Q:
    """The SIM list: the SIMs of the lines with the number, or the SIM with the ICCID."""
    by_number = matched_ids(records.lines_with_msisdn_ending(digits=value), "pk")
    by_iccid = matched_ids(records.sims_with_iccid_ending(digits=value), "pk")
    return Q(line_id__in=by_number) | Q(pk__in=by_iccid)


class SimSearch(FilterForm):
    linea = LineSearchField(label=_("Linea:"))
    lookups = {"linea": sim_line_or_iccid}


class LineServiceSearch(FilterForm):
    linea = LineSearchField(label=_("Linea:"))
    lookups = {"linea": line_or_iccid}


class DualBillingSearch(FilterForm):
    linea = LineSearchField(label=_("Linea"))
    cognome = forms.CharField(label=_("Cognome"), max_length=80)
    codice = forms.RegexField(
        label=_("Codice"),
        regex=r"^\d{1,12}$",
        max_length=12,
        error_messages={"invalid": _("Il codice è di sole cifre (es. 888200090226).")},
    )
    codice_fiscale = forms.CharField(label=_("Codice fiscale"), max_length=16)
    lookups = {
        "linea": line_or_iccid,
        "cognome": "employee_last_name__icontains",
        "codice": "code__endswith",
        "codice_fiscale": "employee_fiscal_code__iexact",
    }

    def clean_cognome(self):
        return (self.cleaned_data.get("cognome") or "").strip()

    def clean_codice_fiscale(self):
        return (self.cleaned_data.get("codice_fiscale") or "").strip().upper()


class DeviceSearch(FilterForm):
    linea = LineSearchField(label=_("Linea"))
    imei = forms.RegexField(
        label=_("IMEI"),
        regex=r"^\d{1,15}$",
        max_length=15,
        error_messages={"invalid": _("L'IMEI è di sole cifre (anche solo le ultime).")},
    )
    lookups = {"linea": line_or_iccid, "imei": "imei__endswith"}


class ContractServiceSearch(FilterForm):
    descrizione = forms.CharField(label=_("Descrizione servizio"), max_length=120)
    lookups = {"descrizione": "description__icontains"}


# --- aggregate tables (F-7.2.1) ---------------------------------------------------------------
class AggregateTable(Table):
    """A grouped list: ordered by the chosen column and then by the grouping columns.

    The component's usual ``pk`` tie-breaker would join the GROUP BY and undo the grouping,
    so the tie-breakers here are the grouping keys themselves (G-47: "Stato" then the
    description by default).
    """

    group_keys: tuple[str, ...] = ()

    class Meta:
        default_order = "stato"  # G-47: Stato, then the description

    @cached_property
    def queryset(self) -> QuerySet:
        qs = self.base_queryset
        if self.form is not None:
            qs = self.form.filter(qs)
        fields: list[str] = []
        if self.ordering:
            column, desc = self.ordering
            fields = [f"{'-' if desc else ''}{f}" for f in column.sort_fields]
        seen = {f.lstrip("-") for f in fields}
        fields += [k for k in self.group_keys if k not in seen]
        return qs.order_by(*fields)

    @cached_property
    def paginator(self) -> Paginator:
        # A handful of groups: one GROUP BY query for both the counter and the page.
        return Paginator(list(self.queryset), self.per_page)


class LinesAggregate(AggregateTable):
    group_keys = ("stato", "profilo")
    totale = Column(_("Tot. linee"), key("totale"), sort="totale", format=INTEGER)
    profilo = Column(_("Profilo tariffario"), key("profilo"), sort="profilo")
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("totale", "profilo", "stato")
        export_name = "consistenza_aggregata_linee"
        caption = _("Linee per profilo tariffario e stato")


class LineServicesAggregate(AggregateTable):
    group_keys = ("stato", "descrizione")
    totale = Column(_("Tot. servizi"), key("totale"), sort="totale", format=INTEGER)
    descrizione = Column(_("Descrizione servizio"), key("descrizione"), sort="descrizione")
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("totale", "descrizione", "stato")
        export_name = "consistenza_aggregata_sts"
        caption = _("Servizi su linea per servizio e stato")


class DualBillingAggregate(AggregateTable):
    group_keys = ("stato",)
    totale = Column(_("Tot. servizi"), key("totale"), sort="totale", format=INTEGER)
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("totale", "stato")
        export_name = "consistenza_aggregata_timtuo"
        caption = _("Servizi TIM TUO per stato")


class DevicesAggregate(AggregateTable):
    group_keys = ("stato", "codice_nmu", "tipo_servizio")
    totale = Column(_("Tot. servizi"), key("totale"), sort="totale", format=INTEGER)
    codice_nmu = Column(_("Codice NMU"), key("codice_nmu"), sort="codice_nmu")
    tipo_servizio = Column(_("Tipo servizio"), key("tipo_servizio"), sort="tipo_servizio")
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("totale", "codice_nmu", "tipo_servizio", "stato")
        export_name = "consistenza_aggregata_apparati"
        caption = _("Apparati per modello, tipo servizio e stato")


class ContractServicesAggregate(AggregateTable):
    group_keys = ("stato", "descrizione")
    totale = Column(_("Tot. SAC"), key("totale"), sort="totale", format=INTEGER)
    descrizione = Column(_("Descrizione servizio"), key("descrizione"), sort="descrizione")
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("totale", "descrizione", "stato")
        export_name = "consistenza_aggregata_sac"
        caption = _("Servizi sul contratto per servizio e stato")


# --- detail tables (F-7.2.2) ---------------------------------------------------------------------
def _imei_url(row) -> str:
    return url_with_id("inventory:imei", row["pk"])


class LinesDetail(Table):
    # "One number" sorts as its code, ``listed_role`` (the same order): both are columns
    # of the SIM, so the index leads the whole order.
    numero = Column(_("Numero"), key("numero"), sort=("numero", "listed_role"))
    one_number = Column(_("One number"), key("one_number"))
    imei = Column(_("IMEI"), lambda row: _("Richiedi"), link=_imei_url, export=False)
    iccid = Column(_("ICCID"), key("iccid"), sort="iccid", format=ICCID)
    profilo = Column(_("Profilo tariffario"), key("profilo"), sort="profilo")
    attivazione = Column(_("Data attivazione"), key("attivazione"), sort="attivazione", format=DATE)
    cessazione = Column(_("Data cessazione"), key("cessazione"), sort="cessazione", format=DATE)
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("numero", "profilo", "stato")
        filter_form = SimSearch
        default_order = "numero"
        export_name = "ConsistenzaDettaglioLinee"
        export_kind = "ConsistenzaDettaglioLinee"  # "Tipo richiesta" in I miei Export
        export_in_background = "always"  # P-07
        caption = _("Linee del contratto")


class LineServicesDetail(Table):
    numero = Column(_("Numero"), key("numero"), sort=("numero", "descrizione"))
    descrizione = Column(_("Descrizione"), key("descrizione"), sort="descrizione")
    attivazione = Column(_("Data attivazione"), key("attivazione"), sort="attivazione", format=DATE)
    cessazione = Column(_("Data cessazione"), key("cessazione"), sort="cessazione", format=DATE)
    stato = Column(_("Stato"), key("stato"), sort="stato")
    pct_ente = Column(_("% a carico Ente"), key("pct_ente"), sort="pct_ente", format=PERCENT)
    canone = Column(_("Canone €"), key("canone"), sort="canone", format=money())

    class Meta:
        key_columns = ("numero", "descrizione", "stato")
        filter_form = LineServiceSearch
        default_order = "numero"
        export_name = "ConsistenzaDettaglioSTS"
        export_kind = "ConsistenzaDettaglioSTS"  # "Tipo richiesta" in I miei Export
        export_in_background = "always"  # P-07
        caption = _("Servizi su linea (STS) del contratto")


def _employee(row) -> str:
    return selectors.employee_display(row["cognome"], row["nome"])


class DualBillingSubscriptionDetail(Table):
    numero = Column(_("Numero"), key("numero"), sort="numero")
    codice = Column(_("Codice"), key("codice"), sort="codice")
    dipendente = Column(_("Dati dipendente"), _employee)
    attivazione = Column(_("Data attivazione"), key("attivazione"), sort="attivazione", format=DATE)
    cessazione = Column(_("Data cessazione"), key("cessazione"), sort="cessazione", format=DATE)
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("numero", "dipendente", "stato")
        filter_form = DualBillingSearch
        default_order = "numero"
        export_name = "ConsistenzaDettaglioTimTuoAbb"
        export_kind = "ConsistenzaDettaglioTimTuoAbb"  # "Tipo richiesta" in I miei Export
        export_in_background = "always"  # P-07
        caption = _("Linee con TIM TUO in abbonamento")


class DualBillingPrepaidDetail(Table):
    """Only exported (F-7.2.2 §4: "RICHIEDI EXPORT", no on-screen list)."""

    numero = Column(_("Numero"), key("numero"), sort="numero")
    iccid = Column(_("ICCID"), key("iccid"), format=ICCID)
    profilo = Column(_("Profilo tariffario"), key("profilo"))
    dipendente = Column(_("Dati dipendente"), _employee)
    attivazione = Column(_("Data attivazione"), key("attivazione"), format=DATE)
    cessazione = Column(_("Data cessazione"), key("cessazione"), format=DATE)
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("numero", "dipendente", "stato")
        default_order = "numero"
        export_name = "ConsistenzaDettaglioTimTuoRic"
        export_kind = "ConsistenzaDettaglioTimTuoRic"  # "Tipo richiesta" in I miei Export
        export_in_background = "always"  # P-07


class DevicesDetail(Table):
    imei = Column(_("IMEI"), key("imei"), sort="imei")
    descrizione = Column(_("Descrizione"), key("descrizione"), sort="descrizione")
    codice_nmu = Column(_("Codice NMU"), key("codice_nmu"), sort="codice_nmu")
    tipo_servizio = Column(_("Tipo servizio"), key("tipo_servizio"), sort="tipo_servizio")
    linea = Column(_("Linea"), key("linea"), sort="linea")
    attivazione = Column(_("Data attivazione"), key("attivazione"), sort="attivazione", format=DATE)
    cessazione = Column(_("Data cessazione"), key("cessazione"), sort="cessazione", format=DATE)
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("imei", "linea", "stato")
        filter_form = DeviceSearch
        default_order = "imei"
        export_name = "ConsistenzaDettaglioApparati"
        export_kind = "ConsistenzaDettaglioApparati"  # "Tipo richiesta" in I miei Export
        export_in_background = "always"  # P-07
        caption = _("Apparati del contratto")


class ContractServicesDetail(Table):
    descrizione = Column(_("Descrizione servizio"), key("descrizione"), sort="descrizione")
    attivazione = Column(_("Data attivazione"), key("attivazione"), sort="attivazione", format=DATE)
    cessazione = Column(_("Data cessazione"), key("cessazione"), sort="cessazione", format=DATE)
    stato = Column(_("Stato"), key("stato"), sort="stato")

    class Meta:
        key_columns = ("descrizione", "attivazione", "stato")
        filter_form = ContractServiceSearch
        default_order = "descrizione"
        export_name = "ConsistenzaDettaglioSAC"
        export_kind = "ConsistenzaDettaglioSAC"  # "Tipo richiesta" in I miei Export
        export_in_background = "always"  # P-07
        caption = _("Servizi sul contratto")


# --- the registries --------------------------------------------------------------------
@dataclass(frozen=True)
class ListKind:
    slug: str
    label: str  # the menu entry of the guide ("Su linea", "Servizi su linea (STS)", …)
    title: str  # the page title
    table: type[Table]
    rows: Callable  # contract → scoped queryset
    intro: str = ""
    on_screen: bool = True  # False: export only ("Servizi TIM TUO ricaricabile")
    total: Callable | None = None  # contract → length of the unsearched list, if maintained

    @property
    def export_kind(self) -> str:
        """ "Tipo richiesta" of the list's background export (detail lists), else ""."""
        return self.table._meta.export_kind

    @property
    def summary(self) -> str:
        return SUMMARIES.get((self.table.__name__.endswith("Aggregate"), self.slug), "")


AGGREGATE_INTRO = _(
    "In questa sezione sono visualizzate le consistenze presenti sul contratto selezionato "
    "nella Home"
)
SEARCH_HINT = _(
    "Per ricercare una linea inserisci il codice ICCID stampato sulla SIM o sulla tessera "
    "plastificata dove sono presenti i codici PIN/PUK, oppure inserisci il numero della linea "
    "desiderata."
)

SUMMARIES = {
    (True, "linee"): _("Linee del contratto raggruppate per profilo tariffario e stato."),
    (True, "sts"): _("Servizi su linea (STS) raggruppati per servizio e stato."),
    (True, "timtuo-abbonamento"): _("Linee con TIM TUO in abbonamento, per stato."),
    (True, "timtuo-ricaricabile"): _("Linee con TIM TUO ricaricabile, per stato."),
    (True, "apparati"): _("Apparati raggruppati per modello, tipo di servizio e stato."),
    (True, "sac"): _("Servizi a contratto (SAC) raggruppati per servizio e stato."),
    (False, "linee"): _("Elenco delle linee e delle SIM, con One Number e IMEI."),
    (False, "sts"): _("Servizi su ogni linea, con % a carico Ente e canone."),
    (False, "timtuo-abbonamento"): _("Linee con TIM TUO in abbonamento e dati del dipendente."),
    (False, "timtuo-ricaricabile"): _("Report delle linee con TIM TUO ricaricabile (export)."),
    (False, "apparati"): _("Elenco degli apparati con IMEI, codice NMU e linea."),
    (False, "sac"): _("Elenco dei servizi attivi sul contratto."),
}

SUB = DualBilling.Kind.SUBSCRIPTION
PRE = DualBilling.Kind.PREPAID

AGGREGATES: dict[str, ListKind] = {
    k.slug: k
    for k in [
        ListKind(
            "linee",
            _("Su linea"),
            _("Su linea"),
            LinesAggregate,
            selectors.aggregate_lines,
            AGGREGATE_INTRO,
        ),
        ListKind(
            "sts",
            _("Servizi su linea (STS)"),
            _("Servizi su linea (STS)"),
            LineServicesAggregate,
            selectors.aggregate_line_services,
            AGGREGATE_INTRO,
        ),
        ListKind(
            "timtuo-abbonamento",
            _("Servizi TIM TUO in abbonamento"),
            _("Servizi TIM TUO in abbonamento"),
            DualBillingAggregate,
            lambda c: selectors.aggregate_dual_billing(c, SUB),
            AGGREGATE_INTRO,
        ),
        ListKind(
            "timtuo-ricaricabile",
            _("Servizi TIM TUO ricaricabile"),
            _("Servizi TIM TUO ricaricabile"),
            DualBillingAggregate,
            lambda c: selectors.aggregate_dual_billing(c, PRE),
            AGGREGATE_INTRO,
        ),
        ListKind(
            "apparati",
            _("Apparati"),
            _("Apparati"),
            DevicesAggregate,
            selectors.aggregate_devices,
            AGGREGATE_INTRO,
        ),
        ListKind(
            "sac",
            _("Servizi a contratto (SAC)"),
            _("Servizi a contratto (SAC)"),
            ContractServicesAggregate,
            selectors.aggregate_contract_services,
            AGGREGATE_INTRO,
        ),
    ]
}

DETAILS: dict[str, ListKind] = {
    k.slug: k
    for k in [
        ListKind(
            "linee",
            _("Su linea"),
            _("Su linea"),
            LinesDetail,
            selectors.detail_lines,
            SEARCH_HINT,
            total=selectors.listed_sims_count,
        ),
        ListKind(
            "sts",
            _("Servizi su linea (STS)"),
            _("Servizi su linea (STS)"),
            LineServicesDetail,
            selectors.detail_line_services,
            _(
                "In questa sezione trovi l'elenco dettagliato dei servizi su linea (STS) "
                "presenti nel contratto selezionato."
            ),
        ),
        ListKind(
            "timtuo-abbonamento",
            _("Servizi TIM TUO in abbonamento"),
            _("Servizi TIM TUO in abbonamento"),
            DualBillingSubscriptionDetail,
            lambda c: selectors.detail_dual_billing(c, SUB),
            SEARCH_HINT,
        ),
        ListKind(
            "timtuo-ricaricabile",
            _("Servizi TIM TUO ricaricabile"),
            _("Servizi TIM TUO ricaricabile"),
            DualBillingPrepaidDetail,
            lambda c: selectors.detail_dual_billing(c, PRE),
            _(
                "In questa sezione è visualizzato l'elenco dettagliato delle linee presenti nel "
                "contratto selezionato su cui è attivo il servizio TIM TUO per linee "
                "ricaricabili."
            ),
            on_screen=False,
        ),
        ListKind(
            "apparati",
            _("Apparati"),
            _("Apparati"),
            DevicesDetail,
            selectors.detail_devices,
            _(
                "In questa sezione è visualizzato l'elenco dettagliato degli apparati presenti "
                "nel contratto selezionato."
            ),
        ),
        ListKind(
            "sac",
            _("Servizi a contratto (SAC)"),
            _("Servizi a contratto (SAC)"),
            ContractServicesDetail,
            selectors.detail_contract_services,
            _(
                "In questa sezione è visualizzato l'elenco dettagliato dei Servizi attivi sul "
                "contratto selezionato."
            ),
        ),
    ]
}

DETAIL_BY_EXPORT_KIND: dict[str, ListKind] = {k.export_kind: k for k in DETAILS.values()}


def export_kind_label(kind: str) -> str:
    """What a user reads for an export's code: "Consistenze di dettaglio - Su linea"."""
    return kind_label(kind)


# The detail lists are exported in the background (I miei Export): the worker re-reads the
# rows of the job's contract.
for _spec in DETAILS.values():
    register_list(
        _spec.table,
        rows=lambda job, spec=_spec: spec.rows(job.contract),
        label=_("Consistenze di dettaglio - %(list)s") % {"list": _spec.title},
    )


# --- I miei Export (F-7.2.4) ---------------------------------------------------------------------
def _download_url(job) -> str:
    return reverse("inventory:export_download", kwargs={"pk": job.pk}) if job.is_done else ""


def _job_label(action) -> Callable:
    """``action``: a lazily translated "… %(kind)s del %(date)s", filled for each row."""

    def label(job) -> str:
        kind = export_kind_label(job.kind)
        return str(action) % {"kind": kind, "date": DATETIME.html(job.requested_at)}

    return label


class ExportTable(Table):
    requested_at = Column(_("Data richiesta"), "requested_at", sort=True, format=DATETIME)
    kind = Column(_("Tipo richiesta"), lambda job: export_kind_label(job.kind), sort="kind")
    state = Column(_("Stato richiesta"), "get_state_display", sort="state")
    download = ActionColumn(
        _("Scarica"),
        icon="it-download",
        link=_download_url,
        action_label=_job_label(_("Scarica %(kind)s del %(date)s")),
        disabled_label=_job_label(_("Scarica %(kind)s del %(date)s: non ancora disponibile")),
    )
    delete = ActionColumn(
        _("Elimina"),
        icon="it-delete",
        link=lambda job: reverse("inventory:export_delete", kwargs={"pk": job.pk}),
        action_label=_job_label(_("Elimina %(kind)s del %(date)s")),
    )

    class Meta:
        key_columns = ("requested_at", "kind", "state", "download")
        default_order = "-requested_at"
        export_formats = ()
        empty_text = _("Non ci sono export richiesti.")
        caption = _("I miei Export")
