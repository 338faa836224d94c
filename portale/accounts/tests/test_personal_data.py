from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.accounts.models import EmailToken, SecurityEvent
from portale.accounts.testing import link_from_outbox, otp_from_outbox
from portale.core.models import OutboxMessage

pytestmark = pytest.mark.django_db
URL = "/accesso/dati-personali/"
VERIFY = "/accesso/dati-personali/verifica/"
CF = "RSSMRA66A02F839D"


def _confirm(client, user):
    """The SMS code step that every e-mail or password change goes through (G-49)."""
    return client.post(VERIFY, {"code": otp_from_outbox(to=user.mobile)})


@pytest.fixture
def logged(client, employee):
    client.force_login(employee)
    return client


def test_page_sections(logged, employee):
    page = unescape(logged.get(URL).text)
    for text in (
        "Dati anagrafici",
        "Informazioni personali",
        "Informazioni di contatto",
        "Condizioni generali di registrazione",
        "Credenziali di accesso",
        "N° mobile",
        "Email di registrazione",
        "il CF personale riportato in questa pagina viene utilizzato per l'attivazione del servizio TIM TUO",
        employee.mobile,
    ):
        assert text in page
    # mobile and Ente CF are not editable fields
    assert 'name="profile-mobile"' not in page and 'name="profile-entity_fiscal_code"' not in page


def test_update_name_and_cf(logged, employee):
    r = logged.post(
        URL,
        {
            "form": "profile",
            "profile-first_name": "Maria",
            "profile-last_name": "Verdi",
            "profile-fiscal_code": CF.lower(),
        },
    )
    assert r.status_code == 302
    employee.refresh_from_db()
    assert (employee.first_name, employee.last_name, employee.fiscal_code) == ("Maria", "Verdi", CF)


def test_wrong_cf_keeps_typed_values(logged):
    r = logged.post(
        URL,
        {
            "form": "profile",
            "profile-first_name": "Maria",
            "profile-last_name": "Verdi",
            "profile-fiscal_code": "RSSMRA66A02F839E",
        },
    )
    assert r.status_code == 200 and "carattere di controllo" in r.text
    assert 'value="Maria"' in r.text and 'value="RSSMRA66A02F839E"' in r.text


def test_cf_change_needs_confirmation_with_timtuo_active(logged, employee, employee_line):
    employee_line.dual_billing_enabled = True
    employee_line.save()
    data = {
        "form": "profile",
        "profile-first_name": "Gina",
        "profile-last_name": "Deiana",
        "profile-fiscal_code": CF,
    }
    r = logged.post(URL, data)
    assert r.status_code == 200 and "conferma la modifica del Codice Fiscale" in r.text
    r = logged.post(URL, {**data, "profile-confirm_timtuo": "on"})
    assert r.status_code == 302


def test_email_change_with_48h_link(logged, employee):
    r = logged.post(URL, {"form": "email", "email-new_email": "nuova@comune.example.it"})
    assert r.status_code == 302 and r["Location"] == VERIFY
    assert not OutboxMessage.objects.filter(kind="email_change").exists()  # code first
    r = _confirm(logged, employee)
    assert r.status_code == 302 and r["Location"] == URL
    employee.refresh_from_db()
    assert employee.email != "nuova@comune.example.it"  # only after confirmation
    mail = OutboxMessage.objects.get(recipient="nuova@comune.example.it", kind="email_change")
    admin = employee.entity_fiscal_code
    for text in (
        "Per confermare la modifica del tuo indirizzo email associato ai seguenti dati:",
        "Gina Deiana",
        f"Codice Fiscale Amministrazione/Ente: {admin}",
        "clicca sul seguente link:",
        "CONFERMA EMAIL",
        "Ti ricordiamo che per motivi di sicurezza il link ha una validità limitata a 48 ore "
        "dalla data di ricezione di questa email.",
        "800.680.068",
    ):
        assert text in mail.text
    link = link_from_outbox(to="nuova@comune.example.it", kind="email_change")
    page = logged.get(link)  # opening the link (or a mail filter checking it) changes nothing
    assert "CONFERMA EMAIL" in page.text and "nuova@comune.example.it" in page.text
    employee.refresh_from_db()
    assert employee.email != "nuova@comune.example.it"
    assert "Email confermata" in logged.post(link).text
    employee.refresh_from_db()
    assert employee.email == "nuova@comune.example.it"
    assert SecurityEvent.objects.filter(kind="email_changed", user=employee).exists()
    assert "Email confermata" in logged.post(link).text  # the button clicked twice
    r = logged.get(link)
    assert r.status_code == 410 and "Link già utilizzato" in unescape(r.text)


