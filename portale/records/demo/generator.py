"""The demo data set: ``generate()`` (small, every case) and ``generate_bulk()`` (large)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from portale.records import models as m

from . import usage
from .lines import M2M, PA8, PACK, PLANS, PREPAID, LineBuilder, LineSpec
from .logins import BULK_CONTRACT_CODE, BULK_LOGINS, CONTRACT_CODES, DEMO_LOGINS
from .organisations import (
    BULK_EINVOICING,
    MARKER_FISCAL_CODE,
    address,
    create_bulk_referents,
    create_contract_services,
    create_organisations,
    create_referents,
    create_users,
    demo_person,
)
from .people import Source

DEFAULT_LINES_PER_CONTRACT = 60  # 5 contracts -> 300 lines
LOGINS = {login.username: login for login in DEMO_LOGINS}


@dataclass
class Result:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)


def demo_present() -> bool:
    return m.Administration.objects.filter(fiscal_code=MARKER_FISCAL_CODE).exists()


def _demo_line_specs() -> dict[str, list[LineSpec]]:
    """The lines of the demo users, by contract code."""
    dip, ric, roa = (LOGINS[u] for u in ("dipendente@demo.it", "ricaricabile@demo.it",
                                          "roa.linea@demo.it"))  # fmt: skip
    return {
        CONTRACT_CODES[0]: [
            LineSpec(dip.mobile, PA8, "ATTIVO", dual_billing="ABBONAMENTO",
                     employee=demo_person(dip), device=True),
            LineSpec(ric.mobile, PREPAID, "ATTIVO", one_number=True, dual_billing="RICARICABILE",
                     employee=demo_person(ric), personal_credit=Decimal("135.00")),
        ],
        CONTRACT_CODES[2]: [LineSpec(roa.mobile, PACK, "ATTIVO", device=True)],
    }  # fmt: skip


def generate(
    *, today: datetime.date | None = None, lines_per_contract: int = DEFAULT_LINES_PER_CONTRACT
) -> Result:
    """Create the demo set once; a second call finds the marker and changes nothing."""
    today = today or datetime.date.today()
    if demo_present():
        return Result(created=False)
    src = Source()
    src.reserve(*(login.mobile for login in DEMO_LOGINS))
    with transaction.atomic():
        from .reference import load_reference

        plans = load_reference(src)
        contracts = create_organisations(src)
        create_referents(src, contracts)
        create_contract_services(contracts)
        builder = LineBuilder(src, plans, today)
        fixed = _demo_line_specs()
        all_lines = []
        for contract in contracts:
            specs = builder.plan_specs(lines_per_contract, fixed.get(contract.code, []))
            all_lines += builder.build(contract, specs)
        rich = {login.mobile for login in DEMO_LOGINS if login.mobile}
        usage.traffic(src, all_lines, today, per_line=10, rich_msisdns=rich)
        usage.service_sms(src, all_lines, today, rich)
        usage.personal_recharges(src, all_lines, today, rich)
        ric = LOGINS["ricaricabile@demo.it"].mobile
        usage.company_roaming_option(next(line for line in all_lines if line.msisdn == ric))
        usage.company_invoices(src, contracts, today)
        create_users(contracts)
    return Result(created=True, counts=counts())


def generate_bulk(*, lines: int, today: datetime.date | None = None, batch: int = 5000) -> Result:
    """One extra contract (of the second administration) with ``lines`` lines, their main
    SIMs and STS, written with bulk_create in batches, its ROA and three employees who can
    log in (``BULK_LOGINS``); then the tables' statistics (ANALYZE). Skipped when the
    contract exists (its logins are still added when missing)."""
    today = today or datetime.date.today()
    existing = m.Contract.objects.filter(code=BULK_CONTRACT_CODE).first()
    if existing is not None:
        _bulk_logins(existing)
        return Result(created=False)
    if lines > 9_999_999:
        raise ValueError("At most 9,999,999 lines in the large profile.")
    src = Source(seed=88)
    rng = src.rng
    plans = {p.name: p for p in m.TariffPlan.objects.filter(name__in=PLANS)}
    administration = m.Administration.objects.order_by("pk")[1:2].get()
    with transaction.atomic():
        contract = m.Contract.objects.create(
            code=BULK_CONTRACT_CODE,
            administration=administration,
            activation_date=datetime.date(2021, 9, 1),
            invoice_address=address(src, "Bari", attention_of="Ufficio Economato"),
            docs_address=address(src, "Bari", attention_of="Servizi Informativi"),
            office_code=BULK_EINVOICING[0],
            cig=BULK_EINVOICING[1],
        )
        span = (today - contract.activation_date).days - 30
        plan_cycle = [plans[PA8]] * 7 + [plans[PACK]] * 5 + [plans[PREPAID]] * 5
        plan_cycle += [plans[M2M]] * 3
        from .italian import iccid as make_iccid

        centres = m.CostCentre.objects.bulk_create(
            m.CostCentre(contract=contract, code=f"CDC-{n + 1:03d}", name=f"Ufficio {n + 1:03d}")
            for n in range(40)
        )
        employee_numbers = {login.mobile for login in BULK_LOGINS[1:]}

        for start in range(0, lines, batch):
            stop = min(lines, start + batch)
            batch_lines = []
            for n in range(start, stop):
                plan = plan_cycle[n % len(plan_cycle)]
                roll = rng.random()
                if f"366{n:07d}" in employee_numbers:
                    roll = 0.0  # the demo employees' lines stay active
                state = (
                    "ATTIVO"
                    if roll < 0.85
                    else "SOSPESO"
                    if roll < 0.9
                    else "CONGELATO"
                    if roll < 0.93
                    else "CESSATO"
                )
                activation = contract.activation_date + datetime.timedelta(
                    days=rng.randrange(max(1, span))
                )
                batch_lines.append(
                    m.Line(
                        msisdn=f"366{n:07d}",
                        contract=contract,
                        tariff_plan=plan,
                        state=state,
                        activation_date=activation,
                        cessation_date=today if state == "CESSATO" else None,
                        auto_recharge="CONFERMA" if plan.category == "RICARICABILE" else "",
                        cost_centre=centres[n % 40],
                    )
                )
            m.Line.objects.bulk_create(batch_lines, batch_size=batch)
            sims, services = [], []
            for n, line in enumerate(batch_lines, start=start):
                m2m = line.tariff_plan_id == plans[M2M].pk
                sims.append(
                    m.Sim(
                        iccid=make_iccid(n, block=7),
                        line=line,
                        contract=contract,
                        kind="M2M_STD" if m2m else "FONIA",
                        state="CESSATA" if line.state == "CESSATO" else "ATTIVA",
                        activation_date=line.activation_date,
                    )
                )
                common = {
                    "line": line,
                    "activation_date": line.activation_date,
                    "cessation_date": line.cessation_date,
                    "state": "CESSATO" if line.state == "CESSATO" else "ATTIVO",
                }
                if m2m:
                    services.append(
                        m.LineService(
                            kind="APN",
                            description="Filtro APN",
                            apn="m2m.tim.it",
                            monthly_fee=Decimal("1.00"),
                            **common,
                        )  # fmt: skip
                    )
                    continue
                services.append(m.LineService(description="VOCE VOLTE eBU_obb", **common))
                if n % 3 == 0:
                    services.append(
                        m.LineService(
                            description="SUPER INTERNET MOBILE LTE VOLTE",
                            monthly_fee=Decimal("5.00"),
                            **common,
                        )  # fmt: skip
                    )
            m.Sim.objects.bulk_create(sims, batch_size=batch)
            m.LineService.objects.bulk_create(services, batch_size=batch)
        _bulk_logins(contract)
    analyze()
    return Result(created=True, counts=counts())


def _bulk_logins(contract: m.Contract) -> None:
    with transaction.atomic():
        create_bulk_referents(contract, BULK_LOGINS[0])
        create_users([contract], BULK_LOGINS)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL and SQLite both have
    ANALYZE): without them the first queries on the new rows plan as on empty tables."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    tables = [
        m.Administration, m.Contract, m.Referent, m.Line, m.Sim, m.LineService,
        m.ContractService, m.Device, m.DualBilling, m.DualBillingOption, m.Bundle,
        m.Threshold, m.Invoice, m.PersonalInvoice, m.TrafficEvent, m.ServiceSms,
        m.ServicePoint, m.PriceList, m.PriceItem, m.NetworkCategory, m.RifProfile,
        get_user_model(),
    ]  # fmt: skip
    return {model._meta.model_name: model.objects.count() for model in tables}
