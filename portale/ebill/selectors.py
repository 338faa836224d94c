"""What the eBill pages read. Never writes.

Every function takes the hand-off scope (``request.handoff_scope``, a ``PortalContext`` of
the grant: its contract for a referent, its line for an employee) and reads the records
through ``portale.records.selectors`` narrowed by it, and billing's stored charges through
``portale.billing.selectors``: the invoice pages show exactly what the invoice (and its
PDF) charged, to the cent.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portale.billing import bimesters as bim
from portale.billing import selectors as billing
from portale.billing.charges import Charges, LineCharges, fee_service, money, service_totals
from portale.cases import selectors as cases
from portale.records import selectors as records
from portale.records.models import Invoice, Line, LineService, PersonalInvoice, TrafficEvent
from portale.sim.forms import ONE_SHOT

ZERO = Decimal(0)
FEES = "Canoni e servizi"
TRAFFIC = "Traffico"
UNALLOCATED = "Non assegnate"
# The categories of "Tipologia Traffico" (the rating engine's, labelled as on the invoice).
CATEGORY_LABELS = dict(TrafficEvent.Category.choices)


# --- Invoices --------------------------------------------------------------------------------


def company_invoices(*, scope) -> QuerySet[Invoice]:
    """The grant's contract's invoices, newest first (eBill keeps them all)."""
    return records.invoices_for_portal(ctx=scope).order_by("-emission_date", "-pk")


def company_invoice(*, scope, pk: int) -> Invoice | None:
    return company_invoices(scope=scope).filter(pk=pk).select_related("contract").first()


def personal_invoices(*, scope) -> QuerySet[PersonalInvoice]:
    """The employee's own personal invoices (TIM TUO), nobody else's."""
    return records.personal_invoices_for_portal(ctx=scope).order_by("-emission_date", "-pk")


def personal_invoice(*, scope, pk: int) -> PersonalInvoice | None:
    return personal_invoices(scope=scope).filter(pk=pk).first()


def charges(*, invoice: Invoice | PersonalInvoice) -> Charges:
    """The invoice's stored charges: the same figures as its PDF."""
    return billing.invoice_document_charges(invoice=invoice)


@dataclass
class ServiceTotal:
    section: str
    service: str
    lines: int = 0
    events: int = 0
    amount: Decimal = ZERO


def _service_of_fee(description: str) -> str:
    """ "Canone PA 8 (2 mesi)" → "Canone PA 8": one service, whatever the line."""
    return fee_service(description)


def totals_by_service(c: Charges | billing.InvoiceSummary) -> list[ServiceTotal]:
    """The invoice's taxable amount by section ("Canoni e servizi", "Traffico") and
    service (each fee, each traffic category, late traffic apart); they add up to
    ``c.taxable`` for an invoice issued with its charges. From the stored summary for an
    invoice's page (never its lines), or computed from charges (a personal invoice)."""
    if isinstance(c, billing.InvoiceSummary):
        rows = c.services
    else:
        rows = service_totals(c.to_json()["lines"])
    return [
        ServiceTotal(r["section"], r["service"], r["lines"], r["events"], Decimal(r["amount"]))
        for r in rows
    ]


def summary(*, invoice: Invoice) -> billing.InvoiceSummary:
    """The invoice's totals and totals by service, without reading its lines."""
    return billing.invoice_summary(invoice=invoice)


def line_charges(c: Charges) -> dict[str, LineCharges]:
    return {lc.msisdn: lc for lc in c.lines}


def invoice_lines(*, invoice: Invoice) -> QuerySet:
    """The lines the invoice charged, one stored row each (a queryset for the list
    component: a page of a 100,000-line invoice reads one page of rows)."""
    return (
        billing.invoice_line_rows(invoice=invoice)
        .select_related("line__cost_centre", "line__tariff_plan")
        .defer("detail")
    )


def invoice_line(*, invoice: Invoice, line_pk: int) -> tuple[Line, LineCharges] | None:
    """One line of the invoice (in the contract) with its stored charges, or None."""
    row = (
        billing.invoice_line_rows(invoice=invoice)
        .filter(line_id=line_pk, line__contract_id=invoice.contract_id)
        .select_related("line")
        .first()
    )
    if row is None:
        return None
    return row.line, billing.line_charges_of(row)


def invoice_line_objects(*, invoice: Invoice) -> QuerySet[Line]:
    """The contract's lines (for the cost centres of the invoice's flow)."""
    return records.lines_of_contract(contract=invoice.contract).select_related("cost_centre")


def billed_events(*, invoice: Invoice | PersonalInvoice, line: Line) -> QuerySet[TrafficEvent]:
    return billing.billed_events(invoice=invoice, line=line)


