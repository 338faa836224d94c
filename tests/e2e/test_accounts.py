"""Browser tests of issue 3: registration, login with SMS code, recovery, e-mail change.

Codes and links are read from the outbox, as a person would read them from the phone or
the mailbox. Screenshots of every registration step and of the home at 1280 and 360 px go
to var/screenshots/accounts-*.png.
"""

import os

import pytest
from playwright.sync_api import expect

from portale.accounts.testing import link_from_outbox, otp_from_outbox

from .conftest import htmx_idle

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CF = "RSSMRA66A02F839D"
PASSWORD = "Convenzione.8x"


@pytest.fixture
def line(contract):
    from portale.records.tests import factories as f

    return f.SimFactory(line__contract=contract).line


@pytest.mark.parametrize("width", [1280, 360])
def test_register_end_to_end(new_page, shot, line, width):
    from django.contrib.auth import get_user_model

    page = new_page(width)
    email = f"mario.rossi.{width}@comune.example.it"
    page.goto("/")
    page.get_by_role("link", name="REGISTRATI ORA").first.click()
    page.wait_for_selector("#id_msisdn")
    # Step 1: number + slider, moved with the keyboard
    page.fill("#id_msisdn", line.msisdn)
    page.get_by_role("button", name="AVANTI").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()  # slider not moved
    assert page.input_value("#id_msisdn") == line.msisdn
    expect(page.locator("#id_slider_error")).to_be_visible()
    page.focus("#id_slider")
    page.keyboard.press("End")
    # completed: "Verifica completata" and no stale red message at the same time
    expect(page.get_by_text("Verifica completata")).to_be_visible()
    expect(page.locator("#id_slider_error")).to_be_hidden()
    assert page.get_attribute("#id_slider", "aria-invalid") is None
    shot(page, f"accounts-register-1-number-{width}")
    page.get_by_role("button", name="AVANTI").click()
    # Step 2: code from the SMS
    page.wait_for_selector("#id_code")
    assert f"al numero {line.msisdn}" in page.content()
    shot(page, f"accounts-register-2-code-{width}")
    page.fill("#id_code", otp_from_outbox(to=line.msisdn))
    page.get_by_role("button", name="AVANTI").click()
    # Step 3: personal data, Ente CF pre-filled
    page.wait_for_selector("#id_first_name")
    assert page.input_value("#id_entity_fiscal_code") == line.contract.administration.fiscal_code
    page.fill("#id_first_name", "Mario")
    page.fill("#id_last_name", "Rossi")
    page.fill("#id_fiscal_code", "RSSMRA66A02F839E")  # wrong check character
    page.get_by_role("button", name="AVANTI").click()
    assert "carattere di controllo" in page.content()
    assert page.input_value("#id_first_name") == "Mario"
    shot(page, f"accounts-register-3-data-error-{width}")
    page.fill("#id_fiscal_code", CF)
    page.get_by_role("button", name="AVANTI").click()
    # Step 4: e-mail, SALVA, username proposed, AVANTI
    page.wait_for_selector("#id_email")
    page.fill("#id_email", "mario@pec.comune.example.it")
    page.get_by_role("button", name="SALVA").click()
    assert "Posta Elettronica Certificata" in page.content()
    page.fill("#id_email", email)
    page.get_by_role("button", name="SALVA").click()
    page.wait_for_selector("#saved-email")
    assert page.input_value("#id_username") == email
    shot(page, f"accounts-register-4-email-{width}")
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("text=CONFERMA EMAIL")
    shot(page, f"accounts-register-4-sent-{width}")
    # The link in the e-mail
    page.goto(link_from_outbox(to=email, kind="registration_confirm"))
    shot(page, f"accounts-register-4-confirm-{width}")
    page.get_by_role("button", name="CONFERMA EMAIL").click()
    expect(page.get_by_role("heading", name="Email confermata")).to_be_visible()
    shot(page, f"accounts-register-4-confirmed-{width}")
    page.get_by_role("link", name="CREA PASSWORD").click()
    # Step 5: password and terms
    page.wait_for_selector("#id_password1")
    page.fill("#id_password1", "debole")
    page.fill("#id_password2", "debole")
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_load_state()
    assert "almeno 8 caratteri" in page.content()
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("label[for=id_accept_terms]")
    page.click("label[for=id_accept_privacy]")
    shot(page, f"accounts-register-5-password-{width}")
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("text=Richiesta inviata con successo")
    shot(page, f"accounts-register-6-done-{width}")
    assert get_user_model().objects.filter(username=email, mobile=line.msisdn).exists()
    # ACCEDI → login with the new credentials and the SMS code
    page.get_by_role("link", name="ACCEDI", exact=True).click()
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="ACCEDI").click()
    page.wait_for_selector("#id_code")
    page.fill("#id_code", otp_from_outbox(to=line.msisdn))
    page.get_by_role("button", name="ACCEDI").click()
    page.wait_for_selector("text=I miei widget")
    assert "Mario" in page.locator("h1").inner_text()
    shot(page, f"accounts-home-{width}")


