import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portale.rating.ingest import import_cdr_bytes, import_cdr_file
from portale.rating.models import CdrFile
from portale.records.models import TrafficEvent

from .helpers import cdr_bytes, data, voice

pytestmark = pytest.mark.django_db


def test_valid_file_is_imported_and_rated(employee_line):
    m = employee_line.msisdn
    payload = cdr_bytes(
        [
            voice("A1", m, "2021-09-02T09:10:00", 120),
            data("A2", m, "2021-09-03T12:03:00+02:00", 2048, type="DATI WAP"),
            {
                "event_id": "A3",
                "msisdn": m,
                "occurred_at": "2021-09-02T18:34:00",
                "service": "SERVIZI_INTERATTIVI",
                "called_number": "48444",
                "content_price": "1.5000",
            },
        ]
    )
    r = import_cdr_bytes(payload, name="a.csv")
    assert r.ok and r.imported == 3 and r.duplicates == 0
    evs = {e.external_id: e for e in TrafficEvent.objects.all()}
    assert all(e.rated_at for e in evs.values())
    # PA 8: 0,02 €/min per second; data 0,01 €/MB; interactive at the provider's price
    assert evs["A1"].gross_amount == Decimal("0.0400") == evs["A1"].net_amount
    assert evs["A2"].net_amount == Decimal("0.0200") and evs["A2"].rating_unit == "Kbyte"
    assert evs["A3"].net_amount == Decimal("1.5000") and evs["A3"].rating_unit == "Flat"
    assert evs["A1"].masked_called_number == "3399902***"
    assert evs["A1"].occurred_at == datetime.datetime(
        2021, 9, 2, 7, 10, tzinfo=datetime.UTC
    )  # local Rome time without an offset


def test_same_file_twice_adds_nothing(employee_line, tmp_path):
    path = tmp_path / "traffico.csv"
    path.write_bytes(cdr_bytes([voice("B1", employee_line.msisdn, "2021-09-02T09:10:00", 60)]))
    first = import_cdr_file(path)
    second = import_cdr_file(path)
    assert first.imported == 1
    assert second.already_imported and second.imported == 0
    assert TrafficEvent.objects.count() == 1 and CdrFile.objects.count() == 1


def test_event_already_imported_from_another_file_is_skipped(employee_line):
    m = employee_line.msisdn
    import_cdr_bytes(cdr_bytes([voice("C1", m, "2021-09-02T09:10:00", 60)]))
    r = import_cdr_bytes(
        cdr_bytes(
            [voice("C1", m, "2021-09-02T09:10:00", 60), voice("C2", m, "2021-09-02T10:00:00", 60)]
        )
    )
    assert r.imported == 1 and r.duplicates == 1
    assert TrafficEvent.objects.count() == 2


def test_malformed_rows_are_all_reported_and_nothing_is_imported(employee_line):
    m = employee_line.msisdn
    payload = cdr_bytes(
        [
            voice("D1", m, "2021-09-02T09:10:00", 60),  # good
            voice("D2", m, "2021-13-02T09:10:00", 60),  # bad date
            voice("D3", "3470000999", "2021-09-02T09:10:00", 60),  # unknown line
            data("D4", m, "2021-09-02T09:10:00", "tanti"),  # bad volume
            {"event_id": "D5", "msisdn": m, "occurred_at": "2021-09-02T09:10:00", "service": "FAX"},
            voice("D1", m, "2021-09-02T09:11:00", 60),  # repeated id
            voice("D7", m, "2021-09-02T09:10:00", 0),  # a call lasts > 0
        ]
    )
    r = import_cdr_bytes(payload, name="bad.csv")
    assert not r.ok
    by_line = {(e.lineno, e.column) for e in r.errors}
    assert by_line == {
        (3, "occurred_at"),
        (4, "msisdn"),
        (5, "volume_kb"),
        (6, "service"),
        (7, "event_id"),
        (8, "duration_s"),
    }
    assert "riga 4 [msisdn]: linea 3470000999 sconosciuta" in [str(e) for e in r.errors]
    assert TrafficEvent.objects.count() == 0 and CdrFile.objects.count() == 0


def test_bad_header_refuses_the_file(employee_line):
    r = import_cdr_bytes(b"id,msisdn\n1,3390000000\n")
    assert not r.ok and "colonne sconosciute: id" in str(r.errors[0])


def test_command_reports_every_bad_row(employee_line, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        cdr_bytes(
            [
                voice("E1", employee_line.msisdn, "ieri", 60),
                voice("E2", employee_line.msisdn, "2021-09-02T09:10:00", -1),
            ]
        )
    )
    with pytest.raises(CommandError):
        call_command("import_cdr", str(path))
    err = capsys.readouterr().err
    assert "RIFIUTATO, 2 errori" in err and "riga 2 [occurred_at]" in err and "riga 3" in err
    assert TrafficEvent.objects.count() == 0


def test_command_imports_a_good_file(employee_line, tmp_path, capsys):
    path = tmp_path / "ok.csv"
    path.write_bytes(cdr_bytes([voice("F1", employee_line.msisdn, "2021-09-02T09:10:00", 60)]))
    call_command("import_cdr", str(path))
    call_command("import_cdr", str(path))
    out = capsys.readouterr().out
    assert "1 eventi importati" in out and "già importato" in out
