"""Lockouts and SMS limits punish the account, not the address (issue 15, item 3)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from portale.accounts.audit import client_ip
from portale.accounts.models import OtpChallenge, SecurityEvent
from portale.accounts.testing import TEST_PASSWORD, otp_from_outbox
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db
LOGIN = "/accesso/login/"


def _login(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password})


def test_an_account_is_locked_from_every_address(employee):
    for i in range(5):
        Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(
            LOGIN, {"username": employee.username, "password": "Sbagliata.1"}
        )
    response = _login(Client(REMOTE_ADDR="10.0.1.1"), employee)
    assert "Accesso temporaneamente bloccato" in response.text


def test_a_flood_from_one_address_is_throttled_with_a_nat_sized_limit(settings, roa):
    settings.ACCOUNTS_LOGIN_FAILURES_PER_IP = 3
    flood = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(3):
        flood.post(LOGIN, {"username": f"tentativo{i}@example.it", "password": "Sbagliata.1"})
    response = _login(flood, roa)
    assert response.status_code == 200
    assert "Troppi tentativi di accesso non riusciti da questa rete" in response.text
    assert SecurityEvent.objects.filter(kind="login_throttled", ip="198.51.100.7").exists()
    # Another address is not concerned, and the account itself is not locked.
    assert _login(Client(REMOTE_ADDR="198.51.100.8"), roa).status_code == 302


def test_the_default_flood_limit_fits_a_shared_nat(settings):
    assert settings.ACCOUNTS_LOGIN_FAILURES_PER_IP >= 50
    assert settings.ACCOUNTS_OTP_PER_IP >= 100
    assert all("username" in params for params in settings.AXES_LOCKOUT_PARAMETERS)


def test_registration_codes_do_not_spend_the_login_budget(client, employee):
    # Anyone can type a user's number in the registration: that must not block their login.
    for _ in range(4):
        Client().post(reverse("accounts:register"), {"msisdn": employee.mobile, "slider": 100})
    assert OtpChallenge.objects.filter(purpose="registration").count() == 4
    response = _login(client, employee)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_otp")
    assert OtpChallenge.objects.filter(purpose="login").count() == 1


def test_anonymous_codes_are_limited_per_address(settings, contract):
    settings.ACCOUNTS_OTP_PER_IP = 2
    flood = Client(REMOTE_ADDR="198.51.100.9")
    lines = [f.SimFactory(line__contract=contract).line for _ in range(3)]
    for line in lines[:2]:
        flood.post(reverse("accounts:register"), {"msisdn": line.msisdn, "slider": 100})
        flood.session.flush()
    response = flood.post(reverse("accounts:register"), {"msisdn": lines[2].msisdn, "slider": 100})
    assert "Hai richiesto troppi codici temporanei" in response.text
    assert OtpChallenge.objects.count() == 2


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy: the header is ignored
        (["10.0.0.0/8"], "198.51.100.66", "203.0.113.5", "198.51.100.66"),  # untrusted sender
        (["10.0.0.0/8"], "10.0.0.2", "203.0.113.5", "203.0.113.5"),
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (["10.0.0.2"], "10.0.0.2", "garbage", "10.0.0.2"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_the_proxy_lockouts_and_audit_use_the_forwarded_address(settings, employee, roa):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(5):
        _login(attacker, employee, "Sbagliata.1")
    failed = SecurityEvent.objects.filter(kind="login_failed").first()
    assert failed.ip == "203.0.113.66"
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = _login(colleague, roa)
    assert response.status_code == 302
    code = otp_from_outbox(to=roa.mobile)
    assert colleague.post(reverse("accounts:login_otp"), {"code": code}).status_code == 302
