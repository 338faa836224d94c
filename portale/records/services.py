"""Writes to the systems of record that keep their invariants (lines ↔ SIMs ↔ services).

Only fulfilment, rating and the back office call these: the portal never edits the records
for a customer request (DESIGN §1). Every function is keyword-only and atomic; it raises
``RecordError`` (an Italian message) when the records do not allow the change.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import (
    Bundle,
    DualBilling,
    DualBillingState,
    Line,
    LineService,
    LineState,
    NetworkCategory,
    RifProfile,
    ServiceState,
    Sim,
    Threshold,
)
from .models.dual_billing import OPEN_STATES as OPEN_DUAL_BILLING_STATES


class RecordError(Exception):
    """The records do not allow the requested change."""


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _locked_line(line: Line) -> Line:
    return Line.objects.select_for_update().select_related("tariff_plan").get(pk=line.pk)


@transaction.atomic
def line_set_state(*, line: Line, state: str, on: datetime.date | None = None) -> Line:
    """Move a line to ``state`` and bring its SIMs, STS and TIM TUO along.

    SOSPESO blocks the live SIMs, ATTIVO unblocks them, CESSATO ceases the line with its
    SIMs, services and TIM TUO at ``on`` (default today). A ceased line stays ceased.
    """
    if state not in LineState.values:
        raise RecordError(f"Stato linea non valido: {state}")
    line = _locked_line(line)
    if line.state == LineState.CEASED and state != LineState.CEASED:
        raise RecordError("La linea è cessata.")
    day = _today(on)
    sims = Sim.objects.filter(line=line)
    if state == LineState.SUSPENDED:
        sims.filter(state=Sim.State.ACTIVE).update(state=Sim.State.BLOCKED)
    elif state in (LineState.ACTIVE, LineState.FROZEN):
        sims.filter(state=Sim.State.BLOCKED).update(state=Sim.State.ACTIVE)
    elif state == LineState.CEASED and line.state != LineState.CEASED:
        day = max(day, line.activation_date)
        line.cessation_date = day
        sims.exclude(state=Sim.State.CEASED).update(state=Sim.State.CEASED)
        LineService.objects.filter(line=line).exclude(state=ServiceState.CEASED).update(
            state=ServiceState.CEASED, cessation_date=day
        )
        Threshold.objects.filter(line=line).exclude(state=Threshold.State.CEASED).update(
            state=Threshold.State.CEASED, cessation_date=day
        )
        DualBilling.objects.filter(line=line, state__in=OPEN_DUAL_BILLING_STATES).update(
            state=DualBillingState.CEASED, cessation_date=day
        )
    line.state = state
    line.save(update_fields=["state", "cessation_date"])
    return line


@transaction.atomic
def sim_replace(
    *, line: Line, new_iccid: str, on: datetime.date | None = None, imei: str = ""
) -> Sim:
    """Cambio carta SIM: the current main SIM is ceased, ``new_iccid`` becomes the main one.

    A hot-stock SIM of the same contract with that ICCID is used when there is one;
    otherwise the SIM is created (the ICCID must be 19 digits and unused).
    """
    line = _locked_line(line)
    if line.state == LineState.CEASED:
        raise RecordError("La linea è cessata.")
    if not (len(new_iccid) == 19 and new_iccid.isdigit()):
        raise RecordError("L'ICCID è di 19 cifre.")
    day = _today(on)
    existing = Sim.objects.select_for_update().filter(iccid=new_iccid).first()
    if existing is not None and (
        existing.line_id is not None
        or existing.state != Sim.State.STOCK
        or existing.contract_id != line.contract_id
    ):
        raise RecordError("La nuova SIM non è disponibile per questa linea.")
    old = Sim.objects.filter(line=line, role=Sim.Role.MAIN).exclude(state=Sim.State.CEASED)
    old_kind = old.values_list("kind", flat=True).first()
    old.update(state=Sim.State.CEASED)
    new_state = Sim.State.BLOCKED if line.state == LineState.SUSPENDED else Sim.State.ACTIVE
    sim = existing or Sim(iccid=new_iccid, contract_id=line.contract_id)
    sim.line = line
    sim.role = Sim.Role.MAIN
    sim.kind = old_kind or sim.kind
    sim.state = new_state
    sim.activation_date = day
    sim.imei = imei
    sim.save()
    return sim


@transaction.atomic
def line_set_blocked_categories(*, line: Line, codes: Iterable[str]) -> set[str]:
    """Gestione servizi di Rete: exactly ``codes`` are blocked afterwards."""
    wanted = set(codes)
    categories = list(NetworkCategory.objects.filter(code__in=wanted))
    unknown = wanted - {c.code for c in categories}
    if unknown:
        raise RecordError(f"Direttrici sconosciute: {', '.join(sorted(unknown))}")
    _locked_line(line).blocked_categories.set(categories)
    return wanted


@transaction.atomic
def line_set_rif_profile(*, line: Line, code: str) -> Line:
    profile = RifProfile.objects.filter(code=code).first()
    if profile is None:
        raise RecordError(f"Profilo RIF sconosciuto: {code}")
    line = _locked_line(line)
    line.rif_profile = profile
    line.save(update_fields=["rif_profile"])
    return line


@transaction.atomic
def line_set_bundle_flags(
    *,
    line: Line,
    extra_bundle: bool | None = None,
    over_bundle_national: bool | None = None,
    over_bundle_extra_eu: bool | None = None,
) -> Line:
    """Abilitazione over/extra bundle: None leaves a flag as it is."""
    line = _locked_line(line)
    changes = {
        "extra_bundle": extra_bundle,
        "over_bundle_national": over_bundle_national,
        "over_bundle_extra_eu": over_bundle_extra_eu,
    }
    fields = [name for name, value in changes.items() if value is not None]
    for name in fields:
        setattr(line, name, changes[name])
    if fields:
        line.save(update_fields=fields)
    return line


@transaction.atomic
def line_service_activate(
    *,
    line: Line,
    description: str,
    on: datetime.date | None = None,
    kind: str = LineService.Kind.GENERIC,
    apn: str = "",
    parameters: dict | None = None,
    monthly_fee: Decimal = Decimal(0),
    pct_employee: Decimal = Decimal(0),
) -> LineService:
    line = _locked_line(line)
    if line.state == LineState.CEASED:
        raise RecordError("La linea è cessata.")
    return LineService.objects.create(
        line=line,
        kind=kind,
        description=description,
        apn=apn,
        parameters=parameters or {},
        activation_date=_today(on),
        monthly_fee=monthly_fee,
        pct_employee=pct_employee,
        pct_charged_to_entity=Decimal(100) - pct_employee,
    )


@transaction.atomic
def line_service_cease(*, service: LineService, on: datetime.date | None = None) -> LineService:
    service = LineService.objects.select_for_update().get(pk=service.pk)
    if service.state != ServiceState.CEASED:
        service.state = ServiceState.CEASED
        service.cessation_date = max(_today(on), service.activation_date)
        service.save(update_fields=["state", "cessation_date"])
    return service


@transaction.atomic
def bundle_erode(*, bundle: Bundle, amount: Decimal) -> Decimal:
    """Erode a bundle by ``amount`` (its unit); returns the part that did not fit
    (to be rated as over-bundle traffic)."""
    if amount < 0:
        raise RecordError("Quantità negativa.")
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    used = min(bundle.remaining, amount)
    bundle.remaining -= used
    bundle.updated_at = timezone.now()
    bundle.save(update_fields=["remaining", "updated_at"])
    return amount - used


@transaction.atomic
def threshold_activate(
    *,
    line: Line,
    description: str,
    type: str,
    period: str,
    value: Decimal,
    on: datetime.date | None = None,
) -> Threshold:
    line = _locked_line(line)
    if line.state == LineState.CEASED:
        raise RecordError("La linea è cessata.")
    kind = Threshold.Kind.ROAMING_DATA if "EXTRA UE" in description else Threshold.Kind.SPENDING
    day = _today(on)
    if Threshold.objects.filter(
        line=line, description=description, state__in=["IN ATTIVAZIONE", "ATTIVO"]
    ).exists():
        raise RecordError("Soglia già attiva sulla linea.")
    return Threshold.objects.create(
        line=line,
        kind=kind,
        type=type,
        period=period,
        description=description,
        value=value,
        available=value,
        activation_date=day,
        period_start=day if period == Threshold.Period.DAILY else day.replace(day=1),
    )


@transaction.atomic
def threshold_change(
    *, threshold: Threshold, value: Decimal | None = None, period: str | None = None
) -> Threshold:
    """Variazione soglia: the consumption of the current period is kept."""
    threshold = Threshold.objects.select_for_update().get(pk=threshold.pk)
    if threshold.state == Threshold.State.CEASED:
        raise RecordError("La soglia è cessata.")
    if value is not None:
        consumed = threshold.consumed
        threshold.value = value
        threshold.available = max(Decimal(0), value - consumed)
    if period is not None:
        if threshold.kind == Threshold.Kind.ROAMING_DATA and period != threshold.period:
            raise RecordError("Il periodo della soglia dati roaming Extra UE non è modificabile.")
        threshold.period = period
    threshold.save()
    return threshold


@transaction.atomic
def threshold_cease(*, threshold: Threshold, on: datetime.date | None = None) -> Threshold:
    threshold = Threshold.objects.select_for_update().get(pk=threshold.pk)
    if threshold.state != Threshold.State.CEASED:
        threshold.state = Threshold.State.CEASED
        threshold.cessation_date = max(_today(on), threshold.activation_date)
        threshold.save(update_fields=["state", "cessation_date"])
    return threshold


@transaction.atomic
def dual_billing_cease(*, billing: DualBilling, on: datetime.date | None = None) -> DualBilling:
    """Cessazione TIM TUO: the service and its live options are ceased (G-32)."""
    billing = DualBilling.objects.select_for_update().get(pk=billing.pk)
    if billing.state == DualBillingState.CEASED:
        return billing
    day = _today(on)
    if billing.activation_date:
        day = max(day, billing.activation_date)
    billing.state = DualBillingState.CEASED
    billing.cessation_date = day
    billing.save(update_fields=["state", "cessation_date", "updated_at"])
    billing.line.dual_billing_options.exclude(state="CESSATO").update(
        state="CESSATO", cessation_date=day, locked_until=None
    )
    return billing


# --- Invoices: written by the billing engine only (billing.invoicing) ---------------------

from django.core.files.base import ContentFile  # noqa: E402

from .models import Invoice, PaymentState, PersonalInvoice  # noqa: E402


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
