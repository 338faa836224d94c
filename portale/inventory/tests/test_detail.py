"""Consistenze di dettaglio (F-7.2.2): columns, search by line or ICCID, One Number, IMEI."""

import pytest
from django.urls import reverse

from portale.inventory import selectors
from portale.records.models import Sim

from . import data

pytestmark = pytest.mark.django_db


def url(kind):
    return reverse("inventory:detail_list", args=[kind])


def test_lines_columns_and_one_number(roa_client, populated):
    html = roa_client.get(url("linee")).content.decode()
    for text in (
        "Numero",
        "One number",
        "IMEI",
        "ICCID",
        "Profilo tariffario",
        "Data attivazione",
        "Data cessazione",
        "Principale",
        "Secondaria",
        "Richiedi",
        "Tot. record 7",  # 6 lines, one of them with a secondary SIM
    ):
        assert text in html, text
    assert "339999" not in html


def test_search_by_number_or_iccid(roa_client, populated):
    html = roa_client.get(url("linee"), {"linea": "3312547300"}).content.decode()
    assert "Tot. record 1" in html and "3312547300" in html
    sim = Sim.objects.get(line=populated[3])
    html = roa_client.get(url("linee"), {"linea": sim.iccid[-8:]}).content.decode()
    assert "Tot. record 1" in html and populated[3].msisdn in html
    html = roa_client.get(url("linee"), {"linea": "+39 331 254 7228"}).content.decode()
    assert "Tot. record 2" in html  # main and secondary SIM of the One Number line


def test_search_never_reaches_another_contract(roa_client, populated, other_contract):
    other_sim = Sim.objects.filter(contract=other_contract).first()
    for kind in ("linee", "sts", "timtuo-abbonamento", "apparati"):
        for value in (other_sim.line.msisdn, other_sim.iccid):
            html = roa_client.get(url(kind), {"linea": value}).content.decode()
            assert "Tot. record 0" in html, (kind, value)


def test_invalid_search_shows_italian_error(roa_client, populated):
    html = roa_client.get(url("linee"), {"linea": "abc"}).content.decode()
    assert "Inserisci il numero della linea oppure il codice ICCID" in html


def test_sts_columns_apn_and_fees(roa_client, populated):
    html = roa_client.get(url("sts"), {"linea": populated[1].msisdn}).content.decode()
    for text in ("% a carico Ente", "Canone €", "Filtro APN – intranet.ente.it", "2,50 €", "50"):
        assert text in html, text


def test_timtuo_subscription_search_fields(roa_client, populated):
    response = roa_client.get(url("timtuo-abbonamento"))
    html = response.content.decode()
    for text in (
        "Servizi TIM TUO in abbonamento",
        "Cognome",
        "Codice fiscale",
        "Dati dipendente",
        "L. C. - SALVATORE",
    ):
        assert text in html, text
    assert "LO CASCIO" not in html.split("<table")[1]  # pseudonymised in the list (P-22)
    assert (
        "Tot. record 1"
        in roa_client.get(url("timtuo-abbonamento"), {"cognome": "cascio"}).content.decode()
    )
    assert (
        "Tot. record 0"
        in roa_client.get(url("timtuo-abbonamento"), {"cognome": "rossi"}).content.decode()
    )
    assert (
        "Tot. record 1"
        in roa_client.get(
            url("timtuo-abbonamento"), {"codice_fiscale": "lcssvt80a01h501u"}
        ).content.decode()
    )


def test_timtuo_prepaid_has_only_the_export_button(roa_client, populated):
    html = roa_client.get(url("timtuo-ricaricabile")).content.decode()
    assert "RICHIEDI EXPORT" in html
    assert "TIM TUO ricaricabile" in html
    assert "<table" not in html


def test_devices_and_sac(roa_client, populated):
    html = roa_client.get(url("apparati")).content.decode()
    assert "Codice NMU" in html and "705935" in html and populated[0].msisdn in html
    html = roa_client.get(url("sac")).content.decode()
    assert "TIM TUO A CONTRATTO" in html and "Data attivazione" in html


def test_imei_richiedi_in_place(roa_client, populated, contract):
    line = populated[0]
    main = Sim.objects.get(line=line, role=Sim.Role.MAIN)
    device = line.devices.get()
    response = roa_client.get(reverse("inventory:imei", args=[main.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert device.imei in response.content.decode()
    assert "<html" not in response.content.decode()
    secondary = Sim.objects.get(line=line, role=Sim.Role.SECONDARY)
    html = roa_client.get(reverse("inventory:imei", args=[secondary.pk])).content.decode()
    assert "n.d." in html and "la rete non ha ancora visto questa SIM" in html
    secondary.imei = "356789012345678"
    secondary.save()
    assert selectors.current_imei(secondary) == "356789012345678"


def test_imei_of_another_contract_is_404(roa_client, populated, other_contract):
    other = Sim.objects.filter(contract=other_contract).first()
    assert roa_client.get(reverse("inventory:imei", args=[other.pk])).status_code == 404


def test_employee_display():
    assert selectors.employee_display("Lo Cascio", "Salvatore") == "L. C. - SALVATORE"
    assert selectors.employee_display("", "Anna") == "ANNA"


def test_ceased_sim_of_live_line_is_hidden(contract):
    ln = data.line(contract)
    data.sim(ln, state=Sim.State.CEASED, role=Sim.Role.MAIN)
    data.sim(ln)
    assert selectors.detail_lines(contract).count() == 1
