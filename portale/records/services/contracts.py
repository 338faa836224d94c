"""Contract data: referents, addresses and cost centres."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import aggregates
from ..models import (
    Address,
    Contract,
    CostCentre,
    Line,
    Referent,
)
from ._common import RecordError

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
