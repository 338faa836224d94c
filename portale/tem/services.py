"""TEM's writes: the invoice audit runs (``tem.models.InvoiceAudit``), a durable job.

``invoice_audit_request`` (the "Avvia verifica" POST) files a run in the request's
transaction and wakes the worker once it commits; a run already in progress for the same
invoice is returned instead (a double click, two users at once: one run; a partial unique
constraint makes it so even under a race). ``invoice_audit_run`` is the worker's part: it
claims the row (``portale.core.jobs.claim``: of two workers woken for it, one works),
recomputes the invoice (``tem.audit.audit_invoice``, reads only) and stores the totals and
the differences in one transaction, replacing what an interrupted earlier attempt left. A
failure is retried; after ``MAX_ATTEMPTS`` the run shows "Errore" and a new one can start.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portale.core import jobs
from portale.records.models import Invoice

from .audit import audit_invoice
from .models import InvoiceAudit, InvoiceAuditDifference

logger = logging.getLogger(__name__)

# A run not started this long after it was filed is woken again by the sweep.
START_GRACE = datetime.timedelta(minutes=2)
# A run claimed this long ago and not finished: its worker died; it is run again. Well above
# the audit of a 100,000-line invoice (seconds to a minute).
STUCK_AFTER = datetime.timedelta(seconds=getattr(settings, "TEM_AUDIT_STUCK_AFTER_SECONDS", 900))
MAX_ATTEMPTS = 3


def _wake(audit_id: int) -> None:
    from .tasks import AUDITS  # the task module registers the kind

    jobs.wake(AUDITS, audit_id)


def invoice_audit_running(*, invoice: Invoice) -> InvoiceAudit | None:
    return InvoiceAudit.objects.filter(invoice=invoice, state=InvoiceAudit.State.RUNNING).first()


@transaction.atomic
def invoice_audit_request(*, invoice: Invoice, user=None) -> InvoiceAudit:
    """Start an audit of ``invoice`` (or return the one in progress)."""
    running = invoice_audit_running(invoice=invoice)
    if running is not None:
        return running
    try:
        with transaction.atomic():
            audit = InvoiceAudit.objects.create(invoice=invoice, requested_by=user)
    except IntegrityError:  # filed meanwhile by another request
        running = invoice_audit_running(invoice=invoice)
        if running is None:
            raise
        return running
    _wake(audit.pk)
    return audit


def _phase(audit_id: int, text: str) -> None:
    InvoiceAudit.objects.filter(pk=audit_id, state=InvoiceAudit.State.RUNNING).update(
        phase=str(text)[:80]
    )


def invoice_audit_run(*, audit_id: int, final: bool = True) -> bool:
    """The worker's part: claim the run, audit the invoice, store the outcome. Idempotent.

    False when there was nothing to do (finished, deleted, or held by a live worker). A
    failure is re-raised for the task to retry, unless ``final`` or the run has used its
    attempts: then it shows "Errore"."""
    rows = InvoiceAudit.objects.filter(pk=audit_id, state=InvoiceAudit.State.RUNNING)
    if not jobs.claim(rows, stale_after=STUCK_AFTER, started_at=timezone.now()):
        return False
    audit = InvoiceAudit.objects.select_related("invoice__contract").get(pk=audit_id)
    if audit.attempts > MAX_ATTEMPTS:  # its workers keep dying (woken by the sweep)
        rows.update(
            state=InvoiceAudit.State.FAILED,
            finished_at=timezone.now(),
            error="Interrotta più volte",
        )
        return True
    try:
        result = audit_invoice(invoice=audit.invoice, progress=lambda t: _phase(audit_id, t))
    except Exception as exc:
        logger.exception("invoice audit %s failed (attempt %s)", audit_id, audit.attempts)
        if final or audit.attempts >= MAX_ATTEMPTS:
            InvoiceAudit.objects.filter(pk=audit_id, state=InvoiceAudit.State.RUNNING).update(
                state=InvoiceAudit.State.FAILED,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            return True
        InvoiceAudit.objects.filter(pk=audit_id).update(claimed_at=None)
        raise
    _phase(audit_id, "Salvataggio del risultato")
    with transaction.atomic():
        locked = (
            InvoiceAudit.objects.select_for_update()
            .filter(pk=audit_id, state=InvoiceAudit.State.RUNNING)
            .first()
        )
        if locked is None:  # finished by another worker meanwhile
            return False
        InvoiceAuditDifference.objects.filter(audit_id=audit_id).delete()  # a dead run's
        InvoiceAuditDifference.objects.bulk_create(
            (
                InvoiceAuditDifference(
                    audit_id=audit_id,
                    msisdn=d.msisdn,
                    charge=d.charge[:200],
                    billed=d.billed,
                    recomputed=d.recomputed,
                )
                for d in result.differences
            ),
            batch_size=5000,
        )
        InvoiceAudit.objects.filter(pk=audit_id).update(
            state=InvoiceAudit.State.DONE,
            finished_at=timezone.now(),
            phase="",
            verifiable=result.verifiable,
            lines=result.lines,
            charges=result.charges,
            billed_taxable=result.billed_taxable,
            recomputed_taxable=result.recomputed_taxable,
            billed_total=result.billed_total,
            recomputed_total=result.recomputed_total,
            total_mismatch=result.total_mismatch,
            difference_count=len(result.differences),
            error="",
        )
    return True
