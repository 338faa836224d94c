"""Lines and SIMs: blocks, SIM changes, hot stock and deferred activation."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Contract,
    Line,
    LineState,
    Sim,
    TariffPlan,
)
from ._common import RecordError, _locked_line
from .line_services import bundle_defaults

# --- Lines and SIMs (Gestione SIM, F-7.3.7, F-7.3.8, F-9.1.4) --------------------------------


@transaction.atomic
def line_block(*, contract: Contract, line_id: int) -> Line:
    """Blocco carta SIM (furto/smarrimento): an ATTIVO line becomes SOSPESO, its live SIMs
    BLOCCATA. Rating refuses the traffic of a suspended line."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.state != LineState.ACTIVE:
        raise RecordError(
            _("Solo una linea attiva può essere bloccata (la linea %(msisdn)s è %(state)s).")
            % {"msisdn": line.msisdn, "state": line.state}
        )
    Sim.objects.filter(line=line, state=Sim.State.ACTIVE).update(state=Sim.State.BLOCKED)
    line.state = LineState.SUSPENDED
    line.save(update_fields=["state"])
    return line


@transaction.atomic
def line_unblock(*, contract: Contract, line_id: int) -> Line:
    """Sblocco carta SIM (ritrovamento): a SOSPESO line is ATTIVO again, its SIMs with it."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.state != LineState.SUSPENDED:
        raise RecordError(
            _("Solo una linea sospesa può essere sbloccata (la linea %(msisdn)s è %(state)s).")
            % {"msisdn": line.msisdn, "state": line.state}
        )
    Sim.objects.filter(line=line, state=Sim.State.BLOCKED).update(state=Sim.State.ACTIVE)
    line.state = LineState.ACTIVE
    line.save(update_fields=["state"])
    return line


SIM_CHANGE_STATES = frozenset({LineState.ACTIVE, LineState.SUSPENDED})


@transaction.atomic
def sim_replace(
    *,
    contract: Contract,
    line_id: int,
    old_iccid: str,
    new_iccid: str,
    on: datetime.date | None = None,
) -> Sim:
    """Cambio carta SIM: the SIM ``old_iccid`` of the line is ceased and the hot-stock SIM
    ``new_iccid`` of the same contract takes its place, with its role (One Number keeps
    principal and secondary SIMs apart) and its kind. On a suspended line the new SIM is
    blocked like the old one."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.state not in SIM_CHANGE_STATES:
        raise RecordError(
            _("La SIM di una linea %(state)s non può essere sostituita.") % {"state": line.state}
        )
    old = (
        Sim.objects.select_for_update()
        .filter(line=line, iccid=old_iccid)
        .exclude(state=Sim.State.CEASED)
        .first()
    )
    if old is None:
        raise RecordError(_("La SIM da sostituire non è attiva sulla linea."))
    new = Sim.objects.select_for_update().filter(iccid=new_iccid).first()
    if (
        new is None
        or new.contract_id != contract.pk
        or new.line_id is not None
        or new.state != Sim.State.STOCK
    ):
        raise RecordError(
            _("La nuova SIM %(iccid)s non è una SIM in scorta di questo contratto.")
            % {"iccid": new_iccid}
        )
    state = old.state if old.state in (Sim.State.ACTIVE, Sim.State.BLOCKED) else Sim.State.ACTIVE
    old.state = Sim.State.CEASED
    old.save(update_fields=["state"])
    new.line = line
    new.role = old.role
    new.kind = old.kind
    new.state = state
    new.activation_date = on or timezone.localdate()
    new.imei = old.imei
    # It now carries the line's number: the one it arrived with in stock is no longer its own.
    new.msisdn = line.msisdn
    new.save(update_fields=["line", "role", "kind", "state", "activation_date", "imei", "msisdn"])
    return new


# --- Hot stock and deferred activation (F-7.3.11, F-7.3.6) -----------------------------------

# The tariff plan category a hot-stock SIM's new line gets, by SIM kind (G-23: "PA 8").
STOCK_PLAN_CATEGORY = {
    Sim.Kind.VOICE: TariffPlan.Category.CONSUMPTION,
    Sim.Kind.M2M_STANDARD: TariffPlan.Category.M2M,
    Sim.Kind.M2M_PIN_DISABLE: TariffPlan.Category.M2M,
}
HOT_STOCK_ICCID_PREFIX = "893901000"
HOT_STOCK_MSISDN_PREFIX = "329"


