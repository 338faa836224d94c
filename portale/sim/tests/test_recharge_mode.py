"""Conferma / Rinuncia ricariche (F-7.3.3, G-18, G-19) and the monthly automatic recharge."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from portale.cases.models import Case, RequestDraft
from portale.fulfilment import engine
from portale.records.tests import factories as f
from portale.sim.forms import next_month
from portale.sim.services import monthly_recharges_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return f.TariffPlanFactory(
        name="RICARICABILE Business VOLTE", category="RICARICABILE", monthly_fee=Decimal("15")
    )


@pytest.fixture
def confirm_line(contract, plan):
    return f.LineFactory(contract=contract, tariff_plan=plan, auto_recharge="CONFERMA")


@pytest.fixture
def waive_line(contract, plan):
    return f.LineFactory(contract=contract, tariff_plan=plan, auto_recharge="RINUNCIA")


def _avanti(client, lines, selected):
    return client.post(
        reverse("sim:recharge_mode"),
        {
            "avanti": "1",
            "page_pks": [str(line.pk) for line in lines],
            "selected": [str(line.pk) for line in selected],
        },
    )


def test_one_request_per_mode(client, roa, confirm_line, waive_line):
    client.force_login(roa)
    lines = [confirm_line, waive_line]
    body = client.get(reverse("sim:recharge_mode")).content.decode()
    assert "Conferma la ricarica automatica" in body and "Rinuncia alla ricarica automatica" in body
    body = _avanti(client, lines, lines).content.decode()
    assert "una pratica per tipo" in body and not RequestDraft.objects.exists()
    response = _avanti(client, lines, [waive_line])
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.operation == "recharge_waive" and draft.payload["month"] == next_month()
    year, month = next_month().split("-")
    assert ["Mese", "", f"{month}/{year}"] in [list(row) for row in draft.summary]
    assert draft.attachments.get().label == "Elenco delle linee"


def test_the_override_lasts_one_month(roa, contract, confirm_line, waive_line):
    from portale.cases import services as cases

    for op, line in (("recharge_confirm", confirm_line), ("recharge_waive", waive_line)):
        cases.case_file(
            operation=op,
            actor=roa,
            contract=contract,
            payload={"righe": f"NUMERO\n{line.msisdn}\n"},
        )
    engine.run_until_idle()
    assert Case.objects.filter(state="CHIUSO").count() == 2
    month = datetime.date.fromisoformat(next_month() + "-01")
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    # next month: the CONFERMA line is recharged, the RINUNCIA one is not
    assert monthly_recharges_run(today=month) == 1
    assert monthly_recharges_run(today=month) == 0  # once a month
    confirm_line.refresh_from_db()
    waive_line.refresh_from_db()
    assert (confirm_line.company_credit, waive_line.company_credit) == (Decimal("15"), 0)
    # the month after: back to their modes
    assert monthly_recharges_run(today=following) == 1
    waive_line.refresh_from_db()
    confirm_line.refresh_from_db()
    assert (confirm_line.company_credit, waive_line.company_credit) == (Decimal("15"), 15)


def test_a_second_request_for_the_same_month_is_refused(roa, contract, confirm_line):
    """Once next month's Conferma is recorded, another would change nothing: it is refused
    with the month, rather than filed and closed without effect."""
    from portale.cases import services as cases

    payload = {"righe": f"NUMERO\n{confirm_line.msisdn}\n"}
    cases.case_file(operation="recharge_confirm", actor=roa, contract=contract, payload=payload)
    engine.run_until_idle()
    with pytest.raises(cases.InvalidRequest) as exc:
        cases.case_file(operation="recharge_confirm", actor=roa, contract=contract, payload=payload)
    year, month = next_month().split("-")
    assert f"la richiesta del mese {month}/{year} è già stata registrata" in str(exc.value.errors)
    assert Case.objects.count() == 1


def test_a_line_in_the_other_mode_or_of_another_contract_is_refused(
    roa, contract, other_contract, confirm_line, plan
):
    from portale.cases import services as cases

    foreign = f.LineFactory(contract=other_contract, tariff_plan=plan, auto_recharge="RINUNCIA")
    with pytest.raises(cases.InvalidRequest) as exc:
        cases.case_file(
            operation="recharge_waive",
            actor=roa,
            contract=contract,
            payload={"righe": f"NUMERO\n{confirm_line.msisdn}\n{foreign.msisdn}\n"},
        )
    errors = str(exc.value.errors)
    assert "Riga 2: la linea" in errors and "non è in modalità RINUNCIA" in errors
    assert f"Riga 3: la linea {foreign.msisdn} non appartiene a questo contratto" in errors


def _upload(client, text, richiesta="CONFERMA"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("linee.csv", text.encode(), "text/csv")}
    if richiesta:
        data["richiesta"] = richiesta
    return client.post(reverse("sim:recharge_mode_bulk"), data)


def test_the_csv_page_files_the_chosen_request(client, roa, confirm_line, waive_line):
    client.force_login(roa)
    template = client.get(reverse("sim:recharge_mode_template") + "?modalita=CONFERMA")
    assert template.content.decode().splitlines() == ["NUMERO", confirm_line.msisdn]
    response = _upload(client, template.content.decode())
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.operation == "recharge_confirm" and draft.attachments.count() == 1


def test_the_csv_page_reports_every_bad_row(
    client, roa, contract, other_contract, plan, confirm_line, waive_line
):
    foreign = f.LineFactory(contract=other_contract, tariff_plan=plan, auto_recharge="CONFERMA")
    client.force_login(roa)
    text = "\n".join(
        ["NUMERO", confirm_line.msisdn, confirm_line.msisdn, foreign.msisdn, waive_line.msisdn]
    )
    body = _upload(client, text).content.decode()
    for expected in (
        f"Riga 3: la linea {confirm_line.msisdn} è ripetuta (già alla riga 2).",
        f"Riga 4: la linea {foreign.msisdn} non appartiene a questo contratto.",
        f"Riga 5: la linea {waive_line.msisdn} non è in modalità CONFERMA.",
    ):
        assert expected in body, expected
    assert "3 errori" in body
    body = _upload(client, "LINEA\n" + confirm_line.msisdn).content.decode()
    assert "Riga 1: intestazione non valida" in body
    body = _upload(client, "NUMERO\n" + confirm_line.msisdn, richiesta="").content.decode()
    assert "Scegli il tipo di richiesta." in body
    assert not RequestDraft.objects.exists() and not Case.objects.exists()
