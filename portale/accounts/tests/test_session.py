"""Idle timeout with its warning, and the login lockout length (G-05, G-49)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from axes.helpers import get_cool_off
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.timezone import now as timezone_now

from portale.accounts.models import SecurityEvent
from portale.accounts.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db

KEEPALIVE = "/accesso/sessione/resta-collegato/"


def test_defaults_are_15_minutes():
    assert django_settings.SESSION_COOKIE_AGE == 15 * 60
    assert django_settings.ACCOUNTS_SESSION_WARNING_SECONDS == 120
    assert get_cool_off() == timedelta(minutes=15)
    assert django_settings.AXES_FAILURE_LIMIT == 5


def _locked_page(client, user):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "No.1x"})
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )


def test_lockout_page_states_the_configured_length(client, employee):
    text = unescape(_locked_page(client, employee).text)
    assert "l'accesso è bloccato per 15 minuti" in text
    assert "30 minuti" not in text


def test_lockout_page_follows_the_setting(client, employee, settings):
    settings.AXES_COOLOFF_TIME = 2
    assert "l'accesso è bloccato per 2 ore" in unescape(_locked_page(client, employee).text)


def test_private_pages_carry_the_warning_without_inline_script(client, employee):
    client.force_login(employee)
    page = client.get(reverse("home:index")).text
    box = re.search(r'<div[^>]*id="session-warning"[^>]*>', page, re.S).group(0)
    # counted down to the earliest end: 15 minutes less the renewal interval (30 s)
    assert 'data-timeout="870"' in box and 'data-warning="120"' in box
    assert f'data-keepalive-url="{KEEPALIVE}"' in box
    assert 'role="alertdialog"' in box and 'aria-labelledby="session-warning-title"' in box
    assert "La sessione sta per scadere" in page
    assert ">RESTA COLLEGATO<" in page and ">ESCI<" in page  # buttons in capitals (COPY §2)
    assert "portale/session.js" in page
    # CSP: every script comes from a file
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_the_warning_carries_each_request_s_own_token_and_path(roa):
    """The warning is rendered once per process: the request's CSRF token and path (the
    logout forms' ``next``) are its own, escaped, on every page, and the token works."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(roa)
    for url in (reverse("home:index"), reverse("cases:history") + '?q="<x>"&page=2'):
        response = client.get(url)
        page = response.text
        expire = re.search(r"<form[^>]*data-session-expire>.*?</form>", page, re.S).group(0)
        assert f'name="next" value="{escape(response.wsgi_request.get_full_path())}"' in expire
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', expire).group(1)
        assert "portale0session0warning0" not in page
    # the page's token passes the CSRF check: "Esci" logs out
    assert (
        client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    )
    assert client.get(reverse("home:index")).status_code == 302


def test_warning_reads_the_configured_timeout(client, employee, settings):
    settings.SESSION_COOKIE_AGE = 60
    settings.ACCOUNTS_SESSION_WARNING_SECONDS = 300
    client.force_login(employee)
    page = client.get(reverse("home:index")).text
    # never past the earliest end (60 s less the renewal interval, a tenth of the age)
    assert 'data-timeout="54"' in page and 'data-warning="54"' in page
    assert "dopo 1 minuto di inattività" in unescape(page)


def test_public_pages_have_no_warning(client):
    assert 'id="session-warning"' not in client.get(reverse("accounts:login")).text


def test_keepalive_renews_the_session(client, employee):
    from django.utils import timezone

    from portale.accounts.models import UserSession as Session

    client.force_login(employee)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(seconds=5))
    response = client.post(KEEPALIVE)
    assert response.status_code == 204
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert left > timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 30)
    assert client.get(KEEPALIVE).status_code == 405


def test_keepalive_needs_a_session(client):
    response = client.post(KEEPALIVE)
    assert response.status_code == 302 and response["Location"].startswith("/accesso/login/")


def test_keepalive_needs_csrf(employee):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(employee)
    assert csrf_client.post(KEEPALIVE).status_code == 403


