"""Reads of the systems of record. Portal apps read records only through here (DESIGN §5).

A page reads the rows of its portal context (``*_for_portal(ctx=request.portal)``, scoped by
``PortalQuerySet.for_portal``: the selected contract for a referent, the own line for an
employee). Code that runs without a request (a background export, a form validated for
``case_file``) names its contract or line (``*_of_contract``, ``*_of_line``). The querysets
are unordered unless the order is part of the read: lists sort them.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Reverse

from .models import (
    Bundle,
    Contract,
    ContractService,
    CostCentre,
    Device,
    DualBilling,
    DualBillingOption,
    Invoice,
    Line,
    LineService,
    LineState,
    NetworkCategory,
    PersonalInvoice,
    PersonalRecharge,
    PriceItem,
    PriceList,
    Referent,
    RifProfile,
    ServicePoint,
    ServiceSms,
    ServiceState,
    Sim,
    Threshold,
    TrafficEvent,
    UsageContractMonth,
    UsageLineMonth,
)
from .models.dual_billing import OPEN_STATES as OPEN_DUAL_BILLING_STATES
from .models.dual_billing import DualBillingTally
from .models.lines import LineTally
from .models.scoping import PortalScope
from .models.services import RECHARGE_OVERRIDES, LineServiceTally
from .models.usage import ThresholdTally

# --- Who the user is (profiles, registration, log-in) -----------------------------------------


def referents_for_mobile(*, mobile: str) -> QuerySet[Referent]:
    """Referent rows whose mobile number is the user's: they grant the referent profiles."""
    return Referent.objects.filter(mobile=mobile).select_related("contract__administration")


def line_for_mobile(*, mobile: str) -> Line | None:
    """The user's own line: the registered number, when it is not ceased (F-9)."""
    if not mobile:
        return None
    return (
        Line.objects.select_related("contract__administration", "tariff_plan")
        .exclude(state=LineState.CEASED)
        .filter(msisdn=mobile)
        .first()
    )


def active_line_for_mobile(*, mobile: str) -> Line | None:
    """The ACTIVE line of a number, which may register or log in (F-3, F-4)."""
    return (
        Line.objects.select_related("contract__administration")
        .filter(msisdn=mobile, state=LineState.ACTIVE)
        .first()
    )


# --- Contracts and referents ----------------------------------------------------------------


def contract_by_pk(*, pk: int) -> Contract | None:
    return Contract.objects.filter(pk=pk).first()


def contract_by_code(*, code: str) -> Contract | None:
    return Contract.objects.select_related("administration").filter(code=code).first()


def contracts_with_line_count() -> QuerySet[Contract]:
    """Every contract, annotated ``line_count`` (back office)."""
    return Contract.objects.select_related("administration").annotate(line_count=Count("lines"))


def referents_for_portal(*, ctx: PortalScope) -> QuerySet[Referent]:
    return Referent.objects.for_portal(ctx)


def referents_of_contract(
    *, contract: Contract, roles: Iterable[str] | None = None
) -> QuerySet[Referent]:
    qs = Referent.objects.for_contract(contract)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.order_by("role", "last_name", "first_name")


def master_referent(*, contract: Contract) -> Referent | None:
    return Referent.objects.filter(contract=contract, role=Referent.Role.MASTER).first()


# --- Lines and SIMs ---------------------------------------------------------------------------


def all_lines() -> QuerySet[Line]:
    """Every line of every contract with its contract and plan (back office)."""
    return Line.objects.select_related("contract__administration", "tariff_plan")


def lines_of_contract(*, contract: Contract) -> QuerySet[Line]:
    return Line.objects.for_contract(contract)


def cost_centres_for_portal(*, ctx: PortalScope) -> QuerySet[CostCentre]:
    """The selected contract's cost centres, each with its number of lines."""
    return CostCentre.objects.for_portal(ctx).annotate(line_count=Count("lines"))


def cost_centres_of_contract(*, contract: Contract) -> QuerySet[CostCentre]:
    return CostCentre.objects.filter(contract=contract)


def line_tallies_of_contract(*, contract: Contract) -> QuerySet[LineTally]:
    """The maintained totals of the contract's lines per tariff plan and state (kept by
    database triggers): a handful of rows, however many lines (issue 17)."""
    return LineTally.objects.for_contract(contract)


def line_service_tallies_of_contract(*, contract: Contract) -> QuerySet[LineServiceTally]:
    """The maintained totals of the contract's line services (STS) per description and
    state (kept by database triggers, issue 17)."""
    return LineServiceTally.objects.for_contract(contract)


