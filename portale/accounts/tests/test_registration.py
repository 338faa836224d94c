from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portale.accounts.models import EmailToken, OtpChallenge, Registration, SecurityEvent
from portale.accounts.testing import link_from_outbox, otp_from_outbox
from portale.core.models import OutboxMessage
from portale.records.models import LineState
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db
User = get_user_model()

CF = "RSSMRA66A02F839D"  # valid check character
CF_BAD_CHECK = "RSSMRA66A02F839E"
GOOD_PASSWORD = "Convenzione.8x"


@pytest.fixture
def line(contract):
    return f.SimFactory(line__contract=contract).line


def step1(client, msisdn, slider=100):
    return client.post(reverse("accounts:register"), {"msisdn": msisdn, "slider": slider})


def step2(client, msisdn):
    return client.post(reverse("accounts:register_code"), {"code": otp_from_outbox(to=msisdn)})


def step3(client, entity, cf=CF, first="Mario", last="Rossi"):
    return client.post(
        reverse("accounts:register_data"),
        {"first_name": first, "last_name": last, "fiscal_code": cf, "entity_fiscal_code": entity},
    )


def step4(client, email, username=""):
    r = client.post(reverse("accounts:register_email"), {"action": "save", "email": email})
    if r.status_code != 302:
        return r
    data = {"action": "next"}
    if username:
        data.update(username=username, editing="1")
    return client.post(reverse("accounts:register_email"), data)


def through_step4(client, line, email="mario.rossi@comune.example.it"):
    assert step1(client, line.msisdn).status_code == 302
    assert step2(client, line.msisdn).status_code == 302
    entity = line.contract.administration.fiscal_code
    assert step3(client, entity)["Location"] == reverse("accounts:register_email")
    response = step4(client, email)
    assert response["Location"] == reverse("accounts:register_sent"), response.content[:2000]
    return email


def confirm_and_set_password(client, email, password=GOOD_PASSWORD):
    link = link_from_outbox(to=email, kind="registration_confirm")
    page = client.post(link)
    assert "Email confermata" in page.text and "CREA PASSWORD" in page.text
    return client.post(
        reverse("accounts:register_password"),
        {
            "password1": password,
            "password2": password,
            "accept_terms": "on",
            "accept_privacy": "on",
        },
    )


def test_full_registration(client, line):
    r = client.get(reverse("accounts:register"))
    for label in ("1", "Numero", "Codice", "Dati", "Email", "Password", "Registrazione"):
        assert label in r.text
    assert "Sposta il cursore a destra e clicca su AVANTI" in r.text
    email = through_step4(client, line)
    sms = OutboxMessage.objects.get(recipient=line.msisdn)
    code = otp_from_outbox(to=line.msisdn)
    assert sms.sender == "40134"
    assert sms.text == (
        f"Usa il codice temporaneo {code} per proseguire con la registrazione all'Area Clienti "
        "TIM dedicata ai servizi in Convenzione Mobile 8"
    )
    confirm = OutboxMessage.objects.get(recipient=email, kind="registration_confirm")
    assert "CONFERMA EMAIL" in confirm.text and "CONFERMA EMAIL" in confirm.html
    response = confirm_and_set_password(client, email)
    assert response["Location"] == reverse("accounts:register_done")
    done = client.get(response["Location"])
    assert "Richiesta inviata con successo" in done.text
    assert "Ti abbiamo inviato un'email per ricordarti i tuoi dati di accesso." in done.text
    user = User.objects.get(username=email)
    assert user.mobile == line.msisdn and user.fiscal_code == CF
    assert user.entity_fiscal_code == line.contract.administration.fiscal_code
    assert (
        user.check_password(GOOD_PASSWORD) and user.terms_accepted_at and user.privacy_accepted_at
    )
    summary = OutboxMessage.objects.get(recipient=email, kind="registration_summary")
    text = summary.text
    assert (
        "La tua registrazione all'Area Clienti TIM dedicata alla Convenzione Telefonia Mobile 8 è completata."
        in text
    )
    for expected in (
        "Nome e Cognome: Mario Rossi",
        f"Ragione sociale Ente/Amministrazione: {line.contract.administration.name}",
        f"C.F. Ente/Amministrazione: {user.entity_fiscal_code}",
        f"Codice Fiscale personale: {CF}",
        f"Numero mobile: {line.msisdn}",
        f"Email: {email}",
        f"Username: {email}",
        "Accedi subito all'Area Clienti cliccando qui",
        "Servizio Clienti Convenzione Mobile 8",
        "Questa mail è generata automaticamente, non rispondere a questo indirizzo.",
    ):
        assert expected in text
    assert SecurityEvent.objects.filter(kind="registration", user=user).exists()


