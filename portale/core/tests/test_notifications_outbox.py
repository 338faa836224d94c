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


# --- delivery is a durable job (portale.core.jobs, kind "outbox") -----------------------------
@pytest.fixture
def sends(monkeypatch):
    """Every call of the SMS backend's ``send`` (the provider), with the row as the DB had it."""
    from portale.core.notifications import backends

    class Calls(list):
        hooks: list

    calls = Calls()
    backend_class = type(backends.get_backend("sms"))
    real_send = backend_class.send

    def send(self, message):
        row = OutboxMessage.objects.get(pk=message.pk)
        calls.append((message.pk, row.status, row.claimed_at))
        if hooks:
            hooks.pop(0)(message)
        return real_send(self, message)

    hooks: list = []
    monkeypatch.setattr(backend_class, "send", send)
    calls.hooks = hooks
    return calls


def test_delivery_is_the_outbox_kind_of_the_core_durable_jobs():
    from portale.core import jobs
    from portale.core.notifications import services

    assert jobs.REGISTRY["outbox"].task is services.deliver
    assert not hasattr(services, "requeue_stale")  # one mechanism: no sweep of its own


@pytest.mark.django_db
def test_a_message_written_while_the_queue_is_unreachable_is_sent_by_the_sweep(
    queue_down, sends, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from portale.core import jobs
    from portale.core.notifications.services import START_GRACE

    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3470000001", text="Pratica 42 evasa", kind="pratica")
    assert queue_down, "the wake-up call was attempted"
    message.refresh_from_db()
    assert (message.status, message.attempts, sends) == ("queued", 0, [])

    # Within the grace period the sweep leaves it alone (its wake-up may still arrive).
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(now=message.created_at + timedelta(seconds=30))["outbox"] == 0
    # The queue is back: the first sweep after the grace period sends it, once.
    queue_down.back()
    later = message.created_at + START_GRACE + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(now=later)["outbox"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert [pk for pk, *_ in sends] == [message.pk]
    # Sent: no later sweep wakes it again.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep(now=later + timedelta(hours=1))["outbox"] == 0
    assert len(sends) == 1


@pytest.mark.django_db
def test_a_message_is_claimed_before_it_is_sent_and_never_sent_by_two_workers(
    sends, django_capture_on_commit_callbacks
):
    from portale.core import jobs
    from portale.core.notifications.services import deliver_now

    message = OutboxMessage.objects.create(channel="sms", recipient="3470000003", text="x")
    seen = []

    def second_worker(msg):
        # A retry, a duplicate wake-up or the sweep reaches the same row meanwhile.
        seen.append(deliver_now(msg.pk))
        with django_capture_on_commit_callbacks(execute=True):
            seen.append(jobs.sweep()["outbox"])

    sends.hooks.append(second_worker)
    assert deliver_now(message.pk) == "sent"
    ((pk, status_while_sending, claimed_at),) = sends
    assert (pk, status_while_sending) == (message.pk, "sending") and claimed_at is not None
    assert seen == ["sending", 0]  # the claim kept both away from the provider
    assert deliver_now(message.pk) == "sent"  # already sent: nothing more
    message.refresh_from_db()
    assert (message.status, message.attempts, len(sends)) == ("sent", 1, 1)


@pytest.mark.django_db
def test_a_row_left_sending_by_a_crashed_worker_is_sent_again_by_the_sweep(
    sends, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from portale.core import jobs
    from portale.core.notifications.services import STUCK_AFTER

    died_at = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    crashed = OutboxMessage.objects.create(channel="sms", recipient="3470000004", text="y")
    busy = OutboxMessage.objects.create(channel="sms", recipient="3470000005", text="z")
    # Both were claimed by a worker (attempt 1); the first one's worker was SIGKILLed.
    OutboxMessage.objects.filter(pk=crashed.pk).update(
        status="sending", claimed_at=died_at, attempts=1
    )
    OutboxMessage.objects.filter(pk=busy.pk).update(
        status="sending", claimed_at=timezone.now(), attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep()["outbox"] == 1
    crashed.refresh_from_db()
    busy.refresh_from_db()
    assert (crashed.status, crashed.attempts) == ("sent", 2)
    assert (busy.status, busy.attempts) == ("sending", 1)  # a live worker is on it: left alone
    assert [pk for pk, *_ in sends] == [crashed.pk]


@pytest.mark.django_db
@override_settings(NOTIFY_SMS_BACKEND="http", SMS_HTTP_URL="http://127.0.0.1:9/sms")
def test_a_secret_sent_again_after_a_crash_is_blanked_once_delivered(
    monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from portale.core import jobs
    from portale.core.notifications import backends
    from portale.core.notifications.services import STUCK_AFTER

    delivered = []
    monkeypatch.setattr(
        type(backends.get_backend("sms")), "send", lambda self, m: delivered.append(m.text)
    )
    # A login code claimed by a worker that was SIGKILLed before the provider answered.
    message = OutboxMessage.objects.create(
        channel="sms", recipient="3470000006", text="Codice 654321", kind="otp", secret=True
    )
    died_at = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(status="sending", claimed_at=died_at)
    message.refresh_from_db()
    assert message.text == "Codice 654321"  # not delivered yet: the secret is still needed
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.sweep()["outbox"] == 1
    message.refresh_from_db()
    assert delivered == ["Codice 654321"]
    assert message.status == "sent" and message.text == OutboxMessage.REDACTED
    assert message.redacted_at is not None


@pytest.mark.django_db
def test_a_message_that_kills_its_worker_every_time_ends_failed_unsent(sends):
    from datetime import timedelta

    from django.utils import timezone

    from portale.core.notifications.services import MAX_ATTEMPTS, STUCK_AFTER, deliver_now

    died_at = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    message = OutboxMessage.objects.create(channel="sms", recipient="3470000007", text="w")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", claimed_at=died_at, attempts=MAX_ATTEMPTS
    )
    assert deliver_now(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == "failed" and message.last_error and sends == []
