"""Writes to the systems of record: the only way a pratica's effect changes them.

Fulfilment applies each operation's effect through these functions (DESIGN §1, §5.3): the
portal never edits the records for a customer request, and a test fails if a module outside
``portale/records`` writes a records model through the ORM (``tests/test_records_boundary``),
the back-end engines excepted (rating's bulk counters, invoicing). Every function is
keyword-only and atomic, locks what it changes, validates the result and raises
``RecordError`` (an Italian message) when the records do not allow the change.

Functions are added with the effects that need them; nothing here is written ahead of use.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import aggregates, selectors
from . import thresholds as threshold_consumption
from .bulk import values_update
from .models import (
    Address,
    Contract,
    CostCentre,
    Device,
    DualBilling,
    DualBillingOption,
    Invoice,
    Line,
    LineService,
    LineState,
    NetworkCategory,
    PaymentState,
    PersonalInvoice,
    PersonalRecharge,
    Referent,
    RifProfile,
    ServiceSms,
    ServiceState,
    Sim,
    TariffPlan,
    Threshold,
    TrafficEvent,
)
from .models.dual_billing import OPEN_STATES, DualBillingState


class RecordError(Exception):
    """The records do not allow the requested change."""


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


REFERENT_FIELDS = frozenset({"first_name", "last_name", "fiscal_code", "mobile", "email"})


@transaction.atomic
def referent_update(*, contract: Contract, referent_id: int, **fields: str) -> Referent:
    """Sostituzione referente / Modifica contatti (F-7.1.2): the holder of a referent role.

    Only the person's data change; the role and the contract stay.
    """
    unknown = set(fields) - REFERENT_FIELDS
    if unknown:
        raise TypeError(f"not referent fields: {sorted(unknown)}")
    referent = (
        Referent.objects.select_for_update().filter(pk=referent_id, contract=contract).first()
    )
    if referent is None:
        raise RecordError(_("Il referente non è più presente sul contratto."))
    for name, value in fields.items():
        setattr(referent, name, value)
    try:
        referent.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    referent.save(update_fields=sorted(fields))
    return referent


CONTRACT_ADDRESSES = frozenset({"invoice_address", "docs_address"})


@transaction.atomic
def contract_address_set(
    *,
    contract: Contract,
    kind: str,
    toponym: str,
    street: str,
    number: str,
    province: str,
    city: str,
    cap: str,
    hamlet: str = "",
    attention_of: str = "",
) -> Address:
    """Modifica recapito rendiconto / doc traffico (F-7.1.3): a new address for the contract.

    The old address row stays (issued invoices and shipments still point to it).
    """
    if kind not in CONTRACT_ADDRESSES:
        raise ValueError(f"unknown contract address: {kind}")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    address = Address(
        toponym=toponym,
        street=street,
        number=number,
        hamlet=hamlet,
        province=province,
        city=city,
        cap=cap,
        attention_of=attention_of,
    )
    try:
        address.full_clean()
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    address.save()
    setattr(contract, kind, address)
    contract.save(update_fields=[kind, "data_updated_at"])
    return address


# --- Lines and SIMs (Gestione SIM, F-7.3.7, F-7.3.8, F-9.1.4) --------------------------------


def _locked_line(*, contract: Contract, line_id: int) -> Line:
    line = (
        Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(pk=line_id, contract=contract)
        .first()
    )
    if line is None:
        raise RecordError(_("La linea non è presente sul contratto."))
    return line


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
    new.save(update_fields=["line", "role", "kind", "state", "activation_date", "imei"])
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


# --- Over/extra bundle (F-7.3.5, G-23) -------------------------------------------------------

BUNDLE_FLAGS = ("extra_bundle", "over_bundle_national", "over_bundle_extra_eu")
# G-23: the flags a line may change, by the category of its tariff plan (M2M: none).
BUNDLE_FLAGS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "CONSUMO": ("over_bundle_extra_eu",),
    "PACCHETTO": BUNDLE_FLAGS,
    "RICARICABILE": BUNDLE_FLAGS,
    "M2M": (),
}

# G-23: the setting a line gets at activation, by tariff type. Rating refuses the traffic
# beyond the bundle that a disabled flag does not allow (``rating.services.refusal``), so
# the defaults keep a PA line working when its bundle ends: every flag on, except the
# extra-UE roaming of a rechargeable line, which the guide warns can leave the credit
# negative and stop next month's package (the ROA enables it on the lines that travel).
# Subscription lines' extra-UE data is watched by the 50 EUR roaming threshold (G-33)
# instead. M2M lines have no flags (never refused on them).
BUNDLE_DEFAULTS: dict[str, dict[str, bool]] = {
    "CONSUMO": dict.fromkeys(BUNDLE_FLAGS, True),
    "PACCHETTO": dict.fromkeys(BUNDLE_FLAGS, True),
    "RICARICABILE": {
        "extra_bundle": True,
        "over_bundle_national": True,
        "over_bundle_extra_eu": False,
    },
    "M2M": dict.fromkeys(BUNDLE_FLAGS, False),
}


def bundle_defaults(category: str) -> dict[str, bool]:
    """The over/extra bundle flags a new line of this tariff category starts with."""
    return dict(BUNDLE_DEFAULTS.get(category, dict.fromkeys(BUNDLE_FLAGS, True)))


@transaction.atomic
def lines_set_bundle_flags(*, contract: Contract, changes: list[dict]) -> int:
    """Abilitazione over/extra bundle on many lines at once: each change is ``{"line_id",
    <flag>: bool, ...}`` (a flag left out stays as it is). Every line must be a live line of
    the contract whose tariff type allows those flags (G-23), or nothing changes."""
    by_id = {c["line_id"]: c for c in changes}
    if len(by_id) != len(changes):
        raise RecordError(_("La stessa linea compare due volte nella richiesta."))
    lines = []
    ids = list(by_id)
    for start in range(0, len(ids), 5000):
        lines += list(
            Line.objects.select_for_update(of=("self",))
            .select_related("tariff_plan")
            .filter(contract=contract, pk__in=ids[start : start + 5000])
        )
    if len(lines) != len(ids):
        raise RecordError(_("Alcune linee non sono più presenti sul contratto."))
    for line in lines:
        if line.state == LineState.CEASED:
            raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
        allowed = BUNDLE_FLAGS_BY_CATEGORY.get(line.tariff_plan.category, ())
        for flag, value in by_id[line.pk].items():
            if flag == "line_id":
                continue
            if flag not in allowed:
                raise RecordError(
                    _("La linea %(msisdn)s non consente di modificare %(flag)s.")
                    % {"msisdn": line.msisdn, "flag": flag}
                )
            setattr(line, flag, bool(value))
    Line.objects.bulk_update(lines, list(BUNDLE_FLAGS), batch_size=1000)
    return len(lines)


# --- Cost centres (F-7.4.2, eBill "Gestione dei Centri di Costo") -----------------------------


def _cost_centre_code(code: str) -> str:
    code = " ".join(code.split()).upper()
    if not code:
        raise RecordError(_("Il codice del centro di costo è obbligatorio."))
    if len(code) > 40:
        raise RecordError(_("Il codice del centro di costo può avere al massimo 40 caratteri."))
    return code


@transaction.atomic
def cost_centre_create(*, contract: Contract, code: str, name: str = "") -> CostCentre:
    """A new cost centre of the contract; codes are unique within a contract."""
    code = _cost_centre_code(code)
    if CostCentre.objects.filter(contract=contract, code=code).exists():
        raise RecordError(
            _("Il centro di costo %(code)s esiste già su questo contratto.") % {"code": code}
        )
    return CostCentre.objects.create(contract=contract, code=code, name=name.strip()[:120])


@transaction.atomic
def cost_centre_update(*, contract: Contract, cost_centre_id: int, name: str) -> CostCentre:
    centre = CostCentre.objects.select_for_update().get(contract=contract, pk=cost_centre_id)
    centre.name = name.strip()[:120]
    centre.save(update_fields=["name"])
    return centre


@transaction.atomic
def cost_centre_delete(*, contract: Contract, cost_centre_id: int) -> int:
    """Delete a cost centre; its lines become unallocated. Returns how many lines it had."""
    centre = CostCentre.objects.select_for_update().get(contract=contract, pk=cost_centre_id)
    lines = list(Line.objects.select_for_update(of=("self",)).filter(cost_centre=centre))
    count = Line.objects.filter(cost_centre=centre).update(cost_centre=None)
    aggregates.move_lines({line.pk: (centre.pk, 0) for line in lines})
    centre.delete()
    return count


@transaction.atomic
def lines_cost_centre_assign(*, contract: Contract, assignments: dict[int, int | None]) -> int:
    """Allocate lines to cost centres (``line_id → cost_centre_id``, None unallocates).

    Every line and every cost centre must belong to the contract, or nothing changes.
    """
    centre_ids = {c for c in assignments.values() if c is not None}
    known = set(
        CostCentre.objects.filter(contract=contract, pk__in=centre_ids).values_list("pk", flat=True)
    )
    if known != centre_ids:
        raise RecordError(_("Alcuni centri di costo non appartengono al contratto."))
    ids = list(assignments)
    lines = []
    for start in range(0, len(ids), 5000):
        lines += list(
            Line.objects.select_for_update(of=("self",)).filter(
                contract=contract, pk__in=ids[start : start + 5000]
            )
        )
    if len(lines) != len(ids):
        raise RecordError(_("Alcune linee non sono presenti sul contratto."))
    moves = {}
    for line in lines:
        moves[line.pk] = (line.cost_centre_id, assignments[line.pk])
        line.cost_centre_id = assignments[line.pk]
    Line.objects.bulk_update(lines, ["cost_centre"], batch_size=1000)
    aggregates.move_lines(moves)  # the contract roll-up follows the lines (usage aggregates)
    return len(lines)


# --- Company recharges (F-7.3.4, G-20…G-22) --------------------------------------------------

AUTOMATIC_RECHARGES = {
    LineService.Kind.TIMED_RECHARGE: "RICARICA A TEMPO",
    LineService.Kind.PARAMETRIC_RECHARGE: "RICARICA SOTTO SOGLIA PARAMETRICA",
}
PARAMETRIC_MAX_PER_MONTH = 3


def _prepaid_line(*, contract: Contract, line_id: int) -> Line:
    line = _locked_line(contract=contract, line_id=line_id)
    if not line.tariff_plan.is_prepaid:
        raise RecordError(_("La linea %(msisdn)s non è ricaricabile.") % {"msisdn": line.msisdn})
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
    return line


@transaction.atomic
def line_company_recharge(
    *, contract: Contract, line_id: int, amount: Decimal, label: str, now=None
) -> Line:
    """A company recharge charged to the invoice: the company credit grows by ``amount`` and
    the line gets the service SMS of the guide (F-7.3.4)."""
    if amount <= 0:
        raise RecordError(_("L'importo della ricarica deve essere positivo."))
    line = _prepaid_line(contract=contract, line_id=line_id)
    line.company_credit += Decimal(amount)
    line.save(update_fields=["company_credit"])
    now = now or timezone.now()
    ServiceSms.objects.create(
        line=line,
        text=(
            f"Gentile utente, l'opzione {label} ric è stata attivata sulla tua linea. "
            "Grazie da TIM Business"
        ),
        sent_at=now,
        delivered_at=now,
        state=ServiceSms.State.DELIVERED,
    )
    return line


@transaction.atomic
def line_recharge_service_activate(
    *, contract: Contract, line_id: int, kind: str, parameters: dict, on=None
) -> LineService:
    """Ricarica a tempo / sotto soglia parametrica: an STS on the line the periodic job runs
    (G-22: one active service of each kind per line)."""
    if kind not in AUTOMATIC_RECHARGES:
        raise ValueError(f"not an automatic recharge: {kind}")
    line = _prepaid_line(contract=contract, line_id=line_id)
    if LineService.objects.filter(
        line=line, kind=kind, state__in=[ServiceState.ACTIVE, ServiceState.PENDING]
    ).exists():
        raise RecordError(
            _("Sulla linea %(msisdn)s è già attiva una %(kind)s.")
            % {"msisdn": line.msisdn, "kind": AUTOMATIC_RECHARGES[kind].lower()}
        )
    amount = Decimal(str(parameters["amount"]))
    description = f"{AUTOMATIC_RECHARGES[kind]} {amount:.0f} EURO"
    return LineService.objects.create(
        line=line,
        kind=kind,
        description=description,
        parameters={**parameters, "runs": []},
        activation_date=on or timezone.localdate(),
    )


@transaction.atomic
def recharge_service_run(*, service_id: int, now=None) -> bool:
    """One run of an automatic recharge, if due: a timed one every ``frequency_days`` from
    its activation (whatever the credit); a parametric one when the company credit is under
    ``threshold``, at most 3 times a calendar month. Returns whether it recharged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    service = (
        LineService.objects.select_for_update()
        .select_related("line__tariff_plan", "line__contract")
        .filter(pk=service_id, state=ServiceState.ACTIVE, kind__in=list(AUTOMATIC_RECHARGES))
        .first()
    )
    if service is None:
        return False
    line = service.line
    if line.state != LineState.ACTIVE:
        return False
    p = service.parameters
    runs = [datetime.date.fromisoformat(d) for d in p.get("runs", [])]
    if service.kind == LineService.Kind.TIMED_RECHARGE:
        last = runs[-1] if runs else service.activation_date
        due = (today - last).days >= int(p["frequency_days"])
    else:
        this_month = [d for d in runs if (d.year, d.month) == (today.year, today.month)]
        due = line.company_credit < Decimal(str(p["threshold"])) and (
            len(this_month) < PARAMETRIC_MAX_PER_MONTH
        )
    if not due:
        return False
    line_company_recharge(
        contract=line.contract,
        line_id=line.pk,
        amount=Decimal(str(p["amount"])),
        label=service.description,
        now=now,
    )
    service.parameters = {**p, "runs": [*p.get("runs", []), today.isoformat()][-40:]}
    service.save(update_fields=["parameters"])
    return True


