"""The one interface for SMS and e-mail (DESIGN §5.5).

``send_sms`` / ``send_email`` store the message in the outbox inside the caller's
transaction and queue its delivery for after the commit; the delivery task sends it through
the configured backend (``backends.py``), retrying with the project's task policy
(``portale.core.tasks``: 3 retries, 10 s / 20 s / 40 s). After the last failed attempt the
row is ``failed`` with ``last_error``.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import escape
from huey import crontab

from portale.core.models import OutboxAttachment, OutboxMessage
from portale.core.tasks import enqueue_on_commit, periodic_task, task

from .backends import get_backend

logger = logging.getLogger(__name__)

EMAIL_FOOTER = "Questa mail è generata automaticamente, non rispondere a questo indirizzo."
DEFAULT_SMS_SENDER = "TIMBusiness"

Attachment = tuple[str, bytes, str]  # (filename, content, mimetype)


def send_sms(
    *, to: str, text: str, sender: str | None = None, kind: str = "", secret: bool = False
) -> OutboxMessage:
    """Store an SMS for ``to`` and queue its delivery after the commit.

    ``sender`` defaults to ``settings.SMS_OTP_SENDER`` (or "TIMBusiness"); ``kind`` tags the
    message (e.g. "otp", "pratica") for the outbox page and the admin. ``secret``: the text
    carries a code or a link; it is blanked once delivered (``outbox_redact``).
    """
    to = re.sub(r"[\s.\-/]", "", to or "")
    if not to:
        raise ValueError("send_sms: empty recipient")
    if sender is None:
        sender = getattr(settings, "SMS_OTP_SENDER", "") or DEFAULT_SMS_SENDER
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.SMS,
            recipient=to,
            sender=sender,
            text=text,
            kind=kind,
            secret=secret,
        )
        enqueue_on_commit(deliver, message.pk)
    return message


def send_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    attachments: list[Attachment] | None = None,
    kind: str = "",
    secret: bool = False,
) -> OutboxMessage:
    """Store an e-mail for ``to`` (with the automatic-mail footer) and queue its delivery.

    ``attachments``: ``[(filename, content_bytes, mimetype), ...]``. The sender is
    ``settings.DEFAULT_FROM_EMAIL``. ``secret`` as for ``send_sms``.
    """
    to = (to or "").strip()
    validate_email(to)
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            channel=OutboxMessage.Channel.EMAIL,
            recipient=to,
            sender=settings.DEFAULT_FROM_EMAIL,
            subject=subject.replace("\r", " ").replace("\n", " ")[:255],
            text=_text_with_footer(text),
            html=_html_with_footer(html) if html else "",
            kind=kind,
            secret=secret,
        )
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(message=message, filename=name, content=content, mimetype=mimetype)
            for name, content, mimetype in attachments or []
        )
        enqueue_on_commit(deliver, message.pk)
    return message


def _text_with_footer(text: str) -> str:
    return f"{text.rstrip()}\n\n--\n{EMAIL_FOOTER}\n"


def _html_with_footer(html: str) -> str:
    footer = f'<p style="color:#5c6f82;font-size:small">{escape(EMAIL_FOOTER)}</p>'
    index = html.lower().rfind("</body>")
    if index == -1:
        return html + footer
    return html[:index] + footer + html[index:]


@task(context=True)
def deliver(message_id: int, task=None) -> str:
    """Background delivery of one outbox row (retried on failure; idempotent once sent)."""
    final = task is None or task.retries == 0
    return deliver_now(message_id, final=final)


def deliver_now(message_id: int, *, final: bool = True) -> str:
    """Send one stored message through its backend; returns the resulting status.

    The row is first claimed with a conditional UPDATE (queued/failed → sending), so two
    workers holding the same message (a retry and a stale-sweep re-queue) never both send
    it. On failure the error is recorded and re-raised (so the task retries); when
    ``final`` the row is marked ``failed``.
    """
    rows = OutboxMessage.objects.filter(pk=message_id)
    claimable = [OutboxMessage.Status.QUEUED, OutboxMessage.Status.FAILED]
    claimed = rows.filter(status__in=claimable).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        current = rows.values_list("status", flat=True).first()
        return current or "missing"
    message = rows.prefetch_related("attachments").get()
    backend = get_backend(message.channel)
    try:
        backend.send(message)
    except Exception as exc:
        status = OutboxMessage.Status.FAILED if final else OutboxMessage.Status.QUEUED
        rows.update(
            status=status,
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            backend=backend.name,
        )
        logger.warning(
            "Notification %s via %s failed (%s): %s", message.pk, backend.name, status, exc
        )
        raise
    rows.update(
        status=OutboxMessage.Status.SENT,
        attempts=F("attempts") + 1,
        last_error="",
        backend=backend.name,
        sent_at=timezone.now(),
    )
    if message.secret and not _outbox_is_the_delivery(backend.name):
        outbox_redact(ids=[message.pk])
    return OutboxMessage.Status.SENT


def _outbox_is_the_delivery(backend_name: str) -> bool:
    """With the outbox backend in demo mode the stored row is what the user reads (at
    /demo/outbox/): its secret stays until ``outbox_purge`` (``NOTIFY_SECRET_MAX_HOURS``)."""
    return backend_name == "outbox" and settings.PORTALE_DEMO


def outbox_redact(*, ids=None, queryset=None) -> int:
    """Blank the text of secret messages (code, link): nobody reads them after delivery."""
    qs = queryset if queryset is not None else OutboxMessage.objects.filter(pk__in=ids)
    return qs.filter(secret=True, redacted_at__isnull=True).update(
        text=OutboxMessage.REDACTED, html="", redacted_at=timezone.now()
    )


def outbox_purge(*, now=None) -> dict[str, int]:
    """Retention of the outbox (SECURITY.md): secret messages are blanked at the latest
    ``NOTIFY_SECRET_MAX_HOURS`` (48, the life of a link) after their creation, delivered or
    not; every message is deleted ``NOTIFY_RETENTION_DAYS`` (90) after its creation once it
    is sent or failed."""
    now = now or timezone.now()
    secret_hours = getattr(settings, "NOTIFY_SECRET_MAX_HOURS", 48)
    days = getattr(settings, "NOTIFY_RETENTION_DAYS", 90)
    redacted = outbox_redact(
        queryset=OutboxMessage.objects.filter(created_at__lt=now - timedelta(hours=secret_hours))
    )
    deleted = (
        OutboxMessage.objects.filter(
            created_at__lt=now - timedelta(days=days),
            status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED],
        )
        .delete()[1]
        .get("core.OutboxMessage", 0)
    )
    return {"redacted": redacted, "deleted": deleted}


@periodic_task(crontab(minute="17"))
def outbox_purge_task() -> dict[str, int]:
    return outbox_purge()


STALE_AFTER = timedelta(minutes=15)


@periodic_task(crontab(minute="*/10"))
def requeue_stale() -> int:
    """Safety net of the outbox: queue again the messages never attempted after STALE_AFTER
    (e.g. the queue was unreachable at commit time) and those a crashed worker left
    "sending" for longer than that. Delivery claims rows, so nothing is sent twice."""
    cutoff = timezone.now() - STALE_AFTER
    Status = OutboxMessage.Status
    OutboxMessage.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff).update(
        status=Status.QUEUED
    )
    stale = OutboxMessage.objects.filter(
        Q(attempts=0, created_at__lt=cutoff) | Q(claimed_at__lt=cutoff),
        status=Status.QUEUED,
    ).values_list("pk", flat=True)[:500]
    ids = list(stale)
    for pk in ids:
        enqueue_on_commit(deliver, pk)
    if ids:
        logger.warning("Outbox: %d stale messages queued again", len(ids))
    return len(ids)
