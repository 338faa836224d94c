"""The sandbox PSP's notification delivery: a durable job per notification (core/jobs).

``PAYMENT_SANDBOX_DELIVERY=local`` calls the portal's process view in-process (the sandbox
is the same project, and a worker posting to its own web server is not needed for that);
``http`` POSTs to ``SITE_URL`` as an external PSP would. A delivery answered with an error
(5xx, or unreachable) is retried; 4xx (bad signature, another order) is final, as at a PSP.
"""

from __future__ import annotations

import datetime
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from portale.core.jobs import DurableJob, claim, register
from portale.core.tasks import task

from .models import SandboxNotification
from .signing import SIGNATURE_HEADER

logger = logging.getLogger(__name__)

GRACE = datetime.timedelta(minutes=1)
STUCK_AFTER = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 10


def _post_local(url: str, body: str, signature: str) -> int:
    from django.test import RequestFactory  # a request object, built in-process
    from django.urls import resolve

    match = resolve(url)
    request = RequestFactory().post(
        url,
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )
    return match.func(request, *match.args, **match.kwargs).status_code


def _post_http(url: str, body: str, signature: str) -> int:
    if url.startswith("/"):
        url = settings.SITE_URL.rstrip("/") + url
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def deliver(notification: SandboxNotification) -> int:
    post = _post_http if settings.PAYMENT_SANDBOX_DELIVERY == "http" else _post_local
    return post(notification.url, notification.body, notification.signature)


@task()
def sandbox_notification_deliver(pk: int) -> None:
    rows = SandboxNotification.objects.filter(pk=pk, delivered_at__isnull=True)
    if not claim(rows, stale_after=STUCK_AFTER):
        return
    notification = SandboxNotification.objects.get(pk=pk)
    status = deliver(notification)
    notification.response_status = status
    if status < 500:
        notification.delivered_at = timezone.now()
    else:
        notification.claimed_at = None  # the sweep or the retry delivers it again
    notification.save(update_fields=["response_status", "delivered_at", "claimed_at"])
    if status >= 500:
        raise RuntimeError(f"sandbox notification {pk}: the portal answered {status}")


def _due(now: datetime.datetime):
    return (
        SandboxNotification.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(claimed_at__isnull=True, created_at__lt=now - GRACE)
            | Q(claimed_at__lt=now - STUCK_AFTER)
        )
        .values_list("pk", flat=True)
    )


SANDBOX_NOTIFICATIONS = register(
    DurableJob(name="psp_sandbox_notifications", task=sandbox_notification_deliver, due=_due)
)