# --- Conferma / Rinuncia ricariche (F-7.3.3, G-18, G-19) -------------------------------------

RECHARGE_OVERRIDES = {
    Line.AutoRecharge.CONFIRM: "CONFERMA RICARICA AUTOMATICA",
    Line.AutoRecharge.WAIVE: "RINUNCIA RICARICA AUTOMATICA",
}


def _month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    first = datetime.date.fromisoformat(f"{month}-01")
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


@transaction.atomic
def lines_recharge_override(
    *, contract: Contract, line_ids: list[int], mode: str, month: str
) -> int:
    """For ``month`` only ("YYYY-MM"), lines in ``mode`` do the opposite of their mode: a
    CONFERMA line gets the automatic recharge, a RINUNCIA line does not (G-18). Kept as a
    one-month service on the line; the month after, the line is back to its mode."""
    if mode not in RECHARGE_OVERRIDES:
        raise ValueError(f"unknown recharge mode: {mode}")
    first, last = _month_bounds(month)
    lines = list(
        Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(contract=contract, pk__in=line_ids)
    )
    if len(lines) != len(set(line_ids)):
        raise RecordError(_("Alcune linee non sono più presenti sul contratto."))
    already = set(
        LineService.objects.filter(
            line__in=lines, description__in=list(RECHARGE_OVERRIDES.values()), activation_date=first
        ).values_list("line_id", flat=True)
    )
    services = []
    for line in lines:
        if not line.tariff_plan.is_prepaid or line.state == LineState.CEASED:
            raise RecordError(_("La linea %(m)s non è ricaricabile.") % {"m": line.msisdn})
        if line.auto_recharge != mode:
            raise RecordError(
                _("La linea %(m)s non è in modalità %(mode)s.") % {"m": line.msisdn, "mode": mode}
            )
        if line.pk in already:
            continue
        services.append(
            LineService(
                line=line,
                description=RECHARGE_OVERRIDES[mode],
                parameters={"month": month, "mode": mode},
                activation_date=first,
                cessation_date=last,
            )
        )
    LineService.objects.bulk_create(services, batch_size=1000)
    return len(services)