def dual_billing_tallies_of_contract(
    *, contract: Contract, kind: str
) -> QuerySet[DualBillingTally]:
    """The maintained totals of the contract's TIM TUO rows of one kind per state (kept by
    database triggers, issue 17)."""
    return DualBillingTally.objects.for_contract(contract).filter(kind=kind)


def listed_sims_count(*, contract: Contract) -> int:
    """How many SIMs "Su linea" lists for the contract (``inventory.selectors.listed_sims``
    without a search), from the maintained totals."""
    totals = line_tallies_of_contract(contract=contract).aggregate(n=Sum("listed_sims"))
    return totals["n"] or 0


def sims_for_portal(*, ctx: PortalScope) -> QuerySet[Sim]:
    return Sim.objects.for_portal(ctx)


def sims_of_line(*, line: Line | OuterRef) -> QuerySet[Sim]:
    """The SIMs of a line, ceased ones included (``line`` may be an ``OuterRef``)."""
    return Sim.objects.for_line(line)


def sims_listed_of_line(*, line: Line) -> QuerySet[Sim]:
    """The SIMs of a line that "Su linea" lists: not ceased, unless the line is (a SIM
    replaced by "Cambio SIM" stays on the line, ceased). Read from the maintained
    ``listed_contract``, as the list itself reads it."""
    return Sim.objects.for_line(line).filter(listed_contract__isnull=False)


def main_sim_in_service(*, line: Line) -> Sim | None:
    """The line's principal SIM in service, not one a "Cambio SIM" replaced (ceased)."""
    return (
        Sim.objects.for_line(line)
        .filter(role=Sim.Role.MAIN)
        .exclude(state=Sim.State.CEASED)
        .first()
    )


def sims_on_lines_of_contract(*, contract: Contract) -> QuerySet[Sim]:
    """The SIMs on a line of the contract (the hot stock, on no line, is left out)."""
    return Sim.objects.filter(line__contract=contract)


def sims_listed_on_contract(*, contract: Contract) -> QuerySet[Sim]:
    """The SIMs "Su linea" lists for the contract: on a line of the contract, not ceased
    unless the line is. Read from the line's contract the triggers copy onto the SIM
    (``listed_contract``, migration 0014), so the list needs no join to be scoped or
    sorted by the line's number (``line_msisdn``)."""
    return Sim.objects.filter(listed_contract=contract)


def lines_with_msisdn_ending(*, digits: str) -> QuerySet[Line]:
    """Lines whose number ends with ``digits``, any contract: a subquery of a search whose
    outer query is scoped. Written as "the reversed number starts with the reversed digits"
    (``msisdn__endswith`` rows, on every database), which PostgreSQL reads as a range of the
    B-tree index on ``reverse(msisdn)`` (migration 0017)."""
    return Line.objects.alias(msisdn_reversed=Reverse("msisdn")).filter(
        msisdn_reversed__startswith=digits[::-1]
    )


def sims_with_iccid_ending(*, digits: str) -> QuerySet[Sim]:
    """SIMs whose ICCID ends with ``digits`` (the screen shows the last 10, E-08), any
    contract: a subquery of a search whose outer query is scoped; indexed as the line's
    number is (``reverse(iccid)``, migration 0017)."""
    return Sim.objects.alias(iccid_reversed=Reverse("iccid")).filter(
        iccid_reversed__startswith=digits[::-1]
    )


def sims_of_contract(*, contract: Contract) -> QuerySet[Sim]:
    """Every SIM of the contract: on its lines and in its hot stock."""
    return Sim.objects.for_contract(contract)


def stock_sims_of_contract(*, contract: Contract) -> QuerySet[Sim]:
    """The contract's hot stock (F-7.3.11): SIMs on no line, not active, ready for a deferred
    activation (F-7.3.6) or a SIM change (F-7.3.8)."""
    return Sim.objects.for_contract(contract).filter(line__isnull=True, state=Sim.State.STOCK)


def sims_with_iccids(*, iccids: Iterable[str]) -> QuerySet[Sim]:
    """SIMs by ICCID, any contract: a request names an ICCID, the form says whose it is."""
    return Sim.objects.filter(iccid__in=list(iccids))


def lines_with_msisdns(*, msisdns: Iterable[str]) -> QuerySet[Line]:
    """Lines by number, any contract (a number already in use cannot be activated again)."""
    return Line.objects.filter(msisdn__in=list(msisdns))


