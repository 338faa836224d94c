"""Reads of "Gestione SIM" (F-7.3.7, F-7.3.8, F-9.1.4): the lines and SIMs its pages list."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from portale.cases.selectors import open_cases
from portale.records import selectors as records
from portale.records.models import Contract, Line, LineState, ServiceState, Sim

# G-25: a CONGELATO line shows in the lists but takes no block/unblock nor SIM change.
SIM_CHANGE_LINE_STATES = (LineState.ACTIVE, LineState.SUSPENDED)
NEW_ICCID_PREFIX = "893901000"


BLOCK_OPERATIONS = ("sim_block", "sim_unblock")


def block_lines(*, contract: Contract) -> QuerySet[Line]:
    """Blocco/sblocco: the contract's lines with the ICCID of their principal SIM and
    whether a block/unblock pratica is open on them (no second request, F-7.3.7)."""
    main = (
        records.sims_of_line(line=OuterRef("pk"))
        .filter(role=Sim.Role.MAIN)
        .exclude(state=Sim.State.CEASED)
        .order_by("state")
    )
    pending = open_cases(contract=contract, operations=BLOCK_OPERATIONS).filter(line=OuterRef("pk"))
    return (
        records.lines_of_contract(contract=contract)
        .select_related("tariff_plan")
        .annotate(main_iccid=Subquery(main.values("iccid")[:1]), pending=Exists(pending))
    )


def block_line(*, contract: Contract, pk: int) -> Line | None:
    return block_lines(contract=contract).filter(pk=pk).first()


def changeable_sims(*, contract: Contract, line: Line | None = None) -> QuerySet[Sim]:
    """Cambio carta SIM: one row per live SIM on a line (One Number: principal and
    secondary rows of the same number), optionally of one line only (the employee's)."""
    qs = (
        records.sims_of_contract(contract=contract)
        .filter(line__isnull=False)
        .exclude(state=Sim.State.CEASED)
        .exclude(line__state=LineState.CEASED)
        .select_related("line__tariff_plan")
    )
    if line is not None:
        qs = qs.filter(line=line)
    return qs


def sim_for_change(*, contract: Contract, pk: int, line: Line | None = None) -> Sim | None:
    return changeable_sims(contract=contract, line=line).filter(pk=pk).first()


def new_iccid_in_open_request(*, contract: Contract, iccid: str) -> bool:
    """A hot-stock SIM already promised to another open "Cambio SIM" pratica."""
    cases = open_cases(contract=contract, operations=("sim_change", "employee_sim_change"))
    return cases.filter(payload__new_iccid=iccid).exists()


def lines_with_open_request(
    *, contract: Contract, operations: tuple[str, ...], line_ids: list[int]
) -> set[int]:
    """Of ``line_ids``, those in an order of an open pratica of these operations (G-10 for
    multi-line requests: one open request per line)."""
    from portale.cases.lifecycle import OPEN_STATES
    from portale.cases.models import OrderLine

    busy: set[int] = set()
    for start in range(0, len(line_ids), 5000):
        busy |= set(
            OrderLine.objects.filter(
                order__contract=contract,
                order__case__operation__in=operations,
                order__case__state__in=OPEN_STATES,
                line_id__in=line_ids[start : start + 5000],
            ).values_list("line_id", flat=True)
        )
    return busy


def bundle_lines(*, contract: Contract) -> QuerySet[Line]:
    """F-7.3.5: the live lines whose tariff type has over/extra bundle flags (G-23)."""
    from portale.records.services import BUNDLE_FLAGS_BY_CATEGORY

    categories = [c for c, flags in BUNDLE_FLAGS_BY_CATEGORY.items() if flags]
    return (
        records.lines_of_contract(contract=contract)
        .filter(tariff_plan__category__in=categories)
        .exclude(state=LineState.CEASED)
        .select_related("tariff_plan")
    )


def open_recharge_kind(*, contract: Contract, line: Line, kind: str) -> bool:
    """G-22: an open "Richiesta ricarica aziendale" of this kind on the line."""
    cases = open_cases(contract=contract, operations=("company_recharge",))
    return cases.filter(line=line, payload__tipo=kind).exists()


def recharge_lines(*, contract: Contract, service_kind: str = "") -> QuerySet[Line]:
    """F-7.3.4: the contract's live rechargeable lines; ``busy`` marks those that already
    have an active recharge service of ``service_kind`` (G-22)."""
    qs = (
        records.lines_of_contract(contract=contract)
        .filter(tariff_plan__category="RICARICABILE")
        .exclude(state=LineState.CEASED)
        .select_related("tariff_plan")
    )
    if service_kind:
        active = records.services_of_line(line=OuterRef("pk")).filter(
            kind=service_kind, state__in=[ServiceState.ACTIVE, ServiceState.PENDING]
        )
        qs = qs.annotate(busy=Exists(active))
    return qs


def recharge_mode_lines(*, contract: Contract) -> QuerySet[Line]:
    """F-7.3.3: the contract's live rechargeable lines with an automatic-recharge mode."""
    return (
        records.lines_of_contract(contract=contract)
        .filter(
            tariff_plan__category="RICARICABILE",
            auto_recharge__in=["CONFERMA", "RINUNCIA"],
        )
        .exclude(state=LineState.CEASED)
        .select_related("tariff_plan")
    )


def network_lines(*, contract: Contract) -> QuerySet[Line]:
    """F-7.3.9: the contract's live subscription lines, with their blocked direttrici."""
    return (
        records.lines_of_contract(contract=contract)
        .exclude(tariff_plan__category="RICARICABILE")
        .exclude(state=LineState.CEASED)
        .select_related("tariff_plan")
        .prefetch_related("blocked_categories")
    )


def rif_lines(*, contract: Contract) -> QuerySet[Line]:
    """F-7.3.10: the contract's live lines with their RIF profile."""
    return (
        records.lines_of_contract(contract=contract)
        .exclude(state=LineState.CEASED)
        .select_related("tariff_plan", "rif_profile")
    )


def iccids_in_open_activation(*, contract: Contract) -> set[str]:
    """The SIMs an open "Attivazione differita SIM" pratica already asks to activate."""
    iccids: set[str] = set()
    cases = open_cases(contract=contract, operations=("deferred_activation",))
    for payload in cases.values_list("payload", flat=True):
        iccids |= {item["iccid"] for item in (payload or {}).get("sims", [])}
    return iccids


def hot_stock(*, contract: Contract) -> QuerySet[Sim]:
    """F-7.3.11: the contract's SIMs in stock, with the number each arrived with."""
    return records.stock_sims_of_contract(contract=contract)
