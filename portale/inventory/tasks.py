"""Background work of "I miei Export": build a job's file; clean expired files daily."""

from __future__ import annotations

import logging

from huey import crontab

from portale.core.tasks import periodic_task, task

from . import services
from .models import ExportJob

logger = logging.getLogger(__name__)


@task(retries=2, retry_delay=30, context=True)
def export_build(job_id: int, task=None) -> None:
    """Write the export file; on the last failed attempt the job shows "ERRORE"."""
    job = ExportJob.objects.select_related("contract").filter(pk=job_id).first()
    if job is None or job.state != ExportJob.State.RUNNING:
        return  # deleted by the user meanwhile, or already built
    try:
        services.export_write(job)
    except Exception as exc:
        last_attempt = task is None or getattr(task, "retries", 0) == 0
        logger.exception("export %s failed (last attempt: %s)", job_id, last_attempt)
        if last_attempt:
            services.export_fail(job, f"{type(exc).__name__}: {exc}")
            return
        raise


@periodic_task(crontab(minute="20", hour="3"))
def exports_cleanup() -> None:
    """G-15: files are kept ``INVENTORY_EXPORT_RETENTION_DAYS`` days (30 by default)."""
    removed = services.exports_cleanup()
    logger.info("exports cleanup: %s expired exports removed", removed)
