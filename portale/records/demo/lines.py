"""Lines of the demo contracts and everything hanging off them: SIMs, STS, devices,
direttrici, thresholds, bundles, TIM TUO with options and personal invoices."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from portale.records import models as m

from . import catalog, italian
from .people import Person, Source

COST_CENTRE_NAMES = [
    "Segreteria generale",
    "Ragioneria",
    "Ufficio tecnico",
    "Polizia locale",
    "Servizi sociali",
    "Servizi demografici",
    "Sistemi informativi",
]

PA8, PACK, PREPAID, M2M = "PA 8", "PA 8 PACCHETTO", "RICARICABILE Business VOLTE", "M2M PA 8"
PLANS = [PA8, PACK, PREPAID, M2M]
STATES = ["ATTIVO", "SOSPESO", "CONGELATO", "CESSATO"]
PLAN_WEIGHTS = [35, 25, 25, 15]
STATE_WEIGHTS = [80, 7, 5, 8]
SIM_STATE = {"ATTIVO": "ATTIVA", "SOSPESO": "BLOCCATA", "CONGELATO": "ATTIVA", "CESSATO": "CESSATA"}
D = Decimal


@dataclass
class LineSpec:
    msisdn: str
    plan: str
    state: str
    one_number: bool = False
    dual_billing: str = ""  # "", "ABBONAMENTO", "RICARICABILE"
    dual_billing_state: str = "ATTIVO"
    employee: Person | None = None
    personal_credit: Decimal | None = None
    device: bool = False


def bimester_of(day: datetime.date) -> tuple[int, int]:
    return (day.month - 1) // 2 + 1, day.year


def previous_bimesters(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The last ``count`` closed bimesters, newest first."""
    b, y = bimester_of(today)
    out = []
    for _ in range(count):
        b -= 1
        if b == 0:
            b, y = 6, y - 1
        out.append((b, y))
    return out


def bimester_dates(b: int, y: int) -> tuple[datetime.date, datetime.date]:
    """Emission (15th of the month after the bimester) and due date (+30 days)."""
    month = 2 * b + 1
    year = y + (1 if month > 12 else 0)
    month = month - 12 if month > 12 else month
    emission = datetime.date(year, month, 15)
    return emission, emission + datetime.timedelta(days=30)