def test_email_change_link_after_48_hours(logged, employee):
    logged.post(URL, {"form": "email", "email-new_email": "nuova@comune.example.it"})
    _confirm(logged, employee)
    EmailToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = logged.get(link_from_outbox(to="nuova@comune.example.it", kind="email_change"))
    assert r.status_code == 410 and "Link scaduto" in r.text
    employee.refresh_from_db()
    assert employee.email != "nuova@comune.example.it"


def test_email_change_refuses_pec(logged):
    r = logged.post(URL, {"form": "email", "email-new_email": "ufficio@pec.comune.example.it"})
    assert r.status_code == 200
    assert "Non sono ammessi indirizzi di Posta Elettronica Certificata (PEC)" in r.text
    assert 'value="ufficio@pec.comune.example.it"' in r.text
    assert not OutboxMessage.objects.exists()


def test_password_change(logged, employee):
    r = logged.post(
        URL,
        {
            "form": "password",
            "password-current_password": "sbagliata",
            "password-password1": "Nuova.Password9",
            "password-password2": "Nuova.Password9",
        },
    )
    assert "La password attuale non è corretta." in unescape(r.text)
    r = logged.post(
        URL,
        {
            "form": "password",
            "password-current_password": "Password.123",
            "password-password1": "debolissima",
            "password-password2": "debolissima",
        },
    )
    assert "lettera maiuscola" in r.text
    r = logged.post(
        URL,
        {
            "form": "password",
            "password-current_password": "Password.123",
            "password-password1": "Nuova.Password9",
            "password-password2": "Nuova.Password9",
        },
    )
    assert r.status_code == 302 and r["Location"] == VERIFY
    employee.refresh_from_db()
    assert employee.check_password("Password.123")  # not before the code
    assert _confirm(logged, employee).status_code == 302
    employee.refresh_from_db()
    assert employee.check_password("Nuova.Password9")
    assert logged.get(URL).status_code == 200  # session kept
    assert SecurityEvent.objects.filter(kind="password_changed", user=employee).exists()


def test_security_event_admin_is_read_only(client, db):
    from django.contrib.admin.sites import site

    from portale.accounts.models import SecurityEvent as SE
    from portale.records.tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    SE.objects.create(kind="login_failed", username="x")
    client.force_login(admin_user)
    assert client.get(reverse("admin:accounts_securityevent_changelist")).status_code == 200
    model_admin = site._registry[SE]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_confirmed_email_change_tells_the_old_address(logged, employee):
    old = employee.email
    logged.post(URL, {"form": "email", "email-new_email": "nuova@comune.example.it"})
    _confirm(logged, employee)
    assert not OutboxMessage.objects.filter(recipient=old).exists()  # not before the link
    logged.post(link_from_outbox(to="nuova@comune.example.it", kind="email_change"))
    notice = OutboxMessage.objects.get(recipient=old, kind="email_changed_notice")
    assert "la tua email è stata modificata" in notice.text
    assert "nu•••@comune.example.it" in notice.text  # the new address, masked
    assert "nuova@comune.example.it" not in notice.text
    assert "Numero Verde" in notice.text and "800.680.068" in notice.text
    assert "Questa mail è generata automaticamente, non rispondere a questo indirizzo." in (
        notice.text
    )
    kinds = list(SecurityEvent.objects.filter(user=employee).values_list("kind", flat=True))
    for kind in ("email_change_requested", "reauth_ok", "email_changed", "email_change_notice"):
        assert kind in kinds
    event = SecurityEvent.objects.get(user=employee, kind="email_change_notice")
    assert old in event.detail
