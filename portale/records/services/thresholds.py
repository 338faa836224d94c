"""Thresholds: activation, change, cease, erosion, unblock and roaming provisioning."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import thresholds as threshold_consumption
from ..bulk import values_update
from ..models import (
    Contract,
    Line,
    LineState,
    ServiceSms,
    Threshold,
)
from ._common import RecordError

# --- Thresholds (§7.5, E-18, G-33, G-34) ---------------------------------------------------
# The pratiche of "Gestione soglie" change them through threshold_activate / _change / _cease;
# the threshold engine (``portale.thresholds.engine``) records erosion, alert levels and
# blocks through thresholds_erosion_set, and the back office unblocks with threshold_unblock.

THRESHOLD_MAX = Decimal("9999")
LIVE_THRESHOLD_STATES = ("IN ATTIVAZIONE", "ATTIVO")
SPENDING_CATEGORIES = ("CONSUMO", "PACCHETTO")  # subscription lines (F-7.5)
ROAMING_CATEGORIES = ("CONSUMO", "PACCHETTO", "RICARICABILE")  # G-33


def threshold_period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the period (GIORNALIERO / MENSILE) that contains ``day``."""
    return day if period == Threshold.Period.DAILY else day.replace(day=1)


def threshold_description(kind: str, type: str) -> str:  # noqa: A002 - the records' name
    blocking = type == Threshold.Type.BLOCKING
    if kind == Threshold.Kind.ROAMING_DATA:
        d = Threshold.Description
        return d.DISPO_ROAMING if blocking else d.INFO_ROAMING
    return Threshold.Description.DISPO_SPENDING if blocking else Threshold.Description.INFO_SPENDING