def test_timeout_logout_lands_on_login_with_message(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("accounts:logout"), {"reason": "timeout", "next": "/accesso/dati-personali/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accesso/login/?scaduta=1&next=%2Faccesso%2Fdati-personali%2F"
    assert SecurityEvent.objects.filter(user=employee, kind="session_expired").exists()
    assert client.get(reverse("home:index")).status_code == 302  # logged out
    page = unescape(client.get(response["Location"]).text)
    assert "Sessione scaduta per inattività" in page
    assert 'name="next" value="/accesso/dati-personali/"' in page


def test_timeout_logout_refuses_foreign_next(client, employee):
    client.force_login(employee)
    response = client.post(
        reverse("accounts:logout"), {"reason": "timeout", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accesso/login/?scaduta=1"


def test_plain_logout_unchanged(client, employee):
    client.force_login(employee)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("public:index")
    assert "Sessione scaduta" not in client.get(reverse("accounts:login")).text


def test_lockout_page_states_the_real_wait(client, employee):
    """Ten minutes into the lockout the page says five minutes more, and from when."""
    from axes.models import AccessAttempt
    from django.template.loader import render_to_string
    from django.utils import timezone

    _locked_page(client, employee)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))
    text = unescape(
        render_to_string("accounts/lockout.html", {"lockout_username": employee.username})
    )
    ends = timezone.localtime(timezone.now() + timedelta(minutes=5))
    assert "l'accesso è bloccato per 5 minuti" in text
    assert f"potrai riprovare dalle {ends:%H:%M}" in text
    assert "fa ripartire l'attesa" in text


def test_otp_lockout_states_the_wait_of_the_wrong_codes(employee):
    """The OTP step's lockout (10 wrong codes in 30 minutes) ends when the oldest leave."""
    from django.utils import timezone

    from portale.accounts.selectors import lockout_ends_at

    now = timezone.now()
    for minutes in range(10):
        event = SecurityEvent.objects.create(
            user=employee, kind=SecurityEvent.Kind.OTP_FAILED, username=employee.username
        )
        SecurityEvent.objects.filter(pk=event.pk).update(
            created_at=now - timedelta(minutes=20 - minutes)
        )
    ends = lockout_ends_at(username=employee.username)
    assert abs((ends - (now + timedelta(minutes=10))).total_seconds()) < 5


# --- lighter session writes (issue 17) --------------------------------------------------
def _session_row(client):
    from portale.accounts.models import UserSession

    return UserSession.objects.get(pk=client.session.session_key)


def _time_passes(client, seconds: int) -> None:
    """As if ``seconds`` went by since the last request: the stored expiry and the session's
    own timestamps move back (no clock library in the project)."""
    from portale.accounts.middleware import RENEWED_AT_KEY
    from portale.accounts.sessions.db import SessionStore
    from portale.accounts.signals import AUTH_AT_KEY

    row = _session_row(client)
    data = SessionStore().decode(row.session_data)
    for key in (RENEWED_AT_KEY, AUTH_AT_KEY):
        if key in data:
            data[key] -= seconds
    row.session_data = SessionStore().encode(data)
    row.expire_date -= timedelta(seconds=seconds)
    row.save()


def _session_writes(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [
        q["sql"]
        for q in ctx.captured_queries
        if "accounts_usersession" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_pages_within_the_renewal_interval_write_no_session(client, employee):
    client.force_login(employee)
    home = reverse("home:index")
    client.get(home)  # the first page renews (the login wrote no renewal time)
    expiry = _session_row(client).expire_date
    assert _session_writes(client, home) == []
    _time_passes(client, 20)
    assert _session_writes(client, home) == []  # 20 s after the renewal: nothing written
    assert _session_row(client).expire_date == expiry - timedelta(seconds=20)
    _time_passes(client, 15)
    assert _session_writes(client, home)  # 35 s: renewed
    left = _session_row(client).expire_date - timezone_now()
    assert left > timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 5)


def test_activity_keeps_the_session_past_the_idle_age(client, employee):
    client.force_login(employee)
    home = reverse("home:index")
    for _ in range(60):  # 20 minutes of a request every 20 s
        _time_passes(client, 20)
        assert client.get(home).status_code == 200


def test_idle_session_ends_by_the_configured_time(client, employee):
    """Renewed at most every 30 s, the session still ends at the latest 15 minutes after
    the last request: here the last request (10 s after the renewal) renewed nothing."""
    client.force_login(employee)
    home = reverse("home:index")
    client.get(home)
    _time_passes(client, 10)
    assert _session_writes(client, home) == []
    _time_passes(client, django_settings.SESSION_COOKIE_AGE - 11)
    assert client.get(home).status_code == 200  # 14'49" after the last request: still on
    _time_passes(client, django_settings.SESSION_COOKIE_AGE)
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith("/accesso/login/")