def monthly_recharge_due(line: Line, month: str) -> bool:
    """The line's automatic monthly recharge this month: its mode, unless overridden."""
    first, _last = _month_bounds(month)
    overridden = LineService.objects.filter(
        line=line,
        description=RECHARGE_OVERRIDES.get(line.auto_recharge, ""),
        activation_date=first,
    ).exists()
    if line.auto_recharge == Line.AutoRecharge.WAIVE:
        return not overridden
    if line.auto_recharge == Line.AutoRecharge.CONFIRM:
        return overridden
    return False


MONTHLY_RECHARGE = "RICARICA AUTOMATICA MENSILE"


@transaction.atomic
def line_monthly_recharge(*, contract: Contract, line_id: int, month: str, now=None) -> bool:
    """The start-of-month company recharge (the tariff plan's monthly amount), once a month,
    if the line's mode and this month's override say so. Returns whether it recharged."""
    line = _locked_line(contract=contract, line_id=line_id)
    if not line.tariff_plan.is_prepaid or line.state != LineState.ACTIVE:
        return False
    label = f"{MONTHLY_RECHARGE} {month}"
    if ServiceSms.objects.filter(line=line, text__contains=label).exists():
        return False  # already done this month
    if not monthly_recharge_due(line, month) or line.tariff_plan.monthly_fee <= 0:
        return False
    line_company_recharge(
        contract=contract,
        line_id=line.pk,
        amount=line.tariff_plan.monthly_fee,
        label=label,
        now=now,
    )
    return True


# --- Servizi di rete and profilo RIF (F-7.3.9, F-7.3.10, G-27) --------------------------------


@transaction.atomic
def line_set_blocked_categories(*, contract: Contract, line_id: int, codes: list[str]) -> Line:
    """Gestione servizi di Rete: exactly ``codes`` are blocked on the subscription line
    afterwards; rating refuses the traffic of a blocked category."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.tariff_plan.is_prepaid or line.state == LineState.CEASED:
        raise RecordError(
            _("La linea %(m)s non è una linea in abbonamento attiva.") % {"m": line.msisdn}
        )
    categories = list(NetworkCategory.objects.filter(code__in=set(codes)))
    unknown = set(codes) - {c.code for c in categories}
    if unknown:
        raise RecordError(
            _("Direttrici sconosciute: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    line.blocked_categories.set(categories)
    return line


@transaction.atomic
def line_set_rif_profile(*, contract: Contract, line_id: int, code: str) -> Line:
    """Gestione profilo RIF: the line's Rete Intelligente Flessibile profile."""
    line = _locked_line(contract=contract, line_id=line_id)
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(m)s è cessata.") % {"m": line.msisdn})
    profile = RifProfile.objects.filter(code=code).first()
    if profile is None:
        raise RecordError(_("Profilo RIF sconosciuto: %(code)s.") % {"code": code})
    line.rif_profile = profile
    line.save(update_fields=["rif_profile"])
    return line


# --- Blocco IMEI (F-7.3.13) --------------------------------------------------------------------


@transaction.atomic
def device_block(*, contract: Contract, imei: str) -> Device | None:
    """Blocco IMEI: the contract's device with this IMEI is BLOCCATO. An IMEI that is not in
    the contract's inventory (a device bought elsewhere) is blocked on the network only:
    there is no device record to change, and ``None`` is returned."""
    device = Device.objects.select_for_update().filter(contract=contract, imei=imei).first()
    if device is None:
        return None
    if device.state == Device.State.CEASED:
        raise RecordError(_("L'apparato %(imei)s è cessato.") % {"imei": imei})
    if device.state != Device.State.BLOCKED:
        device.state = Device.State.BLOCKED
        device.save(update_fields=["state"])
    return device


# --- Invoices: written by the billing engine only (billing.invoicing) ---------------------


@transaction.atomic
def invoice_create(
    *,
    contract,
    number: str,
    bimester: str,
    amount: Decimal,
    emission_date: datetime.date,
    due_date: datetime.date,
    ebill_id: str = "",
    replaces: Invoice | None = None,
) -> Invoice:
    """Record an issued company invoice ("Scoperta"). Its amount never changes after;
    ``replaces``: the cancelled invoice it corrects."""
    return Invoice.objects.create(
        replaces=replaces,
        contract=contract,
        number=number,
        bimester=bimester,
        amount=amount,
        emission_date=emission_date,
        due_date=due_date,
        payment_state=PaymentState.UNPAID,
        ebill_id=ebill_id,
    )


@transaction.atomic
def personal_invoice_create(
    *,
    billing: DualBilling,
    number: str,
    bimester: str,
    total: Decimal,
    emission_date: datetime.date,
    due_date: datetime.date,
) -> PersonalInvoice:
    """Record an issued TIM TUO personal invoice ("Scoperta")."""
    return PersonalInvoice.objects.create(
        dual_billing=billing,
        number=number,
        bimester=bimester,
        total=total,
        emission_date=emission_date,
        due_date=due_date,
        payment_state=PaymentState.UNPAID,
    )