def _threshold_value(value: Decimal, type: str) -> Decimal:  # noqa: A002
    """G-34: 0–9.999 € with at most 2 decimals; 0 only for a DISPOSITIVA threshold."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if value < 0 or value > THRESHOLD_MAX or value != value.quantize(Decimal("0.01")):
        raise RecordError(_("Il valore della soglia va da 0 a 9.999 € con al massimo 2 decimali."))
    if value == 0 and type != Threshold.Type.BLOCKING:
        raise RecordError(_("Il valore 0 € può essere impostato solo per una soglia DISPOSITIVA."))
    return value


def _locked_threshold(threshold_id: int, *, contract: Contract | None = None) -> Threshold:
    """The threshold locked, its line first: the rating engine's lock order (lines, then
    thresholds), so a pratica and a rater never wait for each other in a cycle. The line as
    rating locks it (FOR NO KEY UPDATE): the threshold engine's commit, checking foreign
    keys to the line, does not wait for it."""
    qs = Threshold.objects.all()
    if contract is not None:
        qs = qs.filter(line__contract=contract)
    line_id = qs.filter(pk=threshold_id).values_list("line_id", flat=True).first()
    if line_id is not None:
        lines = Line.objects.select_for_update(of=("self",), no_key=True)
        list(lines.filter(pk=line_id).values_list("pk"))
    threshold = (
        qs.select_for_update(of=("self",)).select_related("line").filter(pk=threshold_id).first()
    )
    if threshold is None or threshold.state not in LIVE_THRESHOLD_STATES:
        raise RecordError(_("La soglia non è più attiva sulla linea."))
    return threshold


def threshold_alert_state(threshold: Threshold, consumed: Decimal) -> tuple[int, bool]:
    """(alert level, blocked) for ``consumed`` € in the current period."""
    if threshold.value == 0:
        level = 100 if consumed > 0 else 0
    elif consumed >= threshold.value:
        level = 100
    elif consumed >= threshold.value * Decimal("0.8"):
        level = 80
    else:
        level = 0
    return level, level == 100 and threshold.type == Threshold.Type.BLOCKING


@transaction.atomic
def threshold_activate(
    *,
    line: Line,
    type: str,  # noqa: A002
    period: str,
    value: Decimal,
    kind: str = Threshold.Kind.SPENDING,
    on: datetime.date | None = None,
) -> Threshold:
    """Attivazione soglie di spesa (F-7.5.1); also the G-33 provisioning of the roaming one."""
    line = Line.objects.select_for_update().select_related("tariff_plan").get(pk=line.pk)
    if line.state == LineState.CEASED:
        raise RecordError(_("La linea %(msisdn)s è cessata.") % {"msisdn": line.msisdn})
    allowed = SPENDING_CATEGORIES if kind == Threshold.Kind.SPENDING else ROAMING_CATEGORIES
    if line.tariff_plan.category not in allowed:
        raise RecordError(
            _("La linea %(msisdn)s non ammette questa soglia.") % {"msisdn": line.msisdn}
        )
    if type not in Threshold.Type.values or period not in Threshold.Period.values:
        raise RecordError(_("Tipologia o periodo della soglia non validi."))
    if kind == Threshold.Kind.ROAMING_DATA and period != Threshold.Period.MONTHLY:
        raise RecordError(_("La soglia dati roaming Extra UE è mensile."))
    value = _threshold_value(value, type)
    if Threshold.objects.filter(line=line, kind=kind, state__in=LIVE_THRESHOLD_STATES).exists():
        raise RecordError(
            _("Sulla linea %(msisdn)s è già attiva una soglia.") % {"msisdn": line.msisdn}
        )
    day = on or timezone.localdate()
    start = threshold_period_start(period, day)
    # Activated during its period: it counts what was already rated from today on (the
    # line is locked, so no rater adds to it meanwhile); rating keeps it from now on.
    consumed = threshold_consumption.consumption_from_events(
        kind=kind, period=period, start=start, line_ids=[line.pk], since=day
    ).get(line.pk) or Decimal(0)
    return Threshold.objects.create(
        line=line,
        kind=kind,
        type=type,
        period=period,
        description=threshold_description(kind, type),
        value=value,
        available=max(Decimal(0), value - consumed).quantize(Decimal("0.001")),
        activation_date=day,
        period_start=start,
        consumption=consumed,
        consumption_period=start,
        # traffic already counted: the engine's alerts are still to come
        erosion_due_at=timezone.now() if consumed else None,
    )


@transaction.atomic
def threshold_change(
    *,
    threshold_id: int,
    contract: Contract | None = None,
    type: str | None = None,  # noqa: A002
    period: str | None = None,
    value: Decimal | None = None,
    on: datetime.date | None = None,
) -> Threshold:
    """Variazione soglie (F-7.5.2, F-7.5.3): tipologia, periodo or importo.

    The consumption of the current period is kept; the alert level and the block follow the
    new settings (a DISPOSITIVA threshold raised above the consumption unblocks the line).
    """
    threshold = _locked_threshold(threshold_id, contract=contract)
    if threshold.consumption_period == threshold.period_start:
        consumed = threshold.consumption  # exact (kept by rating)
    else:
        consumed = max(Decimal(0), threshold.value - threshold.available)
    if threshold.value == 0 and threshold.last_alert_level == 100:
        consumed = max(consumed, Decimal("0.001"))  # a 0 € threshold already hit
    new_type = type or threshold.type
    if new_type not in Threshold.Type.values:
        raise RecordError(_("Tipologia della soglia non valida."))
    if period is not None and period != threshold.period:
        if threshold.kind == Threshold.Kind.ROAMING_DATA:
            raise RecordError(
                _("Il periodo della soglia dati roaming Extra UE non è modificabile.")
            )
        if period not in Threshold.Period.values:
            raise RecordError(_("Periodo della soglia non valido."))
        threshold.period = period
        threshold.period_start = threshold_period_start(period, on or timezone.localdate())
        # The period of the new periodicity: what it already holds, from the events (the
        # line is locked by _locked_threshold, so no rater adds meanwhile).
        threshold.consumption_period = threshold.period_start
        consumed = threshold_consumption.from_events([threshold])[threshold.pk]
        threshold.consumption = consumed
    new_value = _threshold_value(threshold.value if value is None else value, new_type)
    was_blocking = threshold.type == Threshold.Type.BLOCKING
    threshold.type = new_type
    threshold.description = threshold_description(threshold.kind, new_type)
    threshold.value = new_value
    threshold.available = max(Decimal(0), new_value - consumed)
    level, blocked = threshold_alert_state(threshold, consumed)
    # A lower level re-arms the alerts; a higher one is recorded by the engine's next
    # erosion, which the threshold is now due for (the sweep runs it without new traffic).
    if level > threshold.last_alert_level:
        threshold.erosion_due_at = threshold.erosion_due_at or timezone.now()
    threshold.last_alert_level = min(level, threshold.last_alert_level)
    # Over 100%: a threshold that becomes DISPOSITIVA blocks; one unblocked stays unblocked.
    threshold.blocked_line = blocked and (threshold.blocked_line or not was_blocking)
    threshold.save()
    return threshold


@transaction.atomic
def threshold_cease(
    *, threshold_id: int, contract: Contract | None = None, on: datetime.date | None = None
) -> Threshold:
    """Cessazione soglie di spesa (F-7.5.4): a ceased threshold blocks nothing."""
    threshold = _locked_threshold(threshold_id, contract=contract)
    if threshold.kind != Threshold.Kind.SPENDING:
        raise RecordError(_("La soglia dati roaming Extra UE non può essere cessata."))
    threshold.state = Threshold.State.CEASED
    threshold.cessation_date = max(on or timezone.localdate(), threshold.activation_date)
    threshold.blocked_line = False
    threshold.erosion_due_at = None  # a ceased threshold is never eroded again
    threshold.save(update_fields=["state", "cessation_date", "blocked_line", "erosion_due_at"])
    return threshold


@dataclass(frozen=True)
class ThresholdErosion:
    """What the threshold engine computed for one threshold in its current period."""

    threshold_id: int
    period_start: datetime.date
    available: Decimal
    last_alert_level: int
    blocked_line: bool


def thresholds_erosion_set(*, erosions: Iterable[ThresholdErosion]) -> int:
    """The engine's bulk write: available value, period, alert level and block; the
    threshold is no longer due for erosion (``erosion_due_at``).

    The caller holds the rows locked (``select_for_update``) in its transaction, from the
    read of ``consumption`` to this write, so a consumption rated meanwhile waits and sets
    the threshold due again.
    """
    erosions = list(erosions)
    rows = []
    for e in erosions:
        if e.last_alert_level not in Threshold.ALERT_LEVELS and e.last_alert_level != 0:
            raise RecordError(f"livello di allerta non valido: {e.last_alert_level}")
        if e.available < 0 or e.available >= Decimal("1e8"):
            raise RecordError(f"valore disponibile non valido: {e.available}")
        rows.append(
            Threshold(
                pk=e.threshold_id,
                period_start=e.period_start,
                available=e.available.quantize(Decimal("0.001")),
                last_alert_level=e.last_alert_level,
                blocked_line=e.blocked_line,
            )
        )
    with transaction.atomic():
        values_update(
            Threshold,
            rows,
            ["period_start", "available", "last_alert_level", "blocked_line", "erosion_due_at"],
        )
    return len(rows)


@transaction.atomic
def threshold_unblock(*, threshold_id: int) -> Threshold:
    """Sblocco by Customer Service (F-7.5): the line's pay-per-use traffic flows again until
    the threshold is reached in a later period."""
    threshold = _locked_threshold(threshold_id)
    if not threshold.blocked_line:
        raise RecordError(_("La linea non è bloccata da questa soglia."))
    threshold.blocked_line = False
    threshold.save(update_fields=["blocked_line"])
    return threshold


def roaming_thresholds_provision(
    *, line_ids: Iterable[int] | None = None, on: datetime.date | None = None
) -> int:
    """G-33: every live subscription or prepaid line has "SOGLIA INFO VALORE DATI EXTRA UE PA"
    (INFORMATIVA, 50 €, MENSILE); the missing ones are created. Returns how many.

    The lines are locked first (the rating's lock order) and each new threshold starts with
    the extra-UE data already rated from its activation day (``consumption``, exact); the
    rating engine calls this in its own transaction for the lines of a batch that made such
    traffic without the threshold."""
    day = on or timezone.localdate()
    month = day.replace(day=1)
    lines = Line.objects.exclude(state=LineState.CEASED).filter(
        tariff_plan__category__in=ROAMING_CATEGORIES
    )
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    missing = lines.exclude(
        thresholds__kind=Threshold.Kind.ROAMING_DATA,
        thresholds__state__in=LIVE_THRESHOLD_STATES,
    )
    created = 0
    now = timezone.now()
    pks = list(missing.values_list("pk", flat=True))
    for start in range(0, len(pks), 2000):
        with transaction.atomic():
            chunk = pks[start : start + 2000]
            locked = Line.objects.select_for_update(of=("self",)).filter(pk__in=chunk)
            list(locked.order_by("pk").values_list("pk", flat=True))
            todo = sorted(missing.filter(pk__in=chunk).values_list("pk", flat=True))  # locked
            consumed = threshold_consumption.consumption_from_events(
                kind=Threshold.Kind.ROAMING_DATA,
                period=Threshold.Period.MONTHLY,
                start=month,
                line_ids=todo,
                since=day,
            )
            rows = Threshold.objects.bulk_create(
                [
                    Threshold(
                        line_id=pk,
                        kind=Threshold.Kind.ROAMING_DATA,
                        type=Threshold.Type.INFORMATIVE,
                        period=Threshold.Period.MONTHLY,
                        description=Threshold.Description.INFO_ROAMING,
                        value=Decimal(50),
                        available=max(Decimal(0), 50 - consumed.get(pk, Decimal(0))).quantize(
                            Decimal("0.001")
                        ),
                        activation_date=day,
                        period_start=month,
                        consumption=consumed.get(pk, Decimal(0)),
                        consumption_period=month,
                        # traffic already counted: the engine's alerts are still to come
                        erosion_due_at=now if consumed.get(pk) else None,
                    )
                    for pk in todo
                ],
                ignore_conflicts=True,
            )
            created += len(rows)
    return created


@transaction.atomic
def service_sms_send(*, line_id: int, text: str, sender: str = "TIMBusiness") -> ServiceSms:
    """A service SMS to a line (F-9.2.3), e.g. a threshold alert."""
    now = timezone.now()
    return ServiceSms.objects.create(
        line_id=line_id,
        sender=sender,
        text=text,
        sent_at=now,
        delivered_at=now,
        state=ServiceSms.State.DELIVERED,
    )
