"""Attivazione differita SIM (F-7.3.6, G-24): manual rows, CSV, every bad row reported."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portale.cases import services as cases
from portale.cases.models import Case, RequestDraft
from portale.fulfilment import engine
from portale.records.models import Line, Sim
from portale.records.testing import records_write_guard
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def stock_sim(contract, n, kind=Sim.Kind.VOICE):
    return f.SimFactory(
        line=None,
        contract=contract,
        state=Sim.State.STOCK,
        kind=kind,
        iccid=f"89390100077{n:08d}",
        msisdn=f"32977{n:05d}",
        activation_date=None,
    )


def _csv(*rows, header="NUMERO;ICCID"):
    return "\n".join([header, *rows]) + "\n"


def _file(client, text, url="sim:deferred_activation"):
    return client.post(
        reverse(url),
        {"salva": "1", "file": SimpleUploadedFile("sim.csv", text.encode(), "text/csv")},
    )


def test_manual_rows_go_to_conferma_with_the_list_of_lines(client, roa, contract):
    a, b = stock_sim(contract, 1), stock_sim(contract, 2, kind=Sim.Kind.M2M_STANDARD)
    client.force_login(roa)
    page = client.get(reverse("sim:deferred_activation")).content.decode()
    assert "Tot. SIM in scorta 2" in page and a.msisdn in page
    assert "Cerchi aiuto sulla compilazione del file CSV da caricare?" in page
    response = client.post(
        reverse("sim:deferred_activation"),
        {
            "numero": [a.msisdn, "", b.msisdn],
            "iccid": [a.iccid, "", b.iccid[-10:]],  # G-24: in full or the last 10 digits
            "salva": "1",
        },
    )
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.payload["sims"] == [
        {"iccid": a.iccid, "msisdn": a.msisdn, "kind": "FONIA"},
        {"iccid": b.iccid, "msisdn": b.msisdn, "kind": "M2M_STD"},
    ]
    assert draft.attachments.get().label == "Elenco delle linee"  # P-09: second document


def test_aggiungi_riga_adds_a_row_and_keeps_what_was_typed(client, roa, contract):
    client.force_login(roa)
    body = client.post(
        reverse("sim:deferred_activation"),
        {"numero": ["3297700001", "", ""], "iccid": ["1234", "", ""], "aggiungi": "1"},
    ).content.decode()
    assert body.count('name="numero"') == 4 and 'value="3297700001"' in body
    assert not RequestDraft.objects.exists()


def test_every_bad_row_is_reported_and_nothing_is_filed(client, roa, contract, other_contract):
    good = stock_sim(contract, 1)
    foreign = stock_sim(other_contract, 2)
    active = f.SimFactory(line__contract=contract, iccid="8939010007700000003")
    other = stock_sim(contract, 4)
    text = _csv(
        f"{good.msisdn};{good.iccid}",  # row 2: valid
        f"{good.msisdn};{good.iccid}",  # row 3: duplicate
        f"{foreign.msisdn};{foreign.iccid}",  # row 4: another contract's SIM
        f"{active.line.msisdn};{active.iccid}",  # row 5: already active
        f"3297799999;{other.iccid}",  # row 6: not the SIM's number
        "3297700007;12345",  # row 7: not an ICCID
    )
    client.force_login(roa)
    body = _file(client, text).content.decode()
    for expected in (
        f"Riga 3: il numero {good.msisdn} è ripetuto (già alla riga 2).",
        f"Riga 3: la SIM {good.iccid} è ripetuta (già alla riga 2).",  # every problem of a row
        f"Riga 4: la SIM {foreign.iccid} non è una SIM di questo contratto.",
        f"Riga 5: la SIM {active.iccid} è già attiva o non più disponibile.",
        f"Riga 6: il numero 3297799999 non è quello della SIM {other.iccid}.",
        "Riga 7: ICCID non valido (12345)",
    ):
        assert expected in body, expected
    assert "Riga 2" not in body and "6 errori" in body
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_the_pages_own_rows_show_each_problem_next_to_its_field(client, roa, contract):
    """Typed on the page: the number's and the ICCID's problems under each field (both when
    both are wrong), what was typed kept, the full list above the rows too."""
    good = stock_sim(contract, 1)
    client.force_login(roa)
    response = client.post(
        reverse("sim:deferred_activation"),
        {
            "numero": [good.msisdn, "abc", good.msisdn],
            "iccid": [good.iccid, "123", good.iccid[-10:]],
            "salva": "1",
        },
    )
    body = response.content.decode()

    def feedback(field_id):
        """(value, aria-invalid, the text under the field) of the row's input."""
        tag = re.search(rf'<input [^>]*id="{field_id}"[^>]*>', body).group(0)
        value = re.search(r'value="([^"]*)"', tag).group(1)
        invalid = re.search(r'aria-invalid="([^"]*)"', tag)
        error = re.search(rf'<div id="{field_id}-error"[^>]*>([^<]*)</div>', body)
        return (
            unescape(value),
            invalid and invalid.group(1),
            error is not None and unescape(error.group(1)),
        )

    assert feedback("numero-1") == (good.msisdn, None, False)
    assert feedback("iccid-1") == (good.iccid, None, False)
    assert feedback("numero-2") == ("abc", "true", "numero di linea non valido (abc).")
    value, invalid, text = feedback("iccid-2")
    assert (value, invalid) == ("123", "true") and text.startswith("ICCID non valido (123)")
    assert feedback("numero-3")[2] == f"il numero {good.msisdn} è ripetuto (già alla riga 1)."
    assert feedback("iccid-3")[2] == f"la SIM {good.iccid[-10:]} è ripetuta (già alla riga 1)."
    assert 'aria-describedby="iccid-help iccid-2-error"' in body
    summary = re.findall(r"<li>(Riga [^<]*)</li>", body)
    assert len(summary) == 4 and summary[0].startswith("Riga 2: numero")
    assert "4 errori" in body
    assert not RequestDraft.objects.exists()