@transaction.atomic
def invoice_amount_restate(*, invoice: Invoice, amount: Decimal) -> None:
    """The demo set-up only: an invoice seeded with a placeholder amount gets the amount of
    the charges the billing engine computed for it. Refused once its document exists (an
    issued invoice never changes)."""
    if invoice.pdf or Invoice.objects.filter(pk=invoice.pk, pdf__gt="").exists():
        raise RecordError("La fattura ha già il suo documento: l'importo non cambia.")
    Invoice.objects.filter(pk=invoice.pk).update(amount=amount)
    invoice.amount = amount


@transaction.atomic
def invoice_pdf_attach(*, invoice: Invoice | PersonalInvoice, data: bytes) -> None:
    """Store the PDF of an issued invoice (company or personal); nothing else changes."""
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(data), save=False)
    type(invoice).objects.filter(pk=invoice.pk).update(pdf=invoice.pdf.name)


@transaction.atomic
def invoice_payment_state_set(*, invoice: Invoice | PersonalInvoice, state: str) -> None:
    """The payments feed: set the payment state of an invoice (company or personal)."""
    if state not in PaymentState.values:
        raise RecordError(f"Stato pagamento non valido: {state}")
    type(invoice).objects.filter(pk=invoice.pk).update(payment_state=state)
    invoice.payment_state = state


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, on: datetime.date | None = None) -> None:
    """Mark a company invoice cancelled (by the credit note the billing engine issued);
    its other data stay as issued."""
    if invoice.cancelled_on:
        raise RecordError("La fattura è già annullata.")
    invoice.cancelled_on = _today(on)
    Invoice.objects.filter(pk=invoice.pk).update(cancelled_on=invoice.cancelled_on)


@transaction.atomic
def contract_invoicing_set(
    *,
    contract,
    office_code: str,
    cig: str,
    cup: str = "",
    order_reference: str = "",
    order_date: datetime.date | None = None,
    ipa_code: str | None = None,
):
    """The back office sets the electronic-invoicing codes of a contract (and the IPA code
    of its administration); formats are validated. Issued invoices keep theirs."""
    from django.core.exceptions import ValidationError

    contract.office_code, contract.cig, contract.cup = office_code, cig, cup
    contract.order_reference, contract.order_date = order_reference, order_date
    admin = contract.administration
    if ipa_code is not None:
        admin.ipa_code = ipa_code
    try:
        contract.full_clean(exclude=["invoice_address", "docs_address", "administration"])
        admin.full_clean(exclude=["seat"])
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    contract.save(update_fields=["office_code", "cig", "cup", "order_reference", "order_date"])
    admin.save(update_fields=["ipa_code"])
    return contract


# --- Thresholds (§7.5, E-18, G-33, G-34) ---------------------------------------------------
# The pratiche of "Gestione soglie" change them through threshold_activate / _change / _cease;
# the threshold engine (``portale.thresholds.engine``) records erosion, alert levels and
# blocks through thresholds_erosion_set, and the back office unblocks with threshold_unblock.

THRESHOLD_MAX = Decimal("9999")
LIVE_THRESHOLD_STATES = ("IN ATTIVAZIONE", "ATTIVO")
SPENDING_CATEGORIES = ("CONSUMO", "PACCHETTO")  # subscription lines (F-7.5)
ROAMING_CATEGORIES = ("CONSUMO", "PACCHETTO", "RICARICABILE")  # G-33


def threshold_period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the period (GIORNALIERO / MENSILE) that contains ``day``."""
    return day if period == Threshold.Period.DAILY else day.replace(day=1)


def threshold_description(kind: str, type: str) -> str:  # noqa: A002 - the records' name
    blocking = type == Threshold.Type.BLOCKING
    if kind == Threshold.Kind.ROAMING_DATA:
        d = Threshold.Description
        return d.DISPO_ROAMING if blocking else d.INFO_ROAMING
    return Threshold.Description.DISPO_SPENDING if blocking else Threshold.Description.INFO_SPENDING


def _threshold_value(value: Decimal, type: str) -> Decimal:  # noqa: A002
    """G-34: 0–9.999 € with at most 2 decimals; 0 only for a DISPOSITIVA threshold."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if value < 0 or value > THRESHOLD_MAX or value != value.quantize(Decimal("0.01")):
        raise RecordError(_("Il valore della soglia va da 0 a 9.999 € con al massimo 2 decimali."))
    if value == 0 and type != Threshold.Type.BLOCKING:
        raise RecordError(_("Il valore 0 € può essere impostato solo per una soglia DISPOSITIVA."))
    return value


def _locked_threshold(threshold_id: int, *, contract: Contract | None = None) -> Threshold:
    """The threshold locked, its line first: the rating engine's lock order (lines, then
    thresholds), so a pratica and a rater never wait for each other in a cycle."""
    qs = Threshold.objects.all()
    if contract is not None:
        qs = qs.filter(line__contract=contract)
    line_id = qs.filter(pk=threshold_id).values_list("line_id", flat=True).first()
    if line_id is not None:
        list(Line.objects.select_for_update(of=("self",)).filter(pk=line_id).values_list("pk"))
    threshold = (
        qs.select_for_update(of=("self",)).select_related("line").filter(pk=threshold_id).first()
    )
    if threshold is None or threshold.state not in LIVE_THRESHOLD_STATES:
        raise RecordError(_("La soglia non è più attiva sulla linea."))
    return threshold


def threshold_alert_state(threshold: Threshold, consumed: Decimal) -> tuple[int, bool]:
    """(alert level, blocked) for ``consumed`` € in the current period."""
    if threshold.value == 0:
        level = 100 if consumed > 0 else 0
    elif consumed >= threshold.value:
        level = 100
    elif consumed >= threshold.value * Decimal("0.8"):
        level = 80
    else:
        level = 0
    return level, level == 100 and threshold.type == Threshold.Type.BLOCKING


