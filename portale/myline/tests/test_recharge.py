"""La mia SIM, Promemoria PIN/PUK, Ricarica personale through the sandbox PSP and the
recharge history (F-9.1.1 … F-9.1.3, P-28, G-42)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.cases import services as cases
from portale.cases.models import Case, CaseState
from portale.fulfilment import engine
from portale.payments.models import Payment, SandboxNotification, SavedMethod
from portale.payments.signing import SIGNATURE_HEADER
from portale.payments.tasks import deliver
from portale.records.models import Line, PersonalRecharge, Sim
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

CARD = {"titolare": "Gina Deiana", "numero": "4242424242424242", "scadenza": "12/39", "cvv": "123"}


@pytest.fixture
def line(prepaid_employee):
    line = Line.objects.get(msisdn=prepaid_employee.mobile)
    line.personal_credit = Decimal("5.00")
    line.company_credit = Decimal("7.00")
    line.save()
    return line


@pytest.fixture
def client_in(client, prepaid_employee):
    client.force_login(prepaid_employee)
    return client


def _fields(response) -> dict:
    return {
        m.group(1): unescape(m.group(2))
        for m in re.finditer(
            r'<input type="hidden" name="(\w+)" value="([^"]*)"', response.content.decode()
        )
    }


def _pay(client, amount=20, card=None, method="carta", salva=False):
    """Amount → method → the PSP's page → the card: returns (payment, return fields)."""
    response = client.post(reverse("myline:recharge"), {"importo": amount})
    assert response.status_code == 302
    pay_url = response["Location"]
    assert pay_url == f"{reverse('myline:recharge_pay')}?importo={amount}"
    data = {"importo": amount, "metodo": method}
    if salva:
        data["salva"] = "on"
    response = client.post(pay_url, data)
    assert response.status_code == 302 and response["Location"].startswith("/psp-sandbox/")
    payment = Payment.objects.latest("pk")
    fields = _fields(client.post(response["Location"], card if card is not None else CARD))
    return payment, fields


def _return(client, payment, fields):
    response = client.post(payment.get_process_url(), fields)
    assert response.status_code == 302
    return client.get(response["Location"])


def test_sim_page(client_in, line):
    line.one_number = True
    line.save()
    main = line.sims.get()
    secondary = f.SimFactory(line=line, contract=line.contract, role=Sim.Role.SECONDARY)
    page = client_in.get(reverse("myline:sim")).content.decode()
    for text in (line.msisdn, main.iccid, secondary.iccid, "Richiedi", "Principale", "Secondaria"):
        assert text in page
    assert "5,00 €" in page and "Ricarica il tuo credito" in page
    assert "Non hai pacchetti o plafond personali attivi" in page
    f.DualBillingOptionFactory(line=line, code="S4", activation_date=timezone.localdate())
    page = client_in.get(reverse("myline:sim")).content.decode()
    assert "Traffico personale disponibile" in page and "4,00 GB rimasti su 4,00" in page
    imei = client_in.get(reverse("myline:sim_imei", args=[secondary.pk]), HTTP_HX_REQUEST="true")
    assert imei.status_code == 200


def test_sim_page_after_a_sim_change_shows_the_new_sim(client, employee, employee_line):
    """F-9.1.4: once the "Cambio SIM" pratica is closed, La mia SIM shows the SIM now in
    service, its IMEI and PIN/PUK links; the replaced SIM, ceased, is no longer listed."""
    old = employee_line.sims.get()
    new = f.SimFactory(line=None, contract=employee_line.contract, state=Sim.State.STOCK)
    case = cases.case_file(
        operation="employee_sim_change",
        actor=employee,
        contract=employee_line.contract,
        line=employee_line,
        payload={"sim": str(old.pk), "new_iccid": new.iccid[-10:], "causale": "GUASTO"},
    )
    engine.run_until_idle()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    client.force_login(employee)
    page = client.get(reverse("myline:sim")).content.decode()
    assert new.iccid in page and old.iccid not in page
    assert reverse("myline:pin_puk", args=[new.pk]) in page
    assert client.get(reverse("myline:pin_puk", args=[old.pk])).status_code == 404


def test_pin_puk_page_has_no_form_that_reaches_the_server(client_in, line):
    page = client_in.get(reverse("myline:pin_puk", args=[line.sims.get().pk])).content.decode()
    form = re.search(r'<form id="pin-puk"[^>]*>', page).group(0)
    assert "action" not in form and "method" not in form
    assert "csrfmiddlewaretoken" not in page.split('<form id="pin-puk"', 1)[1].split("</form>")[0]
    assert 'src="/static/myline/pin_puk.js"' in page


def test_recharge_by_card_files_the_pratica_and_credits_the_personal_basket(
    client_in, line, prepaid_employee
):
    payment, fields = _pay(client_in)
    assert fields["esito"] == "AUTORIZZATO"
    page = _return(client_in, payment, fields).content.decode()
    assert "Ricarica effettuata" in page and payment.order_number in page
    assert "*****4242" in page and "20,00 €" in page
    case = Case.objects.get(operation="personal_recharge")
    assert case.description == "Ricarica manuale web/app" and case.line_id == line.pk
    assert case.payload == {"line_id": line.pk, "amount": "20.00", "order": payment.order_number}
    # the pratica's summary (its page in "Storico pratiche") writes the amount as the portal does
    assert ["Importo", "", "20,00 €"] in [list(row) for row in case.summary]
    assert not case.orders.exists()  # pratica without ordine
    engine.run_until_idle()
    case.refresh_from_db()
    line.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert line.personal_credit == Decimal("25.00") and line.company_credit == Decimal("7.00")
    recharge = PersonalRecharge.objects.get(line=line)
    assert (recharge.amount, recharge.channel, recharge.reference) == (
        Decimal("20.00"),
        "WEB",
        payment.order_number,
    )
    history = client_in.get(reverse("myline:recharges")).content.decode()
    assert "Ricarica da WEB" in history and "Tot. record 1" in history


