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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Address, Contract, Referent


class RecordError(Exception):
    """The records do not allow the requested change."""


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