def test_entity_cf_is_prefilled(client, line):
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    page = client.get(reverse("accounts:register_data"))
    assert f'value="{line.contract.administration.fiscal_code}"' in page.text


def test_steps_cannot_be_skipped(client, line):
    assert client.get(reverse("accounts:register_code"))["Location"] == reverse("accounts:register")
    assert client.get(reverse("accounts:register_email"))["Location"] == reverse(
        "accounts:register"
    )
    assert client.get(reverse("accounts:register_password"))["Location"] == reverse(
        "accounts:register"
    )
    step1(client, line.msisdn)
    assert client.get(reverse("accounts:register_data"))["Location"] == reverse(
        "accounts:register_code"
    )


def test_slider_must_be_completed_on_the_server(client, line):
    response = step1(client, line.msisdn, slider=40)
    assert response.status_code == 200
    assert "Sposta il cursore fino all'estremità destra" in unescape(response.text)
    assert f'value="{line.msisdn}"' in response.text
    assert not OtpChallenge.objects.exists()
    response = client.post(reverse("accounts:register"), {"msisdn": line.msisdn})
    assert response.status_code == 200 and not OtpChallenge.objects.exists()


def _same_answer_without_sms(client, msisdn):
    """Issue 15.4: a number outside the convention gets the answer of an eligible one (the
    code step), spends the same budget, but no SMS leaves and no code can be right."""
    response = step1(client, msisdn)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:register_code")
    assert OtpChallenge.objects.filter(msisdn=msisdn, purpose="registration").count() == 1
    assert not OutboxMessage.objects.exists()
    for code in ("000000", "123456"):
        client.post(reverse("accounts:register_code"), {"code": code})
    assert not client.session["accounts_registration"]["otp_ok"]
    assert client.get(reverse("accounts:register_data"))["Location"] == reverse(
        "accounts:register_code"
    )


def test_number_not_in_the_convention(client, db):
    _same_answer_without_sms(client, "3399999999")


def test_ceased_or_suspended_line_cannot_register(client, line):
    line.state = LineState.SUSPENDED
    line.save()
    _same_answer_without_sms(client, line.msisdn)


def test_eligible_and_other_numbers_get_the_same_page_and_throttle(client, line):
    from django.test import Client

    pages = []
    for msisdn in (line.msisdn, "3399999999"):
        visitor = Client()
        for _ in range(4):
            assert step1(visitor, msisdn).status_code == 302
        refused = step1(visitor, msisdn)
        assert "Hai richiesto troppi codici temporanei" in refused.text
        page = visitor.get(reverse("accounts:register_code")).text
        pages.append(page.replace(msisdn, "NUMERO"))
    assert _strip_tokens(pages[0]) == _strip_tokens(pages[1])


def _strip_tokens(html: str) -> str:
    import re

    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def test_referent_number_declared_in_contract_forms_can_register(client, contract):
    ref = f.ReferentFactory(contract=contract)
    assert step1(client, ref.mobile).status_code == 302


def test_invalid_number_format(client, db):
    response = step1(client, "12345")
    assert "Inserisci un numero mobile valido" in response.text


def test_wrong_otp_then_sixth_attempt(client, line):
    step1(client, line.msisdn)
    code = otp_from_outbox(to=line.msisdn)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    r = client.post(reverse("accounts:register_code"), {"code": wrong})
    assert "Il codice temporaneo inserito non è corretto" in r.text
    for _ in range(4):
        r = client.post(reverse("accounts:register_code"), {"code": wrong})
    assert "Hai superato il numero massimo di tentativi" in r.text
    r = client.post(reverse("accounts:register_code"), {"code": code})  # 6th: refused
    assert r.status_code == 200 and "Hai superato il numero massimo di tentativi" in r.text


