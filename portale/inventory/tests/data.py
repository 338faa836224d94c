"""Test data for the consistencies: a small contract with every kind of row."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from portale.core.models import ExportJob
from portale.records.models import Line, Sim
from portale.records.models.dual_billing import DualBilling
from portale.records.models.services import ContractService, Device, LineService
from portale.records.tests import factories as f

D = datetime.date


def line(contract, *, msisdn=None, plan="PA 8", category="CONSUMO", state="ATTIVO", **kw) -> Line:
    tp = f.TariffPlanFactory(name=plan, category=category)
    extra = {"msisdn": msisdn} if msisdn else {}
    ln = f.LineFactory(contract=contract, tariff_plan=tp, state=state, **extra, **kw)
    if state == "CESSATO" and not ln.cessation_date:
        ln.cessation_date = D(2022, 1, 31)
        ln.save(update_fields=["cessation_date"])
    return ln


def sim(line_obj, *, iccid=None, role=Sim.Role.MAIN, state=Sim.State.ACTIVE, imei="") -> Sim:
    extra = {"iccid": iccid} if iccid else {}
    return f.SimFactory(line=line_obj, role=role, state=state, imei=imei, **extra)


def sts(line_obj, description="RIF USCENTE", *, state="ATTIVO", kind="GENERICO", apn="", **kw):
    return LineService.objects.create(
        line=line_obj,
        description=description,
        kind=kind,
        apn=apn,
        state=state,
        activation_date=kw.pop("activation_date", D(2021, 1, 25)),
        pct_charged_to_entity=kw.pop("pct", Decimal("100")),
        monthly_fee=kw.pop("fee", Decimal("10")),
        **kw,
    )


_code = iter(range(888200090000, 888200099999))


def dual_billing(line_obj, kind=DualBilling.Kind.SUBSCRIPTION, *, state="ATTIVO", **kw):
    return DualBilling.objects.create(
        line=line_obj,
        kind=kind,
        code=str(next(_code)) if kind == DualBilling.Kind.SUBSCRIPTION else None,
        state=state,
        activation_date=D(2021, 2, 11),
        employee_fiscal_code=kw.pop("cf", "LCSSVT80A01H501U"),
        employee_first_name=kw.pop("first", "SALVATORE"),
        employee_last_name=kw.pop("last", "LO CASCIO"),
        **kw,
    )


_imei = iter(range(350000000000000, 359999999999999))


def device(contract, *, line_obj=None, nmu="705935", state="ATTIVO", **kw):
    return Device.objects.create(
        contract=contract,
        line=line_obj,
        imei=kw.pop("imei", str(next(_imei))),
        description=kw.pop("description", "NOKIA N73 RED AND WHITE"),
        nmu_code=nmu,
        service_type=kw.pop("service_type", "VENDITA RATEALE"),
        service_description=kw.pop(
            "service_description", "VENDITA RATEALE I.TIM NOKIA N73 RED AND WHITE"
        ),
        state=state,
        activation_date=D(2021, 3, 1),
        **kw,
    )


def sac(contract, description="TIM TUO A CONTRATTO", state="ATTIVO"):
    return ContractService.objects.create(
        contract=contract, description=description, state=state, activation_date=D(2021, 3, 1)
    )


def populate(contract, *, prefix="331254"):
    """The guide's example contract (§7.2.1) in miniature, plus One Number and APN."""
    lines = []
    pa8 = line(contract, msisdn=f"{prefix}7228", plan="PA 8", one_number=True)
    sim(pa8, role=Sim.Role.MAIN)
    sim(pa8, role=Sim.Role.SECONDARY)
    lines.append(pa8)
    for i in range(2):
        ln = line(
            contract,
            msisdn=f"{prefix}73{i:02d}",
            plan="RICARICABILE Business VOLTE",
            category="RICARICABILE",
        )
        sim(ln)
        lines.append(ln)
    for i in range(3):
        ln = line(
            contract,
            msisdn=f"{prefix}74{i:02d}",
            plan="RICARICABILE Business VOLTE",
            category="RICARICABILE",
            state="CONGELATO",
        )
        sim(ln)
        lines.append(ln)
    for ln in lines[:5]:
        sts(ln, "RIF USCENTE")
        sts(ln, "SUPER INTERNET MOBILE LTE VOLTE")
    sts(lines[0], "BLOCCO SATELLITARE")
    sts(
        lines[1],
        "Filtro APN",
        kind="APN",
        apn="intranet.ente.it",
        pct=Decimal("50"),
        fee=Decimal("2.5"),
    )
    dual_billing(lines[0])
    dual_billing(lines[1], DualBilling.Kind.PREPAID)
    dual_billing(lines[2], DualBilling.Kind.PREPAID, state="CESSATO")
    device(contract, line_obj=lines[0])
    device(contract, nmu="713361", service_description="VENDITA RATEALE ITELCO ALICE MOBILE TABLET")
    sac(contract)
    return lines


def done_job(user, contract, kind="ConsistenzaDettaglioLinee", fmt="csv") -> ExportJob:
    job = ExportJob.objects.create(
        user=user, contract=contract, kind=kind, format=fmt, state=ExportJob.State.DONE
    )
    job.file.save(job.filename, ContentFile(b"\xef\xbb\xbfNumero\r\n"), save=False)
    job.expires_at = job.default_expiry()
    job.save()
    return job
