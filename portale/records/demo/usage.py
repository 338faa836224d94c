"""Traffic events, service SMS and company invoices of the demo."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from portale.records import models as m

from . import catalog
from .lines import M2M, PREPAID, bimester_dates, previous_bimesters
from .people import Source

D = Decimal
Q4 = D("0.0001")
TE = m.TrafficEvent

# (category, type, detail, kind) by line family; kind drives duration/volume/price.
SUBSCRIPTION_TYPES = [
    ("GENERICO", "MOC", "Chiamata nazionale", "voice"),
    ("GENERICO", "MOC", "Chiamata verso fisso", "voice"),
    ("GENERICO", "SMS", "SMS nazionale", "sms"),
    ("DATI", "DATI WAP", "Navigazione Wap", "data"),
    ("DATI", "GPRS", "Navigazione internet", "data"),
    ("SERVIZI_INTERATTIVI", "A-SMS RICHIESTA SERVIZI", "Da Provider", "sms"),
    ("EVENTI", "EVENTO", "Addebito una tantum", "event"),
]
PREPAID_TYPES = [
    ("VOCE", "MOC", "Chiamata nazionale", "voice"),
    ("SMS_MMS", "SMS", "SMS nazionale", "sms"),
    ("SMS_MMS", "MMS", "MMS nazionale", "sms"),
    ("DATI", "GPRS", "iboxtimit", "data"),
    ("GENERICO", "SERVIZIO", "Servizio a contenuto", "event"),
]
M2M_TYPES = [("DATI", "GPRS", "m2m.tim.it", "data"), ("GENERICO", "SMS", "SMS M2M", "sms")]


def traffic(
    src: Source,
    lines: list[m.Line],
    today: datetime.date,
    *,
    per_line: int,
    rich_msisdns: set[str],
    rich_count: int = 150,
) -> None:
    """Events over the last 60 days for the non-ceased lines (more on the demo lines)."""
    rng = src.rng
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 0)))
    sims = {
        s.line_id: s.pk
        for s in m.Sim.objects.filter(line__in=lines, role="PRINCIPALE").only("pk", "line_id")
    }
    tim_tuo = set(
        m.DualBilling.objects.filter(line__in=lines, state="ATTIVO").values_list(
            "line_id", flat=True
        )
    )
    rows = []
    for line in lines:
        if line.state == "CESSATO":
            continue
        plan = line.tariff_plan.name
        types = (
            M2M_TYPES if plan == M2M else PREPAID_TYPES if plan == PREPAID else SUBSCRIPTION_TYPES
        )
        count = rich_count if line.msisdn in rich_msisdns else per_line
        for n in range(count):
            category, type_, detail, kind = rng.choice(types)
            occurred = end - datetime.timedelta(seconds=rng.randrange(1, 60 * 86400))
            duration = volume = 0
            called = operator = apn = option = ""
            gross = D(0)
            unit = "Flat"
            roaming = rng.choices(["", "UE", "EXTRA_UE"], [90, 8, 2])[0]
            if kind == "voice":
                duration = rng.randrange(5, 1800)
                called = rng.choice(["3", "3", "0"]) + f"{rng.randrange(10**9):09d}"
                operator = rng.choice(catalog.OPERATORS)
                unit = "Secondi"
                rate = D("1.20") if roaming == "EXTRA_UE" else D("0.02")
                gross = (rate * duration / 60).quantize(Q4)
            elif kind == "sms":
                if type_ == "A-SMS RICHIESTA SERVIZI":
                    called = f"4{rng.randrange(10**5):05d}"
                else:
                    called = f"3{rng.randrange(10**9):09d}"
                operator = rng.choice(catalog.OPERATORS)
                unit = "Evento"
                gross = D("0.0400") if type_ == "SMS" else D("0.1500")
            elif kind == "data":
                volume = rng.randrange(10, 60000)
                apn = detail if "." in detail or detail.startswith("ibox") else "ibox.tim.it"
                unit = "Kbyte"
                rate = D("0.9000") if roaming == "EXTRA_UE" else D("0.0010")
                gross = (rate * volume / 1024).quantize(Q4)
            else:
                gross = D(rng.choice(["0.5000", "1.0000", "2.0000"]))
            in_bundle = roaming != "EXTRA_UE" and rng.random() < 0.7
            if in_bundle:
                option = "Bundle" if kind != "event" else ""
            net = D(0) if in_bundle else gross
            personal = line.pk in tim_tuo and rng.random() < 0.3
            rows.append(
                TE(
                    line=line,
                    sim_id=sims.get(line.pk),
                    external_id=f"DEMO-{line.msisdn}-{n:05d}",
                    occurred_at=occurred,
                    category=category,
                    type=type_,
                    detail=detail,
                    apn=apn,
                    called_number=called,
                    operator=operator,
                    duration_seconds=duration,
                    volume_kb=volume,
                    gross_amount=gross,
                    net_amount=net,
                    option=option,
                    rating_unit=unit,
                    charging="PERSONALE" if personal else "AZIENDALE",
                    roaming_zone=roaming,
                    rated_at=occurred,
                )
            )
    TE.objects.bulk_create(rows, batch_size=2000)


SMS_TEXTS = [
    "Gentile utente, la soglia SOGLIA INFO SPESA PA sulla linea {n} ha raggiunto l'80%.",
    "Ti confermiamo l'attivazione dell'opzione richiesta sulla linea {n}.",
    "Il tuo codice di accesso all'Area Clienti è stato inviato. Non comunicarlo a nessuno.",
    "TIM TUO: è disponibile la nuova fattura personale. Consultala sul Portale.",
    "La soglia SOGLIA INFO VALORE DATI EXTRA UE PA sulla linea {n} ha raggiunto il 100%.",
]


# Only a prepaid line is recharged: a subscription line never receives this one.
PREPAID_SMS_TEXTS = [
    "Ricarica di 20,00 euro effettuata sulla linea {n}. Credito disponibile aggiornato.",
]


def service_sms(src: Source, lines: list[m.Line], today: datetime.date, rich: set[str]) -> None:
    rng = src.rng
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 0)))
    rows = []
    for line in lines:
        if line.state == "CESSATO":
            continue
        count = 12 if line.msisdn in rich else (2 if rng.random() < 0.2 else 0)
        for _ in range(count):
            sent = end - datetime.timedelta(seconds=rng.randrange(60, 180 * 86400))
            delivered = rng.random() < 0.95
            rows.append(
                m.ServiceSms(
                    line=line,
                    text=rng.choice(
                        SMS_TEXTS + PREPAID_SMS_TEXTS if line.is_prepaid else SMS_TEXTS
                    ).format(n=line.msisdn),
                    sent_at=sent,
                    delivered_at=sent + datetime.timedelta(seconds=rng.randrange(1, 90))
                    if delivered
                    else None,
                    state="CONSEGNATO" if delivered else "NON CONSEGNATO",
                )
            )
    m.ServiceSms.objects.bulk_create(rows)


def company_invoices(src: Source, contracts: list[m.Contract], today: datetime.date) -> None:
    rng = src.rng
    serial = 311
    rows = []
    for contract in contracts:
        bimesters = list(reversed(previous_bimesters(today, 6)))
        for i, (b, y) in enumerate(bimesters):
            emission, due = bimester_dates(b, y)
            if emission < contract.activation_date:
                continue
            unpaid = i == len(bimesters) - 1 or (i == len(bimesters) - 2 and rng.random() < 0.5)
            rows.append(
                m.Invoice(
                    contract=contract,
                    number=f"7X{serial:08d}",
                    bimester=f"{b}/{y}",
                    amount=D(rng.randrange(50_000, 1_500_000)) / 100,
                    emission_date=emission,
                    due_date=due,
                    payment_state="Scoperta" if unpaid else "Pagata",
                    ebill_id=f"EB{contract.code}{b}{y}",
                )
            )
            serial += 1
    m.Invoice.objects.bulk_create(rows)


RECHARGE_CHANNELS = ["APP", "WEB", "NEGOZIO", "ATM", "VOUCHER"]
RECHARGE_AMOUNTS = [D(10), D(20), D(25), D(30), D(50)]


def personal_recharges(
    src: Source, lines: list[m.Line], today: datetime.date, rich: set[str]
) -> None:
    """F-9.1.3: personal recharges of the TIM TUO prepaid lines, over 7 months (the page
    shows the last 6), from every channel; the demo users' lines get a few each month."""
    rng = src.rng
    end = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 0)))
    prepaid_timtuo = set(
        m.DualBilling.objects.filter(line__in=lines, kind="RICARICABILE").values_list(
            "line_id", flat=True
        )
    )
    rows = []
    for line in lines:
        if line.pk not in prepaid_timtuo:
            continue
        count = 8 if line.msisdn in rich else rng.randrange(0, 4)
        for i in range(count):
            rows.append(
                m.PersonalRecharge(
                    line=line,
                    amount=rng.choice(RECHARGE_AMOUNTS),
                    channel=RECHARGE_CHANNELS[i % len(RECHARGE_CHANNELS)],
                    recharged_at=end - datetime.timedelta(seconds=rng.randrange(3600, 210 * 86400)),
                )
            )
    m.PersonalRecharge.objects.bulk_create(rows)


def company_roaming_option(line: m.Line) -> None:
    """The demo prepaid employee has the company option "TIM Tuo Roaming on Extra UE", so
    the roaming families of Pacchetti/Plafond are open to them."""
    code, name, _kind = next(o for o in catalog.COMPANY_OPTIONS if o[0] == "TTROAM-RIC")
    if not m.DualBillingOption.objects.filter(line=line, scope="AZIENDALE", code=code).exists():
        m.DualBillingOption.objects.create(
            line=line,
            scope="AZIENDALE",
            family="AZIENDALE",
            code=code,
            name=name,
            activation_date=line.activation_date,
        )
