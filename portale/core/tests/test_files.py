"""One helper serves every stored file: type, download name, no caching of private files."""

import pytest
from django.http import Http404
from django.urls import reverse

from portale.core.files import file_response, guess_content_type
from portale.inventory.tests.data import done_job

pytestmark = pytest.mark.django_db


def test_a_private_export_is_served_with_its_name_and_never_cached(client, roa, contract):
    job = done_job(roa, contract, fmt="csv")
    client.force_login(roa)
    response = client.get(reverse("inventory:export_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfNumero")


def test_a_public_document_may_be_cached_and_an_accented_name_survives(roa, contract):
    job = done_job(roa, contract)
    response = file_response(job.file, filename="Convenzione è firmata.pdf", private=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "filename*=utf-8''Convenzione%20%C3%A8%20firmata.pdf" in response["Content-Disposition"]


def test_a_missing_file_is_a_404(roa, contract):
    job = done_job(roa, contract)
    job.file.storage.delete(job.file.name)
    with pytest.raises(Http404):
        file_response(job.file, filename="x.csv")
    job.file.name = ""
    with pytest.raises(Http404):
        file_response(job.file, filename="x.csv")


def test_content_types_are_guessed_from_the_download_name():
    assert guess_content_type("a.xlsx").startswith("application/vnd.openxmlformats")
    assert guess_content_type("a.csv") == "text/csv; charset=utf-8"
    assert guess_content_type("a.tar.gz") == "application/octet-stream"
    assert guess_content_type("senza-estensione") == "application/octet-stream"
