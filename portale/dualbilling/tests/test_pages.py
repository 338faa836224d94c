"""TIM TUO pages with the Django client: validation messages next to the field with the
typed value kept, the three Gestisci states, ownership (404 outside the own line or the
selected contract), the selection rules of Abilitazione SIM al servizio."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portale.dualbilling import selectors
from portale.records.tests import factories as f

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def enabled_employee(contract):
    line = h.line(contract, enabled=True)
    user = f.UserFactory(mobile=line.msisdn, entity_fiscal_code=contract.administration.fiscal_code)
    return user, line


def _to_iban_step(client):
    session = client.session
    session["dualbilling_wizard"] = {
        "flow": "activation",
        "fiscal_code": h.CF,
        "first_name": "MARIO",
        "last_name": "ROSSI",
        "address": {**h.ADDRESS, "city": "PERUGIA", "hamlet": ""},
        "method": "BANCA",
    }
    session.save()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("DE89370400440532013000", "IBAN estero"),
        ("IT61X0542811101000000123456", "codice di controllo dell&#x27;IBAN non è corretto"),
        ("abc", "IBAN non è nel formato corretto"),  # not taken for a foreign account
        ("12345", "IBAN non è nel formato corretto"),
    ],
)
def test_iban_errors_next_to_the_field_with_the_value_kept(
    client, enabled_employee, value, message
):
    user, _line = enabled_employee
    client.force_login(user)
    _to_iban_step(client)
    html = client.post(reverse("dualbilling:iban"), {"iban": value}).content.decode()
    assert 'id="id_iban_error"' in html and message in html
    assert f'value="{value}"' in html


def test_a_valid_italian_iban_goes_to_the_mandate(client, enabled_employee):
    user, _line = enabled_employee
    client.force_login(user)
    _to_iban_step(client)
    response = client.post(reverse("dualbilling:iban"), {"iban": h.IBAN})
    assert response.status_code == 302 and response["Location"] == reverse("dualbilling:mandate")


def test_a_fiscal_code_failing_its_check_character(client, enabled_employee):
    user, _line = enabled_employee
    client.force_login(user)
    wrong = h.CF[:-1] + "A"  # RSSMRA80A01H501A: the check character is U
    html = client.post(reverse("dualbilling:activate"), {"fiscal_code": wrong}).content.decode()
    assert 'id="id_fiscal_code_error"' in html
    assert "carattere di controllo del codice fiscale non è corretto" in html
    assert f'value="{wrong}"' in html
    user.refresh_from_db()
    assert user.fiscal_code != wrong


def test_the_fiscal_code_changes_the_registration_data_and_prefills(client, enabled_employee):
    user, _line = enabled_employee
    known = h.active_line(f.ContractFactory(), employee_fiscal_code=h.CF)
    assert known
    client.force_login(user)
    response = client.post(reverse("dualbilling:activate"), {"fiscal_code": h.CF.lower()})
    assert response["Location"] == reverse("dualbilling:activate_person")
    user.refresh_from_db()
    assert user.fiscal_code == h.CF
    html = client.get(reverse("dualbilling:activate_person")).content.decode()
    assert "prepopolati" in html and 'value="ESPOSITO"' in html


def test_gestisci_three_states(client, contract):
    off = h.line(contract)
    on = h.line(contract, enabled=True)
    active = h.active_line(contract)
    for line, state in ((off, "empty"), (on, "enabled"), (active, "active")):
        client.force_login(f.UserFactory(mobile=line.msisdn))
        html = client.get(reverse("dualbilling:manage")).content.decode()
        assert f'data-state="{state}"' in html


def test_it_checks_ownership_of_invoices(client, contract):
    own_line = h.active_line(contract)
    other_line = h.active_line(contract)  # another employee of the same contract
    own = f.PersonalInvoiceFactory(dual_billing=own_line.dual_billings.get())
    other = f.PersonalInvoiceFactory(dual_billing=other_line.dual_billings.get())
    client.force_login(f.UserFactory(mobile=own_line.msisdn))
    assert client.get(reverse("dualbilling:invoice_pdf", args=[own.pk])).status_code == 200
    assert client.get(reverse("dualbilling:invoice_pdf", args=[other.pk])).status_code == 404
    html = client.get(reverse("dualbilling:invoices")).content.decode()
    assert own.bimester in html and other.number not in html
    # "CONSULTA" opens the personal invoices in eBill, in a new window (F-9.2.1.2, P-11)
    assert f'href="{reverse("ebill:open_personal")}" target="_blank"' in html


def test_only_the_last_six_invoices(client, contract):
    line = h.active_line(contract)
    billing = line.dual_billings.get()
    invoices = [
        f.PersonalInvoiceFactory(
            dual_billing=billing,
            bimester=f"{b}/2021",
            emission_date=f"2021-{2 * b:02d}-15",
            due_date="2022-06-30",
        )
        for b in range(1, 7)
    ] + [
        f.PersonalInvoiceFactory(
            dual_billing=billing, bimester="6/2020", emission_date="2020-12-15"
        )
    ]
    client.force_login(f.UserFactory(mobile=line.msisdn))
    oldest = invoices[-1]
    assert client.get(reverse("dualbilling:invoice_pdf", args=[oldest.pk])).status_code == 404
    assert "6/2020" not in client.get(reverse("dualbilling:invoices")).content.decode()


def test_it_checks_ownership_of_referent_lines(client, roa, contract, other_contract):
    """Another contract's line cannot enter a selection, nor a request filed with it."""
    own = h.line(contract)
    foreign = h.line(other_contract)
    client.force_login(roa)
    from portale.cases.operations import get

    op = get("dual_enable")
    form = op.bind({"lines": [str(foreign.pk)]}, contract=contract, actor=roa)
    assert not form.is_valid() and "lines" in form.errors
    form = op.bind({"lines": [str(own.pk)]}, contract=contract, actor=roa)
    assert form.is_valid()
    html = client.get(reverse("dualbilling:enable")).content.decode()
    assert own.msisdn in html and foreign.msisdn not in html