def network_categories() -> QuerySet[NetworkCategory]:
    """The direttrici (G-27), reference data."""
    return NetworkCategory.objects.all()


def rif_profiles() -> QuerySet[RifProfile]:
    """The RIF profiles of the Legenda (G-27), reference data."""
    return RifProfile.objects.all()


def active_recharge_services(*, kinds: Iterable[str]) -> QuerySet[LineService]:
    """Active automatic recharge services of every line (the periodic job, F-7.3.4)."""
    return LineService.objects.filter(kind__in=list(kinds), state=ServiceState.ACTIVE)


def lines_with_recharge_override(*, line_ids: Iterable[int], month: str) -> set[int]:
    """Of ``line_ids``, those whose Conferma / Rinuncia for ``month`` ("YYYY-MM") is already
    recorded (F-7.3.3: a second request for the same month would change nothing)."""
    first = datetime.date.fromisoformat(f"{month}-01")
    return set(
        LineService.objects.filter(
            line_id__in=list(line_ids),
            description__in=list(RECHARGE_OVERRIDES.values()),
            activation_date=first,
        ).values_list("line_id", flat=True)
    )


def prepaid_lines_with_auto_recharge(*, modes: Iterable[str]) -> QuerySet[Line]:
    """Live rechargeable lines of every contract whose monthly recharge mode is one of
    ``modes`` (the start-of-month job, F-7.3.3)."""
    return Line.objects.filter(
        tariff_plan__category="RICARICABILE",
        state=LineState.ACTIVE,
        auto_recharge__in=list(modes),
    )


# --- Services, devices, TIM TUO -------------------------------------------------------------


def services_of_line(*, line: Line, include_ceased: bool = True) -> QuerySet[LineService]:
    qs = LineService.objects.for_line(line)
    if not include_ceased:
        qs = qs.exclude(state=ServiceState.CEASED)
    return qs.order_by("description", "activation_date")


def line_services_of_contract(*, contract: Contract) -> QuerySet[LineService]:
    """Servizi su linea (STS) of the contract's lines."""
    return LineService.objects.for_contract(contract)


def line_services_listed_on_contract(*, contract: Contract) -> QuerySet[LineService]:
    """The STS of the contract's lines (``line_services_of_contract``), scoped by the line's
    contract the triggers copy onto the service (``line_contract``, migration 0014): sorted
    by ``line_msisdn``, a deep page is a range of their index, no join."""
    return LineService.objects.filter(line_contract=contract)


def services_of_contract(*, contract: Contract) -> QuerySet[ContractService]:
    """Servizi a contratto (SAC)."""
    return ContractService.objects.for_contract(contract)


def devices_of_contract(*, contract: Contract | int) -> QuerySet[Device]:
    return Device.objects.for_contract(contract)


def dual_billings_of_contract(
    *, contract: Contract, kind: str | None = None, states: Iterable[str] | None = None
) -> QuerySet[DualBilling]:
    qs = DualBilling.objects.for_contract(contract)
    if kind:
        qs = qs.filter(kind=kind)
    if states is not None:
        qs = qs.filter(state__in=list(states))
    return qs


def dual_billing_of_line(*, line: Line) -> DualBilling | None:
    """The line's live TIM TUO (pending, active or suspended), else None."""
    return (
        DualBilling.objects.filter(line=line, state__in=OPEN_DUAL_BILLING_STATES)
        .select_related("invoice_address")
        .first()
    )


def dual_billing_state_of_line(*, line: Line | int) -> str | None:
    """The state of the line's live TIM TUO, else None: one column of one row (at most one
    is open, ``one_open_dual_billing_per_line``), without the join of the model's ordering
    on the line's number (issue 17: read on every "Dettaglio traffico")."""
    return (
        DualBilling.objects.filter(line=line, state__in=OPEN_DUAL_BILLING_STATES)
        .values_list("state", flat=True)
        .order_by()
        .first()
    )


def dual_billing_options_of_line(
    *, line: Line, scope: str | None = None, live_only: bool = True
) -> QuerySet[DualBillingOption]:
    qs = DualBillingOption.objects.for_line(line)
    if scope:
        qs = qs.filter(scope=scope)
    if live_only:
        qs = qs.filter(state__in=[DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE])
    return qs.order_by("scope", "family")