class LineBuilder:
    def __init__(self, src: Source, plans: dict[str, m.TariffPlan], today: datetime.date):
        self.src = src
        self.rng = src.rng
        self.plans = plans
        self.today = today
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8, 0)))
        self.iccid_serial = 0
        self.imei_serial = 0
        self.personal_code = 888200090226
        self.personal_invoice_serial = 100
        self.categories = list(m.NetworkCategory.objects.order_by("position"))
        self.rif_profiles = list(m.RifProfile.objects.order_by("position"))

    # -- planning -------------------------------------------------------------------------

    def plan_specs(self, count: int, fixed: list[LineSpec]) -> list[LineSpec]:
        """``fixed`` specs, one line per plan × state, then weighted random lines."""
        specs = list(fixed)
        for plan in PLANS:
            for state in STATES:
                specs.append(LineSpec(self.src.mobile(), plan, state))
        rng = self.rng
        while len(specs) < count:
            plan = rng.choices(PLANS, PLAN_WEIGHTS)[0]
            state = rng.choices(STATES, STATE_WEIGHTS)[0]
            spec = LineSpec(self.src.mobile(), plan, state)
            if plan != M2M and state == "ATTIVO":
                spec.one_number = rng.random() < 0.08
                roll = rng.random()
                if plan in (PA8, PACK) and roll < 0.12:
                    spec.dual_billing = "ABBONAMENTO"
                elif plan == PREPAID and roll < 0.15:
                    spec.dual_billing = "RICARICABILE"
                if spec.dual_billing:
                    spec.employee = self.src.person()
                    spec.dual_billing_state = rng.choices(["ATTIVO", "CESSATO"], [85, 15])[0]
            spec.device = plan != M2M and rng.random() < 0.15
            specs.append(spec)
        return specs

    # -- building ---------------------------------------------------------------------------

    def _activation(self, contract: m.Contract) -> datetime.date:
        start = contract.activation_date
        span = max(1, (self.today - datetime.timedelta(days=120) - start).days)
        return start + datetime.timedelta(days=self.rng.randrange(span))

    def cost_centres(self, contract: m.Contract, count: int) -> list[m.CostCentre]:
        """The contract's cost centres: offices of a public administration."""
        return m.CostCentre.objects.bulk_create(
            m.CostCentre(
                contract=contract,
                code=f"CDC-{contract.code[-3:]}-{n + 1:02d}",
                name=COST_CENTRE_NAMES[n % len(COST_CENTRE_NAMES)],
            )
            for n in range(count)
        )

    def build(self, contract: m.Contract, specs: list[LineSpec]) -> list[m.Line]:
        rng = self.rng
        centres = self.cost_centres(contract, 7)
        lines = []
        for n, spec in enumerate(specs):
            plan = self.plans[spec.plan]
            activation = self._activation(contract)
            cessation = None
            if spec.state == "CESSATO":
                days = max(1, (self.today - activation).days)
                cessation = activation + datetime.timedelta(days=rng.randrange(1, days + 1))
            prepaid = spec.plan == PREPAID
            credit = spec.personal_credit
            if credit is None:
                credit = D(rng.randrange(0, 8000)) / 100 if spec.dual_billing else D(0)
            imei = self.next_imei() if spec.plan != M2M and rng.random() < 0.6 else ""
            lines.append(
                m.Line(
                    msisdn=spec.msisdn,
                    imei=imei,
                    contract=contract,
                    tariff_plan=plan,
                    state=spec.state,
                    activation_date=activation,
                    cessation_date=cessation,
                    one_number=spec.one_number,
                    auto_recharge=rng.choice(["CONFERMA", "RINUNCIA"]) if prepaid else "",
                    **self._bundle_flags(plan.category),
                    dual_billing_enabled=bool(spec.dual_billing)
                    or (spec.plan != M2M and rng.random() < 0.2),
                    company_credit=D(rng.randrange(0, 5000)) / 100 if prepaid else D(0),
                    personal_credit=credit,
                    rif_profile=rng.choice(self.rif_profiles) if spec.plan != M2M else None,
                    cost_centre=centres[n % len(centres)],
                )
            )
        m.Line.objects.bulk_create(lines)
        self._sims(contract, specs, lines)
        self._services(specs, lines)
        self._devices(contract, specs, lines)
        self._network(specs, lines)
        self._thresholds(specs, lines)
        self._bundles(specs, lines)
        self._dual_billing(specs, lines)
        return lines

    def _bundle_flags(self, category: str) -> dict[str, bool]:
        """G-23 as at activation; one line in ten had a flag its tariff type allows turned
        off by the ROA (the traffic beyond its bundle is refused)."""
        from portale.records.services import BUNDLE_FLAGS_BY_CATEGORY, bundle_defaults

        flags = bundle_defaults(category)
        allowed = BUNDLE_FLAGS_BY_CATEGORY.get(category, ())
        if allowed and self.rng.random() < 0.1:
            flags[self.rng.choice(allowed)] = False
        return flags

    def next_iccid(self, block: int = 1) -> str:
        self.iccid_serial += 1
        return italian.iccid(self.iccid_serial, block=block)

    def next_imei(self) -> str:
        self.imei_serial += 1
        return italian.imei(self.imei_serial * 7919)

    def _sims(self, contract, specs, lines) -> None:
        rng = self.rng
        sims = []
        for spec, line in zip(specs, lines, strict=True):
            kind = rng.choice(["M2M_STD", "M2M_PIN"]) if spec.plan == M2M else "FONIA"
            state = SIM_STATE[spec.state]
            sims.append(
                m.Sim(
                    iccid=self.next_iccid(),
                    line=line,
                    contract=contract,
                    role="PRINCIPALE",
                    kind=kind,
                    state=state,
                    activation_date=line.activation_date,
                    imei=line.imei,
                )
            )
            if spec.one_number:
                for _ in range(rng.choice([1, 1, 2])):
                    sims.append(
                        m.Sim(
                            iccid=self.next_iccid(),
                            line=line,
                            contract=contract,
                            role="SECONDARIA",
                            kind="FONIA",
                            state=state,
                            activation_date=line.activation_date,
                        )
                    )
        for kind in ["FONIA", "FONIA", "FONIA", "M2M_STD", "M2M_PIN"]:
            iccid = self.next_iccid()
            sims.append(
                m.Sim(
                    iccid=iccid,
                    msisdn=f"329{int(iccid[-7:]):07d}",  # the number the SIM arrived with
                    contract=contract,
                    kind=kind,
                    state="SCORTA",
                )
            )
        m.Sim.objects.bulk_create(sims)

    def _services(self, specs, lines) -> None:
        rng = self.rng
        rows = []
        for spec, line in zip(specs, lines, strict=True):
            state = "CESSATO" if spec.state == "CESSATO" else "ATTIVO"
            common = {
                "line": line,
                "activation_date": line.activation_date,
                "cessation_date": line.cessation_date,
                "state": state,
            }
            if spec.plan == M2M:
                rows.append(
                    m.LineService(
                        kind="APN",
                        description="Filtro APN",
                        apn=rng.choice(catalog.APNS),
                        monthly_fee=D("1.00"),
                        **common,
                    )
                )
                continue
            pool = catalog.STS_PREPAID if spec.plan == PREPAID else catalog.STS_SUBSCRIPTION
            chosen = [pool[0]] + rng.sample(pool[1:], rng.randint(1, len(pool) - 1))
            employee_share = D(50) if spec.dual_billing and rng.random() < 0.5 else D(0)
            for description, fee in chosen:
                share = employee_share if fee else D(0)
                rows.append(
                    m.LineService(
                        description=description,
                        monthly_fee=fee,
                        pct_charged_to_entity=D(100) - share,
                        pct_employee=share,
                        **common,
                    )
                )
            if spec.plan == PREPAID and state == "ATTIVO" and rng.random() < 0.2:
                timed = rng.random() < 0.5
                rows.append(
                    m.LineService(
                        kind="RIC_TEMPO" if timed else "RIC_PARAM",
                        description="RICARICA A TEMPO"
                        if timed
                        else "RICARICA SOTTO SOGLIA PARAMETRICA",
                        parameters=(
                            {"amount": 20, "frequency_days": rng.choice([7, 15, 30])}
                            if timed
                            else {"amount": 10, "threshold": "2.50"}
                        ),
                        **common,
                    )
                )
        m.LineService.objects.bulk_create(rows)

    def _devices(self, contract, specs, lines) -> None:
        rng = self.rng
        rows = []
        with_line = [(s, ln) for s, ln in zip(specs, lines, strict=True) if s.device]
        for spec, line in with_line + [(None, None)] * 3:
            desc, nmu, brand, model, os_name, service = rng.choice(catalog.DEVICES)
            ceased = spec is not None and spec.state == "CESSATO"
            rows.append(
                m.Device(
                    imei=self.next_imei(),
                    description=desc,
                    nmu_code=nmu,
                    service_type=service,
                    service_description=desc if service == "VENDITA RATEALE" else "",
                    state="CESSATO" if ceased else "ATTIVO",
                    contract=contract,
                    line=line,
                    brand=brand,
                    model=model,
                    os=os_name,
                    activation_date=line.activation_date if line else contract.activation_date,
                    cessation_date=line.cessation_date if line else None,
                )
            )
        m.Device.objects.bulk_create(rows)

    def _network(self, specs, lines) -> None:
        rng = self.rng
        through = m.Line.blocked_categories.through
        rows = []
        for spec, line in zip(specs, lines, strict=True):
            if spec.plan != M2M and rng.random() < 0.3:
                for category in rng.sample(self.categories, rng.randint(1, 2)):
                    rows.append(through(line_id=line.pk, networkcategory_id=category.pk))
        through.objects.bulk_create(rows)

    def _thresholds(self, specs, lines) -> None:
        rng = self.rng
        T = m.Threshold
        month_start = self.today.replace(day=1)
        rows = []
        for spec, line in zip(specs, lines, strict=True):
            if spec.plan == M2M or spec.state == "CESSATO":
                continue
            used = D(rng.randrange(0, 2000)) / 100
            rows.append(
                T(
                    line=line,
                    kind=T.Kind.ROAMING_DATA,
                    type=T.Type.INFORMATIVE,
                    period=T.Period.MONTHLY,
                    description=T.Description.INFO_ROAMING,
                    value=D(50),
                    available=D(50) - used,
                    activation_date=line.activation_date,
                    period_start=month_start,
                )
            )
            if rng.random() < 0.25:
                blocking = rng.random() < 0.4
                value = D(rng.choice([20, 30, 50, 100, 150, 200]))
                consumed = (value * D(rng.choice([5, 30, 60, 82, 90, 95]))) / 100
                level = 80 if consumed >= value * D("0.8") else 0
                daily = rng.random() < 0.3
                rows.append(
                    T(
                        line=line,
                        kind=T.Kind.SPENDING,
                        type=T.Type.BLOCKING if blocking else T.Type.INFORMATIVE,
                        period=T.Period.DAILY if daily else T.Period.MONTHLY,
                        description=(
                            T.Description.DISPO_SPENDING
                            if blocking
                            else T.Description.INFO_SPENDING
                        ),
                        value=value,
                        available=value - consumed,
                        activation_date=max(line.activation_date, datetime.date(2021, 6, 1)),
                        period_start=self.today if daily else month_start,
                        last_alert_level=level,
                    )
                )
        T.objects.bulk_create(rows)

    def _bundles(self, specs, lines) -> None:
        rng = self.rng
        B = m.Bundle
        rows = []
        month_start = self.today.replace(day=1)
        for spec, line in zip(specs, lines, strict=True):
            if spec.state == "CESSATO" or spec.plan not in (PACK, PREPAID):
                continue
            if spec.plan == PACK:
                catalogue = [
                    ("Bundle dati nazionale + UE", "GB", "NAZIONALE", D(50)),
                    ("Minuti nazionali + UE", "MIN", "NAZIONALE", D(2000)),
                    ("SMS nazionali + UE", "SMS", "NAZIONALE", D(500)),
                    ("Bundle dati roaming extra UE", "GB", "ROAMING", D(2)),
                ]
            else:
                catalogue = [
                    ("Pacchetto Business dati", "GB", "NAZIONALE", D(20)),
                    ("Pacchetto Business minuti", "MIN", "NAZIONALE", D(1000)),
                ]
            for name, unit, scope, total in catalogue:
                remaining = (total * D(rng.randrange(0, 101)) / 100).quantize(D("0.01"))
                rows.append(
                    B(
                        line=line,
                        name=name,
                        unit=unit,
                        scope=scope,
                        total=total,
                        remaining=remaining,
                        period_start=month_start,
                        updated_at=self.now - datetime.timedelta(minutes=rng.randrange(5, 600)),
                    )
                )
        B.objects.bulk_create(rows)

    def _dual_billing(self, specs, lines) -> None:
        rng = self.rng
        DB = m.DualBilling
        billings = []
        options = []
        addresses = []
        for spec, line in zip(specs, lines, strict=True):
            if not spec.dual_billing:
                continue
            emp = spec.employee
            activation = line.activation_date + datetime.timedelta(days=rng.randrange(1, 60))
            activation = min(activation, self.today)
            ceased = spec.dual_billing_state == "CESSATO"
            cessation = None
            if ceased:
                days = max(1, (self.today - activation).days)
                cessation = activation + datetime.timedelta(days=rng.randrange(1, days + 1))
            billing = DB(
                line=line,
                kind=spec.dual_billing,
                state=spec.dual_billing_state,
                activation_date=activation,
                cessation_date=cessation,
                employee_fiscal_code=emp.fiscal_code,
                employee_first_name=emp.first_name.upper(),
                employee_last_name=emp.last_name.upper(),
            )
            if spec.dual_billing == "ABBONAMENTO":
                self.personal_code += 1
                method = rng.choice(["CARTA", "BANCA", "BOLLETTINO"])
                billing.code = str(self.personal_code)
                billing.holder_first_name = emp.first_name
                billing.holder_last_name = emp.last_name
                billing.holder_fiscal_code = emp.fiscal_code
                billing.payment_method = method
                billing.direct_debit_state = "" if method == "BOLLETTINO" else "DOMICILIATA"
                billing.invoice_email = f"{emp.email_local}@example.it"
                toponym, street, number = self.src.street()
                home = self.rng.choice(italian.birthplaces())
                billing.invoice_address = m.Address(
                    toponym=toponym,
                    street=street,
                    number=number,
                    province=home.province,
                    city=home.name,
                    cap=home.cap(self.rng),
                )
                addresses.append(billing.invoice_address)
                if method == "CARTA":
                    billing.card_holder = f"{emp.first_name} {emp.last_name}".upper()
                    billing.card_brand = rng.choice(["VISA", "MASTERCARD"])
                    billing.card_expiry = f"{rng.randint(1, 12):02d}/{rng.randint(27, 31)}"
                    billing.card_masked = f"**** **** **** {rng.randrange(10000):04d}"
                    billing.psp_token = f"tok_demo_{self.personal_code}"
                elif method == "BANCA":
                    billing.iban_masked = f"IT** * ***** ***** ****{rng.randrange(10**4):04d}"
                    billing.account_holder = f"{emp.first_name} {emp.last_name}"
                    billing.account_holder_fiscal_code = emp.fiscal_code
                    billing.signatory = f"{emp.first_name} {emp.last_name}"
            billings.append(billing)
            if not ceased:
                options.extend(self._options(spec, line, activation))
        m.Address.objects.bulk_create(addresses)
        DB.objects.bulk_create(billings)
        m.DualBillingOption.objects.bulk_create(options)
        self._personal_invoices(billings)

    def _options(self, spec, line, activation) -> list[m.DualBillingOption]:
        rng = self.rng
        Opt = m.DualBillingOption
        rows = []
        for code, name, kind in catalog.COMPANY_OPTIONS:
            if kind == spec.dual_billing and rng.random() < 0.5:
                rows.append(
                    Opt(
                        line=line,
                        scope="AZIENDALE",
                        family="AZIENDALE",
                        code=code,
                        name=name,
                        activation_date=activation,
                    )
                )
        if spec.dual_billing == "RICARICABILE":
            by_family: dict[str, list] = {}
            for family, code, name, price in catalog.PERSONAL_OPTIONS:
                by_family.setdefault(family, []).append((code, name, price))
            for family in ("PACC_NAZ", "PLAF_NAZ"):
                if rng.random() < 0.7:
                    code, name, price = rng.choice(by_family[family])
                    rows.append(
                        Opt(
                            line=line,
                            scope="PERSONALE",
                            family=family,
                            code=code,
                            name=name,
                            price=price,
                            activation_date=activation,
                        )
                    )
        return rows

    def _personal_invoices(self, billings: list[m.DualBilling]) -> None:
        rng = self.rng
        rows = []
        for billing in billings:
            if billing.kind != "ABBONAMENTO":
                continue
            bimesters = previous_bimesters(self.today, 6)
            for i, (b, y) in enumerate(reversed(bimesters)):
                emission, due = bimester_dates(b, y)
                if emission < billing.activation_date:
                    continue
                if billing.cessation_date and emission > billing.cessation_date:
                    continue
                self.personal_invoice_serial += 1
                last = i == len(bimesters) - 1
                rows.append(
                    m.PersonalInvoice(
                        dual_billing=billing,
                        number=f"8T{self.personal_invoice_serial:08d}",
                        bimester=f"{b}/{y}",
                        emission_date=emission,
                        due_date=due,
                        total=D(rng.randrange(500, 6000)) / 100,
                        payment_state="Scoperta" if last else "Pagata",
                    )
                )
        m.PersonalInvoice.objects.bulk_create(rows)
