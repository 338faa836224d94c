"""I miei Export (F-7.2.4, P-07, G-15): background jobs, files, owner-only, retention."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from portale.core import export_jobs as services
from portale.core import jobs
from portale.core.models import ExportJob
from portale.inventory.tables import DETAILS
from portale.records.models import Sim
from portale.records.models.services import LineService

from . import data


def request_now(**kwargs):
    """File an export and let the (immediate) worker build it once the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.export_request(**kwargs)


pytestmark = pytest.mark.django_db


def _xlsx_rows(job):
    with job.file.open("rb") as fh:
        wb = openpyxl.load_workbook(io.BytesIO(fh.read()))
    return list(wb.active.iter_rows(values_only=True))


def test_detail_export_icon_files_a_job_built_by_the_worker(
    roa_client, roa, populated, contract, django_capture_on_commit_callbacks
):
    url = reverse("inventory:detail_list", args=["linee"])
    with django_capture_on_commit_callbacks(execute=True):
        response = roa_client.post(url, {"export": "xlsx"}, follow=True)
    assert "I miei Export" in response.content.decode()
    job = ExportJob.objects.get(user=roa)
    # Huey runs immediately in tests: the worker has already built the file.
    assert job.kind == "ConsistenzaDettaglioLinee" and job.state == ExportJob.State.DONE
    assert job.contract == contract and job.expires_at > timezone.now()
    rows = _xlsx_rows(job)
    assert rows[0] == (
        "Numero",
        "One number",
        "ICCID",
        "Profilo tariffario",
        "Data attivazione",
        "Data cessazione",
        "Stato",
    )
    expected = sorted(
        (s.line.msisdn, s.iccid)
        for s in Sim.objects.filter(line__contract=contract).select_related("line")
    )
    assert sorted((r[0], r[2]) for r in rows[1:]) == expected
    page = roa_client.get(reverse("inventory:exports")).content.decode()
    assert "Consistenze di dettaglio - Su linea" in page and "Completato" in page
    assert "ConsistenzaDettaglio" not in page  # the internal code is never shown
    download = roa_client.get(reverse("inventory:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_export_keeps_the_search(roa_client, roa, populated, django_capture_on_commit_callbacks):
    url = reverse("inventory:detail_list", args=["sts"])
    with django_capture_on_commit_callbacks(execute=True):
        roa_client.post(f"{url}?linea={populated[1].msisdn}", {"export": "csv"})
    job = ExportJob.objects.get(user=roa)
    assert job.kind == "ConsistenzaDettaglioSTS" and job.params == {"linea": [populated[1].msisdn]}
    with job.file.open("rb") as fh:
        text = fh.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Numero",
        "Descrizione",
        "Data attivazione",
        "Data cessazione",
        "Stato",
        "% a carico Ente",
        "Canone €",
    ]
    assert len(rows) - 1 == LineService.objects.filter(line=populated[1]).count() == job.rows
    assert ["Filtro APN – intranet.ente.it", "2,50"] in [[r[1], r[6]] for r in rows[1:]]


def test_richiedi_export_timtuo_prepaid(
    roa_client, roa, populated, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = roa_client.post(
            reverse("inventory:export_request", args=["timtuo-ricaricabile"]), {"format": "xlsx"}
        )
    assert response.status_code == 302
    job = ExportJob.objects.get(user=roa)
    assert job.kind == "ConsistenzaDettaglioTimTuoRic"
    rows = _xlsx_rows(job)
    assert len(rows) == 3  # header + the contract's two TIM TUO ricaricabile lines
    assert {r[-1] for r in rows[1:]} == {"ATTIVO", "CESSATO"}
    assert all(not str(r[0]).startswith("339999") for r in rows[1:])


def test_every_detail_kind_exports(roa, populated, contract):
    for spec in DETAILS.values():
        job = request_now(user=roa, contract=contract, kind=spec.export_kind, fmt="xlsx")
        job.refresh_from_db()
        assert job.state == ExportJob.State.DONE, spec.slug
        rows = _xlsx_rows(job)
        assert rows[0] == tuple(str(c.label) for c in spec.table.base_columns.values() if c.export)
        assert len(rows) - 1 == spec.rows(contract).count() == job.rows


def test_export_never_contains_another_contract(roa, populated, contract, other_contract):
    job = request_now(user=roa, contract=contract, kind="ConsistenzaDettaglioSTS", fmt="csv")
    job.refresh_from_db()
    with job.file.open("rb") as fh:
        text = fh.read().decode("utf-8-sig")
    assert "339999" not in text and "331254" in text


def test_double_request_makes_one_pending_job(roa, contract, monkeypatch):
    monkeypatch.setattr(jobs, "enqueue_on_commit", lambda *a, **k: None)
    a = services.export_request(
        user=roa, contract=contract, kind="ConsistenzaDettaglioLinee", fmt="xlsx"
    )
    b = services.export_request(
        user=roa, contract=contract, kind="ConsistenzaDettaglioLinee", fmt="xlsx"
    )
    assert a.pk == b.pk
    page = Client()
    page.force_login(roa)
    html = page.get(reverse("inventory:exports")).content.decode()
    assert "In elaborazione" in html
    assert page.get(reverse("inventory:export_download", args=[a.pk])).status_code == 404


def test_other_users_export_is_404_and_hidden(client, roa, mandatario, contract):
    job = data.done_job(mandatario, contract)
    client.force_login(roa)
    assert client.get(reverse("inventory:export_download", args=[job.pk])).status_code == 404
    assert client.post(reverse("inventory:export_delete", args=[job.pk])).status_code == 404
    assert (
        "ConsistenzaDettaglioLinee" not in client.get(reverse("inventory:exports")).content.decode()
    )
    assert ExportJob.objects.filter(pk=job.pk).exists()


def test_export_of_another_contract_is_404(client, roa, contract, other_contract):
    job = data.done_job(roa, other_contract)
    client.force_login(roa)
    assert client.get(reverse("inventory:export_download", args=[job.pk])).status_code == 404


def test_delete_removes_job_and_file(roa_client, roa, contract):
    job = data.done_job(roa, contract)
    storage, name = job.file.storage, job.file.name
    assert roa_client.get(reverse("inventory:export_delete", args=[job.pk])).status_code == 200
    response = roa_client.post(reverse("inventory:export_delete", args=[job.pk]))
    assert response.status_code == 302
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not storage.exists(name)


def test_failure_state(roa, contract, monkeypatch, django_capture_on_commit_callbacks):
    def boom(job):
        raise RuntimeError("disco pieno")

    monkeypatch.setattr(services, "export_write", boom)
    monkeypatch.setattr(jobs, "enqueue_on_commit", lambda *a, **k: None)
    job = services.export_request(
        user=roa, contract=contract, kind="ConsistenzaDettaglioSAC", fmt="csv"
    )
    services.export_build.call_local(job.pk)  # the last attempt (retries exhausted)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "disco pieno" in job.error
    assert job.get_state_display() == "Errore"


def test_cleanup_removes_expired_files(roa, contract, settings):
    settings.INVENTORY_EXPORT_RETENTION_DAYS = 2
    old = data.done_job(roa, contract)
    assert old.expires_at - timezone.now() < datetime.timedelta(days=2, minutes=1)
    fresh = data.done_job(roa, contract)
    storage, name = old.file.storage, old.file.name
    ExportJob.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.exports_cleanup_daily.call_local()
    assert not ExportJob.objects.filter(pk=old.pk).exists() and not storage.exists(name)
    assert ExportJob.objects.filter(pk=fresh.pk).exists()


def test_export_request_needs_post(roa_client):
    url = reverse("inventory:export_request", args=["linee"])
    assert roa_client.get(url).status_code == 405


def test_my_exports_show_download_and_trash_icons(roa_client, roa, contract):
    """F-7.2.4: a download icon (enabled only when completed) and a trash icon per row."""
    import re

    done = data.done_job(roa, contract)
    running = ExportJob.objects.create(
        user=roa, contract=contract, kind="ConsistenzaDettaglioSTS", format="xlsx"
    )
    html = roa_client.get(reverse("inventory:exports")).content.decode()
    sprite = "/static/vendor/bootstrap-italia/svg/sprites.svg"
    download = reverse("inventory:export_download", args=[done.pk])
    link = re.search(rf'<a href="{download}"[^>]*>(.*?)</a>', html, re.S).group(1)
    assert f"{sprite}#it-download" in link
    assert '<span class="visually-hidden">Scarica Consistenze di dettaglio - Su linea del ' in link
    for job in (done, running):
        trash = reverse("inventory:export_delete", args=[job.pk])
        link = re.search(rf'<a href="{trash}"[^>]*>(.*?)</a>', html, re.S).group(1)
        assert f"{sprite}#it-delete" in link
        assert '<span class="visually-hidden">Elimina Consistenze di dettaglio - ' in link
    # the running job's download icon is there but inert
    assert reverse("inventory:export_download", args=[running.pk]) not in html
    assert "Scarica Consistenze di dettaglio - Servizi su linea (STS) del " in html
    assert "non ancora disponibile" in html
    # icons, not the words "Scarica"/"Elimina", in the cells
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    visible = [re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", c) for c in cells]
    assert not any(v.strip() in {"Scarica", "Elimina", "—"} for v in visible)
    # the trash icon leads to the existing confirmation
    trash = reverse("inventory:export_delete", args=[done.pk])
    assert "Vuoi eliminare l'export" in roa_client.get(trash).content.decode()


def test_no_exports_message(roa_client):
    html = roa_client.get(reverse("inventory:exports")).content.decode()
    assert 'data-list="empty"' in html and "Non ci sono export richiesti." in html


def test_a_get_of_the_export_url_only_shows_the_list(roa_client, populated):
    """A crawler or a prefetching browser following ?export= creates nothing (POST only)."""
    url = reverse("inventory:detail_list", args=["linee"])
    response = roa_client.get(url, {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not ExportJob.objects.exists()
    html = response.content.decode()
    assert 'method="post"' in html and 'name="export" value="xlsx"' in html
    assert "Richiedi export:" in html  # detail lists always go to I miei Export