def test_login_with_otp_and_resend(page, shot, employee):
    from portale.accounts.testing import browser_login

    page.goto("/accesso/login/")
    page.fill("#id_username", employee.username)
    page.fill("#id_password", "Password.123")
    page.get_by_role("button", name="ACCEDI").click()
    page.wait_for_selector("#id_code")
    first = otp_from_outbox(to=employee.mobile)
    page.get_by_role("button", name="Invia di nuovo").click()
    page.wait_for_selector("text=Ti abbiamo inviato un nuovo codice")
    second = otp_from_outbox(to=employee.mobile)
    shot(page, "accounts-login-otp-1280")
    if first != second:
        page.fill("#id_code", first)
        page.get_by_role("button", name="ACCEDI").click()
        assert "non è corretto" in page.content()
    page.fill("#id_code", second)
    page.get_by_role("button", name="ACCEDI").click()
    page.wait_for_selector("text=I miei widget")
    # the shared helper does the same in one call
    page.context.clear_cookies()
    browser_login(page, page.url.split("/area-privata")[0], employee)
    assert "/area-privata/" in page.url


def test_login_lockout_message(page, employee):
    for _ in range(5):
        page.goto("/accesso/login/")
        page.fill("#id_username", employee.username)
        page.fill("#id_password", "Sbagliata.1")
        page.get_by_role("button", name="ACCEDI").click()
    page.goto("/accesso/login/")
    page.fill("#id_username", employee.username)
    page.fill("#id_password", "Password.123")
    page.get_by_role("button", name="ACCEDI").click()
    expect(page.get_by_role("heading", name="Accesso temporaneamente bloccato")).to_be_visible()


def test_recover_password(page, shot, employee):
    page.goto("/accesso/login/")
    page.get_by_role("link", name="Recupera username e password").click()
    page.click("label[for=id_mode_1]")
    shot(page, "accounts-recover-mode-1280")
    page.get_by_role("button", name="AVANTI").click()
    page.fill("#id_username", employee.username)
    page.fill("#id_msisdn", employee.mobile)
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("#id_code")
    page.fill("#id_code", otp_from_outbox(to=employee.mobile))
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("text=Ti abbiamo inviato un'email con il link")
    page.goto(link_from_outbox(to=employee.email, kind="recovery", contains="/recupero/password/"))
    page.fill("#id_password1", "Nuova.Password9")
    page.fill("#id_password2", "Nuova.Password9")
    page.get_by_role("button", name="SALVA").click()
    page.wait_for_selector("text=Password modificata")
    employee.refresh_from_db()
    assert employee.check_password("Nuova.Password9")


