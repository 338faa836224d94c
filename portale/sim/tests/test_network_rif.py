"""Gestione servizi di Rete (F-7.3.9), profilo RIF (F-7.3.10), Cessazione SIM (F-7.3.12)."""

import pytest
from django.urls import reverse

from portale.cases import services as cases
from portale.cases.models import RequestDraft
from portale.rating.ingest import import_cdr_bytes
from portale.rating.services import REFUSED_CATEGORY
from portale.rating.tests.helpers import cdr_bytes, voice
from portale.records import services as records
from portale.records.models import NetworkCategory, RifProfile, TrafficEvent
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories(db):
    return [
        NetworkCategory.objects.create(code=c, description=d, position=i)
        for i, (c, d) in enumerate([("INT", "Internazionale"), ("ROAM", "Roaming")])
    ]


def test_network_services_page_to_conferma(client, roa, contract, categories):
    line = f.LineFactory(contract=contract)
    prepaid = f.LineFactory(
        contract=contract,
        tariff_plan=f.TariffPlanFactory(
            name="RICARICABILE Business VOLTE", category="RICARICABILE"
        ),
    )
    client.force_login(roa)
    body = client.get(reverse("sim:network_services")).content.decode()
    assert line.msisdn in body and prepaid.msisdn not in body  # subscription lines only
    url = reverse("sim:network_services_line", args=[line.pk])
    assert "Non hai modificato" in client.post(url, {}).content.decode()
    response = client.post(url, {"blocked": ["INT"]})
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.payload["blocked"] == ["INT"] and draft.payload["old"] == []
    assert client.get(reverse("sim:network_services_line", args=[prepaid.pk])).status_code == 404


def test_network_services_name_the_direttrici_not_their_codes(client, roa, contract, categories):
    """The list, "Conferma dei dati" and its PDF say "Roaming", as the form does; the codes
    ("ROAM") are the systems' (COPY §5: no internal codes)."""
    from portale.cases.platform import pdf_text

    line = f.LineFactory(contract=contract)
    records.line_set_blocked_categories(contract=contract, line_id=line.pk, codes=["ROAM"])
    client.force_login(roa)
    body = client.get(reverse("sim:network_services")).content.decode()
    assert "Roaming" in body and ">ROAM<" not in body
    url = reverse("sim:network_services_line", args=[line.pk])
    client.post(url, {"blocked": ["INT", "ROAM"]})
    draft = RequestDraft.objects.get()
    body = client.get(reverse("cases:confirm", args=[draft.token])).content.decode()
    assert "Internazionale, Roaming" in body and "INT, ROAM" not in body
    text = pdf_text(b"".join(client.get(reverse("cases:summary_pdf", args=[draft.token]))))
    assert "Internazionale, Roaming" in text and "ROAM" not in text


def test_rating_refuses_a_blocked_direttrice(contract, categories):
    line = f.LineFactory(contract=contract)
    records.line_set_blocked_categories(contract=contract, line_id=line.pk, codes=["INT"])
    rows = [
        voice("N1", line.msisdn, "2021-09-01T09:00:00", 60, called="0044201234567"),
        voice("N2", line.msisdn, "2021-09-01T10:00:00", 60, called="3399902123"),
    ]
    import_cdr_bytes(cdr_bytes(rows))
    international = TrafficEvent.objects.get(external_id="N1")
    national = TrafficEvent.objects.get(external_id="N2")
    assert (international.net_amount, international.option) == (0, REFUSED_CATEGORY)
    assert national.gross_amount > 0 and national.option != REFUSED_CATEGORY


def test_rif_profile_refuses_the_same_profile_and_an_unknown_one(roa, contract):
    current = RifProfile.objects.create(code="RIF00", description="Nessuna restrizione")
    RifProfile.objects.create(code="RIF01", description="Solo chiamate nazionali")
    line = f.LineFactory(contract=contract, rif_profile=current)
    for code, message in (("RIF00", "già questo profilo"), ("RIF99", "sconosciuto")):
        with pytest.raises(cases.InvalidRequest) as exc:
            cases.case_file(
                operation="rif_profile",
                actor=roa,
                contract=contract,
                payload={"line": str(line.pk), "profile": code},
            )
        assert message in str(exc.value.errors)


def test_rif_page_shows_the_legenda(client, roa, contract):
    RifProfile.objects.create(code="RIF03", description="Solo numeri aziendali e di emergenza")
    f.LineFactory(contract=contract)
    client.force_login(roa)
    body = client.get(reverse("sim:rif_profile")).content.decode()
    assert "Legenda" in body and "Solo numeri aziendali e di emergenza" in body


def test_cessation_is_an_information_page(client, roa):
    client.force_login(roa)
    body = client.get(reverse("sim:cessation")).content.decode()
    assert "800.680.068" in body and "contatta il servizio Clienti" in body
    assert not any(button in body for button in ("INVIA", "SALVA", "AVANTI", "PROSEGUI"))
