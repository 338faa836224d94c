"""Dati aziendali (F-7.1.1–F-7.1.3): pages, validation, requests through the wizard."""

import pytest
from django.urls import reverse

from portale.cases.models import Case, RequestDraft
from portale.cases.tests.helpers import ebill_referent
from portale.company import comuni
from portale.fulfilment import engine
from portale.records.models import LegalRepresentative, Referent
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

NEW_REFERENT = {
    "first_name": "Luca",
    "last_name": "Verdi",
    "fiscal_code": "VRDLCU80A01H501G",
    "mobile": "3351112223",
    "email": "luca.verdi@comune.example.it",
}
ADDRESS = {
    "attention_of": "Ufficio economato",
    "toponym": "VIA",
    "street": "Indipendenza",
    "number": "8",
    "province": "BO",
    "city": "Bologna",
    "cap": "40121",
    "hamlet": "",
}


def test_profile_masks_the_legal_representative_cf(client, roa, contract):
    LegalRepresentative.objects.create(
        administration=contract.administration,
        first_name="VINCENZO",
        last_name="BARRA",
        email="v.barra@example.it",
        mobile="3284150683",
        fiscal_code="BRRVCF70A01A944Z",
    )
    client.force_login(roa)
    body = client.get(reverse("company:profile")).content.decode()
    assert "BRRVCF*" in body and "BRRVCF70A01A944Z" not in body
    assert "Se non sono corretti chiama il Numero verde 800.680.068." in body
    for tab in ("Profilo aziendale", "Gestione referenti", "Dati contratto e indirizzi"):
        assert tab in body


def test_each_page_of_the_section_has_its_own_window_title(client, roa, contract):
    """The <title> names the tab, and the modal open over it; it was "Dati aziendali" on
    every page of the section (browser tabs, history, the screen reader's page name)."""
    ref = ebill_referent(contract)
    client.force_login(roa)
    pages = {
        reverse("company:profile"): "Profilo aziendale - Dati aziendali",
        reverse("company:referents"): "Gestione referenti - Dati aziendali",
        reverse("company:addresses"): "Dati contratto e indirizzi - Dati aziendali",
        reverse("company:referent_replace", args=[ref.pk]): (
            "Sostituisci referente - Gestione referenti - Dati aziendali"
        ),
        reverse("company:address_edit", args=["fatture"]): (
            "Modifica dati di spedizione fatture - Dati contratto e indirizzi - Dati aziendali"
        ),
    }
    for url, title in pages.items():
        body = client.get(url).content.decode()
        assert f"<title>{title} · TIM</title>" in body, url
        assert '<h1 class="h2 portal-page-title mb-3">Dati aziendali</h1>' in body, url


def test_referent_list_menu_master_and_mandatario_only_email(client, roa, mandatario, contract):
    ref = ebill_referent(contract)
    client.force_login(roa)
    body = client.get(reverse("company:referents")).content.decode()
    assert "Tot. record 3" in body
    assert reverse("company:referent_replace", args=[ref.pk]) in body
    for other in Referent.objects.exclude(pk=ref.pk):
        assert reverse("company:referent_replace", args=[other.pk]) not in body
        assert f"mailto:{other.email}" in body
        response = client.get(reverse("company:referent_replace", args=[other.pk]))
        assert response.status_code == 403


def test_another_contracts_referent_is_a_404(client, roa, other_contract):
    foreign = ebill_referent(other_contract)
    client.force_login(roa)
    for name in ("company:referent_replace", "company:referent_contacts"):
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
        assert client.post(reverse(name, args=[foreign.pk]), NEW_REFERENT).status_code == 404
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_replace_opens_the_modal_over_the_list(client, roa, contract):
    ref = ebill_referent(contract)
    client.force_login(roa)
    body = client.get(reverse("company:referent_replace", args=[ref.pk])).content.decode()
    assert 'id="modal-referente"' in body and 'aria-modal="true"' in body
    assert "Tot. record" in body  # the list stays under the modal
    assert ">SALVA<" in body and ">ANNULLA<" in body
    assert 'name="request_token"' in body