def dual_billing_lines(*, contract: Contract) -> QuerySet[Line]:
    """TIM TUO lists (F-7.4.5–F-7.4.8): the contract's live lines that can have TIM TUO (not
    M2M, not ceased), with the ICCID of the principal SIM, ``dual_open`` (a TIM TUO pending,
    active or suspended) and ``dual_active`` (ATTIVO)."""
    from django.db.models import Exists, Subquery

    open_billing = DualBilling.objects.filter(
        line=OuterRef("pk"), state__in=OPEN_DUAL_BILLING_STATES
    )
    main = Sim.objects.filter(line=OuterRef("pk"), role=Sim.Role.MAIN).exclude(
        state=Sim.State.CEASED
    )
    return (
        Line.objects.for_contract(contract)
        .exclude(state=LineState.CEASED)
        .exclude(tariff_plan__category="M2M")
        .select_related("tariff_plan")
        .annotate(
            main_iccid=Subquery(main.values("iccid")[:1]),
            dual_open=Exists(open_billing),
            dual_active=Exists(open_billing.filter(state="ATTIVO")),
        )
    )


def company_options_of_contract(*, contract: Contract) -> QuerySet[DualBillingOption]:
    """The live company TIM TUO options of the contract's lines (F-7.4.8)."""
    return DualBillingOption.objects.for_contract(contract).filter(
        scope=DualBillingOption.Scope.COMPANY,
        state__in=[DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE],
    )


def dual_billings_of_line(*, line: Line) -> QuerySet[DualBilling]:
    """Every TIM TUO of the line, ceased ones too ("Reportistica")."""
    return DualBilling.objects.for_line(line).select_related("invoice_address")


def person_by_fiscal_code(*, fiscal_code: str) -> dict | None:
    """The CRM's customer lookup by CF (F-9.2.1.1.1): the personal data TIM already knows
    (the last TIM TUO account in that name, else a referent), or None."""
    billing = (
        DualBilling.objects.filter(employee_fiscal_code=fiscal_code)
        .select_related("invoice_address")
        .order_by("-activation_date", "-pk")
        .first()
    )
    if billing is not None:
        a = billing.invoice_address
        address = (
            {
                k: getattr(a, k)
                for k in ("toponym", "street", "number", "hamlet", "province", "city", "cap")
            }
            if a
            else {}
        )
        return {
            "first_name": billing.employee_first_name,
            "last_name": billing.employee_last_name,
            "address": address,
        }
    ref = Referent.objects.filter(fiscal_code=fiscal_code).order_by("pk").first()
    if ref is not None:
        return {"first_name": ref.first_name, "last_name": ref.last_name, "address": {}}
    return None


def personal_invoices_for_portal(*, ctx: PortalScope) -> QuerySet[PersonalInvoice]:
    """The employee's own line's personal invoices (La mia fattura)."""
    return PersonalInvoice.objects.for_portal(ctx).select_related("dual_billing__line")


ROAMING_COMPANY_OPTION = "TIM Tuo Roaming on Extra UE (per ricaricabile)"


def line_has_company_roaming(*, line: Line) -> bool:
    """The line has the company option "TIM TUO ROAMING ON EXTRA UE" (F-7.4.6), live."""
    return DualBillingOption.objects.filter(
        line=line,
        scope=DualBillingOption.Scope.COMPANY,
        name=ROAMING_COMPANY_OPTION,
        state__in=[DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE],
    ).exists()


def personal_options_history_of_line(
    *, line: Line, family: str, since: datetime.date
) -> QuerySet[DualBillingOption]:
    """The line's personal options of a family activated since ``since`` (any state)."""
    return DualBillingOption.objects.for_line(line).filter(
        scope=DualBillingOption.Scope.PERSONAL, family=family, activation_date__gte=since
    )


def personal_recharges_of_line(
    *, line: Line, since: datetime.datetime
) -> QuerySet[PersonalRecharge]:
    """F-9.1.3: the line's personal recharges since ``since``, newest first (every channel)."""
    return PersonalRecharge.objects.for_line(line).filter(recharged_at__gte=since)


def bundles_of_contract(*, contract: Contract) -> QuerySet[Bundle]:
    """The bundles of every line of the contract (eBill "Monitoraggio Bundle")."""
    return Bundle.objects.for_contract(contract).order_by("line__msisdn", "scope", "unit", "name")


def bundles_of_line(*, line: Line, scope: str | None = None) -> QuerySet[Bundle]:
    qs = Bundle.objects.for_line(line)
    if scope:
        qs = qs.filter(scope=scope)
    return qs.order_by("scope", "unit", "name")


# --- Invoices, traffic, SMS -------------------------------------------------------------------


