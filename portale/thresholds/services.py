"""Writes of the thresholds app: the back office's "Sblocca" and the daily digest (G-36)."""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portale.core.exports import write_xlsx
from portale.core.lists.formats import DATETIME, MONEY, TEXT, Format, decimal
from portale.core.notifications.services import send_email
from portale.records import selectors as record_selectors
from portale.records import services as records
from portale.records.models import Contract

from . import engine, selectors
from .models import ThresholdDigest, ThresholdEvent

DIGEST_SENDER = "TIM - Convenzione Mobile 8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ThresholdError(Exception):
    pass


def threshold_unblock(*, threshold_id: int, actor=None) -> ThresholdEvent:
    """Back office "Sblocca" (F-7.5): the line's pay-per-use traffic flows again; the unblock
    is an event (digest) and the line gets a service SMS."""
    with transaction.atomic():
        try:
            threshold = records.threshold_unblock(threshold_id=threshold_id)
        except records.RecordError as exc:
            raise ThresholdError(str(exc)) from exc
        threshold = record_selectors.threshold_by_pk(pk=threshold.pk)
        event = engine._event(
            threshold,
            ThresholdEvent.Kind.UNBLOCK,
            threshold.value - threshold.available,
            timezone.now(),
            note=_("sblocco del Servizio Clienti"),
        )
        engine.record_events([event], {threshold.line_id: threshold.line.msisdn})
    return event


class _Col:
    def __init__(self, label, fmt: Format = TEXT):
        self.label, self.format = label, fmt


REPORT_COLUMNS = [
    _Col("Linea"),
    _Col("Descrizione soglia"),
    _Col("Tipologia"),
    _Col("Periodo"),
    _Col("Valore soglia (€)", MONEY),
    _Col("Consumo del periodo (€)", decimal(4)),
    _Col("Erosione (%)", decimal(2)),
    _Col("Evento"),
    _Col("Data evento", DATETIME),
]
EVENT_LABEL = {
    "80": "SUPERAMENTO 80%",
    "100": "SUPERAMENTO 100%",
    "SBLOCCO": "SBLOCCO",
}


def report_rows(events) -> list[tuple]:
    rows = []
    for ev in events:
        pct = (
            selectors.erosion_pct(ev.value, max(ev.value - ev.consumed, 0))
            if ev.kind != ThresholdEvent.Kind.UNBLOCK
            else None
        )
        label = EVENT_LABEL[ev.kind]
        if ev.blocked:
            label += " - LINEA BLOCCATA"
        if ev.note:
            label += f" ({ev.note})"
        rows.append(
            (
                ev.line.msisdn,
                ev.description,
                ev.type,
                ev.period,
                ev.value,
                ev.consumed,
                pct,
                label,
                ev.occurred_at,
            )
        )
    return rows


def report_xlsx(rows: list[tuple]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(rows, REPORT_COLUMNS, buf, sheet_name="Avanzamento Soglie")
    return buf.getvalue()


def digest_texts(day: datetime.date) -> tuple[str, str]:
    d = day.strftime("%d-%m-%Y")
    subject = f"Avanzamento Soglie del {d}"
    text = (
        "Gentile utente,\n"
        f"ti inviamo in allegato l'elenco delle linee che alla data {d} hanno superato gli "
        "avanzamenti previsti per le soglie informative e dispositive.\n"
        "TIM Servizio Clienti Convenzione Mobile 8"
    )
    return subject, text


def digest_send(
    *, contract: Contract, day: datetime.date, sent_at: datetime.datetime | None = None
) -> list[ThresholdDigest]:
    """One e-mail per recipient for the contract's events of ``day``; nothing without events.
    Idempotent: a recipient already served for that day is skipped. ``sent_at`` dates the
    archived e-mail (the demo's past days); by default now."""
    rows = report_rows(selectors.events_of_day(day=day, contract=contract))
    if not rows:
        return []
    subject, text = digest_texts(day)
    name = f"avanzamento_soglie_{day:%Y%m%d}.xlsx"
    content = report_xlsx(rows)
    sent = []
    for user in selectors.digest_recipients(contract=contract):
        with transaction.atomic():
            if ThresholdDigest.objects.filter(
                contract=contract, recipient=user.email, day=day
            ).exists():
                continue
            send_email(
                to=user.email,
                subject=subject,
                text=text,
                attachments=[(name, content, XLSX)],
                kind="soglie",
            )
            sent.append(
                ThresholdDigest.objects.create(
                    contract=contract,
                    user=user,
                    recipient=user.email,
                    day=day,
                    sent_at=sent_at or timezone.now(),
                    sender=DIGEST_SENDER,
                    subject=subject,
                    text=text,
                    attachment_name=name,
                    attachment=content,
                    rows=len(rows),
                )
            )
    return sent


def digests_send(*, day: datetime.date | None = None) -> int:
    """Every contract with events on ``day`` (default: yesterday)."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    start, end = selectors.day_bounds(day)
    contract_ids = (
        ThresholdEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values_list("contract_id", flat=True)
        .distinct()
    )
    count = 0
    for contract in record_selectors.contracts_by_pks(pks=contract_ids).order_by("pk"):
        count += len(digest_send(contract=contract, day=day))
    return count
