"""Reads of the systems of record. Views and other apps read records through here."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from .models import (
    Administration,
    Bundle,
    Contract,
    ContractService,
    Device,
    DualBilling,
    DualBillingOption,
    Invoice,
    Line,
    LineService,
    LineState,
    NetworkCategory,
    PersonalInvoice,
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
)
from .models.dual_billing import OPEN_STATES as OPEN_DUAL_BILLING_STATES


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


def contracts_for_codes(*, codes: list[str]) -> QuerySet[Contract]:
    return Contract.objects.filter(code__in=codes).select_related("administration")


def lines_for_contract(*, contract: Contract) -> QuerySet[Line]:
    return Line.objects.filter(contract=contract).select_related("tariff_plan")


# --- Contracts and referents ------------------------------------------------------------


def contract_by_code(*, code: str) -> Contract | None:
    return Contract.objects.select_related("administration").filter(code=code).first()


def contracts_of_administration(*, administration: Administration) -> QuerySet[Contract]:
    return Contract.objects.filter(administration=administration).order_by("code")


def contract_detail(*, contract_id: int) -> Contract | None:
    """A contract with its administration, seat, legal representative and addresses."""
    return (
        Contract.objects.select_related(
            "administration__seat",
            "administration__legal_representative",
            "invoice_address",
            "docs_address",
        )
        .filter(pk=contract_id)
        .first()
    )


def referents_of_contract(
    *, contract: Contract, roles: Iterable[str] | None = None
) -> QuerySet[Referent]:
    qs = Referent.objects.filter(contract=contract)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.order_by("role", "last_name", "first_name")


def master_referent(*, contract: Contract) -> Referent | None:
    return Referent.objects.filter(contract=contract, role=Referent.Role.MASTER).first()


# --- Lines and SIMs -------------------------------------------------------------------


def _apply_line_search(qs: QuerySet[Line], search: str) -> QuerySet[Line]:
    """MSISDN (full or partial) or ICCID (19 digits or the last digits shown, e.g. 10)."""
    term = "".join(ch for ch in search if ch.isdigit())
    if not term:
        return qs.none() if search.strip() else qs
    if len(term) == 19:
        return qs.filter(sims__iccid=term).distinct()
    by_number = Q(msisdn__startswith=term) if len(term) < 10 else Q(msisdn=term)
    if len(term) >= 6:
        return qs.filter(by_number | Q(sims__iccid__endswith=term)).distinct()
    return qs.filter(by_number)


def contract_lines(
    *,
    contract: Contract,
    search: str = "",
    states: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    tariff_plan_names: Iterable[str] | None = None,
    exclude_ceased: bool = False,
) -> QuerySet[Line]:
    """The lines of a contract, optionally searched by MSISDN or ICCID (full/last digits),
    filtered by state, tariff category (TariffPlan.Category values) or plan name."""
    qs = Line.objects.filter(contract=contract).select_related("tariff_plan", "rif_profile")
    if states is not None:
        qs = qs.filter(state__in=list(states))
    if exclude_ceased:
        qs = qs.exclude(state=LineState.CEASED)
    if categories is not None:
        qs = qs.filter(tariff_plan__category__in=list(categories))
    if tariff_plan_names is not None:
        qs = qs.filter(tariff_plan__name__in=list(tariff_plan_names))
    if search:
        qs = _apply_line_search(qs, search)
    return qs.order_by("msisdn")


def contract_lines_with_main_sim(*, contract: Contract, search: str = "") -> QuerySet[Line]:
    """Lines annotated with ``main_iccid`` (the main SIM's ICCID, None when absent)."""
    main = Sim.objects.filter(line=OuterRef("pk"), role=Sim.Role.MAIN).order_by("-state")
    return contract_lines(contract=contract, search=search).annotate(
        main_iccid=Subquery(main.values("iccid")[:1])
    )


def line_in_contract(*, contract: Contract, line_id: int) -> Line | None:
    """A line of the contract, or None: out-of-scope lines are never returned (P-02)."""
    return (
        Line.objects.select_related("tariff_plan", "rif_profile", "contract")
        .filter(contract=contract, pk=line_id)
        .first()
    )


def line_by_msisdn(*, msisdn: str, contract: Contract | None = None) -> Line | None:
    qs = Line.objects.select_related("tariff_plan", "contract__administration")
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.filter(msisdn=msisdn).first()


def sims_of_line(*, line: Line, include_ceased: bool = False) -> QuerySet[Sim]:
    qs = Sim.objects.filter(line=line)
    if not include_ceased:
        qs = qs.exclude(state=Sim.State.CEASED)
    return qs.order_by("role", "iccid")  # PRINCIPALE before SECONDARIA


def main_sim(*, line: Line) -> Sim | None:
    return (
        Sim.objects.filter(line=line, role=Sim.Role.MAIN)
        .exclude(state=Sim.State.CEASED)
        .order_by("state")
        .first()
    )


def secondary_sims(*, line: Line) -> QuerySet[Sim]:
    return Sim.objects.filter(line=line, role=Sim.Role.SECONDARY).exclude(state=Sim.State.CEASED)


def sim_by_iccid(*, iccid: str, contract: Contract | None = None) -> Sim | None:
    """A SIM by its full ICCID or by the last 10 digits shown on screen."""
    qs = Sim.objects.select_related("line", "contract")
    if contract is not None:
        qs = qs.filter(contract=contract)
    if len(iccid) == 19:
        return qs.filter(iccid=iccid).first()
    matches = list(qs.filter(iccid__endswith=iccid)[:2])
    return matches[0] if len(matches) == 1 else None


def stock_sims(*, contract: Contract, kind: str | None = None) -> QuerySet[Sim]:
    """Hot-stock SIMs of the contract ("scorta calda"), not yet on a line."""
    qs = Sim.objects.filter(contract=contract, state=Sim.State.STOCK, line__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("iccid")


def line_counts_by_plan_and_state(*, contract: Contract) -> list[dict]:
    """Consistenze aggregate "Su linea": [{tariff_plan__name, state, total}]."""
    return list(
        Line.objects.filter(contract=contract)
        .values("tariff_plan__name", "state")
        .annotate(total=Count("pk"))
        .order_by("state", "tariff_plan__name")
    )


# --- Services, devices, TIM TUO ---------------------------------------------------------


def services_of_line(*, line: Line, include_ceased: bool = True) -> QuerySet[LineService]:
    qs = LineService.objects.filter(line=line)
    if not include_ceased:
        qs = qs.exclude(state=ServiceState.CEASED)
    return qs.order_by("description", "activation_date")


def line_services_of_contract(*, contract: Contract, search: str = "") -> QuerySet[LineService]:
    """Consistenza di dettaglio STS, searchable by MSISDN/ICCID."""
    qs = LineService.objects.filter(line__contract=contract).select_related("line")
    if search:
        lines = _apply_line_search(Line.objects.filter(contract=contract), search)
        qs = qs.filter(line__in=lines.values("pk"))
    return qs.order_by("line__msisdn", "description")


def line_service_counts(*, contract: Contract) -> list[dict]:
    """Consistenze aggregate STS: [{description, state, total}]."""
    return list(
        LineService.objects.filter(line__contract=contract)
        .values("description", "state")
        .annotate(total=Count("pk"))
        .order_by("state", "description")
    )


def active_recharge_services(*, line: Line) -> QuerySet[LineService]:
    """Timed/parametric recharge STS already active on the line (G-22)."""
    return LineService.objects.filter(
        line=line,
        kind__in=[LineService.Kind.TIMED_RECHARGE, LineService.Kind.PARAMETRIC_RECHARGE],
        state__in=[ServiceState.ACTIVE, ServiceState.PENDING],
    )


def services_of_contract(*, contract: Contract) -> QuerySet[ContractService]:
    return ContractService.objects.filter(contract=contract).order_by("description")


def contract_has_service(*, contract: Contract, code: str) -> bool:
    """Whether an advanced service (SAC code, e.g. "EMM") is active on the contract (G-37)."""
    return ContractService.objects.filter(
        contract=contract, code=code, state=ServiceState.ACTIVE
    ).exists()


def devices_of_contract(*, contract: Contract, search: str = "") -> QuerySet[Device]:
    qs = Device.objects.filter(contract=contract).select_related("line")
    if search:
        qs = qs.filter(Q(imei__contains=search) | Q(line__msisdn__startswith=search))
    return qs.order_by("imei")


def device_in_contract(*, contract: Contract, imei: str) -> Device | None:
    return Device.objects.filter(contract=contract, imei=imei).first()


def dual_billings_of_contract(
    *, contract: Contract, kind: str | None = None, states: Iterable[str] | None = None
) -> QuerySet[DualBilling]:
    qs = DualBilling.objects.filter(line__contract=contract).select_related("line")
    if kind:
        qs = qs.filter(kind=kind)
    if states is not None:
        qs = qs.filter(state__in=list(states))
    return qs.order_by("line__msisdn", "-activation_date")


def dual_billing_of_line(*, line: Line) -> DualBilling | None:
    """The line's live TIM TUO (pending, active or suspended), else None."""
    return (
        DualBilling.objects.filter(line=line, state__in=OPEN_DUAL_BILLING_STATES)
        .select_related("invoice_address")
        .first()
    )


def dual_billing_options_of_line(
    *, line: Line, scope: str | None = None, live_only: bool = True
) -> QuerySet[DualBillingOption]:
    qs = DualBillingOption.objects.filter(line=line)
    if scope:
        qs = qs.filter(scope=scope)
    if live_only:
        qs = qs.filter(state__in=[DualBillingOption.State.PENDING, DualBillingOption.State.ACTIVE])
    return qs.order_by("scope", "family")


# --- Network, RIF, bundles, thresholds ------------------------------------------------


def network_categories() -> QuerySet[NetworkCategory]:
    return NetworkCategory.objects.all()


def rif_profiles() -> QuerySet[RifProfile]:
    return RifProfile.objects.all()


def blocked_category_codes(*, line: Line) -> set[str]:
    return set(line.blocked_categories.values_list("code", flat=True))


def bundles_of_line(*, line: Line, scope: str | None = None) -> QuerySet[Bundle]:
    qs = Bundle.objects.filter(line=line)
    if scope:
        qs = qs.filter(scope=scope)
    return qs.order_by("scope", "unit", "name")


def thresholds_of_line(*, line: Line, live_only: bool = True) -> QuerySet[Threshold]:
    qs = Threshold.objects.filter(line=line)
    if live_only:
        qs = qs.exclude(state=Threshold.State.CEASED)
    return qs.order_by("kind", "description")


def thresholds_of_contract(
    *, contract: Contract, live_only: bool = True, search: str = ""
) -> QuerySet[Threshold]:
    qs = Threshold.objects.filter(line__contract=contract).select_related("line")
    if live_only:
        qs = qs.exclude(state=Threshold.State.CEASED)
    if search:
        lines = _apply_line_search(Line.objects.filter(contract=contract), search)
        qs = qs.filter(line__in=lines.values("pk"))
    return qs.order_by("line__msisdn", "description")


# --- Invoices, traffic, SMS -------------------------------------------------------------


def invoices_of_contract(
    *, contract: Contract, bimester: str = "", payment_state: str = ""
) -> QuerySet[Invoice]:
    qs = Invoice.objects.filter(contract=contract)
    if bimester:
        qs = qs.filter(bimester=bimester)
    if payment_state:
        qs = qs.filter(payment_state=payment_state)
    return qs.order_by("-emission_date")


def personal_invoices_of_line(*, line: Line, limit: int = 6) -> list[PersonalInvoice]:
    """The last personal TIM TUO invoices of the line (F-9.2.1.2 shows the last 6)."""
    return list(
        PersonalInvoice.objects.filter(dual_billing__line=line).order_by("-emission_date")[:limit]
    )


def traffic_of_line(
    *,
    line: Line,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    categories: Iterable[str] | None = None,
    charging: Iterable[str] | None = None,
    paid_only: bool = False,
) -> QuerySet[TrafficEvent]:
    """Traffic events of a line in [start, end), newest first; cap the slice (3,000, G-44)."""
    qs = TrafficEvent.objects.filter(line=line)
    if start is not None:
        qs = qs.filter(occurred_at__gte=start)
    if end is not None:
        qs = qs.filter(occurred_at__lt=end)
    if categories is not None:
        qs = qs.filter(category__in=list(categories))
    if charging is not None:
        qs = qs.filter(charging__in=list(charging))
    if paid_only:
        qs = qs.filter(net_amount__gt=0)
    return qs.order_by("-occurred_at")


def service_sms_of_line(*, line: Line, since: datetime.datetime) -> QuerySet[ServiceSms]:
    return ServiceSms.objects.filter(line=line, sent_at__gte=since).order_by("-sent_at")


# --- Reference: price list, service points -----------------------------------------------


def current_price_list() -> PriceList | None:
    return PriceList.objects.filter(is_current=True).first()


def price_items(*, price_list: PriceList, kind: str | None = None) -> QuerySet[PriceItem]:
    qs = PriceItem.objects.filter(price_list=price_list)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "code")


def price_of(*, kind: str, code: str) -> Decimal | None:
    """The current list price of an item (e.g. a TIM TUO option code), or None."""
    item = PriceItem.objects.filter(price_list__is_current=True, kind=kind, code=code).first()
    return item.price if item else None


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
        dist = haversine_km(latitude, longitude, float(point.latitude), float(point.longitude))
        if dist <= radius_km:
            found.append((point, dist))
    found.sort(key=lambda pair: pair[1])
    return found[:limit]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def assistance_devices(*, contract: Contract) -> QuerySet[Device]:
    """G-54: the devices an all-risk ticket may be opened for (rental or maintenance)."""
    return (
        Device.objects.filter(
            contract=contract,
            state=Device.State.ACTIVE,
            service_type__in=[Device.ServiceType.RENTAL, Device.ServiceType.MAINTENANCE],
        )
        .select_related("line")
        .order_by("description", "imei")
    )


def active_service_points() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(is_active=True).order_by("province", "city", "name")


def active_service_codes(*, contract: Contract) -> list[str]:
    """G-37: the codes of the advanced services (SAC) active on the contract."""
    return list(
        ContractService.objects.filter(contract=contract, state=ServiceState.ACTIVE)
        .exclude(code="")
        .values_list("code", flat=True)
    )


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
