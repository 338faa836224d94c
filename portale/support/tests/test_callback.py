"""Prenota una chiamata (F-7.7.3, G-38): only within service hours; the back office works it."""

import pytest
from django.urls import reverse

from portale.support.models import CallbackRequest, CallbackState

from .conftest import OPEN, REPUBLIC_DAY, SUNDAY

pytestmark = pytest.mark.django_db
URL = reverse("support:callback")


def test_it_works_within_hours(client, roa, clock):
    clock(OPEN)
    client.force_login(roa)
    page = client.get(URL).content.decode()
    assert "Parla con il tuo operatore TIM" in page and "02.20228788" in page
    response = client.post(URL, {"phone": "335 123 4567", "privacy": "on"})
    assert response.status_code == 302
    item = CallbackRequest.objects.get()
    assert (item.phone, item.state, item.user) == ("3351234567", CallbackState.WAITING, roa)


def test_a_second_request_reuses_the_waiting_one(client, roa, clock):
    clock(OPEN)
    client.force_login(roa)
    client.post(URL, {"phone": "3351234567", "privacy": "on"})
    client.post(URL, {"phone": "0755771234", "privacy": "on"})
    assert CallbackRequest.objects.get().phone == "0755771234"


@pytest.mark.parametrize("moment", [SUNDAY, REPUBLIC_DAY], ids=["sunday", "2-june"])
def test_outside_hours_the_button_is_off_and_nothing_is_booked(client, employee, clock, moment):
    clock(moment)
    client.force_login(employee)
    page = client.get(URL).content.decode()
    assert 'id="fuori-orario"' in page and "disabled" in page
    body = client.post(URL, {"phone": "3351234567", "privacy": "on"}).content.decode()
    assert "Il servizio è disponibile dal lunedì al venerdì" in body
    assert not CallbackRequest.objects.exists()


def test_the_back_office_marks_the_outcome(client, roa, staff, clock):
    clock(OPEN)
    client.force_login(roa)
    client.post(URL, {"phone": "3351234567", "privacy": "on"})
    item = CallbackRequest.objects.get()
    client.force_login(staff)
    queue = reverse("backoffice:callbacks")
    assert "3351234567" in client.get(queue).content.decode()
    client.post(queue, {"request": item.pk, "state": CallbackState.CALLED, "notes": "Risolto"})
    item.refresh_from_db()
    assert (item.state, item.operator) == (CallbackState.CALLED, staff) and "Risolto" in item.notes
    assert "3351234567" not in client.get(queue).content.decode()
