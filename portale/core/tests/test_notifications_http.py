"""SMS through the HTTP provider backend, against a local http.server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import override_settings

from portale.core.models import OutboxMessage
from portale.core.notifications import send_sms
from portale.core.tasks import DEFAULT_RETRIES, HUEY
from portale.core.tests.queue import run_retries


class Provider:
    """A fake SMS provider: records requests, answers with the queued statuses (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                provider.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                status = provider.statuses.pop(0) if provider.statuses else 200
                payload = b'{"id": "abc"}' if status < 300 else b'{"error": "provider down"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/sms"


@pytest.fixture
def provider():
    provider = Provider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        with override_settings(
            NOTIFY_SMS_BACKEND="http", SMS_HTTP_URL=provider.url, SMS_HTTP_TOKEN="s3cret"
        ):
            yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()


pytestmark = pytest.mark.usefixtures("empty_queue")


@pytest.mark.django_db
def test_payload_and_auth_header_arrive(provider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice OTP: 123456", kind="otp")
    (request,) = provider.requests
    assert request["path"] == "/v1/sms"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"] == f"outbox-{message.pk}"
    assert request["body"] == {"to": "3471234567", "from": "40134", "text": "Codice OTP: 123456"}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.backend) == ("sent", 1, "http")


@pytest.mark.django_db
def test_server_error_is_retried_and_then_delivered(provider, django_capture_on_commit_callbacks):
    provider.statuses = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice OTP: 654321")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "HTTP 500" in message.last_error
    (retry,) = HUEY.scheduled()  # the retry waits 10 s
    assert retry.retries == DEFAULT_RETRIES - 1

    assert run_retries() == 2
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert len(provider.requests) == 3


@pytest.mark.django_db
def test_final_failure_is_recorded(provider, django_capture_on_commit_callbacks):
    provider.statuses = [500] * 10
    with django_capture_on_commit_callbacks(execute=True):
        message = send_sms(to="3471234567", text="Codice OTP: 000000")
    assert run_retries() == DEFAULT_RETRIES
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1 + DEFAULT_RETRIES
    assert "HTTP 500" in message.last_error and "provider down" in message.last_error
    assert len(provider.requests) == 1 + DEFAULT_RETRIES
    assert HUEY.scheduled() == []


@pytest.mark.django_db
def test_nothing_is_sent_when_the_caller_rolls_back(provider, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_sms(to="3471234567", text="Codice OTP: 999999")
        raise RuntimeError("validation failed later")
    assert provider.requests == []
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_real_commit_sends_once(provider):
    with transaction.atomic():
        send_sms(to="3471234567", text="uno")
        assert provider.requests == []
    assert [r["body"]["text"] for r in provider.requests] == ["uno"]