@pytest.mark.parametrize("width", [1280, 360])
def test_change_email(new_page, shot, live_server, employee, width):
    from portale.accounts.testing import browser_login

    new = f"nuova.email.{width}@comune.example.it"
    page = new_page(width)
    browser_login(page, live_server.url, employee)
    page.goto("/accesso/dati-personali/")
    page.fill("#id_email-new_email", new)
    page.get_by_role("button", name="MODIFICA").click()
    # G-49: a fresh SMS code before the change
    page.wait_for_selector("#id_code")
    assert page.locator("#pending-email").inner_text() == new
    page.fill("#id_code", "000000" if otp_from_outbox(to=employee.mobile) != "000000" else "1")
    page.get_by_role("button", name="CONFERMA").click()
    assert "Tentativi rimasti: 4" in page.content()
    shot(page, f"accounts-personal-data-otp-{width}")
    page.get_by_role("link", name="ANNULLA").click()
    assert page.input_value("#id_email-new_email") == new  # kept
    page.goto("/accesso/dati-personali/verifica/")
    page.fill("#id_code", otp_from_outbox(to=employee.mobile))
    page.get_by_role("button", name="CONFERMA").click()
    page.wait_for_selector("text=entro 48 ore")
    shot(page, f"accounts-personal-data-{width}")
    page.goto(link_from_outbox(to=new, kind="email_change"))
    page.get_by_role("button", name="CONFERMA EMAIL").click()
    expect(page.get_by_role("heading", name="Email confermata")).to_be_visible()
    page.goto("/accesso/dati-personali/")
    assert page.locator("#current-email").inner_text() == new
    assert not page.console_errors


def test_account_pages_have_no_serious_accessibility_violations(page, axe_violations, employee):
    from portale.accounts.testing import browser_login

    for url in ("/accesso/login/", "/accesso/registrazione/", "/accesso/recupero/"):
        page.goto(url)
        assert axe_violations(page) == [], url
    browser_login(page, page.url.split("/accesso")[0], employee)
    for url in ("/area-privata/", "/accesso/dati-personali/", "/area-privata/widget/"):
        page.goto(url)
        assert axe_violations(page) == [], url
    page.goto("/accesso/dati-personali/")
    page.fill("#id_email-new_email", "nuova@comune.example.it")
    page.get_by_role("button", name="MODIFICA").click()
    page.wait_for_selector("#id_code")
    assert axe_violations(page) == [], "code step"


def test_home_widgets_modifica(page, shot, login, roa):
    from portale.accounts.models import WidgetPreference

    login(page, roa)
    page.goto("/area-privata/")
    shot(page, "accounts-home-roa-1280")
    page.get_by_role("link", name="MODIFICA").first.click()
    page.wait_for_selector("text=Posizione")
    boxes = page.locator("input[name=widget]")
    if boxes.count() == 0:
        pytest.skip("no widget implemented yet for a ROA")
    shot(page, "accounts-widgets-edit-1280")
    first_label = page.locator("tbody tr td:first-child label").first.inner_text()
    # keep only the first widget
    for i in range(1, boxes.count()):
        if boxes.nth(i).is_checked():
            page.locator(f"label[for={boxes.nth(i).get_attribute('id')}]").click()
    if not boxes.first.is_checked():
        page.locator(f"label[for={boxes.first.get_attribute('id')}]").click()
    page.get_by_role("button", name="SALVA").click()
    page.wait_for_selector("text=I tuoi widget sono stati salvati.")
    assert WidgetPreference.objects.filter(user=roa).count() == 1
    assert page.locator(".portal-widget-link", has_text=first_label).count() == 1


@pytest.mark.parametrize("width", [1280, 360])
def test_expired_code_and_existing_registration_pages(new_page, shot, employee, width):
    from datetime import timedelta

    from django.utils import timezone

    from portale.accounts.models import OtpChallenge

    employee.fiscal_code = CF
    employee.save()
    page = new_page(width)
    page.goto("/accesso/registrazione/")
    page.fill("#id_msisdn", employee.mobile)
    page.focus("#id_slider")
    page.keyboard.press("End")
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("#id_code")
    code = otp_from_outbox(to=employee.mobile)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page.fill("#id_code", code)
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("text=RICHIEDI UN NUOVO CODICE")
    shot(page, f"accounts-otp-expired-{width}")
    page.get_by_role("link", name="RIPROVA").click()
    assert page.input_value("#id_code") == code
    page.goto("/accesso/registrazione/codice/")
    page.get_by_role("button", name="Invia di nuovo").click()
    page.fill("#id_code", otp_from_outbox(to=employee.mobile))
    page.get_by_role("button", name="AVANTI").click()
    page.fill("#id_first_name", "Gina")
    page.fill("#id_last_name", "Deiana")
    page.fill("#id_fiscal_code", CF)
    page.get_by_role("button", name="AVANTI").click()
    page.wait_for_selector("text=RECUPERA LE TUE CREDENZIALI")
    shot(page, f"accounts-register-existing-{width}")
    page.get_by_role("button", name="PROSEGUI").click()
    page.wait_for_selector("#id_email")


