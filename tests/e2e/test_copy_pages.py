"""The pages the copy review (issue 21) asked to look at after the change, at 1280 and 360 px:
login, registration end, Storico pratiche, I miei Export, Riepilogo consumi. Each asserts the
style sheet's wording where the old one was wrong; screenshots go to var/screenshots/copy-*.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portale.cases.tests.helpers import phone_case
from portale.core.models import ExportJob
from portale.rating.ingest import import_cdr_bytes
from portale.rating.tests.helpers import cdr_bytes, voice

from .conftest import force_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _session_page(page, base_url: str, data: dict) -> None:
    """A browser whose anonymous session holds ``data`` (the registration's last step)."""
    from django.conf import settings

    from portale.accounts.sessions.db import SessionStore

    store = SessionStore()
    store.update(data)
    store.create()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": base_url}]
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_public_pages_after_the_copy_review(new_page, live_server, shot, width):
    page = new_page(width)
    page.goto(live_server.url + reverse("accounts:login"))
    expect(page.get_by_role("link", name="Recupera username e password")).to_be_visible()
    expect(
        page.get_by_text("Portale delle Convenzioni di Telefonia Mobile 5, 6 o 7")
    ).to_be_visible()
    assert "effettuare il login" not in page.content()
    shot(page, f"copy-login-{width}")

    _session_page(page, live_server.url, {"accounts_registration_done": True})
    page.goto(live_server.url + reverse("accounts:register_done"))
    expect(page.get_by_text("Ti abbiamo inviato un'email")).to_be_visible()
    shot(page, f"copy-registration-end-{width}")
    assert not page.console_errors


@pytest.mark.parametrize("width", [1280, 360])
def test_private_pages_after_the_copy_review(
    new_page, live_server, shot, roa, employee, employee_line, contract, width
):
    phone_case(contract, operation="sim_change")
    for kind, state in (
        ("ConsistenzaDettaglioLinee", ExportJob.State.DONE),
        ("ConsistenzaDettaglioSTS", ExportJob.State.RUNNING),
        ("ConsistenzaDettaglioApparati", ExportJob.State.FAILED),
    ):
        ExportJob.objects.create(user=roa, contract=contract, kind=kind, format="xlsx", state=state)
    day = timezone.localdate() - datetime.timedelta(days=0 if timezone.localdate().day == 1 else 1)
    import_cdr_bytes(
        cdr_bytes([voice("C1", employee_line.msisdn, f"{day:%Y-%m-%d}T10:00:00", 600)]),
        name="copy.csv",
    )

    page = new_page(width)
    force_login(page, roa, live_server.url)
    page.goto(live_server.url + reverse("cases:history"))
    expect(
        page.get_by_text("In questa sezione puoi vedere lo stato di lavorazione")
    ).to_be_visible()
    expect(page.get_by_text("N° pratica").first).to_be_attached()
    shot(page, f"copy-history-{width}")

    page.goto(live_server.url + reverse("inventory:exports"))
    body = page.locator("main").inner_text()
    for text in ("Completato", "In elaborazione", "Errore", "Consistenze di dettaglio - Su linea"):
        assert text in body, text
    for text in ("COMPLETATO", "ERRORE", "ConsistenzaDettaglio", "report"):
        assert text not in body, text
    shot(page, f"copy-exports-{width}")

    other = new_page(width)
    force_login(other, employee, live_server.url)
    other.goto(live_server.url + reverse("myline:consumption_summary"))
    expect(other.get_by_text("Traffico voce").first).to_be_visible()
    other.locator("details.summary-cell summary").first.click()  # the breakdown by kind
    expect(other.get_by_text("Chiamate effettuate").first).to_be_visible()
    assert "MOC" not in other.locator("main").inner_text()
    shot(other, f"copy-consumption-{width}")
    assert not page.console_errors and not other.console_errors
