"""Reads of the consistencies (F-7.2.1, F-7.2.2): every queryset is scoped to one contract.

Rows are ``values()`` dictionaries with Italian-neutral keys, so a list page, a synchronous
download and a 100,000-row background export read the same columns without building model
instances. Every function takes the contract explicitly: the caller passes
``request.portal.referent_contract`` (or the job's contract), and nothing here can widen it. The
rows come from ``portale.records.selectors``; this module adds the columns.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf
from django.utils.translation import gettext as _

from portale.records import selectors as records
from portale.records.models import Contract, Device, LineService, Sim

NOT_AVAILABLE = "n.d."


# --- aggregate consistencies (F-7.2.1) ---------------------------------------------------
def aggregate_lines(contract: Contract) -> QuerySet:
    """Lines grouped by tariff profile and state: "Tot. linee", "Profilo tariffario", "Stato".

    Read from the maintained totals (a few rows per contract, issue 17): the same groups
    and numbers as counting the lines, without reading them."""
    return (
        records.line_tallies_of_contract(contract=contract)
        .filter(lines__gt=0)
        .values(profilo=F("tariff_plan__name"), stato=F("state"))
        .annotate(totale=Sum("lines"))
        .order_by()
    )


def aggregate_line_services(contract: Contract) -> QuerySet:
    """STS grouped by service and state: "Tot. servizi", "Descrizione servizio", "Stato".

    Read from the maintained totals (issue 17: ~1.3 STS per line, the GROUP BY read every
    one of them): the same groups and numbers as counting the services."""
    return (
        records.line_service_tallies_of_contract(contract=contract)
        .filter(services__gt=0)
        .values(descrizione=F("description"), stato=F("state"))
        .annotate(totale=Sum("services"))
        .order_by()
    )


def aggregate_dual_billing(contract: Contract, kind: str) -> QuerySet:
    """TIM TUO (subscription or rechargeable) lines by state: "Tot. servizi", "Stato".

    Read from the maintained totals (issue 17), the same numbers as counting the rows."""
    return (
        records.dual_billing_tallies_of_contract(contract=contract, kind=kind)
        .filter(services__gt=0)
        .values(stato=F("state"))
        .annotate(totale=Sum("services"))
        .order_by()
    )


def _device_service_label():
    """ "Tipo servizio" as the guide shows it ("VENDITA RATEALE I.TIM NOKIA N73 …")."""
    return Coalesce(
        NullIf(F("service_description"), Value("")),
        # A description that already starts with the service type is not prefixed twice
        # ("NOLEGGIO NOLEGGIO Samsung…", issue 21).
        Case(
            When(description__startswith=F("service_type"), then=F("description")),
            default=Concat(F("service_type"), Value(" "), F("description")),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )


def aggregate_devices(contract: Contract) -> QuerySet:
    """Devices by NMU code, service type and state: "Tot. servizi", "Codice NMU", …"""
    return (
        records.devices_of_contract(contract=contract)
        .annotate(tipo_servizio=_device_service_label())
        .values("tipo_servizio", codice_nmu=F("nmu_code"), stato=F("state"))
        .annotate(totale=Count("pk"))
        .order_by()
    )


def aggregate_contract_services(contract: Contract) -> QuerySet:
    """SAC by service and state: "Tot. SAC", "Descrizione servizio", "Stato"."""
    return (
        records.services_of_contract(contract=contract)
        .values(descrizione=F("description"), stato=F("state"))
        .annotate(totale=Count("pk"))
        .order_by()
    )


# --- detail consistencies (F-7.2.2) ---------------------------------------------------------
def listed_sims(contract: Contract) -> QuerySet:
    """The SIMs shown in "Su linea": one row per SIM of a line of the contract.

    A line with One Number has a main and secondary SIMs, each a row with its role. A
    replaced (ceased) SIM of a live line is left out; a ceased line keeps its SIMs.
    """
    return records.sims_listed_on_contract(contract=contract)


def listed_sims_count(contract: Contract) -> int:
    """The length of ``listed_sims(contract)``, from the maintained totals."""
    return records.listed_sims_count(contract=contract)


def _listed(sims: QuerySet) -> QuerySet:
    return sims.filter(~Q(state=Sim.State.CEASED) | Q(line__state="CESSATO"))


def listed_sim(ctx, pk: int) -> Sim | None:
    """One SIM of "Su linea" in the portal context (for "Richiedi" IMEI), else None."""
    sims = records.sims_for_portal(ctx=ctx).filter(line__isnull=False)
    return _listed(sims).select_related("line").filter(pk=pk).first()


def detail_lines(contract: Contract) -> QuerySet:
    # The number and the One Number role are the SIM's own copies of its line's (kept by
    # triggers): sorted by them, a deep page is a range of the index ``sim_listed_order``.
    return listed_sims(contract).values(
        "pk",
        "iccid",
        "listed_role",
        numero=F("line_msisdn"),
        one_number=Case(
            When(listed_role=Sim.Role.MAIN, then=Value("Principale")),
            When(listed_role=Sim.Role.SECONDARY, then=Value("Secondaria")),
            default=Value(""),
            output_field=CharField(),
        ),
        profilo=F("line__tariff_plan__name"),
        attivazione=F("line__activation_date"),
        cessazione=F("line__cessation_date"),
        stato=F("line__state"),
    )


def detail_line_services(contract: Contract) -> QuerySet:
    return records.line_services_listed_on_contract(contract=contract).values(
        "pk",
        numero=F("line_msisdn"),
        descrizione=Case(
            # G-13: the APN of a "Filtro APN" is shown in the description.
            When(
                kind=LineService.Kind.APN_FILTER,
                then=Concat(F("description"), Value(" – "), F("apn"), output_field=CharField()),
            ),
            default=F("description"),
            output_field=CharField(),
        ),
        attivazione=F("activation_date"),
        cessazione=F("cessation_date"),
        stato=F("state"),
        pct_ente=F("pct_charged_to_entity"),
        canone=F("monthly_fee"),
    )


def detail_dual_billing(contract: Contract, kind: str) -> QuerySet:
    main_iccid = (
        records.sims_of_line(line=OuterRef("line"))
        .filter(role=Sim.Role.MAIN)
        .exclude(state=Sim.State.CEASED)
        .order_by("-pk")
        .values("iccid")[:1]
    )
    return records.dual_billings_of_contract(contract=contract, kind=kind).values(
        "pk",
        numero=F("line__msisdn"),
        codice=F("code"),
        cognome=F("employee_last_name"),
        nome=F("employee_first_name"),
        codice_fiscale=F("employee_fiscal_code"),
        profilo=F("line__tariff_plan__name"),
        iccid=Subquery(main_iccid, output_field=CharField()),
        attivazione=F("activation_date"),
        cessazione=F("cessation_date"),
        stato=F("state"),
    )


def detail_devices(contract: Contract) -> QuerySet:
    return (
        records.devices_of_contract(contract=contract)
        .annotate(tipo_servizio=_device_service_label())
        .values(
            "pk",
            "imei",
            "tipo_servizio",
            descrizione=F("description"),
            codice_nmu=F("nmu_code"),
            linea=F("line__msisdn"),
            attivazione=F("activation_date"),
            cessazione=F("cessation_date"),
            stato=F("state"),
        )
    )


def detail_contract_services(contract: Contract) -> QuerySet:
    return records.services_of_contract(contract=contract).values(
        "pk",
        descrizione=F("description"),
        attivazione=F("activation_date"),
        cessazione=F("cessation_date"),
        stato=F("state"),
    )


# --- pseudonymised employee data (P-22) ------------------------------------------------------
def employee_display(last_name: str, first_name: str) -> str:
    """ "Dati dipendente" as the guide shows them: surname as initials, then the name.

    "LO CASCIO", "SALVATORE" → "L. C. - SALVATORE". The referent searches by the full
    surname or codice fiscale, but the list itself does not spell them out (P-22).
    """
    initials = " ".join(f"{part[0]}." for part in (last_name or "").upper().split() if part)
    first = (first_name or "").upper()
    return f"{initials} - {first}" if initials else first


# --- IMEI "Richiedi" (G-12) ---------------------------------------------------------------
def current_imei(sim: Sim) -> str:
    """The IMEI of the device currently holding ``sim``, as the network last saw it.

    The stand-in for the HLR/EIR lookup: the IMEI the records hold for the SIM (updated by
    traffic), or else the active device of the contract assigned to the SIM's line (main
    SIM only); "n.d." when neither is known.
    """
    if sim.imei:
        return sim.imei
    if sim.line_id and sim.role == Sim.Role.MAIN:
        device = (
            records.devices_of_contract(contract=sim.contract_id)
            .filter(line_id=sim.line_id, state=Device.State.ACTIVE)
            .order_by("-activation_date", "-pk")
            .values_list("imei", flat=True)
            .first()
        )
        if device:
            return device
        if sim.line and sim.line.imei:
            return sim.line.imei
    return NOT_AVAILABLE


# --- Visualizza Listino (F-7.2.3) -----------------------------------------------------------
def price_list_context(price_list) -> dict:
    """The sections of the price-list PDF, in the order of the Convenzione's listino."""
    from portale.records.models.reference import PriceItem

    order = [
        PriceItem.Kind.TARIFF,
        PriceItem.Kind.OPTION,
        PriceItem.Kind.STS,
        PriceItem.Kind.DEVICE,
        PriceItem.Kind.SERVICE,
        PriceItem.Kind.TRAFFIC,
    ]
    from decimal import Decimal

    from portale.core.lists.formats import italian_number

    items = sorted(price_list.items.all(), key=lambda i: (order.index(i.kind), i.code))
    for item in items:
        places = 2 if item.price == item.price.quantize(Decimal("0.01")) else 4
        item.price_display = italian_number(item.price, places)
    headings = {
        PriceItem.Kind.TARIFF: _("Profili tariffari"),
        PriceItem.Kind.OPTION: _("Opzioni"),
        PriceItem.Kind.STS: _("Servizi su linea (STS)"),
        PriceItem.Kind.DEVICE: _("Apparati"),
        PriceItem.Kind.SERVICE: _("Servizi a contratto (SAC)"),
        PriceItem.Kind.TRAFFIC: _("Traffico"),
    }
    sections = [
        {"kind": kind, "label": headings[kind], "items": [i for i in items if i.kind == kind]}
        for kind in order
    ]
    return {
        "listino": price_list,
        "sections": [s for s in sections if s["items"]],
        "count": len(items),
    }


def price_list_pdf(price_list) -> bytes:
    """The generated price-list PDF, rendered once per content and kept in the cache.

    The key carries a digest of every item, so a changed price makes a new document while
    an unchanged listino is served at once instead of re-rendered (about 2 s) on each click.
    """
    import hashlib

    from django.core.cache import cache
    from django.utils.translation import get_language

    from portale.core.pdf import render_pdf

    context = price_list_context(price_list)
    content = [price_list.version, str(price_list.date)] + [
        (i.kind, i.code, i.description, i.unit, str(i.price))
        for section in context["sections"]
        for i in section["items"]
    ]
    digest = hashlib.sha256(repr(content).encode()).hexdigest()[:20]
    key = f"inventory:price_list_pdf:{price_list.pk}:{get_language()}:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf("inventory/pdf/price_list.html", context)
        cache.set(key, pdf, timeout=None)
    return pdf
