"""An active session still ends SESSION_ABSOLUTE_AGE after its login (issue 15.8)."""

import time

import pytest
from django.urls import reverse

from portale.accounts.models import SecurityEvent
from portale.accounts.signals import AUTH_AT_KEY
from portale.accounts.testing import client_login

pytestmark = pytest.mark.django_db


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[AUTH_AT_KEY] = session[AUTH_AT_KEY] - seconds
    session.save()


def test_the_login_records_when_the_session_opened(client, employee):
    client_login(client, employee)
    assert abs(client.session[AUTH_AT_KEY] - time.time()) < 3600


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, settings, employee):
    settings.SESSION_ABSOLUTE_AGE = 12 * 3600
    client_login(client, employee)
    _age_session(client, 11 * 3600)
    assert client.get(reverse("home:index")).status_code == 200  # still within 12 hours
    _age_session(client, 2 * 3600)
    response = client.get(reverse("home:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(user=employee, kind="session_lifetime").exists()


def test_the_default_lifetime_is_twelve_hours(settings):
    assert settings.SESSION_ABSOLUTE_AGE == 12 * 3600
