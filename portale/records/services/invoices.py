"""Invoices: written by the billing engine only (billing.invoicing)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from ..models import (
    DualBilling,
    Invoice,
    PaymentState,
    PersonalInvoice,
)
from ._common import RecordError, _today

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
