"""The same CDR file imported twice at the same time (issue 15.10)."""

import pytest

from portale.rating import ingest
from portale.rating.ingest import import_cdr_bytes
from portale.rating.models import CdrFile
from portale.records.models import TrafficEvent

from .helpers import cdr_bytes, voice

pytestmark = pytest.mark.django_db


def test_the_second_of_two_concurrent_imports_reports_already_imported(employee_line, monkeypatch):
    data = cdr_bytes([voice("R1", employee_line.msisdn, "2021-09-02T09:10:00", 60)])
    first = import_cdr_bytes(data, name="traffico.csv")
    assert first.imported == 1
    # The second process checked for the digest before the first one committed its row:
    # its insert of the same digest then hits the unique key.
    monkeypatch.setattr(ingest, "_known", lambda sha256: False)
    second = import_cdr_bytes(data, name="traffico.csv")
    assert second.already_imported and second.imported == 0 and not second.errors
    assert TrafficEvent.objects.count() == 1 and CdrFile.objects.count() == 1
