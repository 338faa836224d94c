"""Background exports of any list ("I miei Export", P-07, F-7.2.4, G-15), as durable jobs.

A list offers a background export by naming it in its table's ``Meta.export_kind`` and
registering, next to the table, how the worker finds the same rows again::

    class LinesDetail(Table):
        ...
        class Meta:
            export_kind = "ConsistenzaDettaglioLinee"   # "Tipo richiesta" in I miei Export
            export_in_background = "always"             # or "large" (the default)

    register_list(LinesDetail, rows=lambda job: selectors.detail_lines(job.contract))

``render_list`` then files the request (``export_request``) when the user presses the
export icon of that list and the list is longer than ``EXPORT_SYNC_MAX_ROWS`` (or always);
the worker rebuilds the table from the job's stored search and sort and writes the file
with the constant-memory writers of ``portale.core.exports``.

Durability (``portale.core.jobs``): the row is created in the request's transaction; the
queue is only a wake-up call; the minute sweep wakes jobs never started after
``START_GRACE`` (the queue was unreachable) and jobs whose worker has been silent for
``STUCK_AFTER`` (killed); ``export_build`` claims the row before working, so a job woken
twice is built once, and a re-run replaces whatever a dead worker left behind.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from huey import crontab

from . import exports, jobs
from .models import ExportJob
from .tasks import periodic_task, task

logger = logging.getLogger(__name__)

# A job not started this long after it was filed is woken again by the sweep (its wake-up
# call was lost: Redis down, worker restarted before reading it).
START_GRACE = datetime.timedelta(minutes=2)
# A job claimed this long ago and still running: its worker died; it is built again. Longer
# than the slowest export (500 000 rows of .xlsx take about a minute).
STUCK_AFTER = datetime.timedelta(seconds=getattr(settings, "EXPORT_STUCK_AFTER_SECONDS", 900))
# How many times a job is tried (first run, retries, sweeps) before it shows "ERRORE".
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class ListExport:
    """A list that can be exported in the background: its table and its scoped rows."""

    kind: str
    table: type  # a portale.core.lists.Table
    rows: Callable[[ExportJob], QuerySet]  # the rows the job's user may see, re-read
    label: str = ""  # what users read for it: "Consistenze di dettaglio - Su linea"


LISTS: dict[str, ListExport] = {}


def kind_label(kind: str) -> str:
    """The human name of an export kind (never the internal code when one is registered)."""
    entry = LISTS.get(kind)
    return str(entry.label) if entry is not None and entry.label else kind


def register_list(
    table: type, *, rows: Callable[[ExportJob], QuerySet], label: str = ""
) -> ListExport:
    """Make ``table`` exportable in the background under its ``Meta.export_kind``."""
    kind = table._meta.export_kind
    if not kind:
        raise ValueError(f"{table.__name__}: set Meta.export_kind to export it in background")
    entry = LISTS[kind] = ListExport(kind=kind, table=table, rows=rows, label=label)
    return entry


def params_to_dict(params: QueryDict | dict | None) -> dict[str, list[str]]:
    """The list's search and sort parameters, kept on the job to re-run the same list."""
    if not params:
        return {}
    if isinstance(params, QueryDict):
        data = {k: [v for v in params.getlist(k) if v != ""] for k in params}
    else:
        data = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    drop = {"export", "page", "per_page", "csrfmiddlewaretoken", "format"}
    return {k: v for k, v in data.items() if v and k.rsplit("-", 1)[-1] not in drop}


def dict_to_params(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for k, values in (data or {}).items():
        query.setlist(k, list(values))
    return query


# --- the durable job ------------------------------------------------------------------------
def _due(now: datetime.datetime):
    return (
        ExportJob.objects.filter(
            Q(claimed_at__isnull=True, requested_at__lt=now - START_GRACE)
            | Q(claimed_at__lt=now - STUCK_AFTER),
            state=ExportJob.State.RUNNING,
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)
    )


@task(retries=2, retry_delay=30, context=True)
def export_build(job_id: int, task=None) -> None:
    """Write the export file once; on the last failed attempt the job shows "ERRORE"."""
    export_run(job_id=job_id, final=task is None or getattr(task, "retries", 0) == 0)


EXPORTS = jobs.register(jobs.DurableJob(name="exports", task=export_build, due=_due))


# --- services ----------------------------------------------------------------------------------
@transaction.atomic
def export_request(
    *, user, contract=None, kind: str, fmt: str, params: QueryDict | dict | None = None
) -> ExportJob:
    """File a background export in the caller's transaction and wake the worker on commit.

    Asking again for the same list while the first is still "In elaborazione" returns the
    pending job instead of a duplicate (a double click makes one export).
    """
    if kind not in LISTS:
        raise ValueError(f"unknown export kind {kind!r}")
    if fmt not in ExportJob.Format.values:
        raise ValueError(f"unknown export format {fmt!r}")
    data = params_to_dict(params)
    pending = ExportJob.objects.select_for_update().filter(
        user=user, contract=contract, kind=kind, format=fmt, state=ExportJob.State.RUNNING
    )
    for job in pending.order_by("-requested_at"):
        if job.params == data:
            return job
    job = ExportJob.objects.create(user=user, contract=contract, kind=kind, format=fmt, params=data)
    jobs.wake(EXPORTS, job.pk)
    return job


def announce_request(request, job: ExportJob) -> None:
    """The message after an export request, with the way to the "I miei Export" page
    (``settings.EXPORTS_URL_NAME``, default ``inventory:exports``)."""
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>.',
            _(
                "La richiesta di export %(kind)s è stata presa in carico: quando avrà lo stato "
                "COMPLETATO potrai scaricare il file dalla sezione"
            )
            % {"kind": kind_label(job.kind)},
            reverse(getattr(settings, "EXPORTS_URL_NAME", "inventory:exports")),
            _("I miei Export"),
        ),
    )


