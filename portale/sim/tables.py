"""The lists of "Gestione SIM" on the shared list component (P-03…P-08)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.core.lists import (
    DATE,
    ActionColumn,
    Column,
    FilterForm,
    Format,
    LineSearchField,
    Table,
    line_search,
)
from portale.records.models import Line, LineState, Sim


class IccidFormat(Format):
    """E-08: on screen the ICCID is shown short (its last 10 digits); files keep all 19."""

    def html(self, value) -> str:
        return str(value or "")[-10:]


ICCID = IccidFormat("text")


class LineSearch(FilterForm):
    linea = LineSearchField(label=_("Linea"))
    lookups = {"linea": line_search()}


def _sim_line_or_iccid(value: str, model) -> Q:
    return Q(line__msisdn__endswith=value) | Q(iccid__endswith=value)


class SimSearch(FilterForm):
    linea = LineSearchField(label=_("Linea"))
    lookups = {"linea": _sim_line_or_iccid}


BLOCK = _("Blocca SIM")
UNBLOCK = _("Sblocca SIM")
PENDING = _("Richiesta in lavorazione")


def block_action(line) -> str:
    """F-7.3.7: "Blocca SIM" on an active line, "Sblocca SIM" on a suspended one; nothing on
    a ceased or frozen line (G-25), nor while a request on it is open."""
    if getattr(line, "pending", False):
        return str(PENDING)
    return {LineState.ACTIVE: str(BLOCK), LineState.SUSPENDED: str(UNBLOCK)}.get(line.state, "")


def _block_link(line) -> str:
    if getattr(line, "pending", False) or line.state not in (
        LineState.ACTIVE,
        LineState.SUSPENDED,
    ):
        return ""
    return reverse("sim:block_confirm", kwargs={"pk": line.pk})


class BlockTable(Table):
    msisdn = Column(_("Numero"), sort=True)
    iccid = Column(_("ICCID"), "main_iccid", sort="main_iccid", format=ICCID)
    plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")
    activation_date = Column(_("Attivazione"), sort=True, format=DATE)
    state = Column(_("Stato"), sort=True, choices=LineState)
    action = Column(_("Azione"), block_action, link=_block_link, export=False)

    class Meta:
        key_columns = ("msisdn", "state", "action")
        filter_form = LineSearch
        default_order = "msisdn"
        counter_label = _("Tot. record")
        noun = _("linee")
        noun_one = _("linea")
        export_formats = ()
        caption = _("Linee del contratto: blocco e sblocco della SIM")


ONE_NUMBER = "ONE NUMBER"


def _sim_profile(sim: Sim) -> str:
    """F-9.1.4: the principal SIM shows the line's profile, a secondary one "ONE NUMBER"."""
    return ONE_NUMBER if sim.role == Sim.Role.SECONDARY else sim.line.tariff_plan.name


class SimChangeTable(Table):
    """Cambio carta SIM: one row per SIM (One Number: several rows per number), radio."""

    msisdn = Column(_("Numero"), "line.msisdn", sort="line__msisdn")
    iccid = Column(_("ICCID"), sort=True, format=ICCID)
    plan = Column(_("Profilo tariffario"), _sim_profile, sort=("role", "line__tariff_plan__name"))
    activation_date = Column(_("Attivazione"), sort=True, format=DATE)
    state = Column(_("Stato"), "line.state", sort="line__state", choices=LineState)

    class Meta:
        key_columns = ("msisdn", "iccid", "state")
        select = "single"
        filter_form = SimSearch
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_formats = ()
        caption = _("SIM delle linee: scegli quella da sostituire")

    def is_selectable(self, row) -> bool:
        return row.line.state in (LineState.ACTIVE, LineState.SUSPENDED)


def _yes_no(flag: str):
    return lambda line: _("Sì") if getattr(line, flag) else _("No")


class BundleFlagsTable(Table):
    """Abilitazione over/extra bundle: the contract's lines and their current flags (P-08)."""

    msisdn = Column(_("Linea"), sort=True)
    plan = Column(_("Profilo"), "tariff_plan.name", sort="tariff_plan__name")
    extra_bundle = Column(_("Extra bundle"), _yes_no("extra_bundle"), sort="extra_bundle")
    over_bundle_national = Column(
        _("Over bundle Nazionale + UE"),
        _yes_no("over_bundle_national"),
        sort="over_bundle_national",
    )
    over_bundle_extra_eu = Column(
        _("Over bundle Extra UE"), _yes_no("over_bundle_extra_eu"), sort="over_bundle_extra_eu"
    )

    class Meta:
        key_columns = ("msisdn", "extra_bundle", "over_bundle_national")
        select = "multi"
        select_label = _("Conferma modifica")
        filter_form = LineSearch
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_formats = ()
        caption = _("Linee del contratto e abilitazioni over/extra bundle")