def test_a_file_with_a_wrong_header_is_refused(client, roa, contract):
    sim = stock_sim(contract, 1)
    client.force_login(roa)
    body = _file(client, _csv(f"{sim.msisdn};{sim.iccid}", header="LINEA;SIM")).content.decode()
    assert "Riga 1: intestazione non valida: attesa NUMERO;ICCID" in body
    assert not RequestDraft.objects.exists()


def test_manual_rows_are_numbered_as_on_the_page(client, roa, contract):
    client.force_login(roa)
    body = client.post(
        reverse("sim:deferred_activation"),
        {"numero": ["", "3297700001"], "iccid": ["", "8939010007799999999"], "salva": "1"},
    ).content.decode()
    assert "Riga 2: la SIM 8939010007799999999 non è una SIM di questo contratto." in body


def test_the_help_page_and_template_list_the_hot_stock(client, roa, contract):
    sim = stock_sim(contract, 1)
    client.force_login(roa)
    help_page = client.get(reverse("sim:deferred_activation_bulk")).content.decode()
    assert "NUMERO;ICCID" in help_page and "10000 linee" in help_page
    text = client.get(reverse("sim:deferred_activation_template")).content.decode()
    assert text.splitlines() == ["NUMERO;ICCID", f"{sim.msisdn};{sim.iccid}"]
    response = _file(client, text, url="sim:deferred_activation_bulk")
    assert response.status_code == 302 and RequestDraft.objects.get().payload["sims"]


def test_fulfilled_the_sims_are_active_lines_and_a_sim_in_an_open_request_is_refused(roa, contract):
    f.TariffPlanFactory()  # PA 8
    sim = stock_sim(contract, 1)
    payload = {"righe": _csv(f"{sim.msisdn};{sim.iccid}")}
    case = cases.case_file(
        operation="deferred_activation", actor=roa, contract=contract, payload=payload
    )
    assert case.type_label == "ATTIVAZIONE DIFFERITA SIM" and not case.orders.exists()
    with pytest.raises(cases.InvalidRequest) as exc:
        cases.case_file(
            operation="deferred_activation", actor=roa, contract=contract, payload=payload
        )
    assert "già in una richiesta di attivazione in corso" in str(exc.value.errors)
    with records_write_guard():
        engine.run_until_idle()
    line = Line.objects.get(msisdn=sim.msisdn)
    sim.refresh_from_db()
    assert (sim.line_id, sim.state, line.contract_id) == (line.pk, Sim.State.ACTIVE, contract.pk)
    assert line.tariff_plan.category == "CONSUMO" and line.over_bundle_extra_eu  # G-23
