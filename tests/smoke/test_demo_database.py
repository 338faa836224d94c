"""Smoke tests on the demo database: every demo login works and lands on its pages."""

import pytest
from django.urls import reverse

from portale.accounts.testing import client_login
from portale.records.demo.logins import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_demo_database_is_loaded():
    from portale.records.models import Contract, Line

    assert Contract.objects.count() >= 5
    assert Line.objects.count() >= 300


def test_public_home(client):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert "Convenzione Telefonia Mobile 8" in response.content.decode()


@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda d: d.username)
def test_every_demo_login_reaches_its_home(client, login):
    from portale.accounts.models import User

    user = User.objects.get(username=login.username)
    response = client_login(client, user, password=DEMO_PASSWORD, follow=True)
    assert response.status_code == 200
    # The operator's staff have no customer home: theirs is the Console operatore.
    home = reverse("backoffice:index") if login.is_staff else reverse("home:index")
    assert response.request["PATH_INFO"] == home
    assert user.first_name in response.content.decode()
