"""Codes and links are not readable after delivery; the outbox has a retention (issue 15.2)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from portale.accounts.testing import TEST_PASSWORD, client_login
from portale.backoffice.services import operator_grant
from portale.core.models import OutboxMessage
from portale.core.notifications import send_email, send_sms
from portale.core.notifications.backends import Backend, register
from portale.core.notifications.services import outbox_purge

pytestmark = pytest.mark.usefixtures("empty_queue")

DELIVERED: list[str] = []


@register("sms", "test-memory")
class MemorySms(Backend):
    def send(self, message):
        DELIVERED.append(message.text)


@pytest.fixture
def real_providers():
    DELIVERED.clear()
    with override_settings(NOTIFY_SMS_BACKEND="test-memory", NOTIFY_EMAIL_BACKEND="django"):
        yield


@pytest.mark.django_db
def test_a_secret_sms_is_blanked_once_the_provider_has_it(
    real_providers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice 123456", kind="otp", secret=True)
        plain = send_sms(to="3471234567", text="Pratica 42 evasa", kind="pratica")
    assert DELIVERED == ["Codice 123456", "Pratica 42 evasa"]
    message.refresh_from_db()
    plain.refresh_from_db()
    assert message.status == "sent" and message.text == OutboxMessage.REDACTED
    assert message.redacted_at is not None
    assert plain.text == "Pratica 42 evasa"


@pytest.mark.django_db
def test_the_login_code_of_staff_reaches_the_mailbox_but_not_the_database(
    client, staff, real_providers, django_capture_on_commit_callbacks
):
    staff.set_password(TEST_PASSWORD)
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:login"), {"username": staff.username, "password": TEST_PASSWORD}
        )
    (sent,) = mail.outbox
    code = next(word.strip(".") for word in sent.body.split() if word.strip(".").isdigit())
    assert len(code) == 6
    assert not OutboxMessage.objects.filter(text__contains=code).exists()
    assert client.post(reverse("accounts:login_otp"), {"code": code}).status_code == 302


@pytest.mark.django_db
def test_a_reset_link_is_blanked_after_delivery(
    rf, employee, real_providers, django_capture_on_commit_callbacks
):
    from portale.accounts.services import recovery_reset_link_send

    with django_capture_on_commit_callbacks(execute=True):
        recovery_reset_link_send(request=rf.get("/"), user=employee, with_username=False)
    (sent,) = mail.outbox
    assert "/accesso/" in sent.body
    row = OutboxMessage.objects.get(recipient=employee.email)
    assert row.secret and row.text == OutboxMessage.REDACTED and row.html == ""


@pytest.mark.django_db
@override_settings(PORTALE_DEMO=False)
def test_without_the_demo_the_outbox_backend_keeps_no_secret(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice 123456", kind="otp", secret=True)
    message.refresh_from_db()
    assert message.text == OutboxMessage.REDACTED


@pytest.mark.django_db
def test_in_the_demo_a_secret_stays_readable_until_the_purge(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice 123456", kind="otp", secret=True)
    message.refresh_from_db()
    assert message.text == "Codice 123456"  # the demo outbox page is the delivery
    assert outbox_purge(now=timezone.now() + timedelta(hours=47))["redacted"] == 0
    assert outbox_purge(now=timezone.now() + timedelta(hours=49))["redacted"] == 1
    message.refresh_from_db()
    assert message.text == OutboxMessage.REDACTED


@pytest.mark.django_db
def test_the_outbox_keeps_messages_for_the_retention_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        old = send_email(to="a@ente.it", subject="Pratica", text="Evasa", kind="case")
        recent = send_email(to="b@ente.it", subject="Pratica", text="Evasa", kind="case")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    queued = send_email(to="c@ente.it", subject="Pratica", text="In coda", kind="case")
    OutboxMessage.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    assert outbox_purge()["deleted"] == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, queued.pk}


@pytest.mark.django_db
def test_the_admin_never_shows_or_searches_a_secret(client, staff):
    operator_grant(user=staff)
    message = send_sms(to="3471234567", text="Codice 654321", kind="otp", secret=True)
    assert OutboxMessage.objects.get(pk=message.pk).text == "Codice 654321"  # demo: kept
    client_login(client, staff)
    changelist = reverse("admin:core_outboxmessage_changelist")
    response = client.get(changelist, {"q": "654321"})
    assert response.status_code == 200
    assert message.pk not in [m.pk for m in response.context["cl"].result_list]
    page = client.get(reverse("admin:core_outboxmessage_change", args=[message.pk]))
    assert page.status_code == 200
    assert b"654321" not in page.content
    assert b"riservato" in page.content
