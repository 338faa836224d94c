"""The invoicing engine: issues invoices from rated traffic and fees, company (per
contract) and personal (TIM TUO). Only the nightly job (``billing.tasks``) and the
``generate_invoices`` command run it; the pages read through ``billing.selectors``.

``invoices_generate(today=...)`` is the periodic job's body: for every contract and every
closed bimester of the last 12 months whose emission date has come and that has no invoice
yet, it issues the invoice ("7X" + 8 digits, "Scoperta") with its PDF; the same for the
personal invoices of subscription TIM TUO ("8T" + 8 digits). It is idempotent: one invoice
per contract (or TIM TUO) and bimester, guarded by the records' unique constraints.

Charges of a company invoice (bimester = two months):

* the tariff plan's monthly fee of every line active in the period, × 2;
* the company share (``% a carico Ente``) of each active STS fee, × 2;
* the company traffic of the period: the rated ``net_amount`` (over-bundle) of events
  charged "Aziendale" on the contract's lines, by line and category;
* VAT 22% on the total.

Late traffic: an invoice charges the events rated before it was issued; an event rated
after its bimester's invoice (a late CDR) goes into the next invoice, on its own row
("…, periodi precedenti"). The cutoff of each issued invoice is kept in
``billing.models.TrafficCutoff``. Company and personal invoices are issued, numbered and
rendered by the same code (``_issue``), parameterised by an ``InvoiceKind``.

An issued invoice never changes: its charges are stored with it (``TrafficCutoff.charges``)
and its PDF is rendered from them when it is issued (``billing.documents``); a lost file is
rendered again from the same stored charges.

A personal invoice charges the employee's share of the STS fees, the active personal
TIM TUO options and the "Personale" traffic of the line, plus VAT.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, Sum, Value, When
from django.utils import timezone

from portale.records import services as records
from portale.records.models import (
    Contract,
    DualBilling,
    DualBillingOption,
    Invoice,
    Line,
    LineService,
    PaymentState,
    PersonalInvoice,
    TrafficEvent,
)

from . import bimesters as bim
from . import fatturapa, sdi
from .charges import (
    Charges,
    LineCharges,
    RatedWindow,
    line_row_totals,
    money,
    rated_scope,
    summary_of,
)
from .documents import invoice_pdf_render, stored_bytes
from .models import CreditNote, EInvoice, InvoiceLineCharges, TrafficCutoff
from .selectors import invoice_document_charges

CATEGORY_LABELS = {
    "VOCE": "Traffico voce",
    "SMS_MMS": "Traffico SMS/MMS",
    "DATI": "Traffico dati",
    "SERVIZI_INTERATTIVI": "Servizi interattivi",
    "EVENTI": "Eventi",
    "GENERICO": "Traffico generico",
}
LATE_LABEL = "periodi precedenti"  # late events carried from an earlier bimester
ALL_RATED = RatedWindow()  # every rated event of the period, none carried


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end, datetime.time(), tz),
    )


def _active_in(qs, start, end):
    return qs.filter(activation_date__lt=end).filter(
        Q(cessation_date__isnull=True) | Q(cessation_date__gte=start)
    )


def _traffic_by_line(owner: Q, start, end, charging, window: RatedWindow) -> dict[int, list[dict]]:
    """The rated traffic of the lines selected by ``owner`` (a ``Q`` over the events: the
    contract's lines, or one line), summed by line and category in one GROUP BY."""
    lo, hi = _bounds(start, end)
    qs = TrafficEvent.objects.filter(rated_scope(lo, hi, window), owner, charging=charging)
    out: dict[int, list[dict]] = defaultdict(list)
    rows = (
        qs.annotate(late=Case(When(occurred_at__lt=lo, then=Value(True)), default=Value(False)))
        .values_list("line_id", "category", "late")
        .annotate(events=Count("pk"), amount=Sum("net_amount"))
        .order_by("line_id", "late", "category")
    )
    for line_id, category, late, events, amount in rows.iterator(chunk_size=20_000):
        label = CATEGORY_LABELS.get(category, category)
        out[line_id].append(
            {
                "category": category,
                "label": f"{label}, {LATE_LABEL}" if late else label,
                "late": late,
                "events": events,
                "amount": money(amount),
            }
        )
    return out


def company_charges(contract: Contract, b: int, y: int, window: RatedWindow = ALL_RATED) -> Charges:
    """Read in three set queries whatever the contract's size (lines with their plan,
    services, traffic by line and category): a 100,000-line contract costs seconds."""
    start, end = bim.period(b, y)
    lines = (
        _active_in(Line.objects.filter(contract=contract), start, end)
        .order_by("msisdn")
        .values_list("pk", "msisdn", "tariff_plan__name", "tariff_plan__monthly_fee")
    )
    # Plain tuples, not model instances: a 100,000-line contract has over 100,000 services.
    services = defaultdict(list)
    active_services = _active_in(LineService.objects.filter(line__contract=contract), start, end)
    for line_id, desc, kind, apn, fee, pct in active_services.order_by("description").values_list(
        "line_id", "description", "kind", "apn", "monthly_fee", "pct_charged_to_entity"
    ):
        # LineService.display_description (G-13: a "Filtro APN" shows its APN)
        label = f"{desc} – {apn}" if kind == LineService.Kind.APN_FILTER and apn else desc
        services[line_id].append((label, fee, pct))
    traffic = _traffic_by_line(
        Q(line__contract=contract), start, end, TrafficEvent.Charging.COMPANY, window
    )
    out = []
    for pk, msisdn, plan, plan_fee in lines.iterator(chunk_size=20_000):
        lc = LineCharges(msisdn)
        if plan_fee:
            lc.fees.append((f"Canone {plan} (2 mesi)", money(plan_fee * 2)))
        for label, fee, pct in services.get(pk, ()):
            share = money(fee * 2 * pct / 100)
            if share:
                lc.fees.append((f"{label} (2 mesi)", share))
        lc.traffic = traffic.get(pk, [])
        out.append(lc)
    return Charges(bim.label(b, y), start, end, out)


def personal_charges(
    billing: DualBilling, b: int, y: int, window: RatedWindow = ALL_RATED
) -> Charges:
    start, end = bim.period(b, y)
    line = billing.line
    lc = LineCharges(line.msisdn)
    for s in _active_in(LineService.objects.filter(line=line), start, end).order_by("description"):
        share = money(s.monthly_fee * 2 * s.pct_employee / 100)
        if share:
            lc.fees.append((f"{s.display_description} (quota dipendente, 2 mesi)", share))
    options = _active_in(
        DualBillingOption.objects.filter(line=line, scope=DualBillingOption.Scope.PERSONAL),
        start,
        end,
    ).exclude(state=DualBillingOption.State.PENDING)
    for o in options.order_by("family"):
        if o.price:
            lc.fees.append((f"{o.name} (2 mesi)", money(o.price * 2)))
    lc.traffic = _traffic_by_line(
        Q(line=line), start, end, TrafficEvent.Charging.PERSONAL, window
    ).get(line.pk, [])
    return Charges(bim.label(b, y), start, end, [lc])


# --- numbering and PDFs ------------------------------------------------------------------


def _next_number(model, prefix: str, floor: int) -> str:
    last = (
        model.objects.filter(number__regex=rf"^{prefix}[0-9]{{8}}$")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last else floor
    return f"{prefix}{n:08d}"


@dataclass(frozen=True)
class InvoiceKind:
    """What differs between a company and a personal invoice; everything else is shared."""

    model: type
    owner: str  # the invoice's FK: "contract" / "dual_billing"
    prefix: str
    first_number: int
    cutoff: str  # TrafficCutoff's FK to the invoice
    charges: Callable[..., Charges]
    create: Callable[..., Invoice | PersonalInvoice]  # the records' write
    electronic: bool  # a FatturaPA file sent to the SdI (company invoices only)


def _create_company(owner, charges: Charges, b: int, y: int, **fields) -> Invoice:
    return records.invoice_create(
        contract=owner, amount=charges.total, ebill_id=f"EB{owner.code}{b}{y}", **fields
    )


def _create_personal(owner, charges: Charges, b: int, y: int, **fields) -> PersonalInvoice:
    return records.personal_invoice_create(billing=owner, total=charges.total, **fields)


COMPANY = InvoiceKind(
    model=Invoice,
    owner="contract",
    prefix="7X",
    first_number=311,
    cutoff="invoice",
    charges=company_charges,
    create=_create_company,
    electronic=True,
)
PERSONAL = InvoiceKind(
    model=PersonalInvoice,
    owner="dual_billing",
    prefix="8T",
    first_number=101,
    cutoff="personal_invoice",
    charges=personal_charges,
    create=_create_personal,
    electronic=False,
)


def _cutoff(kind: InvoiceKind, owner, bimester: str) -> datetime.datetime | None:
    return (
        TrafficCutoff.objects.filter(
            **{f"{kind.cutoff}__{kind.owner}": owner, f"{kind.cutoff}__bimester": bimester}
        )
        .values_list("rated_before", flat=True)
        .first()
    )


def _window(kind: InvoiceKind, owner, b: int, y: int, until) -> RatedWindow:
    """The rated traffic of bimester (b, y): up to ``until``, with the late events rated
    since the previous bimester's invoice was issued."""
    return RatedWindow(since=_cutoff(kind, owner, bim.label(*bim.previous(b, y))), until=until)


def invoice_recompute(*, invoice: Invoice) -> Charges:
    """The charges of an issued company invoice computed again now from the records (rated
    events, fees), over the same rated traffic it charged (its cutoff and the previous
    invoice's): what the invoice audit (TEM) compares with the stored charges. Reads only."""
    b, y = bim.parse(invoice.bimester)
    until = (
        TrafficCutoff.objects.filter(invoice=invoice).values_list("rated_before", flat=True).first()
    )
    return company_charges(invoice.contract, b, y, _window(COMPANY, invoice.contract, b, y, until))


def invoices_complete(*, today: datetime.date | None = None) -> int:
    """Store the PDF of every invoice of the last 12 months that has none (loaded without
    its document, e.g. the demo seed, or its file lost), rendered from the stored invoice:
    nothing of the invoice changes. Part of the nightly job."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=365)
    n = 0
    for model, related in ((Invoice, "contract"), (PersonalInvoice, "dual_billing__line")):
        for inv in model.objects.filter(emission_date__gte=since).select_related(related):
            if stored_bytes(inv.pdf) is None:
                charges = invoice_document_charges(invoice=inv)
                records.invoice_pdf_attach(
                    invoice=inv, data=invoice_pdf_render(invoice=inv, charges=charges)
                )
                n += 1
    return n


# --- the index of the stored charges -------------------------------------------------------


def charges_index(*, cutoff: TrafficCutoff) -> int:
    """Index an invoice's stored charges: its summary (totals by service) and one
    ``InvoiceLineCharges`` row per line, so its pages never read the whole copy. Written
    with the charges when the invoice is issued; running it again rewrites the same rows.
    Returns how many line rows."""
    stored = cutoff.charges
    if not stored:
        return 0
    if cutoff.invoice_id:
        invoice = Invoice.objects.only("contract_id").get(pk=cutoff.invoice_id)
        ids = dict(Line.objects.filter(contract_id=invoice.contract_id).values_list("msisdn", "pk"))
    else:
        billing = DualBilling.objects.select_related("line").get(
            invoices__pk=cutoff.personal_invoice_id
        )
        ids = {billing.line.msisdn: billing.line_id}

    def rows():
        for row in stored["lines"]:
            fees, traffic, total = line_row_totals(row)
            yield InvoiceLineCharges(
                cutoff=cutoff,
                line_id=ids.get(row["msisdn"]),
                msisdn=row["msisdn"],
                fees_total=fees,
                traffic_total=traffic,
                total=total,
                detail={"fees": row["fees"], "traffic": row["traffic"]},
            )

    with transaction.atomic():
        InvoiceLineCharges.objects.filter(cutoff=cutoff).delete()
        InvoiceLineCharges.objects.bulk_create(rows(), batch_size=5000)
        TrafficCutoff.objects.filter(pk=cutoff.pk).update(summary=summary_of(stored))
    return len(stored["lines"])


def charges_index_missing() -> int:
    """Index every stored copy not indexed yet (issued before the index existed). Part of
    the nightly job; the migration that added the index did it once already."""
    n = 0
    for pk in TrafficCutoff.objects.filter(charges__isnull=False, summary__isnull=True).values_list(
        "pk", flat=True
    ):
        charges_index(cutoff=TrafficCutoff.objects.get(pk=pk))
        n += 1
    return n


# --- the demo's seeded invoices --------------------------------------------------------------

DEMO_BIMESTERS = 2  # the most recent closed bimesters get their charges
LARGE_CONTRACT_LINES = 5_000  # the bench's large profile keeps its invoices as seeded


def invoices_seeded_charge(
    *, today: datetime.date | None = None, bimesters: int = DEMO_BIMESTERS
) -> int:
    """The demo set-up (``billing/demo.py``): give the seeded invoices of the last
    ``bimesters`` closed bimesters the charges the engine computes for them, stored as at
    issue, and restate their amount; returns how many invoices got them."""
    today = today or timezone.localdate()
    labels = [bim.label(b, y) for b, y in reversed(bim.closed_bimesters(today, bimesters))]
    tz = timezone.get_current_timezone()
    done = 0
    for label in labels:  # oldest first
        invoices = (
            Invoice.objects.filter(
                bimester=label, cancelled_on__isnull=True, traffic_cutoff__isnull=True
            )
            .filter(pdf="")
            .select_related("contract")
            .order_by("pk")
        )
        for invoice in invoices:
            contract = invoice.contract
            if contract.lines.count() > LARGE_CONTRACT_LINES:
                continue
            b, y = bim.parse(label)
            emitted = datetime.datetime.combine(invoice.emission_date, datetime.time(), tz)
            cutoff = min(emitted, timezone.now())
            with transaction.atomic():
                charges = company_charges(contract, b, y, _window(COMPANY, contract, b, y, cutoff))
                records.invoice_amount_restate(invoice=invoice, amount=charges.total)
                charges_index(
                    cutoff=TrafficCutoff.objects.create(
                        invoice=invoice, rated_before=cutoff, charges=charges.to_json()
                    )
                )
            done += 1
    return done


# --- issuing ------------------------------------------------------------------------------


def _issue(kind: InvoiceKind, owner, b: int, y: int):
    """Issue the invoice of ``owner`` for one bimester with its PDF (None if it exists).

    The traffic charged is the one rated before now (the cutoff, recorded with the
    invoice) plus the late events carried from earlier bimesters; the charges are stored
    with the invoice, the PDF is rendered from them."""
    label = bim.label(b, y)
    issued = kind.model.objects.filter(**{kind.owner: owner, "bimester": label})
    if kind.model is Invoice:
        issued = issued.filter(cancelled_on__isnull=True)
    if issued.exists():
        return None
    emission, due = bim.dates(b, y)
    try:
        with transaction.atomic():
            cutoff = timezone.now()
            charges = kind.charges(owner, b, y, _window(kind, owner, b, y, cutoff))
            invoice = kind.create(
                owner,
                charges,
                b,
                y,
                number=_next_number(kind.model, kind.prefix, kind.first_number),
                bimester=label,
                emission_date=emission,
                due_date=due,
            )
            stored = TrafficCutoff.objects.create(
                **{kind.cutoff: invoice}, rated_before=cutoff, charges=charges.to_json()
            )
            charges_index(cutoff=stored)
            if kind.electronic:
                _einvoice_make(document=_invoice_document(invoice, charges), invoice=invoice)
            records.invoice_pdf_attach(
                invoice=invoice, data=invoice_pdf_render(invoice=invoice, charges=charges)
            )
    except IntegrityError:  # issued meanwhile by another worker
        return None
    if kind.electronic:
        einvoices_send_pending()
    return invoice


def invoice_issue(*, contract: Contract, b: int, y: int) -> Invoice | None:
    """Issue the company invoice of one bimester (None if it exists already)."""
    return _issue(COMPANY, contract, b, y)


def personal_invoice_issue(*, billing: DualBilling, b: int, y: int) -> PersonalInvoice | None:
    """Issue the TIM TUO personal invoice of one bimester (None if it exists already)."""
    return _issue(PERSONAL, billing, b, y)


# --- FatturaPA and the SdI (company invoices) ---------------------------------------------


def _invoice_document(invoice: Invoice, charges: Charges) -> fatturapa.Document:
    return fatturapa.Document(
        kind=fatturapa.DocumentType.INVOICE,
        number=invoice.number,
        date=invoice.emission_date,
        due_date=invoice.due_date,
        contract=invoice.contract,
        charges=charges,
    )


def _progressive(pk: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while pk:
        pk, r = divmod(pk, 36)
        out = digits[r] + out
    return out.rjust(5, "0")[-5:]


def _einvoice_fill(einvoice: EInvoice, document: fatturapa.Document) -> EInvoice:
    """Make (or make again, for a blocked one) the file of a document with the records'
    codes of now; a file that does not validate is not kept: the row is "Bloccata"."""
    contract = document.contract
    recipient = fatturapa.Recipient.of(contract)
    einvoice.office_code, einvoice.cig = recipient.office_code, recipient.cig
    einvoice.cup, einvoice.order_reference = recipient.cup, recipient.order_reference
    einvoice.amount_due = document.amount_due
    problems = fatturapa.problems(contract)
    einvoice.state = EInvoice.State.BLOCKED if problems else EInvoice.State.READY
    einvoice.problem = "; ".join(problems)
    einvoice.save()
    if problems:
        return einvoice
    progressive = _progressive(einvoice.pk)
    xml = fatturapa.build(document, recipient, progressive=progressive)
    errors = fatturapa.validation_errors(xml)
    if errors:
        einvoice.state = EInvoice.State.BLOCKED
        einvoice.problem = f"File non conforme allo schema FatturaPA: {errors[0]}"[:300]
        einvoice.save(update_fields=["state", "problem"])
        return einvoice
    einvoice.file_name = f"IT{fatturapa.SUPPLIER['vat']}_{progressive}.xml"
    einvoice.xml.save(einvoice.file_name, ContentFile(xml), save=False)
    einvoice.save(update_fields=["file_name", "xml"])
    return einvoice


def _einvoice_make(
    *, document: fatturapa.Document, invoice: Invoice | None = None, credit_note=None
) -> EInvoice:
    return _einvoice_fill(EInvoice(invoice=invoice, credit_note=credit_note), document)


def einvoice_send(*, einvoice: EInvoice) -> EInvoice:
    """Send a ready file to the SdI (the stand-in) and record its receipt; once only."""
    with transaction.atomic():
        einvoice = EInvoice.objects.select_for_update().get(pk=einvoice.pk)
        if einvoice.state != EInvoice.State.READY:
            return einvoice
        receipt = sdi.receive(file_name=einvoice.file_name, xml=stored_bytes(einvoice.xml) or b"")
        einvoice.state = {
            "RC": EInvoice.State.DELIVERED,
            "NS": EInvoice.State.REJECTED,
            "MC": EInvoice.State.NOT_DELIVERED,
        }[receipt.kind]
        einvoice.receipt_kind, einvoice.sdi_id = receipt.kind, receipt.sdi_id
        einvoice.error_code = receipt.error_code
        einvoice.error_description = receipt.error_description
        einvoice.receipt_at = timezone.now()
        einvoice.save()
    return einvoice


def einvoices_send_pending() -> int:
    """Send every file not yet sent (a send that failed is retried by the nightly job)."""
    pending = EInvoice.objects.filter(state=EInvoice.State.READY).order_by("pk")
    for einvoice in pending:
        einvoice_send(einvoice=einvoice)
    return len(pending)


def einvoices_complete(*, today: datetime.date | None = None) -> int:
    """Make the file of every company invoice of the last 12 months that has none (loaded
    without it, e.g. the demo seed) from the stored invoice, then send what is ready."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=365)
    missing = Invoice.objects.filter(
        emission_date__gte=since, cancelled_on__isnull=True, einvoice__isnull=True
    ).select_related("contract__administration__seat")
    n = 0
    for invoice in missing:
        with transaction.atomic():
            charges = invoice_document_charges(invoice=invoice)
            _einvoice_make(document=_invoice_document(invoice, charges), invoice=invoice)
        n += 1
    einvoices_send_pending()
    return n


def einvoice_retry(*, einvoice: EInvoice) -> EInvoice:
    """The back office completed the records (office code, CIG): make the blocked file
    again from the stored invoice, unchanged, and send it."""
    if einvoice.state != EInvoice.State.BLOCKED or einvoice.invoice is None:
        raise records.RecordError("Solo una fattura elettronica bloccata si rigenera.")
    invoice = einvoice.invoice
    with transaction.atomic():
        charges = invoice_document_charges(invoice=invoice)
        _einvoice_fill(einvoice, _invoice_document(invoice, charges))
    return einvoice_send(einvoice=einvoice)


def invoice_reissue(*, invoice: Invoice, reason: str = "") -> Invoice:
    """Correct an invoice the SdI rejected: it is cancelled by a credit note (TD04) and
    issued again under a new number, with the same charges and the records' codes of now
    (the back office corrected them). The rejected invoice itself is never edited."""
    invoice = Invoice.objects.select_related("contract__administration__seat").get(pk=invoice.pk)
    einvoice = EInvoice.objects.filter(invoice=invoice).first()
    if einvoice is None or einvoice.state != EInvoice.State.REJECTED or invoice.cancelled_on:
        raise records.RecordError("Si riemette solo una fattura scartata dallo SdI.")
    today = timezone.localdate()
    with transaction.atomic():
        charges = invoice_document_charges(invoice=invoice)
        note = CreditNote.objects.create(
            number=_next_number(CreditNote, "7N", 1),
            invoice=invoice,
            amount=invoice.amount,
            emission_date=today,
            reason=reason or f"Storno della fattura {invoice.number} scartata dallo SdI",
        )
        records.invoice_cancel(invoice=invoice, on=today)
        new = records.invoice_create(
            contract=invoice.contract,
            number=_next_number(Invoice, COMPANY.prefix, COMPANY.first_number),
            bimester=invoice.bimester,
            amount=invoice.amount,
            emission_date=today,
            due_date=today + (invoice.due_date - invoice.emission_date),
            ebill_id=invoice.ebill_id,
            replaces=invoice,
        )
        cutoff = TrafficCutoff.objects.filter(invoice=invoice).first()
        if cutoff:
            charges_index(
                cutoff=TrafficCutoff.objects.create(
                    invoice=new, rated_before=cutoff.rated_before, charges=cutoff.charges
                )
            )
        _einvoice_make(
            document=fatturapa.Document(
                kind=fatturapa.DocumentType.CREDIT_NOTE,
                number=note.number,
                date=today,
                due_date=today,
                contract=invoice.contract,
                charges=charges,
                cancels=invoice,
            ),
            credit_note=note,
        )
        _einvoice_make(document=_invoice_document(new, charges), invoice=new)
        records.invoice_pdf_attach(
            invoice=new, data=invoice_pdf_render(invoice=new, charges=charges)
        )
    einvoices_send_pending()
    return new


@dataclass
class GenerationResult:
    company: list[Invoice] = field(default_factory=list)
    personal: list[PersonalInvoice] = field(default_factory=list)
    paid: int = 0


def invoices_generate(*, today: datetime.date | None = None, depth: int = 6) -> GenerationResult:
    """Issue every missing invoice of the last ``depth`` closed bimesters (12 months)."""
    today = today or timezone.localdate()
    result = GenerationResult()
    due_bimesters = [
        (b, y) for b, y in bim.closed_bimesters(today, depth) if bim.dates(b, y)[0] <= today
    ]
    for contract in Contract.objects.order_by("pk"):
        for b, y in reversed(due_bimesters):
            start, end = bim.period(b, y)
            if contract.activation_date >= end:
                continue
            inv = invoice_issue(contract=contract, b=b, y=y)
            if inv:
                result.company.append(inv)
    billings = DualBilling.objects.filter(
        kind=DualBilling.Kind.SUBSCRIPTION, activation_date__isnull=False
    ).select_related("line")
    for billing in billings:
        for b, y in reversed(due_bimesters):
            start, end = bim.period(b, y)
            if billing.activation_date >= end or (
                billing.cessation_date and billing.cessation_date < start
            ):
                continue
            inv = personal_invoice_issue(billing=billing, b=b, y=y)
            if inv:
                result.personal.append(inv)
    return result


def payments_settle(*, today: datetime.date | None = None) -> int:
    """Demo stand-in for the payments feed: most invoices are paid by their due date.

    Deterministic: an invoice stays "Scoperta" when its number's hash says so (1 in 5),
    so the demo always shows some unpaid invoices.
    """
    today = today or timezone.localdate()
    n = 0
    for model in (Invoice, PersonalInvoice):
        unpaid = model.objects.filter(payment_state=PaymentState.UNPAID, due_date__lt=today)
        if model is Invoice:
            unpaid = unpaid.filter(cancelled_on__isnull=True)  # cancelled: nothing to pay
        for inv in unpaid:
            if hashlib.sha256(inv.number.encode()).digest()[0] % 5:
                records.invoice_payment_state_set(invoice=inv, state=PaymentState.PAID)
                n += 1
    return n
