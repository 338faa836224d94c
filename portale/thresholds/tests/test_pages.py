"""The §7.5 pages: selection → parameters → "Conferma dei dati", monitoring, history."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from portale.cases.models import Case, RequestDraft
from portale.cases.platform import pdf_text
from portale.records.models import Threshold
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def _line(contract):
    return f.SimFactory(line__contract=contract).line


def _list_params(client, url):
    r = client.get(url)
    table = r.context["table"]
    return table, [row[0]["pk"] for row in table.rows]


def test_activation_select_parameters_confirm(client, traffic_manager, contract):
    lines = [_line(contract) for _ in range(2)]
    f.ThresholdFactory(line=_line(contract))  # already has one: not listed
    client.force_login(traffic_manager)
    url = reverse("thresholds:activate")
    table, pks = _list_params(client, url)
    assert sorted(pks) == sorted(str(ln.pk) for ln in lines)
    params = reverse("thresholds:activate_params")
    r = client.post(
        params,
        {table.page_pks_param: pks, table.selected_param: pks, "azione": "parametri"},
    )
    assert r.status_code == 302 and r["Location"].endswith("?azione=parametri")
    page = client.get(r["Location"])
    assert page.status_code == 200 and lines[0].msisdn in page.content.decode()
    bad = client.post(
        params + "?azione=parametri",
        {"azione": "parametri", "type": "INFORMATIVA", "period": "GIORNALIERO", "value": "0"},
    )
    assert bad.status_code == 200 and "Dispositiva" in bad.content.decode()
    ok = client.post(
        params + "?azione=parametri",
        {"azione": "parametri", "type": "DISPOSITIVA", "period": "GIORNALIERO", "value": "10"},
    )
    draft = RequestDraft.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.operation == "threshold_activate"
    assert {i["line_id"] for i in draft.payload["lines"]} == {ln.pk for ln in lines}
    assert any(lines[1].msisdn in row[0] for row in draft.summary)


def test_variation_refuses_mixed_types_at_step_one(client, roa, contract):
    info = f.ThresholdFactory(line=_line(contract))
    dispo = f.ThresholdFactory(
        line=_line(contract), type="DISPOSITIVA", description="SOGLIA DISPO SPESA PA"
    )
    client.force_login(roa)
    table, pks = _list_params(client, reverse("thresholds:change"))
    r = client.post(
        reverse("thresholds:change_params"),
        {table.page_pks_param: pks, table.selected_param: [info.pk, dispo.pk], "azione": "importo"},
        follow=True,
    )
    assert "stessa tipologia" in r.content.decode()
    assert r.redirect_chain[-1][0] == reverse("thresholds:change")
    assert not Case.objects.exists() and not RequestDraft.objects.exists()


def test_erosion_popup_figures_and_other_contract_404(
    client, traffic_manager, contract, other_contract
):
    line = _line(contract)
    f.ThresholdFactory(line=line, value=Decimal(50), available=Decimal("12.5"))
    f.ThresholdFactory(
        line=line,
        kind="DATI_EXTRA_UE",
        description="SOGLIA INFO VALORE DATI EXTRA UE PA",
        value=Decimal(50),
        available=Decimal(50),
    )
    client.force_login(traffic_manager)
    body = client.get(reverse("thresholds:erosion", args=[line.pk])).content.decode()
    assert f"Monitoring Erosione Soglie - Linea {line.msisdn}" in body
    assert "12,500" in body and "75,00 %" in body and "50,000" in body and "0,00 %" in body
    assert "MESE" in body
    foreign = f.ThresholdFactory(line=_line(other_contract))
    assert client.get(reverse("thresholds:erosion", args=[foreign.line_id])).status_code == 404


def test_advanced_search_says_when_the_activation_period_is_reversed(client, roa, contract):
    f.ThresholdFactory(line=_line(contract))
    client.force_login(roa)
    r = client.get(reverse("thresholds:advanced"), {"dal": "2026-11-10", "al": "2026-11-01"})
    form = r.context["table"].form
    assert list(form.errors) == ["al"] and "non può precedere" in form.errors["al"][0]
    assert 'id="id_al-error"' in r.content.decode()


def test_advanced_search_selects_say_what_an_empty_choice_means(client, roa, contract):
    client.force_login(roa)
    body = client.get(reverse("thresholds:advanced")).content.decode()
    assert '<option value="">Tutte</option>' in body and '<option value="">Tutti</option>' in body
    assert "---------" not in body


def test_advanced_search_filters_and_csv_of_every_line(client, roa, contract, other_contract):
    a = f.ThresholdFactory(line=_line(contract), value=Decimal(100), available=Decimal(10))
    b = f.ThresholdFactory(line=_line(contract), value=Decimal(100), available=Decimal(90))
    zero = f.ThresholdFactory(
        line=_line(contract),
        type="DISPOSITIVA",
        description="SOGLIA DISPO SPESA PA",
        value=Decimal(0),
        available=Decimal(0),
    )
    f.ThresholdFactory(line=_line(other_contract))
    client.force_login(roa)
    url = reverse("thresholds:advanced")
    r = client.get(url, {"erosione": "50"})
    shown = {row[0]["text"] for row in r.context["table"].rows}
    assert shown == {a.line.msisdn, zero.line.msisdn}
    r = client.post(url, {"export": "csv"})  # "Scarica il file CSV": no search applied
    body = b"".join(r.streaming_content) if r.streaming else r.content
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == [
        "Linea",
        "Descrizione soglia",
        "Valore soglia (€)",
        "Valore disponibile (€)",
    ]
    assert {r[0] for r in rows[1:]} == {a.line.msisdn, b.line.msisdn, zero.line.msisdn}
    zero_row = next(r for r in rows[1:] if r[0] == zero.line.msisdn)
    assert zero_row[4] == "100,00"


def test_menu_and_home_widget_for_the_traffic_manager(client, traffic_manager, ebill):
    client.force_login(traffic_manager)
    body = client.get(reverse("home:index")).content.decode()
    assert "Gestione soglie" in body and reverse("thresholds:monitoring") in body
    client.force_login(ebill)
    assert client.get(reverse("thresholds:monitoring")).status_code == 403


def test_cessation_flow_files_a_pratica_with_an_ordine(client, roa, contract):
    t = f.ThresholdFactory(line=_line(contract))
    client.force_login(roa)
    table, pks = _list_params(client, reverse("thresholds:cease"))
    params = reverse("thresholds:cease_params")
    client.post(
        params, {table.page_pks_param: pks, table.selected_param: pks, "azione": "parametri"}
    )
    r = client.post(params + "?azione=parametri", {"azione": "parametri", "type": "INFORMATIVA"})
    assert r.status_code == 302
    draft = RequestDraft.objects.get()
    client.get(reverse("cases:summary_pdf", args=[draft.token]))
    client.post(reverse("cases:confirm", args=[draft.token]))
    assert not Case.objects.exists()  # P-09: the list of lines is to download too
    document = draft.attachments.get()
    assert document.label == "Elenco delle linee"
    listed = client.get(reverse("cases:draft_attachment", args=[draft.token, document.pk]))
    assert t.line.msisdn in pdf_text(b"".join(listed.streaming_content))
    client.post(reverse("cases:confirm", args=[draft.token]))
    case = Case.objects.get()
    assert case.description == "Cessazione soglie di spesa" and case.orders.count() == 1
    assert case.attachments.get().label == "Elenco delle linee"
    assert Threshold.objects.get(pk=t.pk).state == "ATTIVO"  # until fulfilment closes it


def test_ticks_of_another_page_reach_the_parameters_step(client, roa, contract):
    lines = sorted((_line(contract) for _ in range(12)), key=lambda ln: ln.msisdn)
    client.force_login(roa)
    url = reverse("thresholds:activate")
    table, pks = _list_params(client, url + "?page=2")
    assert pks == [str(ln.pk) for ln in lines[10:]]
    params = reverse("thresholds:activate_params")
    r = client.post(
        params + "?page=2",
        {table.page_pks_param: pks, table.selected_param: [pks[1]], "azione": "parametri"},
    )
    page = client.get(r["Location"])
    assert [obj.pk for obj in page.context["selected"]] == [lines[11].pk]


def test_lists_and_request_show_the_sim_in_service_after_a_sim_change(client, roa, contract):
    """A "Cambio SIM" leaves the replaced SIM on the line, ceased: the activation and the
    variation lists, and the request's list of lines, give the ICCID of the new one."""
    old = f.SimFactory(line__contract=contract, state="CESSATA")
    new = f.SimFactory(line=old.line)
    line = old.line
    f.ThresholdFactory(line=f.SimFactory(line__contract=contract).line)
    client.force_login(roa)
    table, pks = _list_params(client, reverse("thresholds:activate"))
    row = next(row for row in table.rows if row[0]["pk"] == str(line.pk))
    cells = [str(cell.get("text", "")) for cell in row[1:]]
    assert new.iccid in cells and old.iccid not in cells
    params = reverse("thresholds:activate_params")
    client.post(
        params, {table.page_pks_param: pks, table.selected_param: [line.pk], "azione": "parametri"}
    )
    client.post(
        params + "?azione=parametri",
        {"azione": "parametri", "type": "DISPOSITIVA", "period": "GIORNALIERO", "value": "10"},
    )
    assert RequestDraft.objects.get().payload["lines"][0]["iccid"] == new.iccid
    f.ThresholdFactory(line=line)
    body = client.get(reverse("thresholds:change")).content.decode()
    assert new.iccid in body and old.iccid not in body


@pytest.mark.parametrize(
    "url_name",
    ["thresholds:activate", "thresholds:change", "thresholds:roaming", "thresholds:cease"],
)
def test_selection_pages_name_both_histories(client, roa, url_name):
    """§7.5.1–7.5.4: every threshold request makes a pratica and an ordine (Appendix 1)."""
    client.force_login(roa)
    body = " ".join(client.get(reverse(url_name)).content.decode().split())
    assert (
        'monitorabile nelle funzioni "<strong>Storico pratiche</strong>" e '
        '"<strong>Storico ordini</strong>"'
    ) in body
