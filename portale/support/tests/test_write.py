"""Scrivici (F-7.7.4): a pratica "Richiesta contatto" for Customer Service, worked by hand."""

import pytest
from django.urls import reverse

from portale.cases.models import Case, CaseState
from portale.records.models import Line
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("support:write")


def _data(**changes):
    return {
        "request_token": "t1",
        "reason": "TECNICA",
        "phone": "075 577 1234",
        "notes": "Vorrei informazioni sul roaming",
        **changes,
    }


def test_it_works(client, roa, contract):
    client.force_login(roa)
    page = client.get(URL).content.decode()
    assert "Causale" in page and 'data-counter="300"' in page and "INVIA" in page
    response = client.post(URL, _data())
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:outcome", args=[case.number])
    assert (case.description, case.contract, case.requester) == (
        "Richiesta contatto",
        contract,
        roa,
    )
    assert case.payload["phone"] == "0755771234"
    assert not case.auto and case.state == CaseState.OPEN  # waits for an operator
    assert not case.orders.exists()


def test_a_double_click_files_one_pratica(client, roa):
    client.force_login(roa)
    first = client.post(URL, _data())
    again = client.post(URL, _data())
    assert first["Location"] == again["Location"] and Case.objects.count() == 1


def test_bad_input_is_explained_next_to_the_field_and_kept(client, roa):
    client.force_login(roa)
    response = client.post(URL, _data(phone="12", notes="x" * 301))
    body = response.content.decode()
    assert "Inserisci un numero di telefono italiano valido" in body
    assert "Al massimo 300 caratteri: ne hai scritti 301." in body
    assert 'value="12"' in body  # what was typed stays
    assert not Case.objects.exists()


def test_a_note_of_300_characters_is_accepted(client, roa):
    client.force_login(roa)
    client.post(URL, _data(notes="x" * 300))
    assert Case.objects.count() == 1


def test_an_employee_writes_on_the_contract_of_their_line(client, employee):
    client.force_login(employee)
    client.post(URL, _data())
    line = Line.objects.get(msisdn=employee.mobile)
    assert Case.objects.get().contract == line.contract


def test_an_employees_request_is_about_their_line(client, employee, employee_line):
    client.force_login(employee)
    client.post(URL, _data())
    assert Case.objects.get().line == employee_line


def test_the_roa_sees_the_employees_line_in_storico_pratiche(client, employee, employee_line, roa):
    client.force_login(employee)
    client.post(URL, _data())
    case = Case.objects.get()
    client.force_login(roa)
    response = client.get(reverse("cases:history"))
    rows = {r[0]["text"]: r for r in response.context["table"].rows}
    assert rows[case.number][3]["text"] == employee_line.msisdn  # the "Linea" column
    assert employee_line.msisdn in response.content.decode()


def test_a_referents_request_is_about_the_contract(client, roa):
    client.force_login(roa)
    client.post(URL, _data())
    assert Case.objects.get().line is None


def test_a_referent_with_a_line_of_their_own_writes_as_referent(client, roa, contract):
    f.SimFactory(line__contract=contract, line__msisdn=roa.mobile)  # the ROA is also an employee
    client.force_login(roa)
    client.post(URL, _data())
    case = Case.objects.get()
    assert (case.contract, case.line) == (contract, None)


def test_it_checks_the_profile(client, no_profile_user):
    client.force_login(no_profile_user)
    assert client.get(URL).status_code == 403
