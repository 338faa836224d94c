"""Company recharges: one-off, automatic services and the monthly recharge with its overrides."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Contract,
    Line,
    LineService,
    LineState,
    ServiceSms,
    ServiceState,
)
from ..models.services import RECHARGE_OVERRIDES
from ._common import RecordError, _live_prepaid, _locked_line

# --- Company recharges (F-7.3.4, G-20…G-22) --------------------------------------------------

AUTOMATIC_RECHARGES = {
    LineService.Kind.TIMED_RECHARGE: "RICARICA A TEMPO",
    LineService.Kind.PARAMETRIC_RECHARGE: "RICARICA SOTTO SOGLIA PARAMETRICA",
}
PARAMETRIC_MAX_PER_MONTH = 3


def _prepaid_line(*, contract: Contract, line_id: int) -> Line:
    return _live_prepaid(_locked_line(contract=contract, line_id=line_id))


@transaction.atomic
def line_company_recharge(
    *, contract: Contract, line_id: int, amount: Decimal, label: str, now=None
) -> Line:
    """A company recharge charged to the invoice: the company credit grows by ``amount`` and
    the line gets the service SMS of the guide (F-7.3.4)."""
    if amount <= 0:
        raise RecordError(_("L'importo della ricarica deve essere positivo."))
    line = _prepaid_line(contract=contract, line_id=line_id)
    line.company_credit += Decimal(amount)
    line.save(update_fields=["company_credit"])
    now = now or timezone.now()
    ServiceSms.objects.create(
        line=line,
        text=(
            f"Gentile utente, l'opzione {label} ric è stata attivata sulla tua linea. "
            "Grazie da TIM Business"
        ),
        sent_at=now,
        delivered_at=now,
        state=ServiceSms.State.DELIVERED,
    )
    return line


@transaction.atomic
def line_recharge_service_activate(
    *, contract: Contract, line_id: int, kind: str, parameters: dict, on=None
) -> LineService:
    """Ricarica a tempo / sotto soglia parametrica: an STS on the line the periodic job runs
    (G-22: one active service of each kind per line)."""
    if kind not in AUTOMATIC_RECHARGES:
        raise ValueError(f"not an automatic recharge: {kind}")
    line = _prepaid_line(contract=contract, line_id=line_id)
    if LineService.objects.filter(
        line=line, kind=kind, state__in=[ServiceState.ACTIVE, ServiceState.PENDING]
    ).exists():
        raise RecordError(
            _("Sulla linea %(msisdn)s è già attiva una %(kind)s.")
            % {"msisdn": line.msisdn, "kind": AUTOMATIC_RECHARGES[kind].lower()}
        )
    amount = Decimal(str(parameters["amount"]))
    description = f"{AUTOMATIC_RECHARGES[kind]} {amount:.0f} EURO"
    return LineService.objects.create(
        line=line,
        kind=kind,
        description=description,
        parameters={**parameters, "runs": []},
        activation_date=on or timezone.localdate(),
    )


@transaction.atomic
def recharge_service_run(*, service_id: int, now=None) -> bool:
    """One run of an automatic recharge, if due: a timed one every ``frequency_days`` from
    its activation (whatever the credit); a parametric one when the company credit is under
    ``threshold``, at most 3 times a calendar month. Returns whether it recharged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    service = (
        LineService.objects.select_for_update()
        .select_related("line__tariff_plan", "line__contract")
        .filter(pk=service_id, state=ServiceState.ACTIVE, kind__in=list(AUTOMATIC_RECHARGES))
        .first()
    )
    if service is None:
        return False
    line = service.line
    if line.state != LineState.ACTIVE:
        return False
    p = service.parameters
    runs = [datetime.date.fromisoformat(d) for d in p.get("runs", [])]
    if service.kind == LineService.Kind.TIMED_RECHARGE:
        last = runs[-1] if runs else service.activation_date
        due = (today - last).days >= int(p["frequency_days"])
    else:
        this_month = [d for d in runs if (d.year, d.month) == (today.year, today.month)]
        due = line.company_credit < Decimal(str(p["threshold"])) and (
            len(this_month) < PARAMETRIC_MAX_PER_MONTH
        )
    if not due:
        return False
    line_company_recharge(
        contract=line.contract,
        line_id=line.pk,
        amount=Decimal(str(p["amount"])),
        label=service.description,
        now=now,
    )
    service.parameters = {**p, "runs": [*p.get("runs", []), today.isoformat()][-40:]}
    service.save(update_fields=["parameters"])
    return True


