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

A personal invoice charges the employee's share of the STS fees, the active personal
TIM TUO options and the "Personale" traffic of the line, plus VAT.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
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


def _traffic_by_line(line_ids, start, end, charging) -> dict[int, list[dict]]:
    lo, hi = _bounds(start, end)
    out: dict[int, list[dict]] = defaultdict(list)
    rows = (
        TrafficEvent.objects.filter(
            line_id__in=line_ids,
            occurred_at__gte=lo,
            occurred_at__lt=hi,
            charging=charging,
            rated_at__isnull=False,
        )
        .values("line_id", "category")
        .annotate(events=Count("pk"), amount=Sum("net_amount"))
        .order_by("line_id", "category")
    )
    for r in rows:
        out[r["line_id"]].append(
            {
                "category": r["category"],
                "label": CATEGORY_LABELS.get(r["category"], r["category"]),
                "events": r["events"],
                "amount": _money(r["amount"]),
            }
        )
    return out


def company_charges(contract: Contract, b: int, y: int) -> Charges:
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
    traffic = _traffic_by_line(ids, start, end, TrafficEvent.Charging.COMPANY)
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


def personal_charges(billing: DualBilling, b: int, y: int) -> Charges:
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
    lc.traffic = _traffic_by_line([line.pk], start, end, TrafficEvent.Charging.PERSONAL).get(
        line.pk, []
    )
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


def invoice_pdf(invoice: Invoice) -> bytes:
    b, y = bim.parse(invoice.bimester)
    return render_pdf(
        "billing/pdf/invoice.html",
        {
            "invoice": invoice,
            "contract": invoice.contract,
            "charges": company_charges(invoice.contract, b, y),
        },
    )


def personal_invoice_pdf(invoice: PersonalInvoice) -> bytes:
    b, y = bim.parse(invoice.bimester)
    billing = invoice.dual_billing
    return render_pdf(
        "billing/pdf/personal_invoice.html",
        {"invoice": invoice, "billing": billing, "charges": personal_charges(billing, b, y)},
    )


def _stored(file) -> bytes | None:
    if not file:
        return None
    try:
        with file.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The invoice's PDF. An invoice that has none (loaded without its document, e.g. the
    demo seed) is completed once from the records: its amount becomes the total of the
    charges the PDF lists, so the list and the document always agree."""
    data = _stored(invoice.pdf)
    if data is not None:
        return data
    b, y = bim.parse(invoice.bimester)
    charges = company_charges(invoice.contract, b, y)
    invoice.amount = charges.total
    data = render_pdf(
        "billing/pdf/invoice.html",
        {"invoice": invoice, "contract": invoice.contract, "charges": charges},
    )
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(data), save=False)
    invoice.save(update_fields=["amount", "pdf"])
    return data


def personal_invoice_pdf_bytes(invoice: PersonalInvoice) -> bytes:
    """Same as ``invoice_pdf_bytes`` for a TIM TUO personal invoice (F-9.2.1.2)."""
    data = _stored(invoice.pdf)
    if data is not None:
        return data
    b, y = bim.parse(invoice.bimester)
    charges = personal_charges(invoice.dual_billing, b, y)
    invoice.total = charges.total
    data = render_pdf(
        "billing/pdf/personal_invoice.html",
        {"invoice": invoice, "billing": invoice.dual_billing, "charges": charges},
    )
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(data), save=False)
    invoice.save(update_fields=["total", "pdf"])
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
        personal_invoice_pdf_bytes(pinv)
        n += 1
    return n


# --- issuing ------------------------------------------------------------------------------


def _due(emission: datetime.date) -> datetime.date:
    return emission + datetime.timedelta(days=30)


def invoice_issue(*, contract: Contract, b: int, y: int) -> Invoice | None:
    """Issue the company invoice of one bimester (None if it exists already)."""
    label = bim.label(b, y)
    if Invoice.objects.filter(contract=contract, bimester=label).exists():
        return None
    charges = company_charges(contract, b, y)
    emission, due = bim.dates(b, y)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                contract=contract,
                number=_next_number(Invoice, "7X", 311),
                bimester=label,
                amount=charges.total,
                emission_date=emission,
                due_date=due,
                payment_state=PaymentState.UNPAID,
                ebill_id=f"EB{contract.code}{b}{y}",
            )
            pdf = render_pdf(
                "billing/pdf/invoice.html",
                {"invoice": invoice, "contract": contract, "charges": charges},
            )
            invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(pdf), save=True)
    except IntegrityError:  # issued meanwhile by another worker
        return None
    return invoice


def personal_invoice_issue(*, billing: DualBilling, b: int, y: int) -> PersonalInvoice | None:
    label = bim.label(b, y)
    if PersonalInvoice.objects.filter(dual_billing=billing, bimester=label).exists():
        return None
    charges = personal_charges(billing, b, y)
    emission, due = bim.dates(b, y)
    try:
        with transaction.atomic():
            invoice = PersonalInvoice.objects.create(
                dual_billing=billing,
                number=_next_number(PersonalInvoice, "8T", 101),
                bimester=label,
                total=charges.total,
                emission_date=emission,
                due_date=due,
                payment_state=PaymentState.UNPAID,
            )
            pdf = render_pdf(
                "billing/pdf/personal_invoice.html",
                {"invoice": invoice, "billing": billing, "charges": charges},
            )
            invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(pdf), save=True)
    except IntegrityError:
        return None
    return invoice


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