def export_run(*, job_id: int, final: bool = True) -> bool:
    """The worker's part: claim the job, build its file, mark it done. Idempotent.

    Returns False when there was nothing to do (deleted, finished, or held by a live
    worker). A failure is recorded; it is re-raised (so the task retries) unless ``final``
    or the job has used its ``MAX_ATTEMPTS``, in which case the job shows "ERRORE".
    """
    rows = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.RUNNING)
    if not jobs.claim(rows, stale_after=STUCK_AFTER):
        return False
    job = ExportJob.objects.select_related("contract").get(pk=job_id)
    try:
        export_write(job)
    except Exception as exc:
        logger.exception("export %s failed (attempt %s)", job_id, job.attempts)
        if final or job.attempts >= MAX_ATTEMPTS:
            export_fail(job, f"{type(exc).__name__}: {exc}")
            return True
        # Release the claim so the retry (or the sweep) can take the job at once.
        ExportJob.objects.filter(pk=job_id).update(claimed_at=None)
        raise
    return True


def export_write(job: ExportJob) -> None:
    """Produce the job's file: the same list the user saw, whole.

    The rows are read in chunks and written with the constant-memory writers to a temporary
    file, which is then stored under the job's name. A file left by an earlier, interrupted
    run of the same job is replaced, so a job built twice has one file.
    """
    source = LISTS[job.kind]
    table = source.table(source.rows(job), dict_to_params(job.params))
    counted = _Counter(table.export_rows())
    with tempfile.TemporaryFile(suffix=f".{job.format}") as tmp:
        if job.format == ExportJob.Format.CSV:
            exports.write_csv(counted, table.export_columns, tmp)
        else:
            exports.write_xlsx(counted, table.export_columns, tmp, sheet_name=job.kind[:31])
        tmp.seek(0)
        now = timezone.now()
        name = job.file.field.generate_filename(job, job.filename)
        if job.file.storage.exists(name):  # left by a run whose worker died
            job.file.storage.delete(name)
        job.file.save(job.filename, File(tmp), save=False)
    job.rows = counted.count
    job.state = ExportJob.State.DONE
    job.completed_at = now
    job.expires_at = job.default_expiry(now)
    job.error = ""
    saved = ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).update(
        file=job.file.name,
        rows=job.rows,
        state=job.state,
        completed_at=now,
        expires_at=job.expires_at,
        error="",
    )
    if not saved:  # deleted by the user (or failed by the sweep) while it was being built
        job.file.delete(save=False)


def export_fail(job: ExportJob, error: str) -> None:
    job.state = ExportJob.State.FAILED
    job.completed_at = timezone.now()
    job.expires_at = job.default_expiry(job.completed_at)
    job.error = error[:2000]
    job.save(update_fields=["state", "completed_at", "expires_at", "error"])


def export_delete(*, job: ExportJob) -> None:
    """The trash icon: the request and its file go together."""
    if job.file:
        job.file.delete(save=False)
    job.delete()


def exports_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs (and files) past ``expires_at``; jobs still running after a day fail."""
    now = now or timezone.now()
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).iterator():
        export_delete(job=job)
        removed += 1
    stuck = ExportJob.objects.filter(
        state=ExportJob.State.RUNNING, requested_at__lt=now - datetime.timedelta(days=1)
    )
    for job in stuck:
        export_fail(job, "Elaborazione non completata entro 24 ore")
    return removed


@periodic_task(crontab(minute="20", hour="3"))
def exports_cleanup_daily() -> None:
    """G-15: files are kept ``EXPORT_RETENTION_DAYS`` days (30 by default)."""
    removed = exports_cleanup()
    logger.info("exports cleanup: %s expired exports removed", removed)


class _Counter:
    def __init__(self, rows):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row


__all__: list[Any] = [
    "EXPORTS",
    "LISTS",
    "ListExport",
    "announce_request",
    "export_build",
    "export_delete",
    "export_request",
    "export_run",
    "exports_cleanup",
    "register_list",
]
