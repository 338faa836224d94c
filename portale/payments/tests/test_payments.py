"""The payment flow against the sandbox PSP: hosted page, 3-D Secure, return and signed
notification in every order, replays and forgeries, failures, mandates, saved methods."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse
from payments import PaymentStatus

from portale.payments import services
from portale.payments.hooks import register_purpose
from portale.payments.models import Payment, PaymentEvent, SandboxNotification, SavedMethod
from portale.payments.signing import SIGNATURE_HEADER, sign
from portale.payments.tasks import deliver
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

hook_calls: list[tuple[str, str]] = []
PAN = "4000000000003220"


def _ok(payment):
    hook_calls.append(("ok", payment.order_number))


def _ko(payment):
    hook_calls.append(("ko", payment.order_number))


@pytest.fixture(autouse=True)
def purpose():
    hook_calls.clear()
    register_purpose("test_purpose", on_success=_ok, on_failure=_ko)


@pytest.fixture
def user():
    return f.UserFactory()


def _start(user, **kwargs):
    defaults = {
        "user": user,
        "amount": Decimal("20"),
        "purpose": "test_purpose",
        "description": "Ricarica di prova",
        "return_url": "/area-privata/esito/",
        "reference": {"line_id": 1},
    }
    return services.payment_start(**{**defaults, **kwargs})


def _return_fields(response) -> dict:
    html = response.content.decode()
    return {
        m.group(1): unescape(m.group(2))
        for m in re.finditer(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
    }


def _pay(client, start, data, *, deliver_now=False, django_capture_on_commit_callbacks=None):
    """Fill the hosted page; returns the return page's signed fields (notification queued)."""
    response = client.post(start.redirect_url, data)
    if response.status_code == 302:  # 3-D Secure
        return response
    assert response.status_code == 200
    return _return_fields(response)


CARD_OK = {
    "titolare": "Gina Deiana",
    "numero": "4242 4242 4242 4242",
    "scadenza": "12/39",
    "cvv": "123",
}


def _notification(start) -> SandboxNotification:
    return SandboxNotification.objects.filter(url=start.payment.get_process_url()).latest("pk")


def test_start_redirects_to_the_hosted_page_and_reading_it_writes_nothing(client, user):
    start = _start(user)
    assert start.redirect_url.startswith("/psp-sandbox/pagamento/")
    assert start.payment.status == PaymentStatus.WAITING
    assert re.fullmatch(r"[0-9A-F]{10}", start.payment.order_number)
    response = client.get(start.redirect_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert start.payment.order_number in html
    # the amount as the portal writes every amount (not "20.00 €")
    assert '<dd class="col-6" id="psp-amount">20,00 €</dd>' in html


def test_card_payment_return_then_notification_runs_the_hook_once(client, user):
    start = _start(user)
    fields = _pay(client, start, CARD_OK)
    assert fields["esito"] == "AUTORIZZATO" and fields["carta"] == "*****4242"
    response = client.post(start.payment.get_process_url(), fields)
    assert response.status_code == 302
    assert response["Location"] == f"/area-privata/esito/?pagamento={start.payment.token}"
    payment = Payment.objects.get(pk=start.payment.pk)
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.card_masked == "*****4242" and payment.card_brand == "VISA"
    assert payment.effect_done_at is not None
    assert payment.psp_token == ""  # nothing kept: the user did not save the card
    # the notification arrives after the return: recorded, nothing done twice
    assert deliver(_notification(start)) == 200
    assert [("ok", payment.order_number)] == hook_calls
    outcomes = list(payment.events.values_list("source", "outcome"))
    assert outcomes == [("RITORNO", "APPLICATO"), ("NOTIFICA", "IGNORATO")]


def test_notification_before_the_return(client, user):
    start = _start(user)
    fields = _pay(client, start, CARD_OK)
    assert deliver(_notification(start)) == 200
    assert Payment.objects.get(pk=start.payment.pk).status == PaymentStatus.CONFIRMED
    response = client.post(start.payment.get_process_url(), fields)
    assert response.status_code == 302
    assert [("ok", start.payment.order_number)] == hook_calls


def test_the_sandbox_delivers_its_notification_on_commit(
    client, user, django_capture_on_commit_callbacks
):
    start = _start(user)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(client, start, CARD_OK)
    notification = _notification(start)
    assert notification.delivered_at is not None and notification.response_status == 200
    assert Payment.objects.get(pk=start.payment.pk).status == PaymentStatus.CONFIRMED
    assert [("ok", start.payment.order_number)] == hook_calls


def test_replayed_notification_is_a_duplicate(client, user):
    start = _start(user)
    _pay(client, start, CARD_OK)
    notification = _notification(start)
    for _i in range(3):
        response = client.post(
            notification.url,
            notification.body,
            content_type="application/json",
            headers={SIGNATURE_HEADER: notification.signature},
        )
        assert response.status_code == 200
    assert [("ok", start.payment.order_number)] == hook_calls
    outcomes = list(start.payment.events.values_list("outcome", flat=True))
    assert outcomes == ["APPLICATO", "DUPLICATO", "DUPLICATO"]


def test_forged_notification_is_refused_and_changes_nothing(client, user):
    start = _start(user)
    body = json.dumps(
        {
            "ordine": str(start.payment.token),
            "evento": "x1",
            "esito": "AUTORIZZATO",
            "importo": "20.00",
        }
    )
    for signature in ("", "0" * 64, sign("another secret", body.encode())):
        response = client.post(
            start.payment.get_process_url(),
            body,
            content_type="application/json",
            headers={SIGNATURE_HEADER: signature},
        )
        assert response.status_code == 403
    # a forged return (fields changed after signing) too
    fields = _pay(client, start, {**CARD_OK, "numero": "4000000000000002"})
    assert fields["esito"] == "RIFIUTATO"
    response = client.post(start.payment.get_process_url(), {**fields, "esito": "AUTORIZZATO"})
    assert response.status_code == 403
    payment = Payment.objects.get(pk=start.payment.pk)
    assert payment.status == PaymentStatus.WAITING and not payment.events.exists()
    assert hook_calls == []


def test_notification_for_another_order_is_refused(client, user):
    first, second = _start(user), _start(user)
    _pay(client, first, CARD_OK)
    notification = _notification(first)
    # the genuine notification of the first order, posted at the second order's URL
    response = client.post(
        second.payment.get_process_url(),
        notification.body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: notification.signature},
    )
    assert response.status_code == 400
    assert Payment.objects.get(pk=second.payment.pk).status == PaymentStatus.WAITING
    # a signed notification with another amount is refused as well
    body = json.dumps({**json.loads(notification.body), "importo": "150.00"})
    response = client.post(
        first.payment.get_process_url(),
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(services.settings.PAYMENT_SANDBOX_SECRET, body.encode())},
    )
    assert response.status_code == 400
    assert hook_calls == []