class RechargeLineTable(Table):
    """Ricarica aziendale, "Scegli la linea": the contract's rechargeable lines (radio).
    Rows: ``views.company_recharge_line`` (the plan's name as ``tariff_plan_name``)."""

    msisdn = Column(_("Linea"), sort=True)
    plan = Column(_("Profilo"), "tariff_plan_name", sort="tariff_plan_name")
    state = Column(_("Stato"), sort=True, choices=LineState)

    class Meta:
        key_columns = ("msisdn", "plan", "state")
        select = "single"
        filter_form = LineSearch
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_formats = ()
        caption = _("Linee ricaricabili del contratto")

    def is_selectable(self, row) -> bool:
        """G-22: a line with this kind of recharge already active cannot be chosen."""
        return not getattr(row, "busy", False)


MODE_REQUEST = {
    "CONFERMA": _("Conferma la ricarica automatica"),
    "RINUNCIA": _("Rinuncia alla ricarica automatica"),
}


class ModeSearch(FilterForm):
    linea = LineSearchField(label=_("Linea"))
    lookups = {"linea": line_search()}


class RechargeModeTable(Table):
    """Conferma / Rinuncia ricariche: rechargeable lines; ticking a line asks for the
    opposite of its mode for next month (the guide's enabled checkbox column)."""

    msisdn = Column(_("Linea"), sort=True)
    auto_recharge = Column(
        _("Modalità di ricarica automatica"), sort=True, choices=Line.AutoRecharge
    )
    request = Column(
        _("Richiesta per il mese prossimo"), lambda line: MODE_REQUEST.get(line.auto_recharge, "")
    )

    class Meta:
        key_columns = ("msisdn", "auto_recharge", "request")
        select = "multi"
        filter_form = ModeSearch
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_formats = ()
        caption = _("Linee ricaricabili e modalità di ricarica automatica")


def _blocked(line) -> str:
    """The blocked direttrici by the names the form gives them, in the form's order."""
    return ", ".join(c.description for c in line.blocked_categories.all()) or str(_("Nessuna"))


class NetworkServicesTable(Table):
    """Gestione servizi di Rete: subscription lines and their blocked direttrici (G-14)."""

    msisdn = Column(_("Linea"), sort=True)
    plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")
    state = Column(_("Stato"), sort=True, choices=LineState)
    blocked = Column(_("Direttrici bloccate"), _blocked)
    action = Column(
        _("Azione"),
        lambda line: str(_("Modifica")),
        link=lambda line: reverse("sim:network_services_line", kwargs={"pk": line.pk}),
        export=False,
    )

    class Meta:
        key_columns = ("msisdn", "blocked", "action")
        filter_form = LineSearch
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_name = "servizi_di_rete"
        caption = _("Linee in abbonamento e direttrici bloccate")


class RifProfileTable(Table):
    """Gestione profilo RIF: the lines and their RIF profile (G-14)."""

    msisdn = Column(_("Linea"), sort=True)
    plan = Column(_("Profilo tariffario"), "tariff_plan.name", sort="tariff_plan__name")
    state = Column(_("Stato"), sort=True, choices=LineState)
    rif = Column(_("Profilo RIF"), lambda line: line.rif_profile.code if line.rif_profile else "")
    action = Column(
        _("Azione"),
        lambda line: str(_("Modifica")),
        link=lambda line: reverse("sim:rif_profile_line", kwargs={"pk": line.pk}),
        export=False,
    )

    class Meta:
        key_columns = ("msisdn", "rif", "action")
        filter_form = LineSearch
        default_order = "msisdn"
        counter_label = _("Tot. linee")
        noun = _("linee")
        noun_one = _("linea")
        export_name = "profili_rif"
        caption = _("Linee e profilo RIF")


class DeviceTable(Table):
    """Blocco apparato: the contract's devices (G-54), a padlock to ask for the IMEI block."""

    imei = Column(_("IMEI"), sort=True)
    description = Column(_("Descrizione"), sort=True, wrap=True)
    line = Column(_("Linea"), "line.msisdn", sort="line__msisdn")
    state = Column(_("Stato"), sort=True)
    block = ActionColumn(
        _("Blocca IMEI"),
        icon="it-locked",
        link=lambda d: (
            reverse("sim:imei_block_device", kwargs={"pk": d.pk}) if d.state == "ATTIVO" else ""
        ),
        action_label=lambda d: _("Blocca l'IMEI %(imei)s") % {"imei": d.imei},
    )

    class Meta:
        key_columns = ("imei", "state", "block")
        default_order = "imei"
        counter_label = _("Tot. apparati")
        noun = _("apparati")
        noun_one = _("apparato")
        export_formats = ()
        caption = _("Apparati del contratto")


class HotStockTable(Table):
    """Attivazione differita SIM: the contract's hot stock, the SIMs that can be activated."""

    msisdn = Column(_("Numero"), sort=True)
    iccid = Column(_("ICCID"), sort=True)
    kind = Column(_("Tipo di SIM"), sort=True, choices=Sim.Kind)

    class Meta:
        key_columns = ("msisdn", "iccid", "kind")
        default_order = "iccid"
        counter_label = _("Tot. SIM in scorta")
        noun = _("SIM")
        export_formats = ()
        caption = _("SIM in scorta del contratto")
