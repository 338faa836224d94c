"""Effects of the §7.1 operations on the systems of record (applied by fulfilment only).

An effect gets the pratica (locked, inside the transaction that closes it) and writes the
records; it raises if the records no longer allow the change, and the pratica is retried and
then left to the back office.
"""

from __future__ import annotations

from portale.records.models import Address, Contract, Referent


def _referent(case) -> Referent:
    return Referent.objects.select_for_update().get(
        pk=case.payload["referent_id"], contract=case.contract
    )


def referent_replace(case) -> None:
    p = case.payload
    ref = _referent(case)
    ref.first_name = p["first_name"]
    ref.last_name = p["last_name"]
    ref.fiscal_code = p["fiscal_code"]
    ref.mobile = p["mobile"]
    ref.email = p["email"]
    ref.full_clean(validate_unique=False)
    ref.save()


def referent_contacts(case) -> None:
    p = case.payload
    ref = _referent(case)
    ref.mobile = p["mobile"]
    ref.email = p["email"]
    ref.full_clean(validate_unique=False)
    ref.save()


ADDRESS_FIELDS = (
    "toponym",
    "street",
    "number",
    "hamlet",
    "province",
    "city",
    "cap",
    "attention_of",
)


def _set_address(case, field: str) -> None:
    contract = Contract.objects.select_for_update().get(pk=case.contract_id)
    address = Address.objects.create(**{k: case.payload.get(k, "") for k in ADDRESS_FIELDS})
    setattr(contract, field, address)
    contract.save(update_fields=[field, "data_updated_at"])


def invoice_address(case) -> None:
    _set_address(case, "invoice_address")


def docs_address(case) -> None:
    _set_address(case, "docs_address")