def _free_iccid() -> str:
    import secrets

    while True:
        iccid = f"{HOT_STOCK_ICCID_PREFIX}{secrets.randbelow(10**10):010d}"
        if not Sim.objects.filter(iccid=iccid).exists():
            return iccid


def _free_msisdn(taken: set[str]) -> str:
    import secrets

    while True:
        msisdn = f"{HOT_STOCK_MSISDN_PREFIX}{secrets.randbelow(10**7):07d}"
        if (
            msisdn not in taken
            and not Line.objects.filter(msisdn=msisdn).exists()
            and not Sim.objects.filter(msisdn=msisdn).exists()
        ):
            taken.add(msisdn)
            return msisdn


@transaction.atomic
def sims_hot_stock_receive(*, contract: Contract, kind: str, quantity: int) -> list[Sim]:
    """Reintegro scorta calda: ``quantity`` new SIMs of ``kind`` delivered to the contract,
    each with its ICCID and assigned number, in stock (ready for a deferred activation or a
    SIM change)."""
    if kind not in Sim.Kind.values:
        raise RecordError(_("Tipo di SIM sconosciuto: %(kind)s.") % {"kind": kind})
    if not 0 < quantity <= 1000:
        raise RecordError(_("Quantità di SIM non valida: %(n)s.") % {"n": quantity})
    taken: set[str] = set()
    sims = [
        Sim(
            iccid=_free_iccid(),
            msisdn=_free_msisdn(taken),
            contract=contract,
            kind=kind,
            state=Sim.State.STOCK,
        )
        for _n in range(quantity)
    ]
    for sim in sims:
        sim.full_clean(exclude=["line", "contract"])
    return Sim.objects.bulk_create(sims)


@transaction.atomic
def sims_activate(
    *, contract: Contract, items: list[dict], on: datetime.date | None = None
) -> list[Line]:
    """Attivazione differita SIM: each ``{"iccid", "msisdn"}`` is a hot-stock SIM of the
    contract with that assigned number; it becomes the active principal SIM of a new line
    with that number (plan by SIM kind, bundle flags as at activation, G-23). All or none."""
    on = on or timezone.localdate()
    iccids = [i["iccid"] for i in items]
    if len(set(iccids)) != len(iccids):
        raise RecordError(_("La stessa SIM compare due volte nella richiesta."))
    sims = {
        s.iccid: s
        for s in Sim.objects.select_for_update().filter(contract=contract, iccid__in=iccids)
    }
    plans: dict[str, TariffPlan] = {}
    lines = []
    for item in items:
        sim = sims.get(item["iccid"])
        if sim is None or sim.line_id is not None or sim.state != Sim.State.STOCK:
            raise RecordError(
                _("La SIM %(iccid)s non è una SIM in scorta di questo contratto.")
                % {"iccid": item["iccid"]}
            )
        if sim.msisdn != item["msisdn"]:
            raise RecordError(
                _("Il numero %(msisdn)s non è quello della SIM %(iccid)s.")
                % {"msisdn": item["msisdn"], "iccid": sim.iccid}
            )
        if Line.objects.filter(msisdn=sim.msisdn).exists():
            raise RecordError(_("Il numero %(msisdn)s è già in uso.") % {"msisdn": sim.msisdn})
        category = STOCK_PLAN_CATEGORY[sim.kind]
        if category not in plans:
            plan = TariffPlan.objects.filter(category=category).order_by("pk").first()
            if plan is None:
                raise RecordError(
                    _("Nessun profilo tariffario per le SIM %(k)s.") % {"k": sim.kind}
                )
            plans[category] = plan
        line = Line(
            msisdn=sim.msisdn,
            contract=contract,
            tariff_plan=plans[category],
            activation_date=on,
            **bundle_defaults(category),
        )
        line.full_clean(exclude=["contract", "tariff_plan", "rif_profile"])
        line.save()
        sim.line = line
        sim.role = Sim.Role.MAIN
        sim.state = Sim.State.ACTIVE
        sim.activation_date = on
        sim.save(update_fields=["line", "role", "state", "activation_date"])
        lines.append(line)
    return lines
