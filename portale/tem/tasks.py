"""Background tasks of TEM (Huey): the invoice audit runs, as durable jobs."""

from __future__ import annotations

import datetime

from django.db.models import Q

from portale.core.jobs import DurableJob, register
from portale.core.tasks import task

from . import services
from .models import InvoiceAudit


@task(retries=2, retry_delay=30, context=True)
def invoice_audit_build(audit_id: int, task=None) -> None:
    """Run one invoice audit; on the last failed attempt the run shows "Errore"."""
    services.invoice_audit_run(
        audit_id=audit_id, final=task is None or getattr(task, "retries", 0) == 0
    )


def _due(now: datetime.datetime):
    return (
        InvoiceAudit.objects.filter(
            Q(claimed_at__isnull=True, requested_at__lt=now - services.START_GRACE)
            | Q(claimed_at__lt=now - services.STUCK_AFTER),
            state=InvoiceAudit.State.RUNNING,
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)
    )


AUDITS = register(DurableJob(name="tem_invoice_audits", task=invoice_audit_build, due=_due))
