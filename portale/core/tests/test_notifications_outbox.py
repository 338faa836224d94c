"""Notifications through the default outbox backend; the demo outbox page; the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from portale.core.models import OutboxMessage
from portale.core.notifications import EMAIL_FOOTER, send_email, send_sms
from portale.core.tasks import HUEY


@pytest.fixture(autouse=True)
def _flush_queue():
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.mark.django_db
def test_sms_is_stored_then_marked_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = send_sms(to="347 123 4567", text="Codice OTP: 123456", kind="otp")
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.QUEUED  # not before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.channel == "sms"
    assert message.recipient == "3471234567"
    assert message.sender == "40134"  # settings.SMS_OTP_SENDER
    assert message.kind == "otp"
    assert message.status == OutboxMessage.Status.SENT
    assert message.backend == "outbox"
    assert message.attempts == 1
    assert message.sent_at is not None


@pytest.mark.django_db
@override_settings(SMS_OTP_SENDER="")
def test_sms_sender_falls_back_to_timbusiness_and_can_be_given(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        default = send_sms(to="3471234567", text="x")
        given = send_sms(to="3471234567", text="y", sender="TIM")
    assert default.sender == "TIMBusiness"
    assert given.sender == "TIM"


@pytest.mark.django_db
def test_email_is_stored_with_footer_and_attachments(django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_email(
            to="mario.rossi@comune.example.it",
            subject="Pratica 42 inserita",
            text="Gentile utente,\nla pratica 42 è stata inserita.",
            html="<html><body><p>La pratica 42 è stata inserita.</p></body></html>",
            attachments=[("riepilogo.pdf", b"%PDF-1.7 fake", "application/pdf")],
            kind="pratica",
        )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sender == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Pratica 42 inserita"
    assert message.text.startswith("Gentile utente,\nla pratica 42")
    assert message.text.rstrip().endswith(EMAIL_FOOTER)
    assert EMAIL_FOOTER in message.html
    assert message.html.index(EMAIL_FOOTER) < message.html.index("</body>")
    (attachment,) = message.attachments.all()
    assert (attachment.filename, bytes(attachment.content), attachment.mimetype) == (
        "riepilogo.pdf",
        b"%PDF-1.7 fake",
        "application/pdf",
    )


@pytest.mark.django_db
def test_email_address_is_validated():
    with pytest.raises(ValidationError):
        send_email(to="non-un-indirizzo", subject="x", text="y")


@pytest.mark.django_db
def test_nothing_is_stored_or_sent_when_the_caller_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_sms(to="3471234567", text="Codice OTP: 111111")
        send_email(to="a@example.it", subject="x", text="y")
        raise RuntimeError("the request failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
@override_settings(NOTIFY_SMS_BACKEND="carrier-pigeon")
def test_unknown_backend_is_a_configuration_error(django_capture_on_commit_callbacks):
    from django.core.exceptions import ImproperlyConfigured

    from portale.core.notifications.backends import get_backend

    with pytest.raises(ImproperlyConfigured, match="outbox"):
        get_backend("sms")


@pytest.mark.django_db
@override_settings(NOTIFY_EMAIL_BACKEND="django")
def test_django_backend_uses_email_backend_setting(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        send_email(to="a@example.it", subject="Oggetto", text="Testo")
    (mail,) = mailoutbox
    assert mail.subject == "Oggetto"
    assert EMAIL_FOOTER in mail.body


@pytest.mark.django_db
def test_demo_outbox_page_lists_newest_first(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_sms(to="3470000001", text="Codice OTP: 100001", kind="otp")
        send_email(to="ente@example.it", subject="Benvenuto", text="Registrazione completata")
        send_sms(to="3470000002", text="Codice OTP: 200002", kind="otp")
    response = client.get(reverse("demo:outbox"))  # anonymous: a demo tool
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("200002") < html.index("Benvenuto") < html.index("100001")
    assert "ente@example.it" in html and "Tot. record 3" in html
    assert 'class="table table-striped' in html

    only_sms = client.get(reverse("demo:outbox"), {"channel": "sms", "q": "0002"})
    assert "200002" in only_sms.content.decode()
    assert "100001" not in only_sms.content.decode()


@pytest.mark.django_db
def test_demo_outbox_page_paginates_by_50(client):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(channel="sms", recipient=f"34700{n:05d}", text=f"msg {n}") for n in range(60)
    )
    first = client.get(reverse("demo:outbox"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("demo:outbox"), {"page": 2})
    assert len(second.context["page"].object_list) == 10
    assert "Pagina 2 di 2" in second.content.decode()


@pytest.mark.django_db
@override_settings(PORTALE_DEMO=False)
def test_outbox_view_is_off_without_demo(rf):
    from django.http import Http404

    from portale.core.notifications.views import outbox

    with pytest.raises(Http404):
        outbox(rf.get("/demo/outbox/"))


@pytest.mark.django_db
def test_admin_is_read_only(client, django_capture_on_commit_callbacks):
    from portale.records.tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice OTP: 123456")
    assert client.get(reverse("admin:core_outboxmessage_changelist")).status_code == 200
    detail = client.get(reverse("admin:core_outboxmessage_change", args=[message.pk]))
    assert detail.status_code == 200 and "123456" in detail.content.decode()
    assert client.get(reverse("admin:core_outboxmessage_add")).status_code == 403
    response = client.post(
        reverse("admin:core_outboxmessage_change", args=[message.pk]), {"text": "changed"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_stale_queued_messages_are_queued_again(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from portale.core.notifications.services import requeue_stale

    old = OutboxMessage.objects.create(channel="sms", recipient="3470000001", text="old")
    fresh = OutboxMessage.objects.create(channel="sms", recipient="3470000002", text="fresh")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale.call_local() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "sent"
    assert fresh.status == "queued"


@pytest.mark.django_db
def test_a_message_being_sent_is_not_sent_again_by_a_second_worker(monkeypatch):
    from portale.core.notifications import backends
    from portale.core.notifications.services import deliver_now

    message = OutboxMessage.objects.create(channel="sms", recipient="3470000003", text="x")
    sends = []
    backend = backends.get_backend("sms")

    def send(msg):
        sends.append(msg.pk)
        # a second worker (a retry, or the stale sweep) reaches the same row meanwhile
        assert deliver_now(msg.pk) == "sending"

    monkeypatch.setattr(type(backend), "send", lambda self, msg: send(msg))
    assert deliver_now(message.pk) == "sent"
    assert sends == [message.pk]
    assert deliver_now(message.pk) == "sent"  # already sent: nothing more
    assert sends == [message.pk]


@pytest.mark.django_db
def test_a_row_left_sending_by_a_crashed_worker_is_delivered_by_the_sweep(
    django_capture_on_commit_callbacks,
):
    from datetime import timedelta

    from django.utils import timezone

    from portale.core.notifications.services import requeue_stale

    long_ago = timezone.now() - timedelta(hours=1)
    crashed = OutboxMessage.objects.create(channel="sms", recipient="3470000004", text="y")
    busy = OutboxMessage.objects.create(channel="sms", recipient="3470000005", text="z")
    OutboxMessage.objects.filter(pk=crashed.pk).update(status="sending", claimed_at=long_ago)
    OutboxMessage.objects.filter(pk=busy.pk).update(status="sending", claimed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale.call_local() == 1
    crashed.refresh_from_db()
    busy.refresh_from_db()
    assert crashed.status == "sent" and crashed.attempts == 1
    assert busy.status == "sending"  # a worker is on it right now: left alone