# --- Conferma / Rinuncia ricariche (F-7.3.3, G-18, G-19) -------------------------------------


def _month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    first = datetime.date.fromisoformat(f"{month}-01")
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


@transaction.atomic
def lines_recharge_override(
    *, contract: Contract, line_ids: list[int], mode: str, month: str
) -> int:
    """For ``month`` only ("YYYY-MM"), lines in ``mode`` do the opposite of their mode: a
    CONFERMA line gets the automatic recharge, a RINUNCIA line does not (G-18). Kept as a
    one-month service on the line; the month after, the line is back to its mode."""
    if mode not in RECHARGE_OVERRIDES:
        raise ValueError(f"unknown recharge mode: {mode}")
    first, last = _month_bounds(month)
    lines = list(
        Line.objects.select_for_update(of=("self",))
        .select_related("tariff_plan")
        .filter(contract=contract, pk__in=line_ids)
    )
    if len(lines) != len(set(line_ids)):
        raise RecordError(_("Alcune linee non sono più presenti sul contratto."))
    already = set(
        LineService.objects.filter(
            line__in=lines, description__in=list(RECHARGE_OVERRIDES.values()), activation_date=first
        ).values_list("line_id", flat=True)
    )
    services = []
    for line in lines:
        if not line.tariff_plan.is_prepaid or line.state == LineState.CEASED:
            raise RecordError(_("La linea %(m)s non è ricaricabile.") % {"m": line.msisdn})
        if line.auto_recharge != mode:
            raise RecordError(
                _("La linea %(m)s non è in modalità %(mode)s.") % {"m": line.msisdn, "mode": mode}
            )
        if line.pk in already:
            continue
        services.append(
            LineService(
                line=line,
                description=RECHARGE_OVERRIDES[mode],
                parameters={"month": month, "mode": mode},
                activation_date=first,
                cessation_date=last,
            )
        )
    LineService.objects.bulk_create(services, batch_size=1000)
    return len(services)


def monthly_recharge_due(line: Line, month: str) -> bool:
    """The line's automatic monthly recharge this month: its mode, unless overridden."""
    first, _last = _month_bounds(month)
    overridden = LineService.objects.filter(
        line=line,
        description=RECHARGE_OVERRIDES.get(line.auto_recharge, ""),
        activation_date=first,
    ).exists()
    if line.auto_recharge == Line.AutoRecharge.WAIVE:
        return not overridden
    if line.auto_recharge == Line.AutoRecharge.CONFIRM:
        return overridden
    return False


MONTHLY_RECHARGE = "RICARICA AUTOMATICA MENSILE"


@transaction.atomic
def line_monthly_recharge(*, contract: Contract, line_id: int, month: str, now=None) -> bool:
    """The start-of-month company recharge (the tariff plan's monthly amount), once a month,
    if the line's mode and this month's override say so. Returns whether it recharged."""
    line = _locked_line(contract=contract, line_id=line_id)
    if not line.tariff_plan.is_prepaid or line.state != LineState.ACTIVE:
        return False
    label = f"{MONTHLY_RECHARGE} {month}"
    if ServiceSms.objects.filter(line=line, text__contains=label).exists():
        return False  # already done this month
    if not monthly_recharge_due(line, month) or line.tariff_plan.monthly_fee <= 0:
        return False
    line_company_recharge(
        contract=contract,
        line_id=line.pk,
        amount=line.tariff_plan.monthly_fee,
        label=label,
        now=now,
    )
    return True
