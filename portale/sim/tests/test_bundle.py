"""Abilitazione over/extra bundle (F-7.3.5): multi-select page, list of lines, bulk CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portale.cases import services as cases
from portale.cases.models import Case, RequestDraft
from portale.records.models import LineState
from portale.records.tests import factories as f
from portale.sim import bulk
from portale.sim.forms import BUNDLE_HEADER

pytestmark = pytest.mark.django_db

HEADER = ";".join(BUNDLE_HEADER)


@pytest.fixture
def package_plan(db):
    return f.TariffPlanFactory(name="PA 8 PACCHETTO", category="PACCHETTO")


@pytest.fixture
def lines(contract, package_plan):
    off = dict.fromkeys(("extra_bundle", "over_bundle_national", "over_bundle_extra_eu"), False)
    return [f.LineFactory(contract=contract, tariff_plan=package_plan, **off) for _ in range(3)]


def _csv(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def _upload(client, text, name="linee.csv"):
    return client.post(
        reverse("sim:bundle_flags_bulk"),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_selected_lines_go_to_conferma_with_the_list_of_lines(client, roa, lines):
    client.force_login(roa)
    url = reverse("sim:bundle_flags")
    body = client.get(url).content.decode()
    assert "Tot. linee 3" in body and "Conferma modifica" in body
    response = client.post(
        url,
        {
            "page_pks": [str(line.pk) for line in lines],
            "selected": [str(lines[0].pk), str(lines[2].pk)],
            "extra_bundle": "S",
            "over_bundle_extra_eu": "S",
            "avanti": "1",
        },
    )
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert [i["msisdn"] for i in draft.payload["lines"]] == [lines[0].msisdn, lines[2].msisdn]
    assert draft.payload["lines"][0]["changes"] == {
        "extra_bundle": True,
        "over_bundle_extra_eu": True,
    }
    document = draft.attachments.get()
    assert document.label == "Elenco delle linee" and document.content_type == "application/pdf"
    # P-09: INVIA is refused until the summary and the list of lines are both downloaded
    client.get(reverse("cases:summary_pdf", args=[draft.token]))
    client.post(reverse("cases:confirm", args=[draft.token]))
    assert not Case.objects.exists()
    client.get(reverse("cases:draft_attachment", args=[draft.token, document.pk]))
    client.post(reverse("cases:confirm", args=[draft.token]))
    case = Case.objects.get()
    assert case.type_label == "MODIF ABILIT OVER-EXT BUNDLE"
    assert {i.line_id for i in case.orders.get().items.all()} == {lines[0].pk, lines[2].pk}


def test_avanti_without_a_line_or_a_flag_is_refused(client, roa, lines):
    client.force_login(roa)
    url = reverse("sim:bundle_flags")
    pks = [str(line.pk) for line in lines]
    body = client.post(url, {"page_pks": pks, "extra_bundle": "S", "avanti": "1"}).content
    assert "Seleziona almeno una linea" in body.decode()
    body = client.post(url, {"page_pks": pks, "selected": pks[:1], "avanti": "1"}).content
    assert "Scegli almeno un" in body.decode()
    assert not RequestDraft.objects.exists()


def test_bulk_csv_files_when_every_row_is_valid(client, roa, lines):
    client.force_login(roa)
    response = _upload(client, _csv(*(f"{line.msisdn};S;N;S" for line in lines)))
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert len(draft.payload["lines"]) == 3


def test_bulk_csv_with_a_wrong_header_is_refused(client, roa, lines):
    client.force_login(roa)
    body = _upload(client, _csv(f"{lines[0].msisdn};S;S;S", header="LINEA;EXTRA")).content
    assert "Riga 1: intestazione non valida" in body.decode()
    assert not RequestDraft.objects.exists()


def test_bulk_csv_reports_every_bad_row_and_files_nothing(
    client, roa, contract, other_contract, lines
):
    foreign = f.LineFactory(contract=other_contract)
    ceased = f.LineFactory(contract=contract, state=LineState.CEASED)
    consumption = f.LineFactory(contract=contract)  # PA 8: only Over Bundle Extra UE
    m2m = f.LineFactory(
        contract=contract, tariff_plan=f.TariffPlanFactory(name="M2M", category="M2M")
    )
    text = _csv(
        f"{lines[0].msisdn};S;S;S",  # row 2: valid
        f"{lines[0].msisdn};N;N;N",  # row 3: duplicate
        f"{foreign.msisdn};S;;",  # row 4: another contract
        f"{ceased.msisdn};S;;",  # row 5
        f"{consumption.msisdn};N;;",  # row 6: not modifiable on consumption
        f"{m2m.msisdn};;;S",  # row 7
        f"{lines[1].msisdn};X;;",  # row 8: bad value
        "12345;S;;",  # row 9: not a number
        f"{lines[2].msisdn};N;N;N",  # row 10: already so
    )
    client.force_login(roa)
    body = _upload(client, text).content.decode()
    for expected in (
        f"Riga 3: la linea {lines[0].msisdn} è ripetuta (già alla riga 2).",
        f"Riga 4: la linea {foreign.msisdn} non appartiene a questo contratto.",
        f"Riga 5: la linea {ceased.msisdn} è cessata.",
        "Riga 6: Extra bundle non è modificabile per il profilo PA 8.",
        "Riga 7: il profilo M2M",
        "Riga 8: EXTRA_BUNDLE vale S, N o vuoto (trovato X).",
        "Riga 9: numero di linea non valido (12345).",
        "Riga 10: nessuna modifica",
    ):
        assert expected in body, expected
    assert "Riga 2" not in body and "8 errori" in body
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_more_than_10000_rows_are_refused(roa, contract, lines):
    rows = [f"3{n:09d};S;;" for n in range(bulk.MAX_ROWS + 1)]
    with pytest.raises(cases.InvalidRequest) as exc:
        cases.case_file(
            operation="bundle_flags", actor=roa, contract=contract, payload={"righe": _csv(*rows)}
        )
    assert "massimo di 10000 linee" in str(exc.value.errors)


def test_a_line_with_an_open_request_is_refused(roa, contract, lines):
    row = f"{lines[0].msisdn};S;;"
    cases.case_file(
        operation="bundle_flags", actor=roa, contract=contract, payload={"righe": _csv(row)}
    )
    with pytest.raises(cases.InvalidRequest) as exc:
        cases.case_file(
            operation="bundle_flags", actor=roa, contract=contract, payload={"righe": _csv(row)}
        )
    assert "già in lavorazione" in str(exc.value.errors)


def test_the_template_lists_the_contracts_lines_with_their_flags(client, roa, lines):
    client.force_login(roa)
    response = client.get(reverse("sim:bundle_flags_template"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0] == HEADER
    assert f"{lines[0].msisdn};N;N;N" in text


def test_a_long_list_of_lines_is_a_plain_text_pdf_with_every_line(roa, contract, package_plan):
    from portale.cases.platform import pdf_text
    from portale.records.models import Line

    Line.objects.bulk_create(
        Line(msisdn=f"33500{i:05d}", contract=contract, tariff_plan=package_plan,
             activation_date="2021-04-01", extra_bundle=False)
        for i in range(250)
    )  # fmt: skip
    rows = [f"33500{i:05d};S;;" for i in range(250)]
    case = cases.case_file(
        operation="bundle_flags", actor=roa, contract=contract, payload={"righe": _csv(*rows)}
    )
    text = pdf_text(case.attachments.get().file.read())
    assert "250 linee" in text and "3350000000" in text and "3350000249" in text