def test_replace_files_the_pratica_from_the_modal_once(client, roa, contract):
    """P-09 leaves out §7.1.2: SALVA files the pratica, no "Conferma dei dati" step; a
    double click (the same page token twice) files one pratica."""
    ref = ebill_referent(contract)
    client.force_login(roa)
    url = reverse("company:referent_replace", args=[ref.pk])
    data = {**NEW_REFERENT, "request_token": "tok-1"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first["Location"] == second["Location"] == reverse("company:referents")
    case = Case.objects.get()
    assert case.description == "Referenti" and case.payload["fiscal_code"] == "VRDLCU80A01H501G"
    assert (case.payload["first_name"], case.payload["last_name"]) == ("Luca", "Verdi")
    assert not RequestDraft.objects.exists()
    page = client.get(reverse("company:referents")).content.decode()
    assert f"è stata aperta la pratica {case.number}" in page
    assert ">In lavorazione</span>" in page


def test_replace_with_an_existing_referent(client, roa, contract):
    ref = ebill_referent(contract)
    tm = f.ReferentFactory(contract=contract, role=Referent.Role.TRAFFIC_MANAGER, last_name="NERI")
    client.force_login(roa)
    client.post(reverse("company:referent_replace", args=[ref.pk]), {"existing": tm.pk})
    assert Case.objects.get().payload["last_name"] == "NERI"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"fiscal_code": "VRDLCU80A01H501X"}, "fiscal_code", "Codice fiscale non valido"),
        ({"mobile": "0511234567"}, "mobile", "Inserisci un numero mobile TIM valido"),
        ({"email": "non-una-email"}, "email", "Indirizzo email non valido"),
        ({"last_name": ""}, "last_name", "Campo obbligatorio."),
    ],
)
def test_bad_referent_input_clear_message_values_kept_nothing_filed(
    client, roa, contract, changes, field, message
):
    ref = ebill_referent(contract)
    client.force_login(roa)
    data = {**NEW_REFERENT, **changes}
    response = client.post(reverse("company:referent_replace", args=[ref.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'id="modal-referente"' in body  # the error is shown in the modal, next to the field
    assert response.context["modal"]["form"].errors[field]
    for value in data.values():
        if value:
            assert f'value="{value}"' in body
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_replace_reports_every_missing_field_with_the_other_errors(client, roa, contract):
    """An empty required field is marked in the same round as a wrong one, not only after the
    user has fixed the others."""
    ref = ebill_referent(contract)
    client.force_login(roa)
    data = {**NEW_REFERENT, "last_name": "", "fiscal_code": "XXX"}
    response = client.post(reverse("company:referent_replace", args=[ref.pk]), data)
    errors = response.context["modal"]["form"].errors
    assert errors["last_name"] == ["Campo obbligatorio."]
    assert "Codice fiscale non valido" in errors["fiscal_code"][0]
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_replace_with_an_existing_referent_and_new_data_is_refused(client, roa, contract):
    """Choosing a referent already present and also typing a new one is ambiguous: the typed
    person is not silently dropped for the chosen one; both are kept for the user to choose."""
    ref = ebill_referent(contract)
    tm = f.ReferentFactory(contract=contract, role=Referent.Role.TRAFFIC_MANAGER, last_name="NERI")
    client.force_login(roa)
    data = {**NEW_REFERENT, "existing": tm.pk}
    response = client.post(reverse("company:referent_replace", args=[ref.pk]), data)
    assert response.status_code == 200
    form = response.context["modal"]["form"]
    assert "oppure inserisci i dati di un nuovo referente" in form.errors["existing"][0]
    body = response.content.decode()
    assert 'value="Luca"' in body and 'value="VRDLCU80A01H501G"' in body
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_edit_contacts_requires_a_change(client, roa, contract):
    ref = ebill_referent(contract)
    client.force_login(roa)
    url = reverse("company:referent_contacts", args=[ref.pk])
    response = client.post(url, {"mobile": ref.mobile, "email": ref.email})
    assert "Non hai modificato" in response.content.decode()
    response = client.post(url, {"mobile": "3351112223", "email": ref.email})
    assert response.status_code == 302


def test_address_cap_must_match_the_comune(client, roa, contract):
    client.force_login(roa)
    data = {**ADDRESS, "cap": "00184"}
    response = client.post(reverse("company:address_edit", args=["fatture"]), data)
    body = response.content.decode()
    assert "Il CAP 00184 non corrisponde al comune scelto" in body
    assert 'value="INDIPENDENZA"' in body or 'value="Indipendenza"' in body
    assert 'value="00184"' in body
    assert 'id="modal-indirizzo"' in body
    assert not RequestDraft.objects.exists() and not Case.objects.exists()


def test_address_comune_must_be_in_the_province(client, roa, contract):
    client.force_login(roa)
    data = {**ADDRESS, "city": "Napoli"}
    body = client.post(reverse("company:address_edit", args=["fatture"]), data).content.decode()
    assert "non è in provincia di Bologna" in body
    assert not RequestDraft.objects.exists()


def test_address_required_fields(client, roa, contract):
    client.force_login(roa)
    data = {**ADDRESS, "street": ""}
    response = client.post(reverse("company:address_edit", args=["documentazione"]), data)
    assert response.context["modal"]["form"].errors["street"] == ["Campo obbligatorio."]
    assert 'value="Ufficio economato"' not in response.content.decode()  # no such field (G-11)
    assert not RequestDraft.objects.exists()


def test_address_change_end_to_end_with_fulfilment(client, roa, contract):
    client.force_login(roa)
    response = client.post(reverse("company:address_edit", args=["fatture"]), ADDRESS)
    assert response["Location"] == reverse("company:addresses")
    case = Case.objects.get()
    assert not RequestDraft.objects.exists()
    assert case.description == "Modifica recapito rendiconto"
    page = client.get(reverse("company:addresses")).content.decode()
    assert "Modifica in lavorazione" in page and "INDIPENDENZA" not in page
    engine.run_until_idle()
    contract.refresh_from_db()
    assert contract.invoice_address.street == "INDIPENDENZA"
    assert contract.invoice_address.cap == "40121"
    page = client.get(reverse("company:addresses")).content.decode()
    assert "VIA INDIPENDENZA, 8" in page and "UFFICIO ECONOMATO" in page


def test_comuni_endpoint_filters_by_province(client, roa):
    client.force_login(roa)
    data = client.get(reverse("company:comuni"), {"provincia": "BO"}).json()
    names = [c["nome"] for c in data["comuni"]]
    assert "Bologna" in names and "Napoli" not in names


def test_comuni_reference_data():
    assert comuni.find("NA", "napoli")["nome"] == "Napoli"
    assert "40132" in comuni.find("BO", "BOLOGNA")["cap"]
    assert comuni.province_name("BO") == "Bologna"


def test_a_mobile_outside_the_contract_is_accepted_with_a_warning(client, roa, contract):
    ref = ebill_referent(contract)
    client.force_login(roa)
    response = client.post(
        reverse("company:referent_replace", args=[ref.pk]), NEW_REFERENT, follow=True
    )
    assert "non risulta una linea di questo contratto" in response.content.decode()
    line = f.LineFactory(contract=contract, msisdn="3351112224")
    other = ebill_referent(contract)
    data = {**NEW_REFERENT, "mobile": line.msisdn}
    response = client.post(reverse("company:referent_replace", args=[other.pk]), data, follow=True)
    assert "è stata aperta la pratica" in response.content.decode()
    assert "non risulta una linea" not in response.content.decode()


def test_g09_a_referent_with_an_open_case_shows_the_badge_and_why_no_second_change(
    client, roa, contract
):
    from portale.cases import services
    from portale.cases.tests.helpers import draft_for

    ref = ebill_referent(contract)
    other = ebill_referent(contract)
    case = services.draft_submit(draft=draft_for(roa, contract, ref))
    client.force_login(roa)
    body = client.get(reverse("company:referents")).content.decode()
    assert body.count(">In lavorazione</span>") == 1
    assert f'title="Pratica {case.number}"' in body
    assert reverse("company:referent_replace", args=[ref.pk]) not in body
    assert reverse("company:referent_contacts", args=[ref.pk]) not in body
    assert f'id="ref-pending-{ref.pk}"' in body
    assert f"c'è già una richiesta sul referente (pratica {case.number})" in body
    assert reverse("company:referent_replace", args=[other.pk]) in body  # others unchanged
    assert "Tot. record 3" in body  # the list component: counter, pager, sorting
    sorted_body = client.get(reverse("company:referents"), {"sort": "-last_name"})
    assert sorted_body.status_code == 200