def test_notification_replayed_files_one_pratica_and_credits_once(client_in, line):
    payment, fields = _pay(client_in)
    notification = SandboxNotification.objects.latest("pk")
    for _i in range(2):
        assert deliver(notification) == 200
        client_in.post(
            notification.url,
            notification.body,
            content_type="application/json",
            headers={SIGNATURE_HEADER: notification.signature},
        )
    _return(client_in, payment, fields)
    assert Case.objects.filter(operation="personal_recharge").count() == 1
    engine.run_until_idle()
    engine.run_until_idle()
    line.refresh_from_db()
    assert line.personal_credit == Decimal("25.00")


@pytest.mark.parametrize(
    ("card", "title"),
    [
        ({**CARD, "numero": "4000000000000002"}, "Pagamento non riuscito"),
        ({"annulla": "1"}, "Pagamento annullato"),
    ],
)
def test_failed_or_cancelled_payment_gives_no_credit(client_in, line, card, title):
    payment, fields = _pay(client_in, card=card)
    page = _return(client_in, payment, fields).content.decode()
    assert title in page
    deliver(SandboxNotification.objects.latest("pk"))
    engine.run_until_idle()
    line.refresh_from_db()
    assert line.personal_credit == Decimal("5.00")
    assert not Case.objects.filter(operation="personal_recharge").exists()
    assert not PersonalRecharge.objects.exists()


def test_a_pratica_cannot_be_filed_without_a_confirmed_payment(line, prepaid_employee):
    with pytest.raises(cases.InvalidRequest):
        cases.case_file(
            operation="personal_recharge",
            actor=prepaid_employee,
            contract=line.contract,
            line=line,
            payload={"line_id": line.pk, "amount": "20", "order": "ABCDEF0123"},
        )


def test_paypal_and_saved_methods(client_in, line, prepaid_employee):
    payment, fields = _pay(
        client_in, method="paypal", card={"email": "gina@example.it", "password": "sandbox"}
    )
    assert "g***@example.it" in _return(client_in, payment, fields).content.decode()
    payment, fields = _pay(client_in, salva=True)
    _return(client_in, payment, fields)
    saved = SavedMethod.objects.get(user=prepaid_employee)
    page = client_in.get(f"{reverse('myline:recharge_pay')}?importo=10").content.decode()
    assert "*****4242" in page and "Elimina" in page and "PSD2" in page
    response = client_in.post(
        reverse("myline:recharge_method_delete", args=[saved.pk]), {"importo": 10}
    )
    assert response.status_code == 302
    assert not SavedMethod.objects.exists()


def test_another_users_payment_result_is_not_found(client, line, prepaid_employee, contract):
    client.force_login(prepaid_employee)
    payment, fields = _pay(client)
    plan = line.tariff_plan
    other_line = f.SimFactory(line__contract=contract, line__tariff_plan=plan).line
    other = f.UserFactory(mobile=other_line.msisdn)
    client.force_login(other)
    url = f"{reverse('myline:recharge_result')}?pagamento={payment.token}"
    assert client.get(url).status_code == 404


def test_history_is_six_months_of_personal_recharges_only(client_in, line):
    now = timezone.now()
    for days, channel in ((1, "APP"), (20, "NEGOZIO"), (200, "WEB")):
        PersonalRecharge.objects.create(
            line=line,
            amount=Decimal("10"),
            channel=channel,
            recharged_at=now - datetime.timedelta(days=days),
        )
    f.ServiceSmsFactory(line=line)  # unrelated rows are not recharges
    page = client_in.get(reverse("myline:recharges")).content.decode()
    assert "Tot. record 2" in page
    assert "Ricarica da APP" in page and "Ricarica presso punto vendita" in page
    assert "Ricarica da altri canali" in page
    assert "Ricarica da WEB" not in page  # older than 6 months


def test_subscription_line_has_no_recharge(client, employee):
    client.force_login(employee)
    assert client.get(reverse("myline:recharge")).status_code in (403, 404)
    assert client.get(reverse("myline:sim")).status_code == 200


def test_the_pages_sharing_a_heading_have_their_own_window_title(client_in, line):
    """'Gestione ricariche' heads both pages (the guide); the browser tab says which."""
    titles = {
        name: re.search(r"<title>(.*?)</title>", client_in.get(reverse(name)).content.decode())
        .group(1)
        .strip()
        for name in ("myline:recharge", "myline:recharges")
    }
    assert titles["myline:recharge"].startswith("Ricarica personale - Gestione ricariche")
    assert titles["myline:recharges"].startswith("Storico ricariche personali - Gestione ricariche")
    sim = line.sims.first()
    imei = client_in.get(reverse("myline:sim_imei", args=[sim.pk])).content.decode()
    assert re.search(r"<title>\s*IMEI - La mia SIM", imei)
