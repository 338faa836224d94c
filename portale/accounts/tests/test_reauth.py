"""Re-authentication by SMS code before changing e-mail or password (G-49)."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from portale.accounts.models import OtpChallenge, SecurityEvent
from portale.accounts.testing import otp_from_outbox
from portale.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
URL = "/accesso/dati-personali/"
VERIFY = "/accesso/dati-personali/verifica/"
RESEND = "/accesso/dati-personali/verifica/invia-di-nuovo/"
NEW = "nuova@comune.example.it"
PASSWORD_CHANGE = {
    "form": "password",
    "password-current_password": "Password.123",
    "password-password1": "Nuova.Password9",
    "password-password2": "Nuova.Password9",
}


@pytest.fixture
def logged(client, employee):
    client.force_login(employee)
    return client


def _email_change(client):
    return client.post(URL, {"form": "email", "email-new_email": NEW})


def test_email_change_sends_a_hashed_code_to_the_registered_number(logged, employee):
    r = _email_change(logged)
    assert r.status_code == 302 and r["Location"] == VERIFY
    sms = OutboxMessage.objects.get(recipient=employee.mobile, kind="otp")
    code = otp_from_outbox(to=employee.mobile)
    assert sms.sender == "40134" and "confermare la modifica di email o password" in sms.text
    challenge = OtpChallenge.objects.get(purpose="reauth", user=employee)
    assert code not in challenge.code_hash
    page = unescape(logged.get(VERIFY).text)
    assert NEW in page and "Codice temporaneo" in page and "Invia di nuovo" in page
    assert employee.mobile[-3:] in page
    assert not OutboxMessage.objects.filter(kind="email_change").exists()
    assert logged.post(VERIFY, {"code": code}).status_code == 302
    assert OutboxMessage.objects.filter(recipient=NEW, kind="email_change").exists()
    assert SecurityEvent.objects.filter(user=employee, kind="reauth_ok", detail="email").exists()
    # single use: the parked change is gone
    assert logged.get(VERIFY)["Location"] == URL


def test_wrong_code_keeps_the_change_pending_then_five_attempts(logged, employee):
    _email_change(logged)
    code = otp_from_outbox(to=employee.mobile)
    wrong = "000000" if code != "000000" else "111111"
    r = logged.post(VERIFY, {"code": wrong})
    assert r.status_code == 200 and "Tentativi rimasti: 4" in unescape(r.text)
    assert NEW in r.text
    for _ in range(4):
        r = logged.post(VERIFY, {"code": wrong})
    assert "superato il numero massimo di tentativi" in r.text
    r = logged.post(VERIFY, {"code": code})  # the right code no longer works
    assert r.status_code == 200
    assert not OutboxMessage.objects.filter(kind="email_change").exists()
    # "Invia di nuovo": a new code replaces the old one
    assert logged.post(RESEND).status_code == 302
    assert logged.post(VERIFY, {"code": otp_from_outbox(to=employee.mobile)}).status_code == 302
    assert OutboxMessage.objects.filter(recipient=NEW, kind="email_change").exists()


def test_expired_code(logged, employee):
    _email_change(logged)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = logged.post(VERIFY, {"code": otp_from_outbox(to=employee.mobile)})
    assert "Codice temporaneo scaduto" in r.text and "RICHIEDI UN NUOVO CODICE" in r.text
    assert (
        'value="' + otp_from_outbox(to=employee.mobile) + '"'
        in logged.get(VERIFY + "?riprova=1").text
    )


def test_password_change_waits_for_the_code_and_keeps_no_clear_password(logged, employee):
    r = logged.post(URL, PASSWORD_CHANGE)
    assert r["Location"] == VERIFY
    assert "Nuova.Password9" not in str(dict(logged.session))
    employee.refresh_from_db()
    assert employee.check_password("Password.123")
    page = unescape(logged.get(VERIFY).text)
    assert "Conferma la modifica della password" in page
    logged.post(VERIFY, {"code": otp_from_outbox(to=employee.mobile)})
    employee.refresh_from_db()
    assert employee.check_password("Nuova.Password9")
    assert employee.password_history.count() == 1
    assert SecurityEvent.objects.filter(user=employee, kind="password_changed").exists()
    assert logged.get(URL).status_code == 200  # this session stays open


def test_password_changed_meanwhile_is_not_overwritten(logged, employee):
    from django.contrib.auth import HASH_SESSION_KEY

    logged.post(URL, PASSWORD_CHANGE)
    # another session changes the password and this one stays valid (same new hash)
    employee.set_password("Altra.Password7")
    employee.save()
    session = logged.session
    session[HASH_SESSION_KEY] = employee.get_session_auth_hash()
    session.save()
    r = logged.post(VERIFY, {"code": otp_from_outbox(to=employee.mobile)}, follow=True)
    assert "modificata nel frattempo" in r.text
    employee.refresh_from_db()
    assert employee.check_password("Altra.Password7")


def test_back_from_the_code_step_keeps_the_typed_email(logged):
    _email_change(logged)
    assert f'value="{NEW}"' in logged.get(URL).text


def test_rate_limit_keeps_the_typed_values(logged, employee, settings):
    settings.ACCOUNTS_OTP_PER_NUMBER = 0
    r = _email_change(logged)
    assert r.status_code == 200 and "troppi codici temporanei" in unescape(r.text)
    assert f'value="{NEW}"' in r.text


def test_no_code_step_without_a_pending_change(logged):
    assert logged.get(VERIFY)["Location"] == URL
    assert logged.post(RESEND)["Location"] == URL


def test_too_many_wrong_codes_cancel_the_change(logged, employee, settings):
    settings.ACCOUNTS_OTP_FAILURES_LOCK = 2
    _email_change(logged)
    logged.post(VERIFY, {"code": "000000"})
    logged.post(VERIFY, {"code": "000001"})
    r = logged.get(VERIFY)
    assert r["Location"] == URL
    assert "la modifica è stata annullata" in unescape(logged.get(URL).text)
    assert SecurityEvent.objects.filter(user=employee, kind="lockout").exists()


def test_verify_needs_login(client):
    r = client.get(VERIFY)
    assert r.status_code == 302 and r["Location"].startswith("/accesso/login/")