def test_expired_otp_in_registration(client, line):
    step1(client, line.msisdn)
    code = otp_from_outbox(to=line.msisdn)
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    r = client.post(reverse("accounts:register_code"), {"code": code})
    assert "RICHIEDI UN NUOVO CODICE" in r.text and "RIPROVA" in r.text
    r = client.post(reverse("accounts:register_resend"), follow=True)
    assert "Ti abbiamo inviato un nuovo codice" in r.text
    assert step2(client, line.msisdn)["Location"] == reverse("accounts:register_data")


def test_otp_code_format(client, line):
    step1(client, line.msisdn)
    r = client.post(reverse("accounts:register_code"), {"code": "12ab"})
    assert "Il codice temporaneo è composto da 6 cifre." in r.text


def test_wrong_cf_check_character(client, line):
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    r = step3(client, line.contract.administration.fiscal_code, cf=CF_BAD_CHECK)
    assert r.status_code == 200
    assert "verifica il carattere di controllo" in r.text
    assert f'value="{CF_BAD_CHECK}"' in r.text and 'value="Mario"' in r.text


def test_entity_cf_not_matching_the_line(client, line, other_contract):
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    r = step3(client, other_contract.administration.fiscal_code)
    assert r.status_code == 200
    assert "non corrisponde a quello dell'Ente a cui è intestata la linea" in unescape(r.text)


def test_pec_address_refused(client, line):
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    step3(client, line.contract.administration.fiscal_code)
    for pec in ("mario.rossi@pec.comune.example.it", "ufficio@legalmail.it", "m@postacert.it"):
        r = client.post(reverse("accounts:register_email"), {"action": "save", "email": pec})
        assert r.status_code == 200
        assert "Non sono ammessi indirizzi di Posta Elettronica Certificata (PEC)" in r.text
        assert f'value="{pec}"' in r.text
    assert not Registration.objects.exists()


def test_username_taken_asks_for_another(client, line):
    f.UserFactory(username="mario.rossi@comune.example.it")
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    step3(client, line.contract.administration.fiscal_code)
    r = step4(client, "mario.rossi@comune.example.it")
    assert r.status_code == 200 and "già utilizzata" in r.text
    r = client.post(
        reverse("accounts:register_email"),
        {"action": "next", "username": "mario.rossi.ente", "editing": "1"},
    )
    assert r["Location"] == reverse("accounts:register_sent")
    assert Registration.objects.get().username == "mario.rossi.ente"