def test_a_yes_line_with_tim_tuo_active_cannot_be_blocked(contract):
    active = h.active_line(contract)
    ceased_yes = h.line(contract, enabled=True)
    prepaid_yes = h.line(contract, prepaid=True, enabled=True)
    off = h.line(contract)
    selectable = set(selectors.enable_selectable(contract=contract).values_list("pk", flat=True))
    assert selectable == {ceased_yes.pk, off.pk}
    assert active.pk not in selectable and prepaid_yes.pk not in selectable


def test_options_mixed_types_split_in_the_summary(client, roa, contract):
    from portale.cases.operations import get

    sub = h.active_line(contract)
    prepaid = h.active_line(contract, prepaid=True)
    form = get("dual_options").bind(
        {"lines": [sub.pk, prepaid.pk], "option": "TIM Tuo MMS (per ricaricabile)"},
        contract=contract,
        actor=roa,
    )
    assert form.is_valid(), form.errors
    payload = form.payload()
    assert [i["line_id"] for i in payload["lines"]] == [prepaid.pk]
    assert [i["line_id"] for i in payload["excluded"]] == [sub.pk]
    rows = get("dual_options").summary_rows(payload)
    assert any("escluse" in str(r[0]) for r in rows)


def _card_state(client):
    session = client.session
    session["dualbilling_wizard"] = {
        "flow": "activation",
        "fiscal_code": h.CF,
        "first_name": "MARIO",
        "last_name": "ROSSI",
        "address": {**h.ADDRESS, "city": "PERUGIA", "hamlet": ""},
        "method": "CARTA",
    }
    session.save()


def test_card_choice_goes_to_the_providers_page(client, enabled_employee):
    user, _line = enabled_employee
    client.force_login(user)
    _to_iban_step(client)  # the address step is done
    response = client.post(reverse("dualbilling:activate_payment"), {"method": "CARTA"})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and "dualbilling" not in response["Location"]
    from portale.payments.models import Payment

    payment = Payment.objects.get(user=user)
    assert payment.kind == Payment.Kind.MANDATE and payment.total == 0