def billed_traffic_check(events: QuerySet[TrafficEvent], lc: LineCharges) -> list[dict]:
    """Per traffic row of the line on the invoice: the stored amount and the sum of the
    events listed, rounded as the engine rounds (they are equal for an issued invoice)."""
    sums = {
        row["category"]: (row["n"], row["s"] or ZERO)
        for row in events.values("category").annotate(n=Count("pk"), s=Sum("net_amount"))
    }
    out = []
    by_category: dict[str, list[dict]] = defaultdict(list)
    for row in lc.traffic:
        by_category[row["category"]].append(row)
    for category, rows in by_category.items():
        n, s = sums.get(category, (0, ZERO))
        out.append(
            {
                "label": CATEGORY_LABELS.get(category, category),
                "stored": sum((r["amount"] for r in rows), ZERO),
                "events_stored": sum(r["events"] for r in rows),
                "listed": money(s),
                "events_listed": n,
            }
        )
    return out


# --- The "flusso": every charge line of an invoice ---------------------------------------------

FLOW_HEADER = (
    "NUMERO_FATTURA",
    "BIMESTRE",
    "CONTRATTO",
    "LINEA",
    "CENTRO_DI_COSTO",
    "SEZIONE",
    "VOCE",
    "CATEGORIA",
    "PERIODI_PRECEDENTI",
    "EVENTI",
    "IMPORTO",
)


def flow_rows(*, invoice: Invoice | PersonalInvoice, c: Charges, centres: dict[str, str]):
    """The rows of FLUSSO.md: one per fee and per traffic row of every line."""
    contract = (
        invoice.contract.code
        if isinstance(invoice, Invoice)
        else invoice.dual_billing.line.contract.code
    )
    for lc in c.lines:
        centre = centres.get(lc.msisdn, "")
        for desc, amount in lc.fees:
            yield (invoice.number, invoice.bimester, contract, lc.msisdn, centre, "CANONI", desc, "", "", "", f"{amount:.2f}")  # fmt: skip
        for t in lc.traffic:
            yield (invoice.number, invoice.bimester, contract, lc.msisdn, centre, "TRAFFICO", t["label"], t["category"], "S" if t["late"] else "N", str(t["events"]), f"{t['amount']:.2f}")  # fmt: skip


def cost_centre_codes(*, lines: QuerySet[Line]) -> dict[str, str]:
    return dict(lines.filter(cost_centre__isnull=False).values_list("msisdn", "cost_centre__code"))


# --- Traffico on line: unbilled traffic of the current and previous month ------------------------


def online_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The current and the previous month (F-7.4.3): first day of last month → today."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1), today


def _bounds(start: datetime.date, end_inclusive: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tz),
        datetime.datetime.combine(end_inclusive + datetime.timedelta(days=1), datetime.time(), tz),
    )


def _billed_until(contract) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """(end of the last invoiced bimester, cutoff of that invoice): company traffic before
    the end and rated before the cutoff is on an invoice; the rest is not billed yet."""
    last = (
        records.company_invoices_since(contract=contract, since=datetime.date.min)
        .filter(cancelled_on__isnull=True)
        .order_by("-emission_date", "-pk")
        .first()
    )
    if last is None:
        return None, None
    _lo, end = bim.period(*bim.parse(last.bimester))
    tz = timezone.get_current_timezone()
    cutoff = billing.invoice_cutoff(invoice=last)
    return datetime.datetime.combine(end, datetime.time(), tz), cutoff


def unbilled_where(*, contract, start: datetime.date, end: datetime.date) -> Q:
    """Company traffic of the contract's lines in [start, end], rated and not yet invoiced."""
    lo, hi = _bounds(start, end)
    where = Q(
        line__contract=contract,
        charging=TrafficEvent.Charging.COMPANY,
        occurred_at__gte=lo,
        occurred_at__lt=hi,
        rated_at__isnull=False,
    )
    period_end, cutoff = _billed_until(contract)
    if period_end is not None:
        billed = Q(occurred_at__lt=period_end)
        if cutoff is not None:
            billed &= Q(rated_at__lt=cutoff)
        where &= ~billed
    return where


def unbilled_events(
    *,
    scope,
    prepaid: bool,
    start: datetime.date,
    end: datetime.date,
    line_pk: int | None = None,
    category: str = "",
) -> QuerySet[TrafficEvent]:
    """The unbilled traffic of the grant's contract, on its subscription or prepaid lines,
    net of bundles (``net_amount``: what exceeds the bundles, the amount that will be billed)."""
    where = unbilled_where(contract=scope.contract, start=start, end=end)
    where &= (
        Q(line__tariff_plan__category="RICARICABILE")
        if prepaid
        else ~Q(line__tariff_plan__category="RICARICABILE")
    )
    if line_pk:
        where &= Q(line_id=line_pk)
    if category:
        where &= Q(category=category)
    return records.traffic_events_where(where=where).select_related("line")


