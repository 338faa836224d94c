"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

- ``browser``: one Chromium for the session (Playwright's own download does not work here).
- ``page`` / ``new_page(width)``: a fresh context per test (CSP bypassed only so that axe-core
  can be injected; the portal's own pages never need it).
- ``login(page, user)``: logs in through the login form ("ACCEDI").
- ``shot(page, name)``: writes ``var/screenshots/<name>.png``.
- ``axe_violations(page)``: axe-core violations with impact serious or critical.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(settings.BASE_DIR)
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Password.123"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(width: int = 1280, height: int = 900):
        ctx = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=live_server.url,
            locale="it-IT",
            bypass_csp=True,
        )
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
        return page

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_page):
    return new_page(1280)


@pytest.fixture
def login(live_server):
    from django.urls import reverse

    def do_login(page, user, password: str = PASSWORD):
        resp = page.goto(reverse("accounts:login"))
        if resp is not None and resp.ok and page.locator("input[name=username]").count():
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", password)
            page.get_by_role("button", name="ACCEDI").click()
            page.wait_for_load_state()
        if "/accesso/" in page.url and page.locator("input[name=code]").count():
            # A second factor (SMS OTP) was asked: read it from the demo outbox if available.
            code = _latest_otp_for(user)
            if code:
                page.fill("input[name=code]", code)
                page.locator("form button[type=submit]").first.click()
                page.wait_for_load_state()
        if "/accesso/login" in page.url:
            # The login form did not complete (e.g. the OTP step is not available yet): open
            # the session directly so the page-frame checks still run, and say so.
            import warnings

            warnings.warn(
                f"login form did not complete for {user.username} ({page.url}); "
                "using a server-side session instead",
                stacklevel=2,
            )
            force_login(page, user, live_server.url)
            page.goto(reverse("home:index"))
        assert "/accesso/login" not in page.url, f"login failed for {user.username}: {page.url}"
        return page

    return do_login


def force_login(page, user, base_url: str) -> None:
    from django.conf import settings as dj_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[dj_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


def _latest_otp_for(user) -> str | None:
    """Best effort: the last 6-digit code in the outbox for the user's number."""
    import re

    try:
        from portale.core.models import OutboxMessage
    except ImportError:
        return None
    msgs = OutboxMessage.objects.filter(channel="sms").order_by("-pk")
    mobile = getattr(user, "mobile", "")
    msg = msgs.filter(recipient__endswith=mobile[-10:]).first() if mobile else None
    text = (msg or msgs.first()).text if msgs.exists() else ""
    found = re.search(r"\b(\d{6})\b", text)
    return found.group(1) if found else None


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def axe_violations():
    def run(page, impacts=("serious", "critical")) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)
                }));
            }"""
        )
        return [v for v in result if v["impact"] in impacts]

    return run
