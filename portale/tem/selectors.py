"""What the TEM pages read (G-56): reports, trends and top lines from the usage aggregates.

Every figure comes from ``records.UsageContractMonth`` (whole-contract reports) or
``records.UsageLineMonth`` (a line filter, a breakdown by line, top lines), never from the
traffic events: a report over a 100,000-line contract sums a few thousand rows. Both levels
are exact sums of the rated events (``records.models.aggregates``), so the two paths give
the same figures, to the cent.

**Scope** (``TemScope``): the contracts of the user's "Modulo TEM" roles (Referente Master,
Mandatario, Referente eBill). A filter naming anything outside them is a 404 in the view.

**Billed / unbilled**: traffic of a month covered by an issued (not cancelled) company
invoice of its contract is "fatturato", the rest "non fatturato". Amounts follow the month
the traffic occurred in; a late event rated after its bimester's invoice is billed on the
next invoice (``billing.models.TrafficCutoff``) but shown here in its own month.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.records import selectors as records
from portale.records.models import Contract, TrafficEvent

from .models import InvoiceAudit, InvoiceAuditDifference

Q2 = Decimal("0.01")
KB_PER_GB = Decimal(1024 * 1024)
LINE_ROWS_MAX = 100  # a breakdown by line shows the top lines, the rest in one row

CATEGORY_LABELS = dict(TrafficEvent.Category.choices)
ZONES = [("NAZ", gettext_lazy("Nazionale")), ("UE", gettext_lazy("Roaming UE")),
         ("EXTRA_UE", gettext_lazy("Roaming Extra UE"))]  # fmt: skip
ZONE_OF_CODE = {"NAZ": "", "UE": "UE", "EXTRA_UE": "EXTRA_UE"}
ZONE_LABELS = {ZONE_OF_CODE[c]: label for c, label in ZONES}
CHARGING_LABELS = dict(TrafficEvent.Charging.choices)


@dataclass(frozen=True)
class TemScope:
    """The contracts a TEM user may analyse."""

    contracts: tuple[Contract, ...]
    # Read once per request: the filter form's options and the report's labels share them.
    _memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def ids(self) -> list[int]:
        return [c.pk for c in self.contracts]

    def centre_names(self) -> dict[int, str]:
        """The readable names of the cost centres of the scope (0: none)."""
        if "centres" not in self._memo:
            names = {0: _("Senza centro di costo")}
            # As values (CostCentre.__str__ written out): a contract may have hundreds, read
            # on every report (issue 17).
            centres = records.cost_centres_of_contracts(contracts=self.ids)
            for pk, code, name in centres.values_list("pk", "code", "name"):
                names[pk] = f"{code} - {name}" if name else code
            self._memo["centres"] = names
        return self._memo["centres"]

    def __bool__(self) -> bool:
        return bool(self.contracts)


def tem_scope(*, mobile: str, only: int | None = None) -> TemScope:
    qs = records.tem_contracts_for_mobile(mobile=mobile).select_related("administration__seat")
    if only is not None:
        qs = qs.filter(pk=only)
    return TemScope(tuple(qs.order_by("code")))


# --- months ---------------------------------------------------------------------------------


def month_add(month: datetime.date, n: int) -> datetime.date:
    k = month.year * 12 + month.month - 1 + n
    return datetime.date(k // 12, k % 12 + 1, 1)


def recent_months(count: int = 13, *, today: datetime.date | None = None) -> list[datetime.date]:
    """The last ``count`` months, current one included, newest first."""
    current = (today or timezone.localdate()).replace(day=1)
    return [month_add(current, -i) for i in range(count)]


def bimester_label(month: datetime.date) -> str:
    return f"{(month.month - 1) // 2 + 1}/{month.year}"


def billed_months(scope: TemScope) -> dict[int, set[datetime.date]]:
    """contract id → the months its issued, not cancelled, company invoices cover."""
    out: dict[int, set[datetime.date]] = defaultdict(set)
    invoices = records.company_invoices_of_contracts(contracts=scope.ids).filter(
        cancelled_on__isnull=True
    )
    for contract_id, bimester in invoices.values_list("contract_id", "bimester"):
        b, y = (int(x) for x in bimester.split("/"))
        out[contract_id] |= {datetime.date(y, 2 * b - 1, 1), datetime.date(y, 2 * b, 1)}
    return out


# --- filters ----------------------------------------------------------------------------------


@dataclass
class Filters:
    start: datetime.date  # first month
    end: datetime.date  # last month (included)
    contracts: list[int] = field(default_factory=list)  # empty: every contract of the scope
    seats: list[int] = field(default_factory=list)
    centres: list[int] = field(default_factory=list)  # cost centre ids, 0 = none
    lines: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)  # "", "UE", "EXTRA_UE"
    charging: list[str] = field(default_factory=list)
    billing: str = ""  # "", "fatturato", "non_fatturato"

    @property
    def needs_lines(self) -> bool:
        return bool(self.lines)


def _where(scope: TemScope, f: Filters, *, line_level: bool) -> Q:
    p = "line__" if line_level else ""
    q = Q(**{f"{p}contract_id__in": f.contracts or scope.ids})
    q &= Q(month__gte=f.start, month__lte=f.end)
    if f.seats:
        q &= Q(**{f"{p}contract__administration__seat_id__in": f.seats})
    if f.centres:
        ids = [c for c in f.centres if c]
        if line_level:
            centre = Q(line__cost_centre_id__in=ids)
            if 0 in f.centres:
                centre |= Q(line__cost_centre__isnull=True)
        else:
            centre = Q(cost_centre_key__in=f.centres)
        q &= centre
    if f.lines:
        q &= Q(line_id__in=f.lines)
    if f.categories:
        q &= Q(category__in=f.categories)
    if f.zones:
        q &= Q(roaming_zone__in=f.zones)
    if f.charging:
        q &= Q(charging__in=f.charging)
    if f.billing:
        billed = Q(pk__in=[])
        for contract_id, months in billed_months(scope).items():
            billed |= Q(**{f"{p}contract_id": contract_id, "month__in": sorted(months)})
        q &= billed if f.billing == "fatturato" else ~billed
    return q


# --- dimensions and measures ---------------------------------------------------------------


@dataclass(frozen=True)
class Dim:
    code: str
    label: str
    contract_field: str | None  # None: only the line-level table has it
    line_field: str


DIMS = {
    d.code: d
    for d in [
        Dim("cdc", gettext_lazy("Centro di costo"), "cost_centre_key", "line__cost_centre_id"),
        Dim("tipo", gettext_lazy("Tipologia traffico"), "category", "category"),
        Dim("zona", gettext_lazy("Località"), "roaming_zone", "roaming_zone"),
        Dim("addebito", gettext_lazy("Addebito"), "charging", "charging"),
        Dim("contratto", gettext_lazy("Contratto"), "contract_id", "line__contract_id"),
        Dim(
            "sede",
            gettext_lazy("Sede"),
            "contract__administration__seat_id",
            "line__contract__administration__seat_id",
        ),
        Dim("linea", gettext_lazy("Linea"), None, "line__msisdn"),
        Dim("mese", gettext_lazy("Mese"), "month", "month"),
        Dim("bimestre", gettext_lazy("Bimestre"), "month", "month"),
    ]
}


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    field: str
    unit: str  # "€", "", "min", "GB"

    def value(self, raw) -> Decimal:
        raw = Decimal(raw or 0)
        if self.unit == "min":
            return (raw / 60).quantize(Q2, ROUND_HALF_UP)
        if self.unit == "GB":
            return (raw / KB_PER_GB).quantize(Decimal("0.001"), ROUND_HALF_UP)
        if self.unit == "€":
            return raw.quantize(Q2, ROUND_HALF_UP)
        return raw


MEASURES = {
    m.code: m
    for m in [
        Measure("netto", gettext_lazy("Importo netto (€)"), "net_amount", "€"),
        Measure("lordo", gettext_lazy("Importo a listino (€)"), "gross_amount", "€"),
        Measure("eventi", gettext_lazy("Numero eventi"), "events", ""),
        Measure("minuti", gettext_lazy("Minuti"), "duration_seconds", "min"),
        Measure("volume", gettext_lazy("Volume dati (GB)"), "volume_kb", "GB"),
    ]
}


@dataclass
class Pivot:
    """A report: rows × columns of one measure, with totals. Chart and table both read it."""

    measure: Measure
    row_dim: Dim
    col_dim: Dim | None
    rows: list[tuple[object, str]]  # (key, label)
    cols: list[tuple[object, str]]
    cells: dict[tuple[object, object], Decimal]
    source: str  # "contratto" / "linea": which aggregate answered

    def cell(self, r, c) -> Decimal:
        return self.cells.get((r, c), Decimal(0))

    def row_total(self, r) -> Decimal:
        return sum((self.cell(r, c) for c, _l in self.cols), Decimal(0))

    def col_total(self, c) -> Decimal:
        return sum((self.cell(r, c) for r, _l in self.rows), Decimal(0))

    @property
    def total(self) -> Decimal:
        return sum(self.cells.values(), Decimal(0))

    def table(self) -> list[dict]:
        return [
            {
                "label": label,
                "values": [self.cell(r, c) for c, _l in self.cols],
                "total": self.row_total(r),
            }
            for r, label in self.rows
        ]

    @property
    def col_totals(self) -> list[Decimal]:
        return [self.col_total(c) for c, _l in self.cols]

    def chart(self) -> dict:
        """The data the chart draws: the same numbers as the table, as plain strings."""
        return {
            "categories": [str(label) for _r, label in self.rows],
            "series": [
                {"name": str(label), "data": [str(self.cell(r, c)) for r, _l in self.rows]}
                for c, label in self.cols
            ],
            "unit": self.measure.unit,
            "measure": str(self.measure.label),
        }


class Labels:
    """Readable names of dimension keys, read once per report."""

    def __init__(self, scope: TemScope):
        self.scope = scope

    def centres(self) -> dict[int, str]:
        return self.scope.centre_names()

    def __call__(self, dim: str, key) -> str:
        match dim:
            case "cdc":
                return self.centres().get(key or 0, str(key))
            case "tipo":
                return str(CATEGORY_LABELS.get(key, key))
            case "zona":
                return str(ZONE_LABELS.get(key, key))
            case "addebito":
                return str(CHARGING_LABELS.get(key, key))
            case "contratto":
                return next((c.code for c in self.scope.contracts if c.pk == key), str(key))
            case "sede":
                return seat_labels(self.scope).get(key, str(key))
            case "mese":
                return f"{key:%m/%Y}"
            case "bimestre":
                return str(key)
        return str(key)


def seat_labels(scope: TemScope) -> dict[int, str]:
    out = {}
    for c in scope.contracts:
        seat = c.administration.seat
        out[seat.pk] = f"{c.administration.name} - {seat}"
    return out


def _sort_key(dim: str, key, label: str):
    if dim == "mese":
        return (0, key)
    if dim == "bimestre":
        b, y = (int(x) for x in str(key).split("/"))
        return (0, (y, b))
    if dim == "cdc" and not key:
        return (1, "")  # "Senza centro di costo" last
    return (0, label)


def report(
    scope: TemScope, f: Filters, *, rows: str, cols: str = "", measure: str = "netto"
) -> Pivot:
    """The figures of a report, from the aggregates (never the events)."""
    m = MEASURES[measure]
    row_dim, col_dim = DIMS[rows], DIMS.get(cols) if cols and cols != rows else None
    dims = [d for d in (row_dim, col_dim) if d is not None]
    line_level = f.needs_lines or any(d.contract_field is None for d in dims)
    if line_level:
        qs = records.usage_line_months(contracts=f.contracts or scope.ids)
        fields = [d.line_field for d in dims]
    else:
        qs = records.usage_contract_months(contracts=f.contracts or scope.ids)
        fields = [d.contract_field for d in dims]
    where = _where(scope, f, line_level=line_level)
    if "linea" in [d.code for d in dims]:
        raw = _line_capped(scope, f, qs.filter(where), dims, fields, m, LINE_ROWS_MAX)
    else:
        raw = defaultdict(Decimal)
        data = qs.filter(where).values(*fields).annotate(v=Sum(m.field)).order_by()
        for r in data:
            keys = [_key(d, r[fld]) for d, fld in zip(dims, fields, strict=True)]
            if col_dim is None:
                keys.append("")
            raw[tuple(keys)] += Decimal(r["v"] or 0)
    labels = Labels(scope)
    row_keys = {k[0] for k in raw}
    col_keys = {k[1] for k in raw}

    def ordered(dim: Dim | None, keys) -> list[tuple[object, str]]:
        if dim is None:
            return [("", _("Totale"))]
        out = []
        for k in keys:
            label = _("Altre linee") if k == OTHER else labels(dim.code, k)
            out.append((k, label))
        return sorted(out, key=lambda kl: (kl[0] == OTHER, _sort_key(dim.code, *kl)))

    cells = {k: m.value(v) for k, v in raw.items()}
    return Pivot(
        measure=m,
        row_dim=row_dim,
        col_dim=col_dim,
        rows=ordered(row_dim, row_keys),
        cols=ordered(col_dim, col_keys),
        cells=cells,
        source="linea" if line_level else "contratto",
    )


OTHER = "__altre__"


def _key(dim: Dim, value):
    """A dimension's key as the pivot holds it (no cost centre = 0, a month's bimester)."""
    if dim.code == "cdc":
        return value or 0
    if dim.code == "bimestre":
        return bimester_label(value)
    return value


def _line_capped(scope, f, base, dims, fields, m, limit) -> dict[tuple, Decimal]:
    """A breakdown by line, in SQL: the ``limit`` lines with the highest totals (ORDER BY …
    LIMIT over the line aggregates), their cells, and every other line folded into one row
    ("Altre linee": the totals minus the top lines'), never one Python row per line."""
    li = next(i for i, d in enumerate(dims) if d.code == "linea")
    other = [(d, fld) for i, (d, fld) in enumerate(zip(dims, fields, strict=True)) if i != li]
    # Grouped by the line's id (no join to the lines for 100,000 groups); the numbers of the
    # kept lines are read afterwards.
    top = [
        line_id
        for line_id, _v in base.values_list("line_id")
        .annotate(v=Sum(m.field))
        .order_by("-v", "line_id")[:limit]
    ]
    msisdn = dict(
        records.lines_of_contracts(contracts=f.contracts or scope.ids)
        .filter(pk__in=top)
        .values_list("pk", "msisdn")
    )

    def key(line_key, other_keys: tuple) -> tuple:
        keys = list(other_keys)
        keys.insert(li, line_key)
        if len(dims) == 1:
            keys.append("")
        return tuple(keys)

    raw: dict[tuple, Decimal] = defaultdict(Decimal)
    top_by_other: dict[tuple, Decimal] = defaultdict(Decimal)
    other_fields = [fld for _d, fld in other]
    cells = (
        base.filter(line_id__in=top)
        .values("line_id", *other_fields)
        .annotate(v=Sum(m.field))
        .order_by()
    )
    for r in cells:
        ok = tuple(_key(d, r[fld]) for d, fld in other)
        v = Decimal(r["v"] or 0)
        raw[key(msisdn.get(r["line_id"], str(r["line_id"])), ok)] += v
        top_by_other[ok] += v
    # The totals by the other dimension: from the contract roll-up when the filters allow.
    if not f.needs_lines and all(d.contract_field for d, _f in other):
        totals_qs = records.usage_contract_months(contracts=f.contracts or scope.ids).filter(
            _where(scope, f, line_level=False)
        )
        total_fields = [d.contract_field for d, _f in other]
    else:
        totals_qs, total_fields = base, other_fields
    rest: dict[tuple, Decimal] = defaultdict(Decimal)
    if not other:  # by line only: one grand total
        rest[()] = Decimal(totals_qs.aggregate(v=Sum(m.field))["v"] or 0)
    totals = totals_qs.values(*total_fields).annotate(v=Sum(m.field)).order_by() if other else []
    for r in totals:
        ok = tuple(_key(d, r[fld]) for (d, _f), fld in zip(other, total_fields, strict=True))
        rest[ok] += Decimal(r["v"] or 0)
    for ok, v in rest.items():
        remaining = v - top_by_other.get(ok, Decimal(0))
        if remaining:
            raw[key(OTHER, ok)] += remaining
    return raw


# --- top lines ------------------------------------------------------------------------------


@dataclass
class TopLine:
    line_id: int
    msisdn: str
    contract: str
    centre: str
    events: int
    net: Decimal
    gross: Decimal


def top_lines(scope: TemScope, f: Filters, *, limit: int = 20) -> list[TopLine]:
    """The lines that spent the most (amount due) in the period, with the filters."""
    qs = records.usage_line_months(contracts=f.contracts or scope.ids).filter(
        _where(scope, f, line_level=True)
    )
    rows = (
        qs.values("line_id", "line__msisdn", "line__contract__code", "line__cost_centre_id")
        .annotate(net=Sum("net_amount"), gross=Sum("gross_amount"), events=Sum("events"))
        .order_by("-net", "line__msisdn")[:limit]
    )
    labels = Labels(scope)
    return [
        TopLine(
            line_id=r["line_id"],
            msisdn=r["line__msisdn"],
            contract=r["line__contract__code"],
            centre=labels("cdc", r["line__cost_centre_id"] or 0),
            events=r["events"] or 0,
            net=Decimal(r["net"] or 0).quantize(Q2, ROUND_HALF_UP),
            gross=Decimal(r["gross"] or 0).quantize(Q2, ROUND_HALF_UP),
        )
        for r in rows
    ]


def choices_of(scope: TemScope) -> dict[str, list[tuple[str, str]]]:
    """The options of the multi-select filters, within the scope."""
    centres = Labels(scope).centres()
    return {
        "contratto": [(str(c.pk), f"{c.code} - {c.administration.name}") for c in scope.contracts],
        "sede": [(str(k), v) for k, v in seat_labels(scope).items()],
        "cdc": sorted(((str(k), v) for k, v in centres.items()), key=lambda kv: kv[0] == "0"),
        "tipo": [(k, str(v)) for k, v in TrafficEvent.Category.choices],
        "zona": [(k, str(v)) for k, v in ZONES],
        "addebito": [(k, str(v)) for k, v in TrafficEvent.Charging.choices],
    }


def lines_by_msisdn(scope: TemScope, msisdns: Iterable[str]) -> dict[str, int]:
    return dict(
        records.lines_of_contracts(contracts=scope.ids)
        .filter(msisdn__in=list(msisdns))
        .values_list("msisdn", "pk")
    )


# --- invoice audit runs ----------------------------------------------------------------------


def last_audit(*, invoice) -> InvoiceAudit | None:
    """The invoice's latest audit run (in progress or finished), or None."""
    return InvoiceAudit.objects.filter(invoice=invoice).order_by("-requested_at", "-pk").first()


def audit_differences(*, run: InvoiceAudit, limit: int) -> list[InvoiceAuditDifference]:
    return list(run.differences.order_by("pk")[:limit])


def last_audits(*, invoices) -> dict[int, InvoiceAudit]:
    """invoice id → its latest audit run, for the list of invoices."""
    out: dict[int, InvoiceAudit] = {}
    runs = InvoiceAudit.objects.filter(invoice__in=invoices).order_by("requested_at", "pk")
    for run in runs:
        out[run.invoice_id] = run
    return out