@transaction.atomic
def threshold_activate(
    *,
    line: Line,
    type: str,  # noqa: A002
    period: str,
    value: Decimal,
    kind: str = Threshold.Kind.SPENDING,
    on: datetime.date | None = None,
) -> Threshold:
    """Attivazione soglie di spesa (F-7.5.1); also the G-33 provisioning of the roaming one."""
    line = Line.objects.select_for_update().select_related("tariff_plan").get(pk=line.pk)
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
    allowed = SPENDING_CATEGORIES if kind == Threshold.Kind.SPENDING else ROAMING_CATEGORIES
    if line.tariff_plan.category not in allowed:
        raise RecordError(
            _("La linea %(msisdn)s non ammette questa soglia.") % {"msisdn": line.msisdn}
        )
    if type not in Threshold.Type.values or period not in Threshold.Period.values:
        raise RecordError(_("Tipologia o periodo della soglia non validi."))
    if kind == Threshold.Kind.ROAMING_DATA and period != Threshold.Period.MONTHLY:
        raise RecordError(_("La soglia dati roaming Extra UE è mensile."))
    value = _threshold_value(value, type)
    if Threshold.objects.filter(line=line, kind=kind, state__in=LIVE_THRESHOLD_STATES).exists():
        raise RecordError(
            _("Sulla linea %(msisdn)s è già attiva una soglia.") % {"msisdn": line.msisdn}
        )
    day = on or timezone.localdate()
    start = threshold_period_start(period, day)
    # Activated during its period: it counts what was already rated from today on (the
    # line is locked, so no rater adds to it meanwhile); rating keeps it from now on.
    consumed = threshold_consumption.consumption_from_events(
        kind=kind, period=period, start=start, line_ids=[line.pk], since=day
    ).get(line.pk) or Decimal(0)
    return Threshold.objects.create(
        line=line,
        kind=kind,
        type=type,
        period=period,
        description=threshold_description(kind, type),
        value=value,
        available=max(Decimal(0), value - consumed).quantize(Decimal("0.001")),
        activation_date=day,
        period_start=start,
        consumption=consumed,
        consumption_period=start,
    )


@transaction.atomic
def threshold_change(
    *,
    threshold_id: int,
    contract: Contract | None = None,
    type: str | None = None,  # noqa: A002
    period: str | None = None,
    value: Decimal | None = None,
    on: datetime.date | None = None,
) -> Threshold:
    """Variazione soglie (F-7.5.2, F-7.5.3): tipologia, periodo or importo.

    The consumption of the current period is kept; the alert level and the block follow the
    new settings (a DISPOSITIVA threshold raised above the consumption unblocks the line).
    """
    threshold = _locked_threshold(threshold_id, contract=contract)
    if threshold.consumption_period == threshold.period_start:
        consumed = threshold.consumption  # exact (kept by rating)
    else:
        consumed = max(Decimal(0), threshold.value - threshold.available)
    if threshold.value == 0 and threshold.last_alert_level == 100:
        consumed = max(consumed, Decimal("0.001"))  # a 0 € threshold already hit
    new_type = type or threshold.type
    if new_type not in Threshold.Type.values:
        raise RecordError(_("Tipologia della soglia non valida."))
    if period is not None and period != threshold.period:
        if threshold.kind == Threshold.Kind.ROAMING_DATA:
            raise RecordError(
                _("Il periodo della soglia dati roaming Extra UE non è modificabile.")
            )
        if period not in Threshold.Period.values:
            raise RecordError(_("Periodo della soglia non valido."))
        threshold.period = period
        threshold.period_start = threshold_period_start(period, on or timezone.localdate())
        # The period of the new periodicity: what it already holds, from the events (the
        # line is locked by _locked_threshold, so no rater adds meanwhile).
        threshold.consumption_period = threshold.period_start
        consumed = threshold_consumption.from_events([threshold])[threshold.pk]
        threshold.consumption = consumed
    new_value = _threshold_value(threshold.value if value is None else value, new_type)
    was_blocking = threshold.type == Threshold.Type.BLOCKING
    threshold.type = new_type
    threshold.description = threshold_description(threshold.kind, new_type)
    threshold.value = new_value
    threshold.available = max(Decimal(0), new_value - consumed)
    level, blocked = threshold_alert_state(threshold, consumed)
    # A lower level re-arms the alerts; a higher one is recorded by the engine's next run.
    threshold.last_alert_level = min(level, threshold.last_alert_level)
    # Over 100%: a threshold that becomes DISPOSITIVA blocks; one unblocked stays unblocked.
    threshold.blocked_line = blocked and (threshold.blocked_line or not was_blocking)
    threshold.save()
    return threshold


@transaction.atomic
def threshold_cease(
    *, threshold_id: int, contract: Contract | None = None, on: datetime.date | None = None
) -> Threshold:
    """Cessazione soglie di spesa (F-7.5.4): a ceased threshold blocks nothing."""
    threshold = _locked_threshold(threshold_id, contract=contract)
    if threshold.kind != Threshold.Kind.SPENDING:
        raise RecordError(_("La soglia dati roaming Extra UE non può essere cessata."))
    threshold.state = Threshold.State.CEASED
    threshold.cessation_date = max(on or timezone.localdate(), threshold.activation_date)
    threshold.blocked_line = False
    threshold.save(update_fields=["state", "cessation_date", "blocked_line"])
    return threshold


@dataclass(frozen=True)
class ThresholdErosion:
    """What the threshold engine computed for one threshold in its current period."""

    threshold_id: int
    period_start: datetime.date
    available: Decimal
    last_alert_level: int
    blocked_line: bool


def thresholds_erosion_set(*, erosions: Iterable[ThresholdErosion]) -> int:
    """The engine's bulk write: available value, period, alert level and block.

    The caller holds the rows locked (``select_for_update``) in its transaction.
    """
    erosions = list(erosions)
    rows = []
    for e in erosions:
        if e.last_alert_level not in Threshold.ALERT_LEVELS and e.last_alert_level != 0:
            raise RecordError(f"livello di allerta non valido: {e.last_alert_level}")
        if e.available < 0 or e.available >= Decimal("1e8"):
            raise RecordError(f"valore disponibile non valido: {e.available}")
        rows.append(
            Threshold(
                pk=e.threshold_id,
                period_start=e.period_start,
                available=e.available.quantize(Decimal("0.001")),
                last_alert_level=e.last_alert_level,
                blocked_line=e.blocked_line,
            )
        )
    with transaction.atomic():
        values_update(
            Threshold, rows, ["period_start", "available", "last_alert_level", "blocked_line"]
        )
    return len(rows)


@transaction.atomic
def threshold_unblock(*, threshold_id: int) -> Threshold:
    """Sblocco by Customer Service (F-7.5): the line's pay-per-use traffic flows again until
    the threshold is reached in a later period."""
    threshold = _locked_threshold(threshold_id)
    if not threshold.blocked_line:
        raise RecordError(_("La linea non è bloccata da questa soglia."))
    threshold.blocked_line = False
    threshold.save(update_fields=["blocked_line"])
    return threshold