def test_card_result_shows_the_masked_card_and_files_with_its_token(client, enabled_employee):
    from portale.cases.models import RequestDraft

    user, line = enabled_employee
    client.force_login(user)
    _card_state(client)
    payment = h.card_mandate(user)
    url = reverse("dualbilling:card_result") + f"?pagamento={payment.token}"
    html = client.get(url).content.decode()
    assert "*****4242" in html and "VISA" in html and "12/39" in html
    downloaded = client.session["dualbilling_wizard"]
    downloaded["conditions_downloaded"] = True
    session = client.session
    session["dualbilling_wizard"] = downloaded
    session.save()
    response = client.post(
        reverse("dualbilling:activate_accept"), {"sms": "no", "conditions": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = RequestDraft.objects.get(user=user)
    assert draft.operation == "dual_sub_card" and draft.line == line
    assert draft.payload["card"]["psp_token"] == "sbx_test_token"
    assert "4242 4242" not in str(draft.payload)


def test_a_refused_card_or_another_users_payment(client, enabled_employee):
    user, _line = enabled_employee
    client.force_login(user)
    _card_state(client)
    refused = h.card_mandate(user, status="rejected")
    html = client.get(
        reverse("dualbilling:card_result") + f"?pagamento={refused.token}"
    ).content.decode()
    assert "Carta non registrata" in html
    assert "card_payment" not in client.session["dualbilling_wizard"]
    other = h.card_mandate(f.UserFactory())
    url = reverse("dualbilling:card_result") + f"?pagamento={other.token}"
    assert client.get(url).status_code == 404


def test_mixed_cessation_files_one_pratica_per_line_type(client, roa, contract):
    from portale.cases.models import RequestDraft

    sub = h.active_line(contract)
    prepaid = h.active_line(contract, prepaid=True)
    client.force_login(roa)
    table_path = reverse("dualbilling:disable")
    session = client.session
    session[f"portale.lists:{table_path}:lista-linestable"] = [str(sub.pk), str(prepaid.pk)]
    session.save()
    response = client.post(reverse("dualbilling:disable_step"))
    assert response.status_code == 302
    first = RequestDraft.objects.get(user=roa)
    assert first.operation == "dual_disable_subscription"
    assert [i["line_id"] for i in first.payload["lines"]] == [sub.pk]
    assert client.session[f"portale.lists:{table_path}:lista-linestable"] == [str(prepaid.pk)]
    client.post(reverse("dualbilling:disable_step"))
    second = RequestDraft.objects.exclude(pk=first.pk).get(user=roa)
    assert second.operation == "dual_disable_prepaid"


def test_legacy_tim_tuo_is_kept_only_on_the_same_ente(client, contract):
    """G-39: a Convention 6/7 user finds TIM TUO active only if the line still belongs to the
    Ente they registered with; otherwise the line is to be associated again."""
    line = h.active_line(contract)
    same = f.UserFactory(
        mobile=line.msisdn, origin="legacy", entity_fiscal_code=contract.administration.fiscal_code
    )
    client.force_login(same)
    assert 'data-state="active"' in client.get(reverse("dualbilling:manage")).content.decode()
    same.entity_fiscal_code = "80000000000"  # the Ente of the old portal
    same.save()
    html = client.get(reverse("dualbilling:manage")).content.decode()
    assert 'data-state="enabled"' in html and "Associa" in html


def test_modifica_email_asks_the_sms_code_then_sends_the_link_and_comes_back(client, contract):
    """ "MODIFICA EMAIL" of "La mia fattura" is the "Dati personali" change (G-49): a stolen
    session alone cannot redirect the invoice notices to another address."""
    from portale.accounts.testing import link_from_outbox, otp_from_outbox
    from portale.core.models import OutboxMessage

    line = h.active_line(contract)
    user = f.UserFactory(mobile=line.msisdn)
    client.force_login(user)
    url = reverse("dualbilling:invoice_email")
    bad = client.post(url, {"new_email": "non-un-indirizzo"})
    assert bad.status_code == 200 and 'value="non-un-indirizzo"' in bad.content.decode()
    r = client.post(url, {"new_email": "fatture@comune.example.it"})
    assert r.status_code == 302 and r["Location"] == reverse("accounts:personal_data_verify")
    assert not OutboxMessage.objects.filter(kind="email_change").exists()  # the code first
    verify = client.get(r["Location"]).content.decode()
    assert f'href="{reverse("dualbilling:invoices")}"' in verify  # ANNULLA comes back here
    r = client.post(r["Location"], {"code": otp_from_outbox(to=user.mobile)})
    assert r.status_code == 302 and r["Location"] == reverse("dualbilling:invoices")
    client.post(link_from_outbox(to="fatture@comune.example.it", kind="email_change"))
    user.refresh_from_db()
    assert user.email == "fatture@comune.example.it"


def test_the_employees_pages_name_tim_tuo_in_the_window_title(client, contract):
    """The headings follow the guide ("Gestisci", "Modifica"); the window's title says where
    they sit, or a browser tab read "Modifica" alone. "Modifica dell'IBAN" is spelled so."""
    line = h.active_line(contract, payment_method="BANCA")
    client.force_login(f.UserFactory(mobile=line.msisdn))
    pages = {
        "dualbilling:manage": "Associa/Modifica - Gestisci - TIM TUO",
        "dualbilling:report": "Reportistica - Gestisci - TIM TUO",
        "dualbilling:edit": "Modifica - Gestisci - TIM TUO",
        "dualbilling:invoices": "La mia fattura - TIM TUO",
    }
    for name, title in pages.items():
        html = client.get(reverse(name)).content.decode()
        assert f"<title>{title} · TIM</title>" in html, name
    html = client.get(reverse("dualbilling:edit")).content.decode()
    assert "Modifica dell'IBAN" in html and "Modifica del IBAN" not in html
    assert "servizio TIM TUO" in html
