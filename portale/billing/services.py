"""Invoices from rated traffic and fees: company (per contract) and personal (TIM TUO).

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
rendered by the same code (``_issue``, ``invoice_pdf_bytes``), parameterised by an
``InvoiceKind``.

A personal invoice charges the employee's share of the STS fees, the active personal
TIM TUO options and the "Personale" traffic of the line, plus VAT.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Q, Sum, Value, When
from django.utils import timezone

from portale.core.pdf import render_pdf
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
from .models import TrafficCutoff

VAT = Decimal("0.22")
Q2 = Decimal("0.01")
CATEGORY_LABELS = {
    "VOCE": "Traffico voce",
    "SMS_MMS": "Traffico SMS/MMS",
    "DATI": "Traffico dati",
    "SERVIZI_INTERATTIVI": "Servizi interattivi",
    "EVENTI": "Eventi",
    "GENERICO": "Traffico generico",
}
LATE_LABEL = "periodi precedenti"  # late events carried from an earlier bimester


def _money(x) -> Decimal:
    return Decimal(x or 0).quantize(Q2, ROUND_HALF_UP)


@dataclass
class LineCharges:
    line: Line
    fees: list[tuple[str, Decimal]] = field(default_factory=list)
    traffic: list[dict] = field(default_factory=list)  # category, label, events, amount

    @property
    def fees_total(self) -> Decimal:
        return sum((a for _d, a in self.fees), Decimal(0))

    @property
    def traffic_total(self) -> Decimal:
        return sum((t["amount"] for t in self.traffic), Decimal(0))

    @property
    def total(self) -> Decimal:
        return _money(self.fees_total + self.traffic_total)


@dataclass
class Charges:
    bimester: str
    start: datetime.date
    end: datetime.date  # exclusive
    lines: list[LineCharges]

    @property
    def taxable(self) -> Decimal:
        return _money(sum((lc.total for lc in self.lines), Decimal(0)))

    @property
    def vat(self) -> Decimal:
        return _money(self.taxable * VAT)

    @property
    def total(self) -> Decimal:
        return self.taxable + self.vat

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)


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


@dataclass(frozen=True)
class RatedWindow:
    """Which rated traffic an invoice charges (see ``billing.models.TrafficCutoff``):
    events rated before ``until`` (None: up to now) and, from earlier bimesters, the late
    ones rated at or after ``since`` (None: none carried)."""

    since: datetime.datetime | None = None
    until: datetime.datetime | None = None


def _traffic_by_line(line_ids, start, end, charging, window: RatedWindow) -> dict[int, list[dict]]:
    lo, hi = _bounds(start, end)
    scope = Q(occurred_at__gte=lo, occurred_at__lt=hi)
    if window.since is not None:
        scope |= Q(occurred_at__lt=lo, rated_at__gte=window.since)
    qs = TrafficEvent.objects.filter(scope, line_id__in=line_ids, charging=charging).filter(
        rated_at__isnull=False
    )
    if window.until is not None:
        qs = qs.filter(rated_at__lt=window.until)
    out: dict[int, list[dict]] = defaultdict(list)
    rows = (
        qs.annotate(late=Case(When(occurred_at__lt=lo, then=Value(True)), default=Value(False)))
        .values("line_id", "category", "late")
        .annotate(events=Count("pk"), amount=Sum("net_amount"))
        .order_by("line_id", "late", "category")
    )
    for r in rows:
        label = CATEGORY_LABELS.get(r["category"], r["category"])
        out[r["line_id"]].append(
            {
                "category": r["category"],
                "label": f"{label}, {LATE_LABEL}" if r["late"] else label,
                "late": r["late"],
                "events": r["events"],
                "amount": _money(r["amount"]),
            }
        )
    return out


def company_charges(
    contract: Contract, b: int, y: int, window: RatedWindow = RatedWindow()
) -> Charges:
    start, end = bim.period(b, y)
    lines = list(
        _active_in(Line.objects.filter(contract=contract), start, end)
        .select_related("tariff_plan")
        .order_by("msisdn")
    )
    ids = [line.pk for line in lines]
    services = defaultdict(list)
    for s in _active_in(LineService.objects.filter(line_id__in=ids), start, end).order_by(
        "description"
    ):
        services[s.line_id].append(s)
    traffic = _traffic_by_line(ids, start, end, TrafficEvent.Charging.COMPANY, window)
    out = []
    for line in lines:
        lc = LineCharges(line)
        if line.tariff_plan.monthly_fee:
            lc.fees.append(
                (
                    f"Canone {line.tariff_plan.name} (2 mesi)",
                    _money(line.tariff_plan.monthly_fee * 2),
                )
            )
        for s in services[line.pk]:
            share = _money(s.monthly_fee * 2 * s.pct_charged_to_entity / 100)
            if share:
                lc.fees.append((f"{s.display_description} (2 mesi)", share))
        lc.traffic = traffic.get(line.pk, [])
        out.append(lc)
    return Charges(bim.label(b, y), start, end, out)


def personal_charges(
    billing: DualBilling, b: int, y: int, window: RatedWindow = RatedWindow()
) -> Charges:
    start, end = bim.period(b, y)
    line = billing.line
    lc = LineCharges(line)
    for s in _active_in(LineService.objects.filter(line=line), start, end).order_by("description"):
        share = _money(s.monthly_fee * 2 * s.pct_employee / 100)
        if share:
            lc.fees.append((f"{s.display_description} (quota dipendente, 2 mesi)", share))
    options = _active_in(
        DualBillingOption.objects.filter(line=line, scope=DualBillingOption.Scope.PERSONAL),
        start,
        end,
    ).exclude(state=DualBillingOption.State.PENDING)
    for o in options.order_by("family"):
        if o.price:
            lc.fees.append((f"{o.name} (2 mesi)", _money(o.price * 2)))
    lc.traffic = _traffic_by_line(
        [line.pk], start, end, TrafficEvent.Charging.PERSONAL, window
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
    amount: str  # the total's field: "amount" / "total"
    prefix: str
    first_number: int
    template: str
    context_name: str  # the owner's name in the PDF template
    cutoff: str  # TrafficCutoff's FK to the invoice
    charges: Callable[..., Charges]
    extra: Callable[[object, int, int], dict]


COMPANY = InvoiceKind(
    model=Invoice,
    owner="contract",
    amount="amount",
    prefix="7X",
    first_number=311,
    template="billing/pdf/invoice.html",
    context_name="contract",
    cutoff="invoice",
    charges=company_charges,
    extra=lambda contract, b, y: {"ebill_id": f"EB{contract.code}{b}{y}"},
)
PERSONAL = InvoiceKind(
    model=PersonalInvoice,
    owner="dual_billing",
    amount="total",
    prefix="8T",
    first_number=101,
    template="billing/pdf/personal_invoice.html",
    context_name="billing",
    cutoff="personal_invoice",
    charges=personal_charges,
    extra=lambda billing, b, y: {},
)


def _kind_of(invoice) -> InvoiceKind:
    return PERSONAL if isinstance(invoice, PersonalInvoice) else COMPANY


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


def _render(kind: InvoiceKind, invoice, charges: Charges) -> bytes:
    owner = getattr(invoice, kind.owner)
    return render_pdf(
        kind.template, {"invoice": invoice, kind.context_name: owner, "charges": charges}
    )


def _stored(file) -> bytes | None:
    if not file:
        return None
    try:
        with file.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


@transaction.atomic
def invoice_pdf_bytes(invoice: Invoice | PersonalInvoice) -> bytes:
    """The invoice's PDF (company or TIM TUO personal, F-7.4.1, F-9.2.1.2). An invoice that
    has none (loaded without its document, e.g. the demo seed) is completed once from the
    records: its amount becomes the total of the charges the PDF lists, so the list and the
    document always agree, and its traffic cutoff is recorded then."""
    data = _stored(invoice.pdf)
    if data is not None:
        return data
    kind = _kind_of(invoice)
    owner = getattr(invoice, kind.owner)
    b, y = bim.parse(invoice.bimester)
    cutoff = _cutoff(kind, owner, invoice.bimester)
    if cutoff is None:
        cutoff = timezone.now()
        TrafficCutoff.objects.create(**{kind.cutoff: invoice, "rated_before": cutoff})
    charges = kind.charges(owner, b, y, _window(kind, owner, b, y, cutoff))
    setattr(invoice, kind.amount, charges.total)
    data = _render(kind, invoice, charges)
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(data), save=False)
    invoice.save(update_fields=[kind.amount, "pdf"])
    return data


def invoices_complete(*, today: datetime.date | None = None) -> int:
    """Give every invoice of the last 12 months lacking its PDF the document (and the amount)
    computed from the records. Part of the nightly job."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=365)
    n = 0
    for inv in Invoice.objects.filter(pdf="", emission_date__gte=since).select_related("contract"):
        invoice_pdf_bytes(inv)
        n += 1
    for pinv in PersonalInvoice.objects.filter(pdf="", emission_date__gte=since).select_related(
        "dual_billing__line"
    ):
        invoice_pdf_bytes(pinv)
        n += 1
    return n


