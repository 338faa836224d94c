"""Assistenza sui servizi web (F-7.7.9): pre-filled identity, start not in the future."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.cases.models import Case

pytestmark = pytest.mark.django_db
URL = reverse("support:web_services")


def _data(day, **changes):
    return {
        "request_token": "t1",
        "full_name": "Mario Rossi",
        "mobile": "3351234567",
        "email": "mario.rossi@ente.it",
        "service": "PORTALE",
        "used_before": "si",
        "browser": "FIREFOX",
        "problem": "La pagina delle fatture non si apre",
        "started_on": f"{day:%d/%m/%Y}",
        "started_at": "09:30",
        **changes,
    }


def test_it_works_with_the_identity_pre_filled(client, ebill):
    client.force_login(ebill)
    page = client.get(URL).content.decode()
    assert ebill.email in page
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client.post(URL, _data(yesterday))
    case = Case.objects.get()
    assert case.description == "Assistenza su servizi" and case.requester == ebill
    assert case.payload["started"] == f"{yesterday:%d/%m/%Y} 09:30"


def test_an_employees_request_is_about_their_line(client, employee, employee_line):
    client.force_login(employee)
    client.post(URL, _data(timezone.localdate() - datetime.timedelta(days=1)))
    case = Case.objects.get()
    assert (case.contract, case.line) == (employee_line.contract, employee_line)


def test_a_start_in_the_future_is_refused(client, roa):
    client.force_login(roa)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    body = client.post(URL, _data(tomorrow)).content.decode()
    assert "non può essere nel futuro" in body
    assert not Case.objects.exists()
