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
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Address,
    Contract,
    DualBilling,
    Invoice,
    PaymentState,
    PersonalInvoice,
    Referent,
)


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