def invoices_for_portal(
    *, ctx: PortalScope, since: datetime.date | None = None
) -> QuerySet[Invoice]:
    """The selected contract's invoices (Fatture aziendali), issued on or after ``since``."""
    qs = Invoice.objects.for_portal(ctx)
    if since is not None:
        qs = qs.filter(emission_date__gte=since)
    return qs


def traffic_of_line(
    *,
    line: Line | int,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    categories: Iterable[str] | None = None,
    charging: Iterable[str] | None = None,
    paid_only: bool = False,
) -> QuerySet[TrafficEvent]:
    """Traffic events of a line in [start, end): one table, no join (the count cap of the
    "Dettaglio traffico" relies on it)."""
    where = {}  # one filter() call: each one clones the whole query
    if start is not None:
        where["occurred_at__gte"] = start
    if end is not None:
        where["occurred_at__lt"] = end
    if categories is not None:
        where["category__in"] = list(categories)
    if charging is not None:
        where["charging__in"] = list(charging)
    if paid_only:
        where["net_amount__gt"] = 0
    return TrafficEvent.objects.for_line(line).filter(**where)


def traffic_events_in(*, ids: QuerySet) -> QuerySet[TrafficEvent]:
    """The events whose pk is in ``ids`` (a ``values("pk")`` subquery, e.g. a capped slice)."""
    return TrafficEvent.objects.filter(pk__in=ids)


def service_sms_of_line(*, line: Line, since: datetime.datetime) -> QuerySet[ServiceSms]:
    return ServiceSms.objects.for_line(line).filter(sent_at__gte=since)


# --- Reference: price list --------------------------------------------------------------------


def current_price_list() -> PriceList | None:
    """The Convenzione's current listino with its items."""
    return PriceList.objects.filter(is_current=True).prefetch_related("items").first()


def current_option_prices(*, codes: Iterable[str]) -> dict[str, PriceItem]:
    """The current listino's option items with these codes, by code."""
    return {
        item.code: item
        for item in PriceItem.objects.filter(
            price_list__is_current=True, kind=PriceItem.Kind.OPTION, code__in=list(codes)
        )
    }


# --- Assistenza: devices, service points ------------------------------------------------------


def assistance_devices(*, contract: Contract) -> QuerySet[Device]:
    """G-54: the devices an all-risk ticket may be opened for (rental or maintenance)."""
    return (
        Device.objects.for_contract(contract)
        .filter(
            state=Device.State.ACTIVE,
            service_type__in=[Device.ServiceType.RENTAL, Device.ServiceType.MAINTENANCE],
        )
        .select_related("line")
        .order_by("description", "imei")
    )


def active_service_codes(*, contract: Contract) -> list[str]:
    """G-37: the codes of the advanced services (SAC) active on the contract."""
    return list(
        ContractService.objects.for_contract(contract)
        .filter(state=ServiceState.ACTIVE)
        .exclude(code="")
        .values_list("code", flat=True)
    )


def active_service_points() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(is_active=True).order_by("province", "city", "name")


def service_points_near(
    *, latitude: float, longitude: float, radius_km: float = 10, limit: int = 15
) -> list[tuple[ServicePoint, float]]:
    """PDA within radius_km, nearest first, as (point, distance_km) (F-7.7.8)."""
    # A bounding box in SQL, then exact great-circle distances in Python.
    dlat = radius_km / 111.0
    dlon = radius_km / max(1e-6, 111.0 * math.cos(math.radians(latitude)))
    candidates = ServicePoint.objects.filter(
        is_active=True,
        latitude__range=(latitude - dlat, latitude + dlat),
        longitude__range=(longitude - dlon, longitude + dlon),
    )
    found = []
    for point in candidates:
        dist = _haversine_km(latitude, longitude, float(point.latitude), float(point.longitude))
        if dist <= radius_km:
            found.append((point, dist))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


# --- Company invoices of the billing pages -------------------------------------------------


def company_invoices_since(*, contract: Contract, since: datetime.date) -> QuerySet[Invoice]:
    """The contract's company invoices issued on or after ``since`` (F-7.4.1)."""
    return Invoice.objects.filter(contract=contract, emission_date__gte=since)


def company_invoice_of_contract(
    *, contract: Contract, pk: int, since: datetime.date | None = None
) -> Invoice | None:
    """One company invoice of the contract (None if it is another contract's)."""
    qs = Invoice.objects.filter(contract=contract, pk=pk).select_related("contract__administration")
    if since is not None:
        qs = qs.filter(emission_date__gte=since)
    return qs.first()