def consumption_summary(events: QuerySet[TrafficEvent]) -> list[dict]:
    """ "Sintesi dei Consumi": by traffic category, events, seconds, KB and € net of bundles."""
    rows = (
        events.order_by()
        .values("category")
        .annotate(
            n=Count("pk"),
            seconds=Sum("duration_seconds"),
            kb=Sum("volume_kb"),
            gross=Sum("gross_amount"),
            net=Sum("net_amount"),
        )
        .order_by("category")
    )
    return [
        {
            **r,
            "label": CATEGORY_LABELS.get(r["category"], r["category"]),
            "net": money(r["net"]),
            "gross": money(r["gross"]),
        }
        for r in rows
    ]


def lines_in_scope(*, scope, prepaid: bool) -> QuerySet[Line]:
    qs = records.lines_of_contract(contract=scope.contract)
    rc = Q(tariff_plan__category="RICARICABILE")
    return (qs.filter(rc) if prepaid else qs.exclude(rc)).select_related(
        "tariff_plan", "cost_centre"
    )


def report_by_line(events: QuerySet[TrafficEvent]) -> dict[int, dict]:
    """ "Report per Contratto": line pk → its unbilled events and € of the period."""
    return {
        r["line_id"]: r
        for r in events.order_by().values("line_id").annotate(n=Count("pk"), net=Sum("net_amount"))
    }


def bundles(*, scope, prepaid: bool):
    """ "Monitoraggio Bundle": the bundles of the contract's lines, with their erosion."""
    rc = Q(line__tariff_plan__category="RICARICABILE")
    qs = records.bundles_of_contract(contract=scope.contract)
    return (qs.filter(rc) if prepaid else qs.exclude(rc)).select_related("line")


@dataclass
class Recharge:
    day: datetime.date
    msisdn: str
    kind: str
    amount: Decimal


def company_recharges(*, scope, start: datetime.date, end: datetime.date) -> list[Recharge]:
    """Company recharges of the period: the one-shot ones (closed "Ricarica aziendale"
    pratiche) and every run of the timed / parametric recharge services."""
    lo, hi = _bounds(start, end)
    out: list[Recharge] = []
    closed = cases.closed_cases(
        contract=scope.contract, operations=["company_recharge"], since=lo, until=hi
    )
    for case in closed.filter(payload__tipo=ONE_SHOT):
        out.append(
            Recharge(
                timezone.localdate(case.closed_at),
                case.payload.get("msisdn", ""),
                _("Ricarica una tantum"),
                Decimal(case.payload["amount"]),
            )
        )
    automatic = records.line_services_of_contract(contract=scope.contract).filter(
        kind__in=[LineService.Kind.TIMED_RECHARGE, LineService.Kind.PARAMETRIC_RECHARGE]
    )
    for service in automatic.select_related("line"):
        for day in service.parameters.get("runs", []):
            d = datetime.date.fromisoformat(day)
            if start <= d <= end:
                out.append(
                    Recharge(
                        d,
                        service.line.msisdn,
                        service.get_kind_display(),
                        Decimal(str(service.parameters["amount"])),
                    )
                )
    return sorted(out, key=lambda r: (r.day, r.msisdn), reverse=True)


# --- Centri di costo --------------------------------------------------------------------------


@dataclass
class Allocation:
    code: str
    name: str
    lines: int = 0
    amount: Decimal = ZERO
    fees: Decimal = ZERO
    traffic: Decimal = ZERO


def allocate_invoice(*, invoice: Invoice, c: Charges, centres: dict[str, tuple[str, str]]):
    """The invoice's taxable amount by cost centre of its lines (the lines' current centre;
    lines without one under "Non assegnate"); the rows add up to the invoice's taxable."""
    out: dict[str, Allocation] = {}
    for lc in c.lines:
        code, name = centres.get(lc.msisdn, ("", _(UNALLOCATED)))
        a = out.setdefault(code, Allocation(code, name))
        a.lines += 1
        a.amount += lc.total
        a.fees += lc.fees_total
        a.traffic += lc.traffic_total
    return sorted(out.values(), key=lambda a: (a.code == "", a.code))


def centre_names(*, lines: QuerySet[Line]) -> dict[str, tuple[str, str]]:
    return {
        m: (code, name or code)
        for m, code, name in lines.filter(cost_centre__isnull=False).values_list(
            "msisdn", "cost_centre__code", "cost_centre__name"
        )
    }


def allocate_unbilled(*, scope, start: datetime.date, end: datetime.date) -> list[Allocation]:
    """The unbilled company traffic (net of bundles) of the period by cost centre."""
    rows = (
        records.traffic_events_where(
            where=unbilled_where(contract=scope.contract, start=start, end=end)
        )
        .order_by()
        .values("line__cost_centre__code", "line__cost_centre__name")
        .annotate(lines=Count("line_id", distinct=True), net=Sum("net_amount"))
    )
    out = [
        Allocation(
            r["line__cost_centre__code"] or "",
            r["line__cost_centre__name"] or r["line__cost_centre__code"] or _(UNALLOCATED),
            r["lines"],
            money(r["net"]),
        )
        for r in rows
    ]
    return sorted(out, key=lambda a: (a.code == "", a.code))