def test_session_warning_keeps_the_session_then_expires(page, shot, login, employee, settings):
    """G-49: warning before the idle timeout, "Resta collegato" renews, then the timeout."""
    settings.SESSION_COOKIE_AGE = 10
    settings.ACCOUNTS_SESSION_WARNING_SECONDS = 7
    login(page, employee)
    dialog = page.get_by_role("alertdialog", name="La sessione sta per scadere")
    dialog.wait_for(state="visible", timeout=8_000)  # 3 s after the page loaded
    keep = dialog.get_by_role("button", name="Resta collegato")
    assert keep.evaluate("el => el === document.activeElement")
    expect(dialog.get_by_role("button", name="Esci")).to_be_visible()
    assert ":0" in dialog.locator("[data-session-countdown]").inner_text()
    shot(page, "accounts-session-warning-1280", full_page=False)
    keep.click()
    dialog.wait_for(state="hidden")
    # Past the first deadline (10 s after the page loaded): the session is still open.
    page.wait_for_timeout(8_000)
    assert "/area-privata/" in page.url
    page.reload()
    assert "/area-privata/" in page.url and "I miei widget" in page.content()
    # Now let it run out (a shorter timeout for the rest of the test).
    settings.SESSION_COOKIE_AGE = 3
    settings.ACCOUNTS_SESSION_WARNING_SECONDS = 2
    page.reload()
    page.wait_for_url("**/accesso/login/?scaduta=1*", timeout=10_000)
    htmx_idle(page)
    expect(page.get_by_text("Sessione scaduta per inattività")).to_be_visible()
    page.goto("/area-privata/")
    assert "/accesso/login/" in page.url  # the session is over on the server too
    assert not page.console_errors


def test_session_warning_esci_and_small_screen(new_page, shot, live_server, employee, settings):
    from portale.accounts.testing import browser_login

    settings.SESSION_COOKIE_AGE = 30
    settings.ACCOUNTS_SESSION_WARNING_SECONDS = 29
    page = new_page(360)
    browser_login(page, live_server.url, employee)
    dialog = page.get_by_role("alertdialog", name="La sessione sta per scadere")
    dialog.wait_for(state="visible", timeout=5_000)
    page.wait_for_timeout(400)  # fade-in
    shot(page, "accounts-session-warning-360", full_page=False)
    for name in ("Resta collegato", "Esci"):
        box = dialog.get_by_role("button", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, name
    dialog.get_by_role("button", name="Esci").click()
    page.wait_for_load_state()
    assert "/area-privata/" not in page.url
    page.goto("/area-privata/")
    assert "/accesso/login/" in page.url


@pytest.mark.parametrize("width", [1280, 360])
def test_a_logged_in_user_opening_the_public_home_lands_on_the_private_home(
    new_page, live_server, login, roa, width
):
    """ "/" typed in the address bar, or "Gruppo TIM" in the header, after logging in."""
    page = new_page(width)
    login(page, roa)
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/area-privata/")
    expect(page.get_by_role("link", name="REGISTRATI ORA")).to_have_count(0)
    page.goto("/area-privata/pratiche/")
    brand = page.get_by_role("link", name="Gruppo TIM", include_hidden=True)
    if width >= 576:  # the slim header hides the brand on a phone
        brand.click()
    else:
        page.goto(brand.get_attribute("href"))
    expect(page).to_have_url(f"{live_server.url}/area-privata/")
