"""E-mail through the SMTP backend, against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from portale.core.models import OutboxMessage
from portale.core.notifications import EMAIL_FOOTER, send_email
from portale.core.tasks import DEFAULT_RETRIES
from portale.core.tests.queue import run_retries


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with override_settings(
            NOTIFY_EMAIL_BACKEND="smtp",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            yield handler
    finally:
        controller.stop()


pytestmark = pytest.mark.usefixtures("empty_queue")


@pytest.mark.django_db
def test_email_arrives_with_subject_body_footer_and_attachment(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    pdf = b"%PDF-1.7\n% riepilogo\n"
    with django_capture_on_commit_callbacks(execute=True):
        message = send_email(
            to="mario.rossi@comune.example.it",
            subject="Riepilogo pratica 42",
            text="Gentile utente,\nin allegato il riepilogo della pratica 42.",
            html="<p>In allegato il <b>riepilogo</b>.</p>",
            attachments=[("riepilogo-42.pdf", pdf, "application/pdf")],
            kind="pratica",
        )
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["mario.rossi@comune.example.it"]
    assert envelope.mail_from == "convenzionemobile8@telecomitalia.it"

    mail = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert mail["Subject"] == "Riepilogo pratica 42"
    assert mail["From"] == settings.DEFAULT_FROM_EMAIL
    assert mail["To"] == "mario.rossi@comune.example.it"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "in allegato il riepilogo della pratica 42." in text
    assert EMAIL_FOOTER in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<b>riepilogo</b>" in html and EMAIL_FOOTER in html
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "riepilogo-42.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.backend == "smtp"


@pytest.mark.django_db
def test_unreachable_smtp_server_is_retried_then_failed(django_capture_on_commit_callbacks):
    with (
        override_settings(
            NOTIFY_EMAIL_BACKEND="smtp", EMAIL_HOST="127.0.0.1", EMAIL_PORT=_free_port()
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = send_email(to="a@example.it", subject="x", text="y")
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("queued", 0)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)  # first attempt failed
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()

    with override_settings(
        NOTIFY_EMAIL_BACKEND="smtp", EMAIL_HOST="127.0.0.1", EMAIL_PORT=_free_port()
    ):
        assert run_retries() == DEFAULT_RETRIES
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1 + DEFAULT_RETRIES
    assert message.last_error


@pytest.mark.django_db
def test_rolled_back_email_never_reaches_the_server(
    smtp_server, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_email(to="a@example.it", subject="x", text="y")
            raise RuntimeError
        send_email(to="b@example.it", subject="kept", text="y")
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["b@example.it"]]