# --- issuing ------------------------------------------------------------------------------


def _due(emission: datetime.date) -> datetime.date:
    return emission + datetime.timedelta(days=30)


def _issue(kind: InvoiceKind, owner, b: int, y: int):
    """Issue the invoice of ``owner`` for one bimester with its PDF (None if it exists).

    The traffic charged is the one rated before now (the cutoff, recorded with the
    invoice) plus the late events carried from earlier bimesters."""
    label = bim.label(b, y)
    if kind.model.objects.filter(**{kind.owner: owner, "bimester": label}).exists():
        return None
    emission, due = bim.dates(b, y)
    try:
        with transaction.atomic():
            cutoff = timezone.now()
            charges = kind.charges(owner, b, y, _window(kind, owner, b, y, cutoff))
            invoice = kind.model.objects.create(
                **{kind.owner: owner, kind.amount: charges.total},
                number=_next_number(kind.model, kind.prefix, kind.first_number),
                bimester=label,
                emission_date=emission,
                due_date=due,
                payment_state=PaymentState.UNPAID,
                **kind.extra(owner, b, y),
            )
            TrafficCutoff.objects.create(**{kind.cutoff: invoice, "rated_before": cutoff})
            pdf = _render(kind, invoice, charges)
            invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(pdf), save=True)
    except IntegrityError:  # issued meanwhile by another worker
        return None
    return invoice


def invoice_issue(*, contract: Contract, b: int, y: int) -> Invoice | None:
    """Issue the company invoice of one bimester (None if it exists already)."""
    return _issue(COMPANY, contract, b, y)


def personal_invoice_issue(*, billing: DualBilling, b: int, y: int) -> PersonalInvoice | None:
    """Issue the TIM TUO personal invoice of one bimester (None if it exists already)."""
    return _issue(PERSONAL, billing, b, y)


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
        for inv in model.objects.filter(payment_state=PaymentState.UNPAID, due_date__lt=today):
            if hashlib.sha256(inv.number.encode()).digest()[0] % 5:
                inv.payment_state = PaymentState.PAID
                inv.save(update_fields=["payment_state"])
                n += 1
    return n
