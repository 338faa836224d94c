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
    """Log in through the real form: password, then the SMS (or e-mail) code from the outbox."""
    from portale.accounts.testing import browser_login

    def do_login(page, user, password: str = PASSWORD):
        browser_login(page, live_server.url, user, password)
        assert "/accesso/" not in page.url, f"login failed for {user.username}: {page.url}"
        return page

    return do_login


def htmx_idle(page) -> None:
    """Wait until htmx has finished swapping and settling (new content is wired up)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def force_login(page, user, base_url: str) -> None:
    from django.conf import settings as dj_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[dj_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )


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