def roaming_thresholds_provision(
    *, line_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> int:
    """G-33: every live subscription or prepaid line has "SOGLIA INFO VALORE DATI EXTRA UE PA"
    (INFORMATIVA, 50 €, MENSILE); the missing ones are created. Returns how many.

    The lines are locked first (the rating's lock order) and each new threshold starts with
    the extra-UE data already rated from its activation day (``consumption``, exact); the
    rating engine calls this in its own transaction for the lines of a batch that made such
    traffic without the threshold."""
    day = on or timezone.localdate()
    month = day.replace(day=1)
    lines = Line.objects.exclude(state=LineState.CEASED).filter(
        tariff_plan__category__in=ROAMING_CATEGORIES
    )
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    missing = lines.exclude(
        thresholds__kind=Threshold.Kind.ROAMING_DATA,
        thresholds__state__in=LIVE_THRESHOLD_STATES,
    )
    created = 0
    pks = list(missing.values_list("pk", flat=True))
    for start in range(0, len(pks), 2000):
        with transaction.atomic():
            chunk = pks[start : start + 2000]
            locked = Line.objects.select_for_update(of=("self",)).filter(pk__in=chunk)
            list(locked.order_by("pk").values_list("pk", flat=True))
            todo = sorted(missing.filter(pk__in=chunk).values_list("pk", flat=True))  # locked
            consumed = threshold_consumption.consumption_from_events(
                kind=Threshold.Kind.ROAMING_DATA,
                period=Threshold.Period.MONTHLY,
                start=month,
                line_ids=todo,
                since=day,
            )
            rows = Threshold.objects.bulk_create(
                [
                    Threshold(
                        line_id=pk,
                        kind=Threshold.Kind.ROAMING_DATA,
                        type=Threshold.Type.INFORMATIVE,
                        period=Threshold.Period.MONTHLY,
                        description=Threshold.Description.INFO_ROAMING,
                        value=Decimal(50),
                        available=max(Decimal(0), 50 - consumed.get(pk, Decimal(0))).quantize(
                            Decimal("0.001")
                        ),
                        activation_date=day,
                        period_start=month,
                        consumption=consumed.get(pk, Decimal(0)),
                        consumption_period=month,
                    )
                    for pk in todo
                ],
                ignore_conflicts=True,
            )
            created += len(rows)
    return created


@transaction.atomic
def service_sms_send(*, line_id: int, text: str, sender: str = "TIMBusiness") -> ServiceSms:
    """A service SMS to a line (F-9.2.3), e.g. a threshold alert."""
    now = timezone.now()
    return ServiceSms.objects.create(
        line_id=line_id,
        sender=sender,
        text=text,
        sent_at=now,
        delivered_at=now,
        state=ServiceSms.State.DELIVERED,
    )


# --- TIM TUO (F-7.4.5–F-7.4.8, F-9.2.1.1) ----------------------------------------------------

SUBSCRIPTION_CATEGORIES = frozenset({"CONSUMO", "PACCHETTO"})  # "PA 8", "PA 8 PACCHETTO"
PERSONAL_CODE_PREFIX = "8882"


def _dual_lines(*, contract: Contract, line_ids: Iterable[int]) -> list[Line]:
    ids = sorted(set(line_ids))
    lines = list(
        Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(contract=contract, pk__in=ids)
        .order_by("msisdn")
    )
    if len(lines) != len(ids):
        raise RecordError(_("Una delle linee non è più presente sul contratto."))
    return lines


def _open_billing(line: Line) -> DualBilling | None:
    return DualBilling.objects.select_for_update().filter(line=line, state__in=OPEN_STATES).first()


@transaction.atomic
def lines_dual_billing_enabled_set(*, contract: Contract, changes: list[dict]) -> int:
    """Abilitazione SIM al servizio (F-7.4.5): ``changes`` = [{"line_id", "enabled"}].

    "Si" lets the line's employee activate TIM TUO; blocking ("No") is allowed only on a
    subscription line whose TIM TUO has been ceased first (F-7.4.7).
    """
    wanted = {int(c["line_id"]): bool(c["enabled"]) for c in changes}
    changed = 0
    for line in _dual_lines(contract=contract, line_ids=wanted):
        enabled = wanted[line.pk]
        if line.state == LineState.CEASED:
            raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
        if not enabled:
            if line.tariff_plan.category not in SUBSCRIPTION_CATEGORIES:
                raise RecordError(
                    _("Il blocco al servizio TIM TUO è consentito solo sulle linee in abbonamento.")
                )
            if _open_billing(line) is not None:
                raise RecordError(
                    _(
                        "Sulla linea %(msisdn)s il servizio TIM TUO è attivo: va cessato prima "
                        "di bloccare la linea al servizio."
                    )
                    % {"msisdn": line.msisdn}
                )
        if line.dual_billing_enabled != enabled:
            line.dual_billing_enabled = enabled
            line.save(update_fields=["dual_billing_enabled"])
            changed += 1
    return changed


@transaction.atomic
def dual_billing_company_option_set(
    *,
    contract: Contract,
    line_ids: Iterable[int],
    name: str,
    active: bool,
    on: datetime.date | None = None,
) -> int:
    """Attivazione / Cessazione opzioni TIM TUO (F-7.4.6, F-7.4.8): a company option on lines
    whose TIM TUO is live; an option already in the wanted state is left as it is."""
    if name not in DualBillingOption.COMPANY_OPTIONS:
        raise RecordError(_("Opzione TIM TUO sconosciuta: %(name)s.") % {"name": name})
    day = _today(on)
    live = [DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE]
    n = 0
    for line in _dual_lines(contract=contract, line_ids=line_ids):
        current = DualBillingOption.objects.select_for_update().filter(
            line=line, scope=DualBillingOption.Scope.COMPANY, name=name, state__in=live
        )
        if active:
            if _open_billing(line) is None:
                raise RecordError(
                    _("Sulla linea %(msisdn)s il servizio TIM TUO non è attivo.")
                    % {"msisdn": line.msisdn}
                )
            if not current.exists():
                DualBillingOption.objects.create(
                    line=line,
                    scope=DualBillingOption.Scope.COMPANY,
                    family=DualBillingOption.Family.COMPANY,
                    code=DualBillingOption.COMPANY_OPTIONS[name],
                    name=name,
                    state=DualBillingOption.State.ACTIVE,
                    activation_date=day,
                )
                n += 1
        else:
            n += current.update(state=DualBillingOption.State.CEASED, cessation_date=day)
    return n


@transaction.atomic
def dual_billing_cease(
    *, contract: Contract, line_id: int, on: datetime.date | None = None
) -> DualBilling:
    """Cessazione TIM TUO (F-7.4.7, G-32): the personal account closes (CESSATO with its
    date; the billing engine has issued the final invoice before) and the personal options
    and packages of the line end. The remaining personal credit is the back-end's."""
    (line,) = _dual_lines(contract=contract, line_ids=[line_id])
    billing = _open_billing(line)
    if billing is None:
        raise RecordError(
            _("Sulla linea %(msisdn)s il servizio TIM TUO non è attivo.") % {"msisdn": line.msisdn}
        )
    day = _today(on)
    billing.state = DualBillingState.CEASED
    billing.cessation_date = day
    billing.save(update_fields=["state", "cessation_date", "updated_at"])
    DualBillingOption.objects.filter(
        line=line,
        scope=DualBillingOption.Scope.PERSONAL,
        state__in=[
            DualBillingOption.State.PENDING,
            DualBillingOption.State.ACTIVE,
            DualBillingOption.State.CEASING,
        ],
    ).update(state=DualBillingOption.State.CEASED, cessation_date=day)
    return billing


def _iban_mask(iban: str) -> str:
    """ "IT60************3456": the country, the check digits and the last four only."""
    iban = iban.replace(" ", "").upper()
    return f"{iban[:4]}{'*' * (len(iban) - 8)}{iban[-4:]}"


def _next_personal_code() -> str:
    last = (
        DualBilling.objects.filter(code__startswith=PERSONAL_CODE_PREFIX)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    return str(int(last) + 1) if last else f"{PERSONAL_CODE_PREFIX}00000001"


PAYMENT_FIELDS = frozenset(
    {
        "payment_method",
        "iban",
        "account_holder",
        "account_holder_fiscal_code",
        "signatory",
        "card_holder",
        "card_brand",
        "card_expiry",
        "card_masked",
        "psp_token",
    }
)
HOLDER_FIELDS = frozenset({"holder_first_name", "holder_last_name", "holder_fiscal_code"})


def _address_make(address: dict) -> Address:
    row = Address(
        toponym=address["toponym"],
        street=address["street"],
        number=address.get("number", ""),
        hamlet=address.get("hamlet", ""),
        province=address["province"],
        city=address["city"],
        cap=address["cap"],
    )
    try:
        row.full_clean()
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    row.save()
    return row


def _payment_apply(billing: DualBilling, payment: dict) -> None:
    """The payment data of the account, masked: a full IBAN or card number is never kept."""
    unknown = set(payment) - PAYMENT_FIELDS
    if unknown:
        raise TypeError(f"not payment fields: {sorted(unknown)}")
    method = payment.get("payment_method", billing.payment_method)
    if method not in DualBilling.PaymentMethod.values:
        raise RecordError(_("Modalità di pagamento non valida."))
    billing.payment_method = method
    if method == DualBilling.PaymentMethod.POSTAL:
        billing.direct_debit_state = DualBilling.DirectDebitState.NONE
    else:
        billing.direct_debit_state = DualBilling.DirectDebitState.ACTIVE
    if method != DualBilling.PaymentMethod.BANK:
        billing.iban_masked = billing.account_holder = billing.account_holder_fiscal_code = ""
        billing.signatory = ""
    if method != DualBilling.PaymentMethod.CARD:
        billing.card_holder = billing.card_brand = billing.card_expiry = ""
        billing.card_masked = billing.psp_token = ""
    if payment.get("iban"):
        billing.iban_masked = _iban_mask(payment["iban"])
    for name in PAYMENT_FIELDS - {"payment_method", "iban"}:
        if name in payment:
            setattr(billing, name, payment[name])


def _billing_validate_save(billing: DualBilling) -> DualBilling:
    try:
        billing.full_clean(exclude=["line", "invoice_address"], validate_constraints=False)
    except ValidationError as exc:
        raise RecordError("; ".join(exc.messages)) from exc
    billing.save()
    return billing


@transaction.atomic
def dual_billing_subscription_activate(
    *,
    contract: Contract,
    line_id: int,
    employee: dict,
    address: dict,
    payment: dict,
    invoice_email: str = "",
    sms_number: str = "",
    same_administration: bool = True,
    on: datetime.date | None = None,
) -> DualBilling:
    """Attivazione TIM TUO in abbonamento (F-9.2.1.1.1): the personal billing account with
    its code (8882…), ATTIVO from today, in the employee's name at the invoice address.

    ``employee``: fiscal_code, first_name, last_name (the holder of the invoice). A TIM TUO
    still open on the line from the Convention 6/7 portal is kept only for the same Ente
    (G-39): ``same_administration=False`` ceases it before the new account opens.
    """
    (line,) = _dual_lines(contract=contract, line_ids=[line_id])
    if line.tariff_plan.category not in SUBSCRIPTION_CATEGORIES:
        raise RecordError(_("TIM TUO in abbonamento si attiva solo su una linea in abbonamento."))
    if not line.dual_billing_enabled:
        raise RecordError(
            _("La linea %(msisdn)s non è abilitata al servizio TIM TUO.") % {"msisdn": line.msisdn}
        )
    day = _today(on)
    current = _open_billing(line)
    if current is not None:
        if same_administration:
            raise RecordError(
                _("Sulla linea %(msisdn)s il servizio TIM TUO è già attivo.")
                % {"msisdn": line.msisdn}
            )
        dual_billing_cease(contract=contract, line_id=line.pk, on=day)
    billing = DualBilling(
        line=line,
        kind=DualBilling.Kind.SUBSCRIPTION,
        code=_next_personal_code(),
        state=DualBillingState.ACTIVE,
        activation_date=day,
        employee_fiscal_code=employee["fiscal_code"],
        employee_first_name=employee["first_name"],
        employee_last_name=employee["last_name"],
        holder_fiscal_code=employee["fiscal_code"],
        holder_first_name=employee["first_name"],
        holder_last_name=employee["last_name"],
        invoice_address=_address_make(address),
        invoice_email=invoice_email,
        sms_notification_number=sms_number,
    )
    _payment_apply(billing, payment)
    return _billing_validate_save(billing)


def _subscription_billing(*, contract: Contract, line_id: int) -> DualBilling:
    (line,) = _dual_lines(contract=contract, line_ids=[line_id])
    billing = _open_billing(line)
    if billing is None or billing.kind != DualBilling.Kind.SUBSCRIPTION:
        raise RecordError(
            _("Sulla linea %(msisdn)s il servizio TIM TUO in abbonamento non è attivo.")
            % {"msisdn": line.msisdn}
        )
    return billing


@transaction.atomic
def dual_billing_data_set(
    *, contract: Contract, line_id: int, holder: dict, address: dict
) -> DualBilling:
    """Modifica dati di fatturazione (F-9.2.1.1.2): the holder and the invoice address."""
    unknown = set(holder) - HOLDER_FIELDS
    if unknown:
        raise TypeError(f"not holder fields: {sorted(unknown)}")
    billing = _subscription_billing(contract=contract, line_id=line_id)
    for name, value in holder.items():
        setattr(billing, name, value)
    billing.invoice_address = _address_make(address)  # the old row stays with old invoices
    return _billing_validate_save(billing)


@transaction.atomic
def dual_billing_payment_set(*, contract: Contract, line_id: int, payment: dict) -> DualBilling:
    """Modifica modalità di pagamento / IBAN (F-9.2.1.1.2)."""
    billing = _subscription_billing(contract=contract, line_id=line_id)
    _payment_apply(billing, payment)
    return _billing_validate_save(billing)


# --- The employee's prepaid line: personal recharges and TIM TUO options (F-9.1.2, F-9.2.1.3)

ROAMING_FAMILIES = {
    DualBillingOption.Family.ROAMING_PACK,
    DualBillingOption.Family.ROAMING_PACK_EXCL,
    DualBillingOption.Family.ROAMING_DATA,
    DualBillingOption.Family.ROAMING_DATA_EXCL,
}
_LIVE_OPTION = [DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE]


def _locked_prepaid_line(line_id: int) -> Line:
    line = Line.objects.select_for_update().select_related("tariff_plan").filter(pk=line_id).first()
    if line is None:
        raise RecordError(_("La linea non esiste."))
    if not line.tariff_plan.is_prepaid:
        raise RecordError(_("La linea %(msisdn)s non è ricaricabile.") % {"msisdn": line.msisdn})
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
    return line


@transaction.atomic
def line_personal_recharge(
    *, line_id: int, amount: Decimal, channel: str, reference: str = "", now=None
) -> PersonalRecharge:
    """A personal recharge (paid by the employee): the personal credit grows by ``amount``,
    the company credit never changes. One recharge per ``reference`` (the payment's order):
    a replay returns the recharge already made."""
    amount = Decimal(amount)
    if amount <= 0:
        raise RecordError(_("L'importo della ricarica deve essere positivo."))
    if channel not in PersonalRecharge.Channel.values:
        raise RecordError(f"unknown recharge channel {channel}")
    line = _locked_prepaid_line(line_id)
    if reference:
        done = PersonalRecharge.objects.filter(reference=reference).first()
        if done is not None:
            return done
    line.personal_credit += amount
    line.save(update_fields=["personal_credit"])
    return PersonalRecharge.objects.create(
        line=line,
        amount=amount,
        channel=channel,
        recharged_at=now or timezone.now(),
        reference=reference,
    )


@transaction.atomic
def personal_option_activate(
    *, line_id: int, family: str, code: str, name: str, price: Decimal, on=None
) -> DualBillingOption:
    """Activate (or replace, G-43) the personal option of a family on a TIM TUO prepaid line,
    charged to the personal credit: the family's live option ends, the new one is active.

    The back-end refuses it when the charge fails (credit below the price), a roaming
    family without the company option "TIM Tuo Roaming on Extra UE", or a second
    "Plafond dati aggiuntivo" in the same calendar month.
    """
    on = on or timezone.localdate()
    price = Decimal(price)
    line = _locked_prepaid_line(line_id)
    if family not in DualBillingOption.Family.values or family == DualBillingOption.Family.COMPANY:
        raise RecordError(f"not a personal option family: {family}")
    if not DualBilling.objects.filter(
        line=line, kind=DualBilling.Kind.PREPAID, state="ATTIVO"
    ).exists():
        raise RecordError(
            _("Sulla linea %(msisdn)s TIM TUO non è attivo.") % {"msisdn": line.msisdn}
        )
    if family in ROAMING_FAMILIES and not selectors.line_has_company_roaming(line=line):
        raise RecordError(_("Manca l'opzione aziendale TIM TUO ROAMING ON EXTRA UE."))
    if (
        family == DualBillingOption.Family.EXTRA_DATA
        and DualBillingOption.objects.filter(
            line=line, family=family, activation_date__gte=on.replace(day=1)
        ).exists()
    ):
        raise RecordError(_("Nel mese è già stato attivato un Plafond dati aggiuntivo."))
    if line.personal_credit < price:
        raise RecordError(
            _("Addebito non riuscito: il credito personale (%(credit)s €) è inferiore al prezzo.")
            % {"credit": line.personal_credit}
        )
    DualBillingOption.objects.filter(
        line=line, scope=DualBillingOption.Scope.PERSONAL, family=family, state__in=_LIVE_OPTION
    ).update(state=DualBillingOption.State.CEASED, cessation_date=on, locked_until=None)
    line.personal_credit -= price
    line.save(update_fields=["personal_credit"])
    return DualBillingOption.objects.create(
        line=line,
        scope=DualBillingOption.Scope.PERSONAL,
        family=family,
        code=code,
        name=name,
        price=price,
        state=DualBillingOption.State.ACTIVE,
        activation_date=on,
    )


@transaction.atomic
def personal_option_cease(*, line_id: int, family: str, on=None) -> int:
    """Deactivate the personal option of a family: it ends today (0 if none was live)."""
    line = _locked_prepaid_line(line_id)
    return DualBillingOption.objects.filter(
        line=line, scope=DualBillingOption.Scope.PERSONAL, family=family, state__in=_LIVE_OPTION
    ).update(
        state=DualBillingOption.State.CEASED,
        cessation_date=on or timezone.localdate(),
        locked_until=None,
    )


# --- Threshold consumption (kept by rating; see records/thresholds.py) -------------------------


# What each kind of threshold counts (Q over TrafficEvent), for the engine's own queries.
THRESHOLD_PAID = threshold_consumption.PAID
THRESHOLD_TRAFFIC = threshold_consumption.KIND_TRAFFIC


def threshold_period_consumption(
    *, kind: str, period: str, start: datetime.date, line_ids, since: datetime.date | None = None
) -> dict[int, Decimal]:
    """line id → the period's pay-per-use charges that kind counts, from the events (read
    only: checks, the bench, a retried erosion)."""
    return threshold_consumption.consumption_from_events(
        kind=kind, period=period, start=start, line_ids=line_ids, since=since
    )


def thresholds_consumption_add(*, events: list[TrafficEvent]) -> dict[str, set[int]]:
    """Count just-rated pay-per-use events in their lines' live thresholds (``consumption``),
    and give the lines that made extra-UE data traffic without the G-33 roaming threshold
    their default one. Called by the rating engine only, in the transaction that rates the
    events, with the events' lines locked. Returns kind → the lines whose threshold of that
    kind moved (what the threshold engine must erode)."""
    moved, orphans = threshold_consumption.add_events(events)
    missing = orphans.get(Threshold.Kind.ROAMING_DATA)
    if missing and roaming_thresholds_provision(line_ids=missing):
        moved.setdefault(Threshold.Kind.ROAMING_DATA, set()).update(missing)
    return moved


@transaction.atomic
def thresholds_consumption_rebuild(*, line_ids: Iterable[int] | None = None) -> int:
    """Recompute the live thresholds' ``consumption`` from the rated events (data loaded without
    rating: the demo seed, a copied database; or a repair). The lines are locked first, so
    a rater running meanwhile waits. Returns how many thresholds changed."""
    lines = Line.objects.select_for_update(of=("self",)).order_by("pk")
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    else:
        live = Threshold.objects.filter(state__in=LIVE_THRESHOLD_STATES)
        lines = lines.filter(pk__in=live.values("line_id"))
    locked = list(lines.values_list("pk", flat=True))
    qs = Threshold.objects.filter(line_id__in=locked, state__in=LIVE_THRESHOLD_STATES)
    return threshold_consumption.rebuild(thresholds=qs.select_for_update(of=("self",)))


def thresholds_consumption_verify() -> list[tuple[int, Decimal, Decimal]]:
    """(threshold pk, stored, recomputed) of every live threshold whose ``consumption`` is not
    the sum of its period's events; empty when exact (tests, bench, a check in production)."""
    return threshold_consumption.verify()


# --- Usage aggregates (TEM, G-56; see models/aggregates.py) -----------------------------------


def usage_aggregates_add(
    *, events: list[TrafficEvent], lines: dict[int, Line] | None = None
) -> int:
    """Add just-rated events to the usage aggregates. Called by the rating engine only, in
    the transaction that rates them, with the events' lines locked (``lines``: id → the
    locked line, to read their contract and cost centre without a query)."""
    return aggregates.add_events(events, lines)


@transaction.atomic
def usage_aggregates_rebuild() -> tuple[int, int]:
    """Recompute every usage aggregate from the rated events; (line rows, contract rows)."""
    return aggregates.rebuild()
