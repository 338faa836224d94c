"""Delivery backends for the outbox: one small class per provider, chosen by settings.

``settings.NOTIFY_EMAIL_BACKEND`` picks from ``EMAIL_BACKENDS``, ``NOTIFY_SMS_BACKEND``
from ``SMS_BACKENDS``. A new provider is one class with ``send(message)`` registered with
``@register("sms", "name")``; ``send`` raises on failure, so the delivery task retries.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection

if TYPE_CHECKING:
    from portale.core.models import OutboxMessage


class DeliveryError(Exception):
    """The provider refused or could not take the message (retried by the task)."""


class Backend:
    name: ClassVar[str] = ""

    def send(self, message: OutboxMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


EMAIL_BACKENDS: dict[str, type[Backend]] = {}
SMS_BACKENDS: dict[str, type[Backend]] = {}
_REGISTRIES = {"email": EMAIL_BACKENDS, "sms": SMS_BACKENDS}
_SETTINGS = {"email": "NOTIFY_EMAIL_BACKEND", "sms": "NOTIFY_SMS_BACKEND"}


def register(*channels_and_name: str) -> Callable[[type[Backend]], type[Backend]]:
    """``@register("email", "sms", "outbox")``: the last argument is the setting value."""
    *channels, name = channels_and_name

    def decorator(cls: type[Backend]) -> type[Backend]:
        cls.name = name
        for channel in channels:
            _REGISTRIES[channel][name] = cls
        return cls

    return decorator


def get_backend(channel: str) -> Backend:
    """The backend configured for ``channel`` ("email" or "sms")."""
    setting = _SETTINGS[channel]
    name = getattr(settings, setting, "outbox") or "outbox"
    try:
        return _REGISTRIES[channel][name]()
    except KeyError:
        choices = ", ".join(sorted(_REGISTRIES[channel]))
        raise ImproperlyConfigured(f"{setting}={name!r}: choose one of {choices}.") from None


@register("email", "sms", "outbox")
class OutboxBackend(Backend):
    """The stored row is the delivery (demo and development: read it at /demo/outbox/)."""

    def send(self, message: OutboxMessage) -> None:
        return None


@register("email", "smtp")
class SmtpEmailBackend(Backend):
    """E-mail through Django's SMTP backend (EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, ...)."""

    connection_path = "django.core.mail.backends.smtp.EmailBackend"

    def send(self, message: OutboxMessage) -> None:
        connection = get_connection(self.connection_path, fail_silently=False)
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=message.sender or settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            connection=connection,
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        for attachment in message.attachments.all():
            email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
        sent = email.send(fail_silently=False)
        if not sent:
            raise DeliveryError("Il server di posta non ha accettato il messaggio.")


@register("email", "django")
class DjangoEmailBackend(SmtpEmailBackend):
    """E-mail through ``settings.EMAIL_BACKEND`` (locmem in tests, console in development)."""

    connection_path = None


@register("sms", "http")
class HttpSmsBackend(Backend):
    """SMS through an HTTP provider: POST JSON {"to", "from", "text"} to SMS_HTTP_URL.

    Each request carries ``Idempotency-Key: outbox-<id>``, the same on every attempt of one
    message: a worker killed after the provider accepted the SMS but before the row was
    marked sent sends it again (the durable job's rule), and a provider that honours the
    key delivers it once."""

    def send(self, message: OutboxMessage) -> None:
        url = settings.SMS_HTTP_URL
        if not url:
            raise ImproperlyConfigured("NOTIFY_SMS_BACKEND=http needs SMS_HTTP_URL.")
        body = json.dumps(
            {"to": message.recipient, "from": message.sender, "text": message.text}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": f"outbox-{message.pk}",
        }
        if settings.SMS_HTTP_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_HTTP_TOKEN}"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                status = response.status
                reply = response.read(500)
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode(errors="replace")
            raise DeliveryError(f"SMS provider HTTP {exc.code}: {detail}".strip()) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"SMS provider unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(
                f"SMS provider HTTP {status}: {reply.decode(errors='replace')}".strip()
            )
