"""Writes of "I miei Export" (P-07, F-7.2.4, G-15): request, build, delete, clean up."""

from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from portale.core import exports
from portale.core.tasks import enqueue_on_commit

from .models import ExportJob

logger = logging.getLogger(__name__)


def params_to_dict(params: QueryDict | dict | None) -> dict[str, list[str]]:
    """The list's search and sort parameters, kept on the job to re-run the same list."""
    if not params:
        return {}
    if isinstance(params, QueryDict):
        data = {k: [v for v in params.getlist(k) if v != ""] for k in params}
    else:
        data = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    drop = {"export", "page", "per_page"}
    return {k: v for k, v in data.items() if v and k.rsplit("-", 1)[-1] not in drop}


def dict_to_params(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for k, values in (data or {}).items():
        query.setlist(k, list(values))
    return query


@transaction.atomic
def export_request(*, user, contract, kind: str, fmt: str, params=None) -> ExportJob:
    """File a background export and queue its build once the transaction commits.

    Asking twice for the same list while the first is still "In elaborazione" returns the
    pending job instead of a duplicate (a double click makes one export).
    """
    if kind not in ExportJob.Kind.values:
        raise ValueError(f"unknown export kind {kind!r}")
    if fmt not in ExportJob.Format.values:
        raise ValueError(f"unknown export format {fmt!r}")
    data = params_to_dict(params)
    pending = (
        ExportJob.objects.select_for_update()
        .filter(
            user=user,
            contract=contract,
            kind=kind,
            format=fmt,
            state=ExportJob.State.RUNNING,
        )
        .order_by("-requested_at")
    )
    for job in pending:
        if job.params == data:
            return job
    job = ExportJob.objects.create(user=user, contract=contract, kind=kind, format=fmt, params=data)
    from .tasks import export_build

    enqueue_on_commit(export_build, job.pk)
    return job


def export_write(job: ExportJob) -> None:
    """Produce the job's file (the worker's part): the same list the user saw, whole.

    The rows are read from the database in chunks and written with the constant-memory
    writers of ``portale.core.exports`` to a temporary file, which is then stored.
    """
    from .tables import DETAIL_BY_EXPORT_KIND

    spec = DETAIL_BY_EXPORT_KIND[job.kind]
    table = spec.table(spec.rows(job.contract), dict_to_params(job.params))
    counted = _Counter(table.export_rows())
    with tempfile.TemporaryFile(suffix=f".{job.format}") as tmp:
        if job.format == ExportJob.Format.CSV:
            exports.write_csv(counted, table.export_columns, tmp)
        else:
            exports.write_xlsx(counted, table.export_columns, tmp, sheet_name=job.kind[:31])
        tmp.seek(0)
        now = timezone.now()
        job.file.save(job.filename, File(tmp), save=False)
    job.rows = counted.count
    job.state = ExportJob.State.DONE
    job.completed_at = now
    job.expires_at = job.default_expiry(now)
    job.error = ""
    job.save(update_fields=["file", "rows", "state", "completed_at", "expires_at", "error"])


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


def exports_cleanup(*, now=None) -> int:
    """Delete the jobs (and files) past ``expires_at``; jobs stuck for a day fail."""
    now = now or timezone.now()
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).iterator():
        export_delete(job=job)
        removed += 1
    stuck = ExportJob.objects.filter(
        state=ExportJob.State.RUNNING, requested_at__lt=now - timezone.timedelta(days=1)
    )
    for job in stuck:
        export_fail(job, "Elaborazione non completata entro 24 ore")
    return removed


class _Counter:
    def __init__(self, rows):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row
