"""Durable background jobs (core/jobs.py) and the background exports built on them.

The row is the job; the queue only wakes the worker; the minute sweep wakes rows whose
wake-up call was lost (queue down) or whose worker died; a job run twice has one effect.
"""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portale.core import export_jobs, jobs
from portale.core.models import ExportJob
from portale.inventory.tests.data import populate

pytestmark = pytest.mark.django_db

LINES = "ConsistenzaDettaglioLinee"


@pytest.fixture
def populated(contract):
    return populate(contract)


@pytest.fixture
def roa_client(client, roa):
    client.force_login(roa)
    return client


def _xlsx_rows(job):
    with job.file.open("rb") as fh:
        return list(
            openpyxl.load_workbook(io.BytesIO(fh.read())).active.iter_rows(values_only=True)
        )


@pytest.fixture(autouse=True)
def _empty_export_storage():
    """The in-memory storage outlives a test: start each one with no export files."""
    from django.core.files.storage import default_storage

    if default_storage.exists("exports"):
        dirs, _files = default_storage.listdir("exports")
        for folder in dirs:
            for name in default_storage.listdir(f"exports/{folder}")[1]:
                default_storage.delete(f"exports/{folder}/{name}")


def _files_of(job) -> list[str]:
    storage = job.file.storage
    _dirs, files = storage.listdir(f"exports/{job.user_id}")
    return [name for name in files if name.startswith(f"{job.pk}_")]


def test_claim_is_taken_once_and_again_only_when_stale(roa, contract):
    job = ExportJob.objects.create(user=roa, contract=contract, kind=LINES, format="csv")
    rows = ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING)
    stale = datetime.timedelta(minutes=15)
    now = timezone.now()
    assert jobs.claim(rows, stale_after=stale, now=now)
    assert not jobs.claim(rows, stale_after=stale, now=now + datetime.timedelta(minutes=14))
    assert jobs.claim(rows, stale_after=stale, now=now + datetime.timedelta(minutes=16))
    job.refresh_from_db()
    assert job.attempts == 2
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.DONE)
    assert not jobs.claim(rows, stale_after=stale, now=now + datetime.timedelta(hours=1))


def test_export_requested_while_the_queue_is_unreachable_is_built_by_the_sweep(
    roa_client, roa, populated, queue_down, monkeypatch, django_capture_on_commit_callbacks
):
    url = reverse("inventory:detail_list", args=["linee"])
    with django_capture_on_commit_callbacks(execute=True):
        response = roa_client.post(url, {"export": "xlsx"}, follow=True)
    assert response.status_code == 200 and "presa in carico" in response.content.decode()
    assert queue_down, "the wake-up call was attempted"
    job = ExportJob.objects.get(user=roa)
    assert job.state == ExportJob.State.RUNNING and not job.file and job.attempts == 0

    # Within the grace period the sweep leaves it alone (its wake-up may still arrive).
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(now=job.requested_at + datetime.timedelta(seconds=30))["exports"] == 0

    # The queue is back; the next sweep after the grace period wakes it and it is built.
    monkeypatch.undo()
    later = job.requested_at + export_jobs.START_GRACE + datetime.timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(now=later)["exports"] == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.attempts == 1
    rows = _xlsx_rows(job)
    assert rows[0][0] == "Numero" and len(rows) - 1 == job.rows > 0
    # Done: no further sweep touches it.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(now=later + datetime.timedelta(hours=1))["exports"] == 0


def test_a_job_whose_worker_died_is_run_again_and_its_file_written_once(
    roa, populated, contract, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "enqueue_on_commit", lambda *a, **k: None)  # wake-up lost
    job = export_jobs.export_request(user=roa, contract=contract, kind=LINES, fmt="xlsx")
    monkeypatch.undo()
    # A worker took the job 20 minutes ago, wrote half a file and was killed (SIGKILL):
    # the row is still "In elaborazione", claimed, and the storage holds the fragment.
    died_at = timezone.now() - datetime.timedelta(minutes=20)
    ExportJob.objects.filter(pk=job.pk).update(claimed_at=died_at, attempts=1)
    name = job.file.field.generate_filename(job, job.filename)
    job.file.storage.save(name, io.BytesIO(b"PK\x03\x04 half a zip"))
    assert _files_of(job) == [name.rsplit("/", 1)[1]]

    # A worker still inside the timeout is not disturbed...
    ExportJob.objects.filter(pk=job.pk).update(claimed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep()["exports"] == 0
    assert not export_jobs.export_run(job_id=job.pk)
    # ...one silent for longer than STUCK_AFTER is presumed dead: the sweep runs the job again.
    ExportJob.objects.filter(pk=job.pk).update(claimed_at=died_at)
    writes = []
    real_write = export_jobs.export_write
    monkeypatch.setattr(export_jobs, "export_write", lambda j: writes.append(j.pk) or real_write(j))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep()["exports"] == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.attempts == 2 and writes == [job.pk]
    assert _files_of(job) == [job.file.name.rsplit("/", 1)[1]]  # the fragment was replaced
    rows = _xlsx_rows(job)
    assert rows[0][0] == "Numero" and len(rows) - 1 == job.rows > 0

    # Woken again (a late retry, a duplicate wake-up): nothing happens, the file stays.
    export_jobs.export_build.call_local(job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep(now=timezone.now() + datetime.timedelta(hours=2))
    job.refresh_from_db()
    assert writes == [job.pk] and len(_files_of(job)) == 1


def test_a_failed_attempt_releases_the_job_for_its_retry(roa, contract, monkeypatch):
    monkeypatch.setattr(jobs, "enqueue_on_commit", lambda *a, **k: None)
    job = export_jobs.export_request(user=roa, contract=contract, kind=LINES, fmt="csv")

    def boom(job):
        raise OSError("disco pieno")

    monkeypatch.setattr(export_jobs, "export_write", boom)
    with pytest.raises(OSError):
        export_jobs.export_run(job_id=job.pk, final=False)
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING and job.claimed_at is None and job.attempts == 1
    # The retries are counted: after MAX_ATTEMPTS the job shows "ERRORE" even if the task
    # would retry (a job that always kills its worker must not loop for ever).
    ExportJob.objects.filter(pk=job.pk).update(attempts=export_jobs.MAX_ATTEMPTS - 1)
    assert export_jobs.export_run(job_id=job.pk, final=False)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "disco pieno" in job.error


def test_every_durable_kind_is_registered():
    assert jobs.REGISTRY["exports"].task is export_jobs.export_build