def test_static_callback_checks_the_signature_and_the_order(client, user):
    start = _start(user)
    _pay(client, start, CARD_OK)
    notification = _notification(start)
    url = reverse("payments:callback", args=["sandbox"])
    bad = client.post(
        url, notification.body, content_type="application/json", headers={SIGNATURE_HEADER: "0"}
    )
    assert bad.status_code == 403
    unknown = json.dumps(
        {**json.loads(notification.body), "ordine": "00000000-0000-4000-8000-000000000000"}
    )
    response = client.post(
        url,
        unknown,
        content_type="application/json",
        headers={
            SIGNATURE_HEADER: sign(services.settings.PAYMENT_SANDBOX_SECRET, unknown.encode())
        },
    )
    assert response.status_code == 404
    good = client.post(
        url,
        notification.body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: notification.signature},
    )
    assert good.status_code == 200
    assert [("ok", start.payment.order_number)] == hook_calls


def test_declined_card_fails_without_the_success_hook(client, user):
    start = _start(user)
    fields = _pay(client, start, {**CARD_OK, "numero": "4000000000000002"})
    response = client.post(start.payment.get_process_url(), fields)
    assert response.status_code == 302
    deliver(_notification(start))
    payment = Payment.objects.get(pk=start.payment.pk)
    assert payment.status == PaymentStatus.REJECTED and payment.effect_done_at is None
    assert payment.card_masked == ""
    assert [("ko", payment.order_number)] == hook_calls


def test_cancelled_on_the_hosted_page(client, user):
    start = _start(user)
    fields = _pay(client, start, {"annulla": "1"})
    assert fields["esito"] == "ANNULLATO"
    client.post(start.payment.get_process_url(), fields)
    assert Payment.objects.get(pk=start.payment.pk).status == PaymentStatus.CANCELLED
    assert [("ko", start.payment.order_number)] == hook_calls


def test_three_d_secure_challenge(client, user):
    start = _start(user)
    response = client.post(start.redirect_url, {**CARD_OK, "numero": PAN})
    assert response.status_code == 302 and "/psp-sandbox/3ds/" in response["Location"]
    page = client.get(response["Location"])
    assert "Verifica 3-D Secure" in page.content.decode()
    wrong = _return_fields(client.post(response["Location"], {"codice": "000000"}))
    assert wrong["esito"] == "RIFIUTATO"
    second = _start(user)
    challenge = client.post(second.redirect_url, {**CARD_OK, "numero": PAN})["Location"]
    right = _return_fields(client.post(challenge, {"codice": "123456"}))
    assert right["esito"] == "AUTORIZZATO" and right["carta"] == "*****3220"
    client.post(second.payment.get_process_url(), right)
    assert Payment.objects.get(pk=second.payment.pk).status == PaymentStatus.CONFIRMED