def test_weak_password_refused_with_rules_shown(client, line):
    email = through_step4(client, line)
    page = client.post(link_from_outbox(to=email, kind="registration_confirm"))
    assert page.status_code == 200
    form = client.get(reverse("accounts:register_password"))
    assert "almeno 8 caratteri" in form.text and "Termini e condizioni generali" in form.text
    for weak, message in (
        ("password", "lettera maiuscola"),
        ("Abcdefgh1", "carattere speciale"),
        ("Ab.1", "almeno 8 caratteri"),
    ):
        r = client.post(
            reverse("accounts:register_password"),
            {"password1": weak, "password2": weak, "accept_terms": "on", "accept_privacy": "on"},
        )
        assert r.status_code == 200 and message in r.text
    r = client.post(
        reverse("accounts:register_password"),
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert "devi accettare i Termini e condizioni generali" in r.text
    assert not User.objects.filter(username=email).exists()


def test_confirmation_link_after_48_hours(client, line):
    email = through_step4(client, line)
    EmailToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    r = client.get(link_from_outbox(to=email, kind="registration_confirm"))
    assert r.status_code == 410 and "Link scaduto" in r.text and "48 ore" in r.text
    assert client.get(reverse("accounts:register_password"))["Location"] == reverse(
        "accounts:register"
    )


def test_confirmation_link_reused(client, line):
    email = through_step4(client, line)
    link = link_from_outbox(to=email, kind="registration_confirm")
    assert client.post(link).status_code == 200
    assert "Email confermata" in client.post(link).text  # the button clicked twice
    other = Client()  # the link used again elsewhere
    for r in (other.get(link), other.post(link)):
        assert r.status_code == 410 and "Link già utilizzato" in r.text


def test_opening_the_link_confirms_nothing_until_the_button(client, line):
    """A mail filter that opens every link of a message to check it spends nothing."""
    email = through_step4(client, line)
    link = link_from_outbox(to=email, kind="registration_confirm")
    for _ in range(2):  # the filter, then the person
        page = Client().get(link)
        assert page.status_code == 200 and "CONFERMA EMAIL" in page.text
        assert '<form method="post">' in page.text and email in page.text
    assert Registration.objects.get(email=email).state == Registration.State.PENDING
    assert not EmailToken.objects.filter(used_at__isnull=False).exists()
    assert "Email confermata" in client.post(link).text
    assert Registration.objects.get(email=email).state == Registration.State.CONFIRMED


def test_duplicate_registration_prosegui_ceases_the_old_one(client, line):
    old = f.UserFactory(
        mobile=line.msisdn,
        fiscal_code=CF,
        entity_fiscal_code=line.contract.administration.fiscal_code,
    )
    from portale.accounts.models import WidgetPreference

    WidgetPreference.objects.create(user=old, code="inventory.price_list", position=0)
    other = client.__class__()
    other.force_login(old)
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    r = step3(client, line.contract.administration.fiscal_code)
    assert r["Location"] == reverse("accounts:register_existing")
    page = client.get(r["Location"])
    assert "RECUPERA LE TUE CREDENZIALI" in page.text and "PROSEGUI" in page.text
    client.post(reverse("accounts:register_existing"), {"choice": "prosegui"})
    r = step4(client, old.email)  # the old username can be taken over
    assert r["Location"] == reverse("accounts:register_sent")
    confirm_and_set_password(client, old.email)
    old.refresh_from_db()
    assert old.status == "ceased" and not old.is_active and not old.has_usable_password()
    new = User.objects.get(username=old.email.lower())
    assert new.status == "active" and new.pk != old.pk
    assert list(new.widgets.values_list("code", flat=True)) == ["inventory.price_list"]
    assert OutboxMessage.objects.filter(kind="registration_ceased", recipient=old.email).exists()
    assert other.get(reverse("home:index")).status_code == 302  # old sessions ended


def test_duplicate_registration_recupera_goes_to_recovery(client, line):
    entity = line.contract.administration.fiscal_code
    f.UserFactory(mobile=line.msisdn, fiscal_code=CF, entity_fiscal_code=entity)
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    step3(client, line.contract.administration.fiscal_code)
    r = client.post(reverse("accounts:register_existing"), {"choice": "recupera"})
    assert r["Location"] == reverse("accounts:recover")


@pytest.mark.parametrize("differs", ["fiscal_code", "entity_fiscal_code"])
def test_same_number_alone_is_not_a_duplicate_registration(client, line, differs):
    """F-3: the prompt only when number, personal CF and Ente CF all match."""
    entity = line.contract.administration.fiscal_code
    match = {"fiscal_code": CF, "entity_fiscal_code": entity}
    match[differs] = "RSSMRA80A01H501U" if differs == "fiscal_code" else "00000000000"
    old = f.UserFactory(mobile=line.msisdn, **match)
    step1(client, line.msisdn)
    step2(client, line.msisdn)
    r = step3(client, entity)
    assert r["Location"] == reverse("accounts:register_email")
    old.refresh_from_db()
    assert old.status == "active"


def test_legal_documents_are_pdfs(client, db):
    from portale.core.pdf import pdf_text

    for kind, title in (("termini", "Termini e condizioni"), ("privacy", "Informativa")):
        r = client.get(reverse("accounts:legal_document", args=[kind]))
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert title in pdf_text(r.content)
    assert client.get("/accesso/documenti/altro.pdf").status_code == 404