# --- Thresholds (§7.5): the pages, the threshold engine and the back office -------------


def thresholds_of_contract(*, contract: Contract, live_only: bool = True) -> QuerySet[Threshold]:
    # The line's contract copied onto the threshold (``line_contract``, kept by triggers,
    # migration 0014): the lists sorted by ``line_msisdn`` read a deep page along its index.
    qs = Threshold.objects.filter(line_contract=contract).select_related("line")
    if live_only:
        qs = qs.filter(state__in=["IN ATTIVAZIONE", "ATTIVO"])
    return qs


def thresholds_count(*, contract: Contract, live_only: bool = True) -> int:
    """The length of ``thresholds_of_contract`` (no search), from the maintained totals."""
    rows = ThresholdTally.objects.for_contract(contract)
    if live_only:
        rows = rows.filter(state__in=["IN ATTIVAZIONE", "ATTIVO"])
    return rows.aggregate(n=Sum("thresholds"))["n"] or 0


def thresholds_blocking() -> QuerySet[Threshold]:
    """Active thresholds blocking their line now (every contract: the back office)."""
    return Threshold.objects.filter(blocked_line=True, state=Threshold.State.ACTIVE)


def thresholds_active(*, where: Q, lock: bool = False) -> QuerySet[Threshold]:
    """Active thresholds matching ``where``; ``lock`` = ``SELECT … FOR UPDATE`` (the engine)."""
    qs = Threshold.objects.filter(where, state=Threshold.State.ACTIVE)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs


def thresholds_erosion_due_lines(*, before: datetime.datetime, limit: int) -> list[int]:
    """At most ``limit`` lines with an active threshold due for erosion since before
    ``before`` (the partial index ``threshold_erosion_due`` holds only those), oldest first."""
    rows = (
        Threshold.objects.filter(erosion_due_at__lt=before, state=Threshold.State.ACTIVE)
        .order_by("erosion_due_at")
        .values_list("line_id", flat=True)[: limit * 2]
    )
    return list(dict.fromkeys(rows))[:limit]


def threshold_by_pk(*, pk: int) -> Threshold | None:
    return Threshold.objects.select_related("line").filter(pk=pk).first()


def traffic_events_where(*, where: Q) -> QuerySet[TrafficEvent]:
    """Traffic events matching ``where`` (the threshold engine's period sums)."""
    return TrafficEvent.objects.filter(where)


def contracts_by_pks(*, pks: Iterable[int]) -> QuerySet[Contract]:
    return Contract.objects.filter(pk__in=list(pks))


# --- Usage aggregates (TEM, G-56): what the analytics read instead of the events ---------------

TEM_ROLES = (Referent.Role.MASTER, Referent.Role.MANDATARIO, Referent.Role.EBILL)


def tem_contracts_for_mobile(*, mobile: str) -> QuerySet[Contract]:
    """The contracts whose expenses a registered number may analyse in TEM: those where it is
    Referente Master, Mandatario or Referente eBill (the "Modulo TEM" profiles)."""
    if not mobile:
        return Contract.objects.none()
    return Contract.objects.filter(
        referents__mobile=mobile, referents__role__in=TEM_ROLES
    ).distinct()


def usage_contract_months(*, contracts: Iterable[Contract | int]) -> QuerySet[UsageContractMonth]:
    """Monthly usage of the contracts, per cost centre (the whole-contract reports)."""
    return UsageContractMonth.objects.filter(contract__in=list(contracts))


def usage_line_months(*, contracts: Iterable[Contract | int]) -> QuerySet[UsageLineMonth]:
    """Monthly usage of the contracts' lines (line filters, top lines, anomalies)."""
    return UsageLineMonth.objects.filter(line__contract__in=list(contracts))


def usage_line_months_of_line(*, line: Line | int) -> QuerySet[UsageLineMonth]:
    return UsageLineMonth.objects.filter(line=line)


def lines_of_contracts(*, contracts: Iterable[Contract | int]) -> QuerySet[Line]:
    return Line.objects.filter(contract__in=list(contracts))


def cost_centres_of_contracts(*, contracts: Iterable[Contract | int]) -> QuerySet[CostCentre]:
    return CostCentre.objects.filter(contract__in=list(contracts))


def company_invoices_of_contracts(*, contracts: Iterable[Contract | int]) -> QuerySet[Invoice]:
    """The company invoices of the contracts (cancelled ones included)."""
    return Invoice.objects.filter(contract__in=list(contracts))
