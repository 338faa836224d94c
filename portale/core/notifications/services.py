"""The one interface for SMS and e-mail (DESIGN §5.5).

``send_sms`` / ``send_email`` store the message in the outbox inside the caller's
transaction and wake its delivery for after the commit. Delivery is a durable job
(``portale.core.jobs``, kind "outbox"): the row is the job, the task claims it before
sending (so it is never sent by two workers), sends it through the configured backend
(``backends.py``) and retries with the project's task policy (``portale.core.tasks``:
3 retries, 10 s / 20 s / 40 s); after the last failed attempt the row is ``failed`` with
``last_error``. The core's minute sweep wakes a message whose wake-up was lost (queue down)
and one a dead worker left "sending"; a secret is blanked once delivered.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from huey import crontab

from portale.core import jobs
from portale.core.models import OutboxAttachment, OutboxMessage
from portale.core.tasks import periodic_task, task

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
        jobs.wake(OUTBOX, message.pk)
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
        jobs.wake(OUTBOX, message.pk)
    return message


def _text_with_footer(text: str) -> str:
    return f"{text.rstrip()}\n\n--\n{EMAIL_FOOTER}\n"


def _html_with_footer(html: str) -> str:
    footer = f'<p style="color:#5c6f82;font-size:small">{escape(EMAIL_FOOTER)}</p>'
    index = html.lower().rfind("</body>")
    if index == -1:
        return html + footer
    return html[:index] + footer + html[index:]


# --- delivery: a durable job (portale.core.jobs) ------------------------------------------------
# A message not tried this long after it was written: its wake-up call was lost (the queue
# was unreachable at commit time, a worker restarted before reading it); the sweep wakes it.
START_GRACE = timedelta(minutes=2)
# A message "sending" for this long: the worker that claimed it died (killed, OOM, restart)
# between the claim and the outcome; the sweep wakes it and it is sent again.
STUCK_AFTER = timedelta(seconds=getattr(settings, "NOTIFY_STUCK_AFTER_SECONDS", 600))
# Claims of one message (first run, task retries, sweeps) after which it is "failed" without
# another try: a message that kills its worker every time must not loop for ever.
MAX_ATTEMPTS = 6


def _due(now):
    """The rows the minute sweep wakes: never tried after the grace, or stuck "sending"."""
    Status = OutboxMessage.Status
    return (
        OutboxMessage.objects.filter(
            Q(status=Status.QUEUED, claimed_at__isnull=True, created_at__lt=now - START_GRACE)
            | Q(status__in=[Status.QUEUED, Status.SENDING], claimed_at__lt=now - STUCK_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


@task(context=True)
def deliver(message_id: int, task=None) -> str:
    """Background delivery of one outbox row (retried on failure; idempotent once sent)."""
    final = task is None or task.retries == 0
    return deliver_now(message_id, final=final)


OUTBOX = jobs.register(jobs.DurableJob(name="outbox", task=deliver, due=_due))


def deliver_now(message_id: int, *, final: bool = True) -> str:
    """Send one stored message through its backend; returns the resulting status.

    The row is first claimed (``jobs.claim``: queued/failed, or "sending" by a worker
    silent for ``STUCK_AFTER`` → sending), so two workers holding the same message (a retry
    and a sweep) never both send it, and a row a dead worker left "sending" is sent again.
    On failure the error is recorded, the claim released and the error re-raised (so the
    task retries); when ``final`` (or after ``MAX_ATTEMPTS`` claims) the row is ``failed``.
    """
    Status = OutboxMessage.Status
    rows = OutboxMessage.objects.filter(pk=message_id)
    claimable = rows.filter(status__in=[Status.QUEUED, Status.FAILED, Status.SENDING])
    if not jobs.claim(claimable, stale_after=STUCK_AFTER, status=Status.SENDING):
        current = rows.values_list("status", flat=True).first()
        return current or "missing"
    message = rows.prefetch_related("attachments").get()
    backend = get_backend(message.channel)
    if message.attempts > MAX_ATTEMPTS:
        rows.update(status=Status.FAILED, claimed_at=None, last_error="Troppi tentativi")
        logger.error("Notification %s: %s attempts, given up", message.pk, message.attempts)
        return Status.FAILED
    try:
        backend.send(message)
    except Exception as exc:
        last = final or message.attempts >= MAX_ATTEMPTS
        status = Status.FAILED if last else Status.QUEUED
        rows.update(
            status=status,
            claimed_at=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            backend=backend.name,
        )
        logger.warning(
            "Notification %s via %s failed (%s): %s", message.pk, backend.name, status, exc
        )
        raise
    rows.update(
        status=Status.SENT,
        last_error="",
        backend=backend.name,
        sent_at=timezone.now(),
    )
    if message.secret and not _outbox_is_the_delivery(backend.name):
        outbox_redact(ids=[message.pk])
    return Status.SENT


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
