from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.accounts.models import EmailToken
from portale.accounts.testing import link_from_outbox, otp_from_outbox
from portale.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
CF = "RSSMRA66A02F839D"
NEW_PASSWORD = "Nuova.Password9"


@pytest.fixture
def user(employee):
    employee.fiscal_code = CF
    employee.save()
    return employee


def test_mode_choice_lists_three_modes(client, db):
    page = client.get(reverse("accounts:recover"))
    for label in ("Recupera username", "Recupera password", "Recupera username e password"):
        assert label in page.text
    r = client.post(reverse("accounts:recover"), {})
    assert "Seleziona una delle 3 modalità" in unescape(r.text)


def test_recover_username_by_email_and_sms(client, user):
    r = client.post(
        reverse("accounts:recover_data", args=["username"]),
        {"msisdn": user.mobile, "fiscal_code": CF},
    )
    assert "Se i dati inseriti corrispondono a una registrazione attiva" in r.text
    assert OutboxMessage.objects.filter(recipient=user.email, kind="recovery").exists()
    sms = OutboxMessage.objects.get(recipient=user.mobile)
    assert user.username in sms.text


def test_recovery_does_not_reveal_accounts(client, user):
    known = client.post(
        reverse("accounts:recover_data", args=["username"]),
        {"msisdn": user.mobile, "fiscal_code": CF},
    )
    client2 = client.__class__()
    unknown = client2.post(
        reverse("accounts:recover_data", args=["username"]),
        {"msisdn": "3399999999", "fiscal_code": CF},
    )
    assert known.status_code == unknown.status_code == 200
    strip = lambda t: t.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(known.text) == strip(unknown.text)
    # password mode: same redirect and same code page
    a = client.post(
        reverse("accounts:recover_data", args=["password"]),
        {"username": user.username, "msisdn": user.mobile},
    )
    b = client2.post(
        reverse("accounts:recover_data", args=["password"]),
        {"username": "nessuno@example.it", "msisdn": user.mobile},
    )
    assert a["Location"] == b["Location"] == reverse("accounts:recover_code")
    page_a, page_b = client.get(a["Location"]).text, client2.get(b["Location"]).text
    assert strip(page_a) == strip(page_b)
    wrong_a = client.post(reverse("accounts:recover_code"), {"code": "000000"})
    wrong_b = client2.post(reverse("accounts:recover_code"), {"code": "000000"})
    if otp_from_outbox(to=user.mobile) != "000000":
        assert strip(wrong_a.text) == strip(wrong_b.text)


def test_recover_password_with_otp_and_reset_link(client, user):
    client.post(
        reverse("accounts:recover_data", args=["password"]),
        {"username": user.username, "msisdn": user.mobile},
    )
    r = client.post(reverse("accounts:recover_code"), {"code": otp_from_outbox(to=user.mobile)})
    assert "Ti abbiamo inviato un'email con il link" in r.text
    link = link_from_outbox(to=user.email, kind="recovery", contains="/recupero/password/")
    page = client.get(link)
    assert page.status_code == 200 and "almeno 8 caratteri" in page.text
    r = client.post(link, {"password1": "debole", "password2": "debole"})
    assert "almeno 8 caratteri" in r.text
    r = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "Password modificata" in r.text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(link).status_code == 410  # single use


def test_recover_both_sends_username_with_link(client, user):
    client.post(
        reverse("accounts:recover_data", args=["both"]), {"msisdn": user.mobile, "fiscal_code": CF}
    )
    client.post(reverse("accounts:recover_code"), {"code": otp_from_outbox(to=user.mobile)})
    mail = OutboxMessage.objects.filter(recipient=user.email, kind="recovery").first()
    assert f"La tua username è: {user.username}" in mail.text


def test_reset_link_expires_after_48_hours(client, user):
    client.post(
        reverse("accounts:recover_data", args=["password"]),
        {"username": user.username, "msisdn": user.mobile},
    )
    client.post(reverse("accounts:recover_code"), {"code": otp_from_outbox(to=user.mobile)})
    link = link_from_outbox(to=user.email, kind="recovery", contains="/recupero/password/")
    EmailToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = client.get(link)
    assert r.status_code == 410 and "48 ore" in r.text


def test_reset_cannot_reuse_last_passwords(client, user):
    client.post(
        reverse("accounts:recover_data", args=["password"]),
        {"username": user.username, "msisdn": user.mobile},
    )
    client.post(reverse("accounts:recover_code"), {"code": otp_from_outbox(to=user.mobile)})
    link = link_from_outbox(to=user.email, kind="recovery", contains="/recupero/password/")
    r = client.post(link, {"password1": "Password.123", "password2": "Password.123"})
    assert "diversa dalle ultime 5 password" in r.text


def test_unknown_account_code_is_never_accepted(client, db):
    client.post(
        reverse("accounts:recover_data", args=["password"]),
        {"username": "nessuno", "msisdn": "3391234567"},
    )
    for _ in range(5):
        r = client.post(reverse("accounts:recover_code"), {"code": "123456"})
    assert "Hai superato il numero massimo di tentativi" in r.text
    assert not OutboxMessage.objects.exists()


def test_recovery_is_throttled_per_address_and_per_account(client, user, settings):
    settings.ACCOUNTS_RECOVERY_PER_IP = 5
    url = reverse("accounts:recover_data", args=["username"])
    for _ in range(4):
        client.post(url, {"msisdn": user.mobile, "fiscal_code": CF})
    # per account: at most 3 sends in 15 minutes, silently
    assert OutboxMessage.objects.filter(recipient=user.mobile).count() == 3
    client.post(url, {"msisdn": "3399999999", "fiscal_code": CF})
    r = client.post(url, {"msisdn": "3399999999", "fiscal_code": CF})
    assert "troppe richieste di recupero" in r.text
    assert 'value="3399999999"' in r.text
