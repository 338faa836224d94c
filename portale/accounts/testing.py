"""Test helpers for every app: read codes and links from the outbox, log in through the form.

Django test client: ``client.force_login(user)`` bypasses the SMS step and keeps working.
Browser tests (Playwright) log in through the real form with::

    from portale.accounts.testing import browser_login
    browser_login(page, live_server.url, user)            # password "Password.123"

which fills username/password, clicks "ACCEDI", reads the code from the outbox and
completes the OTP step.
"""

from __future__ import annotations

import re

TEST_PASSWORD = "Password.123"
OTP_RE = re.compile(r"\b(\d{6})\b")
LINK_RE = re.compile(r"https?://\S+")


def _outbox():
    from portale.core.models import OutboxMessage

    return OutboxMessage.objects


def last_message(*, to: str, kind: str | None = None, channel: str | None = None):
    qs = _outbox().filter(recipient=to)
    if kind:
        qs = qs.filter(kind=kind)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-pk").first()


def otp_from_outbox(*, to: str) -> str:
    """The last 6-digit code sent to a number (or, for staff without a line, an e-mail)."""
    msg = _outbox().filter(recipient=to, kind="otp").order_by("-created_at", "-pk").first()
    if msg is None:
        raise AssertionError(f"no OTP in the outbox for {to}")
    return OTP_RE.search(msg.text).group(1)


def link_from_outbox(*, to: str, kind: str | None = None, contains: str = "") -> str:
    msg = last_message(to=to, kind=kind, channel="email")
    if msg is None:
        raise AssertionError(f"no e-mail in the outbox for {to}")
    for link in LINK_RE.findall(msg.text):
        if contains in link:
            return link.rstrip(".,)")
    raise AssertionError(f"no link in the e-mail to {to}")


def otp_recipient(user) -> str:
    return user.mobile or user.email


def client_login(client, user, password: str = TEST_PASSWORD, follow: bool = False):
    """Log in with the Django test client through both steps (password, then SMS code)."""
    from django.urls import reverse

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    assert response.status_code == 302, response.content[:500]
    code = otp_from_outbox(to=otp_recipient(user))
    return client.post(reverse("accounts:login_otp"), {"code": code}, follow=follow)


def browser_login(page, base_url: str, user, password: str = TEST_PASSWORD) -> None:
    """Log in with Playwright: the form, then the SMS code read from the outbox."""
    page.goto(f"{base_url.rstrip('/')}/accesso/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="ACCEDI").click()
    page.wait_for_selector("#id_code")
    page.fill("#id_code", otp_from_outbox(to=otp_recipient(user)))
    page.get_by_role("button", name="ACCEDI").click()
    page.wait_for_load_state()