def test_hosted_page_refuses_a_real_card_and_an_expired_one(client, user):
    start = _start(user)
    page = client.post(start.redirect_url, {**CARD_OK, "numero": "4111 1111 1111 1111"})
    assert "carte di prova" in page.content.decode()
    page = client.post(start.redirect_url, {**CARD_OK, "scadenza": "01/20"})
    assert "scaduta" in page.content.decode()
    assert not SandboxNotification.objects.exists()


def test_mandate_returns_token_and_masked_card_and_no_card_number_is_stored(client, user):
    start = services.mandate_start(
        user=user,
        purpose="test_purpose",
        description="Domiciliazione TIM TUO",
        return_url="/area-privata/tim-tuo/",
        holder="Gina Deiana",
    )
    challenge = client.post(start.redirect_url, {**CARD_OK, "numero": PAN})["Location"]
    fields = _return_fields(client.post(challenge, {"codice": "123456"}))
    client.post(start.payment.get_process_url(), fields)
    deliver(_notification(start))
    payment = Payment.objects.get(pk=start.payment.pk)
    assert payment.kind == Payment.Kind.MANDATE and payment.total == 0
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.psp_token.startswith("sbx_") and payment.card_masked == "*****3220"
    assert payment.card_expiry == "12/39"
    # no table of the portal holds the card number or the CVV
    with connection.cursor() as cursor:
        for model in (Payment, PaymentEvent, SandboxNotification, SavedMethod):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert PAN not in dump and "3220'" not in dump.replace("*****3220'", "")


def test_saved_method_is_reused_and_deleted_only_by_its_owner(client, user):
    start = _start(user, save_method=True)
    client.post(start.payment.get_process_url(), _pay(client, start, CARD_OK))
    method = SavedMethod.objects.get(user=user)
    assert method.masked == "*****4242" and method.brand == "VISA"
    again = _start(user, saved_method_id=method.pk)
    page = client.get(again.redirect_url)
    assert "metodo salvato" in page.content.decode()
    fields = _return_fields(client.post(again.redirect_url, {"paga": "1"}))
    client.post(again.payment.get_process_url(), fields)
    assert Payment.objects.get(pk=again.payment.pk).status == PaymentStatus.CONFIRMED
    other = f.UserFactory()
    with pytest.raises(services.PaymentRefused):
        _start(other, saved_method_id=method.pk)
    with pytest.raises(SavedMethod.DoesNotExist):
        services.saved_method_delete(user=other, method_id=method.pk)
    services.saved_method_delete(user=user, method_id=method.pk)
    assert not SavedMethod.objects.exists()


def test_paypal_through_the_sandbox(client, user):
    start = _start(user, method="PAYPAL")
    fields = _pay(client, start, {"email": "gina@example.it", "password": "sandbox"})
    client.post(start.payment.get_process_url(), fields)
    payment = Payment.objects.get(pk=start.payment.pk)
    assert payment.status == PaymentStatus.CONFIRMED and payment.card_masked == "g***@example.it"
    declined = _start(user, method="PAYPAL")
    fields = _pay(client, declined, {"email": "rifiuta@example.it", "password": "sandbox"})
    assert fields["esito"] == "RIFIUTATO"


def test_start_refuses_bad_input(user):
    with pytest.raises(services.PaymentRefused):
        _start(user, amount=Decimal("0"))
    with pytest.raises(services.PaymentRefused):
        _start(user, purpose="nobody_registered_this")
    with pytest.raises(services.PaymentRefused):
        _start(user, return_url="https://evil.example/")


def test_tampered_hosted_page_session_is_not_found(client, user):
    start = _start(user)
    assert client.get(start.redirect_url[:-3] + "xx/").status_code == 404


def test_get_of_the_process_url_writes_nothing(client, user):
    start = _start(user)
    response = client.get(start.payment.get_process_url())
    assert response.status_code == 302
    assert Payment.objects.get(pk=start.payment.pk).status == PaymentStatus.WAITING


def test_a_library_provider_reporting_through_change_status_runs_the_hook_once(user):
    start = _start(user)
    payment = Payment.objects.get(pk=start.payment.pk)
    payment.transaction_id = "pi_123"
    payment.change_status(PaymentStatus.CONFIRMED)
    payment.change_status(PaymentStatus.CONFIRMED)
    assert payment.status == PaymentStatus.CONFIRMED and payment.transaction_id == "pi_123"
    assert hook_calls == [("ok", payment.order_number)]


def test_without_a_configured_provider_no_payment_starts(user, settings):
    settings.PAYMENT_PROVIDER = ""
    with pytest.raises(services.PaymentRefused):
        _start(user)
